"""/api/v1/: every app's endpoints, the OpenAPI schema and its docs (served from local files)."""

from typing import Any

from django.conf import settings
from django.urls import include, path
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from .api_index import api_index

app_name = "api"


# What ReDoc needs beyond the site's policy, and nothing more: its styled components carry this
# response's nonce; two <style> elements its bundle inserts while loading (before it knows the
# nonce) are allowed by their hashes; its search index runs in a worker made from a blob.
REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # an empty <style> element
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]


REDOC_CSP: dict[str, Any] = {
    **settings.SECURE_CSP,
    "style-src": [CSP.SELF, CSP.NONCE, *REDOC_STYLE_HASHES],
    "worker-src": [CSP.SELF, "blob:"],
}


@method_decorator(
    csp_override(REDOC_CSP),
    name="dispatch",
)
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger.html"


urlpatterns = [
    path("", api_index, name="index"),
    path("", include("members.api.urls")),
    path("", include("events.api.urls")),
    path("", include("awards.api.urls")),
    path("", include("programs.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("health.api.urls")),
    path("", include("governance.api.urls")),
    path("", include("news.api.urls")),
    path("", include("publications.api.urls")),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
]
