"""Shared helpers of the apps' api/ packages: error documentation, domain errors, filters."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination

from wego_portal.stale_decisions import ChangedMeanwhile


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    # A declared field is taken off the class by DRF, so it does not replace Serializer.fields.
    fields = serializers.DictField(required=False, help_text="Field name: list of messages.")  # type: ignore[assignment]


class ErrorSerializer(serializers.Serializer):
    """The one error body every endpoint answers with."""

    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    400: "Invalid input, or a move the object's state does not allow.",
    401: "Not signed in: send a session cookie or `Authorization: Token <token>`.",
    404: "No such object, or not one the caller may see.",
    409: "Conflicts with the current state (already done, or changed meanwhile).",
    429: "Too many requests: retry after `Retry-After` seconds.",
}


def error_responses(*statuses: int) -> dict:
    """``OpenApiResponse`` entries for ``responses=`` of ``extend_schema``."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }


class DomainError(exceptions.APIException):
    """A domain refusal (the app's own error class) turned into an API error."""

    status_code = 400
    default_code = "not_allowed"

    def __init__(self, detail, *, status: int = 400, code: str = "not_allowed"):
        super().__init__(detail=str(detail), code=code)
        self.status_code = status


def domain_error(exc: Exception, *, conflicts: tuple[type[Exception], ...] = ()) -> DomainError:
    """The API error for a domain error: 409 for ``conflicts``, otherwise 400.

    A stale decision (``If-Match`` named a status the object no longer has) is always
    ``409 changed_meanwhile``.
    """
    if isinstance(exc, ChangedMeanwhile):
        return DomainError(exc, status=409, code="changed_meanwhile")
    if isinstance(exc, conflicts):
        return DomainError(exc, status=409, code="conflict")
    return DomainError(exc)


class FilterSetBackend:
    """Filter a list with an app's own django-filter FilterSet (the HTML page's filters).

    ``view.filterset_class`` names it; invalid values answer 400 with the fields' errors. The
    parameters are documented on the view (``OpenApiParameter``), not generated here.
    """

    def filter_queryset(self, request, queryset, view):
        filterset = view.filterset_class(request.query_params, queryset=queryset)
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return filterset.qs

    def get_schema_operation_parameters(self, view):
        return []


class PagePagination(PageNumberPagination):
    """Page numbers for modest, curated lists that keep their page's own order."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def document_page_not_found(result, generator, request, public):
    """drf-spectacular hook: every paginated list documents its 404 for a cursor or page
    number that is not one it gave (REST framework's paginators answer those with 404)."""
    response = {
        "description": "No such page: the `cursor` or `page` is not one this list gave.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            names = {parameter.get("name") for parameter in operation.get("parameters", [])}
            if names & {"cursor", "page"}:
                operation.setdefault("responses", {}).setdefault("404", response)
    return result
