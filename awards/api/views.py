from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets

from awards import selectors
from awards.models import Category, Entry
from wego_portal.api_tools import error_responses

from .serializers import EditionDetailSerializer, EditionSerializer, EntrySerializer


@extend_schema_view(
    list=extend_schema(
        summary="List award editions",
        description="Public editions of the WeGO Awards, newest first.",
        responses={200: EditionSerializer(many=True), **error_responses(429)},
    ),
    retrieve=extend_schema(
        summary="One award edition",
        description="With its categories and, once published, the results by category.",
        responses={200: EditionDetailSerializer, **error_responses(404, 429)},
    ),
)
class EditionViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    lookup_field = "year"
    lookup_value_regex = r"[0-9]{4}"

    def get_serializer_class(self):
        return EditionDetailSerializer if self.action == "retrieve" else EditionSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            # The public page's own query (categories prefetched, judges not needed here).
            return selectors.public_editions().prefetch_related(
                Prefetch("categories", queryset=Category.objects.order_by("position", "name"))
            )
        return selectors.public_editions()


@extend_schema_view(
    list=extend_schema(
        summary="The caller's award entries",
        description="Every entry of every organization the caller acts for.",
        responses={200: EntrySerializer(many=True), **error_responses(401, 429)},
    ),
    retrieve=extend_schema(
        summary="One of the caller's award entries",
        responses={200: EntrySerializer, **error_responses(401, 404, 429)},
    ),
)
class MyEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EntrySerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Entry.objects.none()
        return selectors.entries_of_user(self.request.user)
