from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from catalog import selectors
from catalog.enums import ProjectSource
from catalog.filters import ProjectFilter
from members.enums import Region
from wego_portal.api_tools import FilterSetBackend, PagePagination, error_responses

from .serializers import ProjectSerializer

PROJECT_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Words of the title, city or texts."),
    OpenApiParameter("area", OpenApiTypes.STR, many=True, description="Area slug(s)."),
    OpenApiParameter("region", OpenApiTypes.STR, many=True, enum=Region.values),
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO 3166-1 alpha-2 code"),
    OpenApiParameter("year", OpenApiTypes.INT, description="Year the project started."),
    OpenApiParameter("source", OpenApiTypes.STR, many=True, enum=ProjectSource.values),
]


@extend_schema_view(
    list=extend_schema(
        summary="List catalog projects",
        description="Published smart-city projects of WeGO members, newest first.",
        parameters=PROJECT_PARAMETERS,
        responses={200: ProjectSerializer(many=True), **error_responses(400, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="One catalog project",
        responses={200: ProjectSerializer, **error_responses(404, 429)},
    ),
)
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = PagePagination
    filter_backends = [FilterSetBackend]
    filterset_class = ProjectFilter
    lookup_field = "slug"
    queryset = selectors.published_projects()
