import django_filters
from django.db.models import OuterRef, Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.exceptions import ValidationError

from members import selectors
from members.filters import DirectoryFilter
from members.models import Office, Organization, OrganizationUser
from wego_portal.api import StandardCursorPagination
from wego_portal.api_caching import shared_anonymous_responses
from wego_portal.api_tools import error_responses

from .serializers import (
    MyOrganizationSerializer,
    OfficeSerializer,
    OrganizationRowSerializer,
    OrganizationSerializer,
)

DIRECTORY_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Name, city or country; typos forgiven."),
    OpenApiParameter(
        "type",
        OpenApiTypes.STR,
        many=True,
        description="local_government, corporation, institution",
    ),
    OpenApiParameter(
        "region",
        OpenApiTypes.STR,
        many=True,
        description="africa, europe, middle_east, americas, asia_pacific",
    ),
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO 3166-1 alpha-2 code, e.g. KR"),
    OpenApiParameter("office", OpenApiTypes.STR, description="Office slug, e.g. east-asia"),
    OpenApiParameter("joined", OpenApiTypes.INT, description="Year the member joined (1900-2100)"),
]


class ApiDirectoryFilter(DirectoryFilter):
    """The directory's FilterSet with the joined year bounded (``joined=0`` was a 500)."""

    joined = django_filters.NumberFilter(method="filter_joined", min_value=1900, max_value=2100)


class DirectoryFilterBackend:
    """The directory's own FilterSet, so the page and the API filter identically."""

    def filter_queryset(self, request, queryset, view):
        params = request.query_params.copy()
        params.pop("sort", None)  # the API orders by its cursor
        if not params.keys() & ApiDirectoryFilter.base_filters.keys():
            return queryset  # nothing to filter by: no form to build and validate
        filterset = ApiDirectoryFilter(params, queryset=queryset)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs

    def get_schema_operation_parameters(self, view):
        return []


@extend_schema_view(
    list=extend_schema(
        summary="List members",
        description="Active WeGO members (partners excluded), cursor-paginated by name.",
        parameters=DIRECTORY_PARAMETERS,
        responses={200: OrganizationSerializer(many=True), **error_responses(400, 429)},
    ),
    retrieve=extend_schema(
        summary="One member or partner",
        responses={200: OrganizationSerializer, **error_responses(404, 429)},
    ),
)
@shared_anonymous_responses(version=selectors.DIRECTORY_VERSION, prefix="organizations")
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganizationSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = StandardCursorPagination
    filter_backends = [DirectoryFilterBackend]
    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.public_organizations()
        return selectors.directory_queryset()

    def list(self, request, *args, **kwargs):
        """A page of rows (dictionaries of the columns shown), not of model instances."""
        rows = selectors.organization_rows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        serializer = OrganizationRowSerializer(
            page, many=True, context=self.get_serializer_context()
        )
        return self.get_paginated_response(serializer.data)


@extend_schema_view(
    list=extend_schema(
        summary="List offices",
        responses={200: OfficeSerializer(many=True), **error_responses(429)},
    ),
    retrieve=extend_schema(
        summary="One office", responses={200: OfficeSerializer, **error_responses(404, 429)}
    ),
)
@shared_anonymous_responses(version=selectors.DIRECTORY_VERSION, prefix="offices")
class OfficeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OfficeSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    lookup_field = "slug"
    queryset = Office.objects.all()


@extend_schema_view(
    list=extend_schema(
        summary="The caller's organizations",
        description="With the caller's role.",
        responses={200: MyOrganizationSerializer(many=True), **error_responses(401, 429)},
    )
)
class MyOrganizationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MyOrganizationSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Organization.objects.none()
        role = OrganizationUser.objects.filter(
            organization=OuterRef("pk"), user=self.request.user
        ).values("role")[:1]
        return selectors.organizations_of_user(self.request.user).annotate(role=Subquery(role))
