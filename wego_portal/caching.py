"""Whole-page caching of public lists for anonymous visitors.

Visitors make most directory traffic and all of them see the same page for the same URL, so
the rendered page is kept in the shared cache under a key that includes a *version*: any
change to the underlying data bumps the version, so a cached page is never stale. Signed-in
users (whose header shows their name and notices) and requests carrying flash messages are
always rendered fresh.

The same key is the page's ``ETag``: a browser or a CDN that already holds this version of the
page gets ``304 Not Modified`` before anything is rendered or queried, and the response says
``Cache-Control: public, max-age=<PUBLIC_PAGE_MAX_AGE>`` so a shared cache may keep it briefly.
Such a response never sets a cookie (a page that would is not cached).
"""

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


@dataclass(frozen=True)
class CacheVersion:
    """A counter in the shared cache that versions cached pages and counts.

    Cache keys include ``current()``; the service that changes the data calls ``bump()``
    (after commit: ``transaction.on_commit(VERSION.bump)``), so nothing cached is stale.
    """

    key: str

    def current(self) -> int:
        # get_or_set returns None only for a default of None; ours is 1.
        return cast("int", cache.get_or_set(self.key, 1, None))

    def bump(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # not in the cache (evicted or never read): start past 1
            cache.set(self.key, 2, None)

    def read(self, key: str) -> tuple[int, Any]:
        """The current version and what ``key`` holds for it (None when nothing, or something
        stored for an older version), in one cache round trip. Store with ``write`` under the
        version this returned, read before computing: what was computed while the data changed
        is stored under the old version and never served."""
        found = cache.get_many([self.key, key])
        current = found.get(self.key)
        if current is None:
            current = self.current()
        entry = found.get(key)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == current:
            return current, entry[1]
        return current, None

    def write(self, key: str, version: int, value: Any, timeout: int | None) -> None:
        cache.set(key, (version, value), timeout)


def version_etag(key: str) -> str:
    """The ``ETag`` of what is cached under ``key`` (which names the data version)."""
    return quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])


def etag_matches(request: HttpRequest, etag: str) -> bool:
    """Whether the request's ``If-None-Match`` names ``etag`` (compared weakly, as the header
    asks) or is ``*``: the client holds the current version."""
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    return "*" in wanted or etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in wanted}


def mark_public(response: HttpResponseBase, vary: list[str]) -> None:
    """Anyone (a browser, a CDN) may keep the response ``PUBLIC_PAGE_MAX_AGE`` seconds, apart
    for each value of the ``vary`` request headers."""
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
    patch_vary_headers(response, vary)


def _public(response: HttpResponse) -> None:
    mark_public(response, ["Cookie", "Accept-Language"])


def _public_cache_control() -> str:
    """``Cache-Control`` as ``mark_public`` writes it on a response that had none."""
    return f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"


def anonymous_page_cache(
    *, version: CacheVersion | Callable[[], int | str], prefix: str, timeout: int = 300
):
    """Serve visitors the page cached for this URL, language and data ``version``.

    With a ``CacheVersion`` a hit (and a 304) is one cache round trip: the version and the
    page are read together, as ``cached_fragment`` reads a fragment; with a function returning
    the version, two. The ``ETag`` names the version either way.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            cacheable = (
                request.method in ("GET", "HEAD")
                and not request.user.is_authenticated
                and "messages" not in request.COOKIES
            )
            if not cacheable:
                return view(request, *args, **kwargs)
            digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
            language = get_language()
            current: int | str
            if isinstance(version, CacheVersion):
                key = f"page:{prefix}:{language}:{digest}"
                current, cached = version.read(key)
            else:
                current = version()
                key = f"page:{prefix}:{current}:{language}:{digest}"
                cached = None
            etag = version_etag(f"page:{prefix}:{current}:{language}:{digest}")
            if etag_matches(request, etag):
                response: HttpResponse = HttpResponseNotModified()
                response["ETag"] = etag
                _public(response)
                return response
            if cached is None and not isinstance(version, CacheVersion):
                cached = cache.get(key)
            if cached is not None:
                # A new response has no caching headers yet: they are set outright, as
                # ``_public`` would write them (no parsing of what is not there).
                content, content_type = cached
                response = HttpResponse(content, content_type=content_type)
                response.headers["ETag"] = etag
                response.headers["Cache-Control"] = _public_cache_control()
                response.headers["Vary"] = "Cookie, Accept-Language"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code == 200 and not response.cookies:
                page = (response.content, response["Content-Type"])
                if isinstance(version, CacheVersion):
                    version.write(key, cast("int", current), page, timeout)
                else:
                    cache.set(key, page, timeout)
            if response.status_code == 200 and not response.cookies:
                response["ETag"] = etag
                _public(response)
            else:
                patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator


def cached_fragment(
    request: HttpRequest,
    *,
    version: CacheVersion | Callable[[], int | str],
    prefix: str,
    render: Callable[[], str],
    timeout: int = 300,
) -> str:
    """A part of a page that is the same for every visitor, rendered once per URL, language and
    data ``version`` and kept in the shared cache for ``timeout`` seconds.

    For pages a signed-in user also sees (whose header is theirs, so the whole page cannot be
    shared): the list itself — results, facets, pagination — is built and rendered only on a
    miss, so a hit costs no query. With a ``CacheVersion`` a hit is one cache round trip (the
    version and the fragment are read together); with a function returning the version, two.
    ``render`` must not use anything of the user's (no CSRF token, no name, no permission); the
    URL path carries the language prefix and the query.
    """
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    if isinstance(version, CacheVersion):
        key = f"fragment:{prefix}:{get_language()}:{digest}"
        current, html = version.read(key)
        if html is None:
            html = render()
            version.write(key, current, html, timeout)
    else:
        key = f"fragment:{prefix}:{version()}:{get_language()}:{digest}"
        html = cache.get(key)
        if html is None:
            html = render()
            cache.set(key, html, timeout)
    # HTML this portal's own template rendered (escaped there).
    return mark_safe(html)  # noqa: S308  # nosec B308 B703
