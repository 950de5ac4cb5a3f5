from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from health import selectors
from health.enums import HealthTopic
from health.filters import InitiativeFilter, SupplierFilter
from members.enums import Region
from wego_portal.api_tools import FilterSetBackend, PagePagination, error_responses

from .serializers import InitiativeSerializer, SupplierSerializer

COUNTRY = OpenApiParameter("country", OpenApiTypes.STR, description="ISO 3166-1 alpha-2 code")
SEARCH = OpenApiParameter("q", OpenApiTypes.STR, description="Words to look for.")


@extend_schema_view(
    list=extend_schema(
        summary="List Data Portal initiatives",
        description="Published Smart Health Responder initiatives, most recent first.",
        parameters=[
            SEARCH,
            OpenApiParameter("topic", OpenApiTypes.STR, many=True, enum=HealthTopic.values),
            OpenApiParameter("region", OpenApiTypes.STR, many=True, enum=Region.values),
            COUNTRY,
            OpenApiParameter("year", OpenApiTypes.INT, description="Year it started."),
            OpenApiParameter("member", OpenApiTypes.STR, description="Sharing member's slug."),
        ],
        responses={200: InitiativeSerializer(many=True), **error_responses(400, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="One Data Portal initiative",
        responses={200: InitiativeSerializer, **error_responses(404, 429)},
    ),
)
class InitiativeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InitiativeSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = PagePagination
    filter_backends = [FilterSetBackend]
    filterset_class = InitiativeFilter
    lookup_value_regex = r"[0-9]+"
    queryset = selectors.published_initiatives()


@extend_schema_view(
    list=extend_schema(
        summary="List suppliers",
        description="The Smart Health Responder supplier directory, by name.",
        parameters=[
            SEARCH,
            OpenApiParameter("category", OpenApiTypes.STR, many=True, description="Slug(s)."),
            COUNTRY,
        ],
        responses={200: SupplierSerializer(many=True), **error_responses(400, 404, 429)},
    ),
    retrieve=extend_schema(
        summary="One supplier", responses={200: SupplierSerializer, **error_responses(404, 429)}
    ),
)
class SupplierViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SupplierSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = PagePagination
    filter_backends = [FilterSetBackend]
    filterset_class = SupplierFilter
    lookup_field = "slug"
    queryset = selectors.published_suppliers()
