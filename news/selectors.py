"""Reads of news: the public list and its filters, an article's page, related news."""

from __future__ import annotations

import hashlib
import re
import time

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import get_language

from members.enums import Region
from wego_portal.moderation.enums import ModerationStatus

from .models import Article, Category

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def public_articles(now=None) -> QuerySet[Article]:
    """Published articles whose moment has come, newest first."""
    now = now or timezone.now()
    return Article.objects.filter(
        status=ModerationStatus.PUBLISHED, published_at__lte=now
    ).order_by("-published_at", "-id")


def article_list(*, category: str = "", region: str = "", year: str = "") -> QuerySet[Article]:
    """The public list, filtered, with each article's categories and office (three queries a
    page)."""
    queryset = (
        public_articles()
        .select_related("office")
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("position", "name"))
        )
    )
    if category:
        # Only a slug can name a category (and PostgreSQL refuses some characters outright).
        if not _SLUG.fullmatch(category):
            return queryset.none()
        queryset = queryset.filter(categories__slug=category)
    if region in Region.values:
        queryset = queryset.filter(region=region)
    if year.isascii() and year.isdigit() and len(year) == 4:
        queryset = queryset.filter(published_at__year=int(year))
    return queryset


#: Seconds the list's counts (its total per filter combination and its facets) are kept: a
#: count over every article is not made per request. New articles show in the list at once;
#: the counts follow within this time (a scheduled article's moment also comes on its own).
LIST_COUNTS_SECONDS = 60


def list_version() -> int:
    """The version of the visitors' cached news list: the current window of
    ``LIST_COUNTS_SECONDS`` on the clock, so a visitor sees a new article within a minute."""
    return int(time.time() // LIST_COUNTS_SECONDS)


def _cache_key(name: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"news:{name}:{digest}"


def article_count(*, category: str = "", region: str = "", year: str = "") -> int:
    """How many articles ``article_list`` gives for these filters (cached, see above)."""
    key = _cache_key("count", category, region, year)
    count = cache.get(key)
    if count is None:
        count = article_list(category=category, region=region, year=year).count()
        cache.set(key, count, LIST_COUNTS_SECONDS)
    return count


def list_facets() -> dict[str, list[dict]]:
    """Counts per category, region and year among public articles (three queries, cached per
    language, see ``LIST_COUNTS_SECONDS``)."""
    key = _cache_key("facets", get_language() or "")
    facets = cache.get(key)
    if facets is None:
        facets = _list_facets()
        cache.set(key, facets, LIST_COUNTS_SECONDS)
    return facets


def _list_facets() -> dict[str, list[dict]]:
    base = public_articles()
    categories = Category.objects.annotate(
        n=Count("articles", filter=Q(articles__in=base.values("id")))
    ).filter(n__gt=0)
    regions = dict(base.exclude(region="").values_list("region").annotate(n=Count("id")).order_by())
    years = (
        base.annotate(y=ExtractYear("published_at"))
        .values_list("y")
        .annotate(n=Count("id"))
        .order_by("-y")
    )
    return {
        "category": [{"value": c.slug, "label": c.name, "count": c.n} for c in categories],
        "region": [
            {"value": value, "label": label, "count": regions[value]}
            for value, label in Region.choices
            if value in regions
        ],
        "year": [{"value": str(y), "label": str(y), "count": n} for y, n in years],
    }


def article_for_page(slug: str) -> Article:
    """A public article with what it is about. Raises ``Article.DoesNotExist``."""
    return (
        public_articles()
        .select_related("office")
        .prefetch_related(
            "categories", "organizations", "events", "programs", "award_editions", "projects"
        )
        .get(slug=slug)
    )


def related_news(obj, *, limit: int = 5) -> list[Article]:
    """The latest public articles about ``obj`` (a member, event, program, award edition or
    catalog project)."""
    return list(obj.articles.filter(pk__in=public_articles().values("pk"))[:limit])


def latest_news(*, limit: int = 3) -> list[Article]:
    return list(public_articles().select_related("office")[:limit])
