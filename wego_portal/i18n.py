"""The portal's languages: choosing one, remembering it, and linking a page's versions.

English pages have no prefix (today's links keep working); the other languages live under
``/<code>/`` (``i18n_patterns``). The API, ``/healthz``, static and media files have no prefix
and speak the caller's ``Accept-Language``.

Which language a visitor gets on an English (unprefixed) page:

1. the language they chose with the switcher (a cookie), else
2. a signed-in user's preferred language, else
3. their browser's ``Accept-Language`` (a first visit);

anything but English redirects to the same page under that language's prefix. A prefixed URL
is always served in its own language, so links are shareable.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

# Paths outside i18n_patterns: never prefixed, never redirected.
UNPREFIXED_PATHS = ("/api/", "/healthz", "/i18n/", "/static/", "/media/", "/favicon")

RTL_LANGUAGES = {"ar", "he", "fa", "ur"}


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def supported(code: str | None) -> str | None:
    """``code`` as one of our languages (``zh-Hans`` → ``zh-hans``, ``ko-KR`` → ``ko``), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.lower())
    except LookupError:
        return None


def is_prefixable(path: str) -> bool:
    return not path.startswith(UNPREFIXED_PATHS)


def unprefixed_path(path: str) -> str:
    """``/ko/members/`` → ``/members/``; an English path is returned as it is."""
    lang = translation.get_language_from_path(path)
    if lang and path.startswith(f"/{lang}/"):
        return path[len(lang) + 1 :]
    return path


def path_in_language(path: str, code: str) -> str:
    """The same page (query string included) in language ``code``.

    ``path`` is resolved in its own language (its prefix, or none for English), whatever
    language the current request speaks. A path that does not resolve is returned unchanged.
    """
    own = translation.get_language_from_path(urlsplit(path).path) or settings.LANGUAGE_CODE
    with translation.override(own):
        return translate_url(path, code)


def wanted_language(request: HttpRequest) -> str:
    """The language a request arriving on an unprefixed page should be shown in."""
    chosen = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if chosen:
        return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return supported(user.preferred_language) or settings.LANGUAGE_CODE
    accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in translation.trans_real.parse_accept_lang_header(accept):
        if code == "*":
            break
        found = supported(code)
        if found:
            return found
    return settings.LANGUAGE_CODE


class PreferredLanguageMiddleware:
    """Redirects an unprefixed page to the visitor's language; API calls follow Accept-Language.

    Runs after LocaleMiddleware and authentication. Only safe methods are redirected, so a
    form posted to an English URL is never lost.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not is_prefixable(path):
            # The API: error texts in the caller's Accept-Language (no cookie, no redirect).
            accept_only = translation.get_language_from_request(request, check_path=False)
            translation.activate(accept_only)
            request.LANGUAGE_CODE = translation.get_language()
            return self.get_response(request)
        if request.method in ("GET", "HEAD") and not translation.get_language_from_path(path):
            wanted = wanted_language(request)
            if wanted != settings.LANGUAGE_CODE:
                target = path_in_language(request.get_full_path(), wanted)
                if target != request.get_full_path():
                    response = HttpResponseRedirect(target)
                    patch_vary_headers(response, ["Accept-Language", "Cookie"])
                    return response
        response = self.get_response(request)
        if translation.get_language_from_path(path) is None:
            patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response


def set_language_cookie(response: HttpResponse, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or settings.SESSION_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@csrf_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switcher: the same page in the chosen language.

    Remembers the choice in a cookie and, for a signed-in user, as their preferred language
    (e-mails and notices follow it). An unknown language is a 400; an off-site ``next`` goes
    to the home page.

    A visitor's switch only sets a cookie in their own browser, so the form on visitors' pages
    carries no CSRF token: those pages are cached whole and shared (``anonymous_page_cache``),
    and a token in them would be someone else's. Changing a signed-in user's preference is
    CSRF-protected (their pages are never cached and carry the token).
    """
    if request.user.is_authenticated:
        return _set_language_of_user(request)
    return _switch_language(request)


@csrf_protect
def _set_language_of_user(request: HttpRequest) -> HttpResponse:
    return _switch_language(request)


def _switch_language(request: HttpRequest) -> HttpResponse:
    from accounts.services import user_set_preferred_language

    code = supported(request.POST.get("language"))
    if code is None or code not in language_codes():
        return HttpResponse(status=400)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    target = path_in_language(next_url, code)
    if request.user.is_authenticated:
        user_set_preferred_language(user=request.user, language=code)
    response = HttpResponseRedirect(target)
    set_language_cookie(response, code)
    return response


@functools.lru_cache(maxsize=1024)
def _paths_in_languages(path: str) -> tuple[tuple[str, str], ...]:
    """(code, ``path`` in that language) for every language: resolving and reversing a path
    eight times is most of a page's language links, and a path's are the same for every query
    string (``path_in_language`` keeps the query as it is)."""
    return tuple((code, path_in_language(path, code)) for code in language_codes())


setting_changed.connect(
    lambda **kwargs: _paths_in_languages.cache_clear(), weak=False, dispatch_uid="i18n-paths"
)


def _alternates(request: HttpRequest) -> list[dict]:
    if not is_prefixable(request.path_info):
        return []
    base, _, query = request.get_full_path().partition("?")
    current = translation.get_language()
    links = []
    for code, translated in _paths_in_languages(base):
        info = translation.get_language_info(code)
        path = f"{translated}?{query}" if query else translated
        links.append(
            {
                "code": code,
                "name_local": info["name_local"],
                "url": settings.SITE_URL.rstrip("/") + path,
                "path": path,
                "current": code == current,
                "bidi": code in RTL_LANGUAGES,
            }
        )
    return links


def language_links(request: HttpRequest) -> dict:
    """Template context: the page in every language (switcher, hreflang) and the direction."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "language_alternates": SimpleLazyObject(lambda: _alternates(request)),
        "text_direction": "rtl" if translation.get_language_bidi() else "ltr",
        "page_path": SimpleLazyObject(lambda: unprefixed_path(request.path)),
        # Whether the page has language links (the switcher's memo key: it has no address).
        "page_in_languages": is_prefixable(request.path_info),
        "html_lang": translation.get_language_info(current)["code"].replace("zh-hans", "zh-Hans"),
    }


def datetime_with_zone(value) -> str:
    """A date and time in the active language's style followed by the zone ("5 August 2020,
    14:00 KST"; "2020년 8월 5일 2:00 오후 KST"). ``value`` is already in local time."""
    from django.utils.formats import date_format

    return f"{date_format(value, 'DATETIME_FORMAT')} {date_format(value, 'T')}"


def translated_columns(field: str, text: str) -> dict[str, str | None]:
    """A data loader's text in every language's column: ``{field_en: text, field_ko: …}``.

    Each language's column gets the message catalogue's translation of ``text`` (so a loader's
    texts are translated with the portal's own strings), or None where the catalogue does not
    translate it: the page then falls back to English.
    """
    from django.conf import settings
    from django.utils import translation

    columns: dict[str, str | None] = {f"{field}_en": text}
    for code, _name in settings.LANGUAGES:
        if code == "en":
            continue
        with translation.override(code):
            value = translation.gettext(text) if text else ""
        columns[f"{field}_{code.replace('-', '_')}"] = value if value and value != text else None
    return columns
