"""The public lists' filters: facet counts, the sidebar's groups and the removable chips.

A list's selector counts its facets with these helpers (each item is
``{"value": …, "label": …, "count": …}``); its view passes ``facet_context`` to the template,
which renders each group with ``includes/facet_group.html`` and the active filters with
``includes/filter_chips.html``::

    facets = {
        "region": choice_items(Region.choices, value_counts(results, "region")),
        "country": country_items(value_counts(results, "country")),
    }
    context = {"page": page, **facet_context(request, facets, ["q", "region", "country"])}
"""

from collections.abc import Iterable, Mapping, Sequence

from django.db.models import Count, Model, Q, QuerySet
from django.http import HttpRequest
from django_countries import countries

Facet = list[dict]


def value_counts(queryset: QuerySet, field: str, *, distinct: bool = False) -> dict:
    """``{value: number of rows}`` of ``field`` within ``queryset`` (one query; empty values
    left out). ``distinct`` counts rows once when joins repeat them."""
    rows = queryset.order_by().values(field).annotate(n=Count("id", distinct=distinct)).order_by()
    return {row[field]: row["n"] for row in rows if row[field] not in (None, "")}


def choice_items(choices: Iterable[tuple], counts: Mapping) -> Facet:
    """Every choice, in its order, with its count (0 when absent)."""
    return [
        {"value": value, "label": label, "count": counts.get(value, 0)} for value, label in choices
    ]


def country_items(counts: Mapping[str, int]) -> Facet:
    """The countries present, by name."""
    return sorted(
        (
            {"value": code, "label": countries.name(code) or code, "count": n}
            for code, n in counts.items()
        ),
        key=lambda item: item["label"],
    )


def year_items(counts: Mapping[int, int]) -> Facet:
    """The years present, newest first."""
    return [
        {"value": year, "label": str(year), "count": counts[year]}
        for year in sorted(counts, reverse=True)
    ]


def related_items(
    related: QuerySet,
    relation: str,
    queryset: QuerySet,
    *,
    value: str = "slug",
    label: str = "name",
) -> Facet:
    """Every row of ``related`` (e.g. the areas, in their order) with the number of
    ``queryset``'s rows linked to it through ``relation`` (one query)."""
    ids = queryset.order_by().values("id")
    rows = related.annotate(n=Count(relation, filter=Q(**{f"{relation}__in": ids})))
    return [
        {"value": getattr(row, value), "label": getattr(row, label), "count": row.n} for row in rows
    ]


def _labels(facets: Mapping[str, Facet]) -> dict[str, dict[str, str]]:
    return {
        key: {str(item["value"]): item["label"] for item in items} for key, items in facets.items()
    }


def filter_chips(
    request: HttpRequest,
    facets: Mapping[str, Facet],
    keys: Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
) -> list[dict]:
    """The active filters as removable chips: each links to the same list without it.

    A chip says the facet item's label; ``q`` is quoted; ``labels`` names the chip of a filter
    that has no facet (``{"recordings": _("With a recording")}``); else the value itself.
    """
    by_value = _labels(facets)
    chips = []
    for key in keys:
        for value in request.GET.getlist(key):
            if not value:
                continue
            remaining = request.GET.copy()
            remaining.setlist(key, [v for v in request.GET.getlist(key) if v != value])
            remaining.pop("page", None)
            if key == "q":
                label = f"“{value}”"
            elif labels and key in labels:
                label = labels[key]
            else:
                lookup = value.upper() if key == "country" else value
                label = by_value.get(key, {}).get(lookup, value)
            chips.append({"label": label, "url": "?" + remaining.urlencode()})
    return chips


def remove_filter_chip(request: HttpRequest, key: str, label: str) -> dict:
    """A chip for a single-valued filter ``key`` (validated by the caller)."""
    remaining = request.GET.copy()
    remaining.pop(key, None)
    remaining.pop("page", None)
    return {"label": label, "url": "?" + remaining.urlencode()}


def facet_context(
    request: HttpRequest,
    facets: Mapping[str, Facet],
    keys: Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
) -> dict:
    """What a list template needs for its filters: ``facets``, ``selected`` (the chips),
    ``selected_values`` (per facet, the values chosen) and ``query`` (the search words)."""
    return {
        "facets": facets,
        "selected": filter_chips(request, facets, keys, labels=labels),
        "selected_values": {key: request.GET.getlist(key) for key in facets},
        "query": request.GET.get("q", ""),
    }


def object_label(model: type[Model], field: str, value, label_field: str = "name") -> str:
    """The label of the one row whose ``field`` is ``value`` (for a chip), else ``value``."""
    label = model._default_manager.filter(**{field: value}).values_list(label_field, flat=True)
    return label.first() or str(value)
