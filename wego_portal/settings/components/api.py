"""The REST API: REST framework, tokens (knox) and the OpenAPI schema."""

from ..environment import env
from .authentication import TRUSTED_PROXY_COUNT

# --- REST framework ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Personal tokens (hashed at rest) for scripts, first so that a missing or bad token
        # answers 401 with WWW-Authenticate; session auth (CSRF on writes) for our own pages.
        "wego_portal.api.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "wego_portal.api.StandardCursorPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "wego_portal.api.error_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "wego_portal.api.AnonRateThrottle",
        "wego_portal.api.UserRateThrottle",
        "wego_portal.api.WriteRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        "write": env.str("API_THROTTLE_WRITE", default="60/min"),
    },
    "DEFAULT_VERSIONING_CLASS": None,
    # The client address for throttling: X-Forwarded-For only behind trusted proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
REST_KNOX = {
    "TOKEN_TTL": None,  # each token gets the expiry its owner chose (or none)
    "AUTO_REFRESH": False,
    "TOKEN_PREFIX": "wego_",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WeGO Portal API",
    "DESCRIPTION": "Public and member API of the World Smart Sustainable Cities Organization.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        # One name per choice set shared by several apps' endpoints (the API's enums).
        "CountryEnum": "django_countries.countries",
        "OrganizationStatusEnum": "members.enums.OrganizationStatus",
        "OfficeKindEnum": "members.enums.OfficeKind",
        "EventKindEnum": "events.enums.EventKind",
        "EventStatusEnum": "events.enums.EventStatus",
        "RegistrationStatusEnum": "events.enums.RegistrationStatus",
        "ApplicationKindEnum": "programs.enums.ApplicationKind",
        "ApplicationStatusEnum": "programs.enums.ApplicationStatus",
        "MessageKindEnum": "programs.enums.MessageKind",
        "EntryStatusEnum": "awards.enums.EntryStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "wego_portal.api_tools.document_page_not_found",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
