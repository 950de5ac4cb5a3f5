"""``robots.txt``: crawlers may read the public pages; the member portal, the back office,
the API, accounts and one-person links (confirmations, cancellations, feeds) are left out, in
every language's prefix."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .i18n import language_codes

#: Paths crawlers are asked to leave alone (each also under /<language>/ for pages).
PRIVATE_PAGE_PATHS = (
    "/admin/",
    "/portal/",
    "/accounts/",
    "/notifications/",
    "/awards/portal/",
    "/awards/judging/",
    "/events/registrations/",
    "/events/feeds/",
    "/numbers/report-runs/",
    "/newsletter/confirm/",
    "/newsletter/preferences/",
    "/newsletter/unsubscribe/",
    "/search/",
)
PRIVATE_PATHS = ("/api/", "/i18n/", "/healthz")


def disallowed_paths() -> list[str]:
    paths = list(PRIVATE_PATHS)
    prefixes = [""] + ["/" + code for code in language_codes() if code != settings.LANGUAGE_CODE]
    for prefix in prefixes:
        paths += [prefix + path for path in PRIVATE_PAGE_PATHS]
    return paths


@require_GET
@cache_control(max_age=24 * 60 * 60, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in disallowed_paths()]
    lines += ["", f"Sitemap: {settings.SITE_URL.rstrip('/')}/sitemap.xml", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
