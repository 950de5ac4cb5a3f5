"""News in the site search."""

from django.template.defaultfilters import date as date_filter
from django.utils.translation import gettext_lazy as _

from search.sources import Source


def _public():
    from django.db.models.functions import Now

    from .selectors import public_articles

    # The database's clock, not a moment bound now: the site search compiles this source's
    # SQL once and reuses it (search.compiled).
    return public_articles(now=Now())


def news_source() -> Source:
    return Source(
        key="news",
        label=_("News"),
        queryset=_public,
        fields=(("title", "A"), ("summary", "B"), ("body", "C")),
        name_field="title",
        stored_document=True,
        summary=lambda o: f"{date_filter(o.published_at, o.date_format)} · {o.summary}",
    )
