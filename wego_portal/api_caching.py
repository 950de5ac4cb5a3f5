"""The public API's anonymous answers, shared through the cache like the visitors' pages.

A list or detail endpoint answers every anonymous caller the same for the same request, so the
rendered JSON is kept in the shared cache under a key made of everything the body depends on:

- the address as the body's links spell it: scheme, host, path, and the query string with its
  parameters in a fixed order (``?type=x&q=y`` and ``?q=y&type=x`` are one entry);
- the negotiated media type (``Accept``, ``?format=``; ``application/json; indent=4`` is
  another body) and the language (``Accept-Language``: translated names and texts, links);
- the *data version* of what the endpoint shows (``CacheVersion``), bumped after every change
  of that data, so an entry is never served once the data changed.

Only ``GET``/``HEAD`` of anonymous callers (no session user, no token) rendered as JSON are
shared: a signed-in caller's answer is computed every time, never stored, and marked
``Cache-Control: private``; the browsable API's HTML page (a form, a CSRF token) is never
stored. Only a ``200`` without a cookie is stored. The view's throttles, permissions and
content negotiation run first (REST framework's ``initial()``), so an anonymous client over its
rate still gets ``429`` and never a cached body.

The entry's key and version make the ``ETag``: a client or CDN holding the current version gets
``304 Not Modified`` (no query, no body); shared answers say ``Cache-Control: public,
max-age=<PUBLIC_PAGE_MAX_AGE>`` and every answer ``Vary: Accept, Accept-Language,
Authorization, Cookie``. A hit or a ``304`` costs one cache round trip (the version and the entry
are read together) after the throttle's.
"""

import functools
import hashlib
from collections.abc import Callable
from operator import itemgetter
from typing import TypeVar
from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from wego_portal.caching import CacheVersion, etag_matches, mark_public, version_etag

#: Request headers an API answer depends on, beyond its address.
VARY = ["Accept", "Accept-Language", "Authorization", "Cookie"]
#: Seconds an entry is kept at most (a new data version replaces it sooner).
TIMEOUT = 300

ViewSet = TypeVar("ViewSet", bound=type)


def shared_anonymous_responses(
    *, version: CacheVersion, prefix: str, actions: tuple[str, ...] = ("list", "retrieve")
) -> Callable[[ViewSet], ViewSet]:
    """Class decorator of a read-only viewset: its ``actions`` answer anonymous callers from
    the shared cache, versioned by ``version`` (see the module's docstring).

    Apply it only where an anonymous caller's answer shows nothing of the caller and changes
    only with ``version``.
    """

    def decorate(viewset: ViewSet) -> ViewSet:
        for action in actions:
            setattr(viewset, action, _shared(getattr(viewset, action), version, prefix))
        return viewset

    return decorate


def _shared(action, version: CacheVersion, prefix: str):
    @functools.wraps(action)
    def wrapper(view, request: Request, *args, **kwargs) -> HttpResponseBase:
        if not _shareable(request):
            fresh = action(view, request, *args, **kwargs)
            patch_vary_headers(fresh, VARY)
            if request.user.is_authenticated or request.auth is not None:
                patch_cache_control(fresh, private=True)
            return fresh
        key = _key(request, prefix)
        current, cached = version.read(key)
        etag = version_etag(f"{key}:{current}")
        if etag_matches(request, etag):
            response: HttpResponseBase = HttpResponseNotModified()
        elif cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
        else:
            rendered = view.finalize_response(
                request, action(view, request, *args, **kwargs), *args, **kwargs
            )
            if (
                not isinstance(rendered, Response)
                or rendered.status_code != 200
                or rendered.cookies
            ):
                patch_vary_headers(rendered, VARY)
                return rendered
            rendered.render()
            version.write(key, current, (rendered.content, rendered["Content-Type"]), TIMEOUT)
            response = rendered
        response["ETag"] = etag
        mark_public(response, VARY)
        return response

    return wrapper


def _shareable(request: Request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.auth is None
        and not request.user.is_authenticated
        and isinstance(request.accepted_renderer, JSONRenderer)
    )


def _key(request: Request, prefix: str) -> str:
    query = urlencode(sorted(request.query_params.lists(), key=itemgetter(0)), doseq=True)
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(f"{address}\n{request.accepted_media_type}".encode()).hexdigest()
    return f"api:{prefix}:{get_language()}:{digest[:32]}"
