"""/api/v1/: every app's endpoints, the OpenAPI schema and its docs (served from local files)."""

from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

app_name = "api"

urlpatterns = [
    path("", include("members.api.urls")),
    path("", include("events.api.urls")),
    path("", include("awards.api.urls")),
    path("", include("programs.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("health.api.urls")),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
