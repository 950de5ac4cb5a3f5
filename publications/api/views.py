from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from publications import selectors
from publications.models import Kind, Topic
from wego_portal.api_tools import PagePagination, error_responses

from .serializers import PublicationSerializer

PARAMETERS = [
    OpenApiParameter("kind", OpenApiTypes.STR, enum=Kind.values),
    OpenApiParameter("topic", OpenApiTypes.STR, enum=Topic.values),
    OpenApiParameter("year", OpenApiTypes.INT),
    OpenApiParameter("language", OpenApiTypes.STR, description="A language code (en, ko…)."),
]


@extend_schema_view(
    list=extend_schema(
        summary="List publications",
        description="WeGO's published documents, newest year first.",
        parameters=PARAMETERS,
        responses={200: PublicationSerializer(many=True), **error_responses(429)},
    ),
    retrieve=extend_schema(
        summary="One publication",
        responses={200: PublicationSerializer, **error_responses(404, 429)},
    ),
)
class PublicationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PublicationSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = PagePagination
    lookup_field = "slug"

    def get_queryset(self):
        chosen = {key: self.request.query_params.get(key, "")[:20] for key in selectors.FILTERS}
        return selectors.library(chosen)
