"""Links that leave the site: e-mails, notices, exports and copied records need absolute URLs."""

from django.conf import settings


def absolute_url(url: str) -> str:
    """``url`` as a link that works from anywhere: a site-relative path gets ``SITE_URL``.

    A full address (``https://…``) or a protocol-relative one (``//…``) is returned unchanged.
    """
    if url.startswith("/") and not url.startswith("//"):
        return settings.SITE_URL.rstrip("/") + url
    return url
