"""Links that leave the site: e-mails, notices, exports and copied records need absolute URLs."""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def absolute_url(url: str) -> str:
    """``url`` as a link that works from anywhere: a site-relative path gets ``SITE_URL``.

    A full address (``https://…``) or a protocol-relative one (``//…``) is returned unchanged.
    """
    if url.startswith("/") and not url.startswith("//"):
        return settings.SITE_URL.rstrip("/") + url
    return url


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "0slug0"


@functools.lru_cache(maxsize=512)
def _around_slug(name: str, language: str | None, prefix: str, urlconf: str | None) -> list[str]:
    return reverse(name, kwargs={"slug": _PLACEHOLDER}, urlconf=urlconf).split(_PLACEHOLDER)


def slug_url(name: str, slug: str) -> str:
    """``reverse(name, kwargs={"slug": slug})`` for a URL named by its slug alone.

    The resolver is asked once per URL name, language, script prefix and URL configuration;
    each object's link is then the slug put in its place (a list of 25 links otherwise runs
    the resolver 25 times). A slug with characters a URL would escape is reversed as usual.
    """
    if not _SLUG.fullmatch(slug):
        return reverse(name, kwargs={"slug": slug})
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    parts = _around_slug(name, get_language(), get_script_prefix(), urlconf)
    if len(parts) != 2:
        return reverse(name, kwargs={"slug": slug})
    return slug.join(parts)
