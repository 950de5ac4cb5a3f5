"""``/api/v1/``: an index of the API's list endpoints and its documentation."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response


def _list_routes() -> list[str]:
    """The names of the API's routes that take no argument (lists), in URL order."""
    resolver = get_resolver().namespace_dict["api"][1]
    names: list[str] = []

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name is not None
                and pattern.name.endswith("-list")
                and not pattern.pattern.converters
                and pattern.name not in names
            ):
                names.append(pattern.name)

    walk(resolver.url_patterns)
    return names


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_index(request: Request) -> Response:
    """Every list endpoint by its path ("me/…" ones answer the signed-in caller), and the docs."""
    root = reverse("api:index")
    paths = [reverse(f"api:{name}") for name in _list_routes()]
    endpoints = {
        path.removeprefix(root).strip("/"): request.build_absolute_uri(path) for path in paths
    }
    return Response(
        {
            "endpoints": endpoints,
            "schema": request.build_absolute_uri(reverse("api:schema")),
            "documentation": request.build_absolute_uri(reverse("api:redoc")),
            "try_it": request.build_absolute_uri(reverse("api:docs")),
        }
    )
