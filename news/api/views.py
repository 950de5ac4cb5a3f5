from django.core.paginator import Paginator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from members.enums import Region
from news import selectors
from wego_portal.api_tools import PagePagination, error_responses

from .serializers import ArticleSerializer

PARAMETERS = [
    OpenApiParameter("category", OpenApiTypes.STR, description="Category slug."),
    OpenApiParameter("region", OpenApiTypes.STR, enum=Region.values),
    OpenApiParameter("year", OpenApiTypes.INT, description="Year of publication."),
]


class ArticlePagination(PagePagination):
    """Page numbers with the list's total from ``selectors.article_count`` (cached), not a
    count of every article per request."""

    def paginate_queryset(self, queryset, request, view=None):
        self.total = selectors.article_count(**_filters(request))
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page):
        paginator = Paginator(object_list, per_page)
        paginator.count = self.total
        return paginator


def _filters(request) -> dict[str, str]:
    params = request.query_params
    return {
        "category": params.get("category", "")[:80],
        "region": params.get("region", ""),
        "year": params.get("year", ""),
    }


@extend_schema_view(
    list=extend_schema(
        summary="List news articles",
        description="Published news of WeGO, newest first.",
        parameters=PARAMETERS,
        responses={200: ArticleSerializer(many=True), **error_responses(404, 429)},
    ),
    retrieve=extend_schema(
        summary="One news article",
        responses={200: ArticleSerializer, **error_responses(404, 429)},
    ),
)
class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ArticleSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = ArticlePagination
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.article_list(**_filters(self.request)).prefetch_related(
            "organizations", "events"
        )
