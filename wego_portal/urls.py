from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control

from accounts.views import (
    RateLimitedLoginView,
    RateLimitedPasswordResetView,
    account_overview,
    api_tokens,
)

from .health import healthz, liveness, readiness, status_page
from .i18n import set_language
from .observability.metrics import metrics_view
from .ratelimits import too_many_requests
from .robots import robots_txt
from .sitemaps import portal_sitemaps, sitemap_index
from .views import HomeView, favicon

# The admin login goes through allauth's login (rate limits, two-factor, e-mail verification).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth's documented wrapping of the admin login
admin.site.site_header = _("WeGO back office")
admin.site.site_title = _("WeGO back office")
admin.site.index_title = _("Secretariat dashboard")
admin.site.index_template = "admin/wego_index.html"

# A database outage answers a styled 503 with Retry-After instead of a bare 500.
handler500 = "wego_portal.views.server_error"


def handler429(request):
    """allauth's own rate limits (sign-in, e-mail, password) answer with the portal's page."""
    return too_many_requests(request)


# Not translated: the health checks, the metrics, the language switcher and the API (whose texts follow
# Accept-Language).
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("healthz/live", liveness, name="healthz_live"),
    path("healthz/ready", readiness, name="healthz_ready"),
    path("metrics", metrics_view, name="metrics"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap_index,
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_control(max_age=60 * 60, public=True)(sitemap_views.sitemap),
        {"sitemaps": portal_sitemaps()},
        name="sitemap_section",
    ),
    path("api/v1/", include("wego_portal.api_urls")),
]

# Pages: English without a prefix, every other language under /<code>/.
urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("status/", status_page, name="status"),
    path("accounts/login/", RateLimitedLoginView.as_view(), name="account_login"),
    path("accounts/", account_overview, name="account_overview"),
    path(
        "accounts/password/reset/",
        RateLimitedPasswordResetView.as_view(),
        name="account_reset_password",
    ),
    path("accounts/", include("allauth.urls")),
    path("portal/api-tokens/", api_tokens, name="api_tokens"),
    path("admin/", admin.site.urls),
    path("notifications/", include("notifications.urls")),
    path("", include("members.urls")),
    path("", include("news.urls")),
    path("", include("publications.urls")),
    path("", include("events.urls")),
    path("", include("programs.urls")),
    path("", include("awards.urls")),
    path("", include("health.urls")),
    path("", include("catalog.urls")),
    path("", include("reports.urls")),
    path("", include("privacy.urls")),
    path("", include("governance.urls")),
    path("", include("search.urls")),
    path("", include("newsletter.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
