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

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Model, Q, QuerySet
from django.http import HttpRequest
from django_countries import countries

from wego_portal.caching import CacheVersion

Facet = list[dict]

_GROUPING_SETS_SQL = (
    "SELECT {flags}, {columns}, {count} FROM ({inner}) AS results "
    "GROUP BY GROUPING SETS ({sets}, ())"
)
_PART_SQL = "SELECT '{key}', CAST({column} AS TEXT), {count} FROM ({inner}) AS r GROUP BY {column}"
_TOTAL_SQL = "SELECT '', NULL, {count} FROM ({inner}) AS r"


def grouped_counts(
    queryset: QuerySet, columns: Mapping[str, str], *, distinct: bool = False
) -> tuple[int, dict[str, dict]]:
    """The number of rows of ``queryset`` and, per facet key, ``{value: rows}`` of the column
    ``columns[key]`` names (a field or an annotation of ``queryset``) — in ONE query.

    PostgreSQL groups by GROUPING SETS (one scan of the results); SQLite unions one GROUP BY
    per facet. ``distinct`` counts each row once when the filters' joins repeat it. Values
    come back as text; empty values are left out.
    """
    inner = queryset.order_by().values("id", *columns.values())
    try:
        # Only the caller's constant column names and Django's compiled (parametrized) SQL
        # are interpolated; user input stays in ``params``.
        inner_sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (e.g. an empty choice list)
        return 0, {key: {} for key in columns}
    names = list(columns.values())
    count = "COUNT(DISTINCT id)" if distinct else "COUNT(*)"
    if connection.vendor == "postgresql":
        sql = grouping_sets_sql(inner_sql, names, distinct=distinct)
    else:
        parts = [
            _PART_SQL.format(key=key, column=column, count=count, inner=inner_sql)  # nosec B608
            for key, column in columns.items()
        ]
        parts.append(_TOTAL_SQL.format(count=count, inner=inner_sql))  # nosec B608
        sql = " UNION ALL ".join(parts)
        params = params * (len(columns) + 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return grouping_sets_counts(rows, list(columns))
    total = 0
    counts: dict[str, dict] = {key: {} for key in columns}
    for key, value, n in rows:
        if not key:
            total = n
        elif value not in (None, ""):
            counts[key][str(value)] = n
    return total, counts


def grouping_sets_sql(inner_sql: str, names: Sequence[str], *, distinct: bool = False) -> str:
    """PostgreSQL: per column of ``names``, the rows of ``inner_sql`` counted per value, and
    the total; a row is ``GROUPING()`` flags, the values, the count (``grouping_sets_counts``
    reads them)."""
    return _GROUPING_SETS_SQL.format(  # nosec B608
        flags=", ".join(f"GROUPING({c})" for c in names),
        columns=", ".join(names),
        count="COUNT(DISTINCT id)" if distinct else "COUNT(*)",
        inner=inner_sql,
        sets=", ".join(f"({c})" for c in names),
    )


def grouping_sets_counts(rows: Iterable[Sequence], keys: Sequence[str]) -> tuple[int, dict]:
    """The total and ``{key: {value: count}}`` of ``grouping_sets_sql``'s rows (``keys`` in
    the order of its columns); empty values are left out."""
    total = 0
    counts: dict[str, dict] = {key: {} for key in keys}
    width = len(keys)
    for row in rows:
        flags, values, n = row[:width], row[width:-1], row[-1]
        grouped = [index for index, flag in enumerate(flags) if flag == 0]
        if not grouped:
            total = n
            continue
        value = values[grouped[0]]
        if value not in (None, ""):
            counts[keys[grouped[0]]][str(value)] = n
    return total, counts


def value_counts(queryset: QuerySet, field: str, *, distinct: bool = False) -> dict:
    """``{value: number of rows}`` of ``field`` within ``queryset`` (one query; empty values
    left out). ``distinct`` counts rows once when joins repeat them."""
    rows = queryset.order_by().values(field).annotate(n=Count("id", distinct=distinct)).order_by()
    return {row[field]: row["n"] for row in rows if row[field] not in (None, "")}


def cached_grouped_counts(
    queryset: QuerySet,
    columns: Mapping[str, str],
    *,
    cache_key: str,
    prefix: str,
    version: int | CacheVersion,
    timeout: int,
    distinct: bool = False,
    count: Callable[[], tuple[int, dict[str, dict]]] | None = None,
) -> tuple[int, dict[str, dict]]:
    """``grouped_counts`` kept in the shared cache per filter combination (``cache_key``, e.g.
    the list's sorted query string) and data ``version``, for ``timeout`` seconds. ``count``,
    when given, counts instead of ``grouped_counts(queryset, …)`` on a miss.

    With a ``CacheVersion`` the version and the counts are read in one cache round trip (as
    ``cached_fragment`` reads a fragment); with a number, that version's entry is read.
    """
    digest = hashlib.sha256(cache_key.encode()).hexdigest()[:32]
    if isinstance(version, CacheVersion):
        key = f"{prefix}:facets:{digest}"
        current, counted = version.read(key)
        if counted is None:
            counted = count() if count else grouped_counts(queryset, columns, distinct=distinct)
            version.write(key, current, counted, timeout)
        return counted
    key = f"{prefix}:facets:{version}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    counted = count() if count else grouped_counts(queryset, columns, distinct=distinct)
    cache.set(key, counted, timeout)
    return counted


def choice_items(choices: Iterable[tuple], counts: Mapping) -> Facet:
    """Every choice, in its order, with its count (0 when absent)."""
    return [
        {"value": value, "label": label, "count": counts.get(value, 0)} for value, label in choices
    ]


def country_items(counts: Mapping[str, int]) -> Facet:
    """The countries present, by name.

    The names come from one pass over django-countries' list in the active language (which it
    keeps translated): ``countries.name(code)`` translates anew each time, 1.5 ms for the 150
    countries a directory search can span.
    """
    names = dict(countries)
    return sorted(
        (
            {"value": code, "label": names.get(code) or code, "count": n}
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
