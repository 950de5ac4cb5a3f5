"""Reads of the library: the published documents, filtered, and the portal's own published
annual reports, which join the library by themselves."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, QuerySet

from .models import Kind, Publication, Topic

FILTERS = ("kind", "topic", "year", "language")


def public_publications() -> QuerySet[Publication]:
    return Publication.objects.filter(is_published=True).select_related("program")


def _valid(chosen: dict) -> dict:
    year = chosen.get("year", "")
    return {
        "kind": chosen.get("kind") if chosen.get("kind") in Kind.values else "",
        "topic": chosen.get("topic") if chosen.get("topic") in Topic.values else "",
        "year": int(year) if year.isascii() and year.isdigit() and len(year) == 4 else None,
        "language": chosen.get("language")
        if chosen.get("language") in dict(settings.LANGUAGES)
        else "",
    }


def library(chosen: dict) -> QuerySet[Publication]:
    """The published documents matching the chosen filters (unknown values are ignored)."""
    valid = _valid(chosen)
    queryset = public_publications()
    if valid["kind"]:
        queryset = queryset.filter(kind=valid["kind"])
    if valid["topic"]:
        queryset = queryset.filter(topic=valid["topic"])
    if valid["year"]:
        queryset = queryset.filter(year=valid["year"])
    if valid["language"]:
        queryset = queryset.filter(languages__contains=[valid["language"]])
    return queryset


def generated_annual_reports(chosen: dict) -> list:
    """The annual reports the portal generated and the Secretariat published (``reports``),
    for the same filters: they are annual reports about WeGO and its members."""
    from reports.selectors import published_report_runs

    valid = _valid(chosen)
    if valid["kind"] not in ("", Kind.ANNUAL_REPORT) or valid["topic"] not in (
        "",
        Topic.ORGANIZATION,
    ):
        return []
    runs = published_report_runs()
    if valid["year"]:
        runs = runs.filter(year=valid["year"])
    if valid["language"]:
        runs = runs.filter(language=valid["language"])
    return list(runs.order_by("-year", "language"))


def facets() -> dict[str, list[dict]]:
    base = public_publications().order_by()
    kinds = dict(base.values_list("kind").annotate(n=Count("id")))
    topics = dict(base.values_list("topic").annotate(n=Count("id")))
    years = base.values_list("year").annotate(n=Count("id")).order_by("-year")
    return {
        "kind": [
            {"value": v, "label": label, "count": kinds[v]}
            for v, label in Kind.choices
            if v in kinds
        ],
        "topic": [
            {"value": v, "label": label, "count": topics[v]}
            for v, label in Topic.choices
            if v in topics
        ],
        "year": [{"value": str(y), "label": str(y), "count": n} for y, n in years],
    }
