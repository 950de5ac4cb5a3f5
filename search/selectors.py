"""The site search: each source's public rows matching a query, ranked, and highlighted.

PostgreSQL: full-text search over the source's weighted fields (English and the page's
language; the ``simple`` configuration, as the texts are in many languages) plus trigram word
similarity of the name or title, so that a typo ("Seol") still finds Seoul; the rank adds
both. Sources that grow keep their document, in every language, in the row with a GIN index
(``search.documents``), and a trigram index on the name. Members use the directory's own
search (folded names in every script, GIN trigram).
SQLite (the laptop default): every word must appear in one of the fields (ignoring case).

A search of every type is two steps: one query ranks and counts every source at once
(``best_matches``: each source's best ids, count and places, ``UNION ALL``), then one query
per source with a match reads the rows shown (``site_search``). The ranking SQL of each
generic source is compiled once per language and only bound afterwards (``search.compiled``):
building and compiling a dozen ranked querysets cost about 25 ms per request, more than
running them for a rare word.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import operator
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Expression,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import compiled
from .documents import StoredDocument
from .sources import SOURCES, Source

#: Longer queries are cut: nobody types more, and it bounds the work of a request.
MAX_QUERY_LENGTH = 200
SUMMARY_LENGTH = 220
#: Of a large source (one with a stored document), only the latest this many matches are
#: ranked, counted and listed, so that a word found in every row ("city") costs the same at
#: any size; the page says so and suggests more words.
RANK_WINDOW = 1000


def clean_query(raw: str | None) -> str:
    """The query without control characters (PostgreSQL refuses NUL), spaces collapsed, cut."""
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def _language_column(model, field: str) -> str | None:
    code = (get_language() or settings.LANGUAGE_CODE).replace("-", "_")
    if code == settings.LANGUAGE_CODE:
        return None
    try:
        model._meta.get_field(f"{field}_{code}")
    except FieldDoesNotExist:
        return None
    return f"{field}_{code}"


def _fields(source: Source, model) -> list[tuple[str, str]]:
    """The source's fields, plus each translated field's column in the page's language."""
    found = []
    for field, weight in source.fields:
        found.append((field, weight))
        column = _language_column(model, field)
        if column:
            found.append((column, weight))
    return found


class _Among(Func):
    """``value = ANY(array)``: a row whose primary key is in an array subquery is read by its
    primary key, whereas ``IN (subquery)`` may be hash-joined against the whole table."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        value, array = self.get_source_expressions()
        value_sql, value_params = compiler.compile(value)
        array_sql, array_params = compiler.compile(array)
        return f"{value_sql} = ANY({array_sql})", (*value_params, *array_params)


def _shown(source: Source) -> QuerySet:
    """The public rows of ``source`` with what the results show: the longer texts (weight C)
    are searched, never shown, so not read."""
    return source.queryset().defer(*(field for field, weight in source.fields if weight == "C"))


def _matching(source: Source, query: str) -> tuple[QuerySet, Expression]:
    """PostgreSQL: the public rows of a generic ``source`` matching ``query`` (full text or a
    similar name), and the expression of their rank."""
    queryset = _shown(source)
    vector: Expression
    if source.stored_document:
        # Every language's text, indexed (search.documents).
        vector = StoredDocument()
    else:
        vector = functools.reduce(
            operator.add,
            [
                SearchVector(field, weight=weight, config="simple")
                for field, weight in _fields(source, queryset.model)
            ],
        )
    text_query = SearchQuery(query, search_type="websearch", config="simple")
    # An alias, not an annotation: the document is matched and ranked, never read.
    matching = queryset.alias(document=vector).filter(
        Q(document=text_query) | Q(**{f"{source.name_field}__trigram_word_similar": query})
    )
    rank = SearchRank(vector, text_query) + TrigramWordSimilarity(query, source.name_field)
    return matching, rank


def _window(matching: QuerySet) -> QuerySet:
    """A common word matches most of a large table: only its latest ``RANK_WINDOW`` + 1
    matches are ranked (the latest first: the primary key's index, read backwards, stops
    there)."""
    return matching.order_by("-pk")[: RANK_WINDOW + 1]


def search_source(source: Source, query: str) -> QuerySet:
    """The public rows of ``source`` matching ``query``, best first, each with ``rank``; for a
    large source at most ``RANK_WINDOW`` + 1 of them (see ``capped``)."""
    queryset = _shown(source)
    if source.custom_search is not None:
        found = source.custom_search(queryset, query)
        if "rank" in found.query.annotations:
            return found
        return found.annotate(rank=Value(0.0, output_field=FloatField()))
    if settings.USING_POSTGRES:
        matching, rank = _matching(source, query)
        if source.stored_document:
            # The window's ids as an array (= ANY), so that its rows are read by primary key:
            # "IN (subquery)" lets the planner hash-join the window against the whole table.
            window = ArraySubquery(_window(matching).values("pk"))
            matching = queryset.filter(_Among(F("pk"), window))
        return matching.annotate(rank=rank).order_by("-rank", "pk")
    fields = _fields(source, queryset.model)
    for word in query.split():
        queryset = queryset.filter(
            functools.reduce(operator.or_, [Q(**{f"{f}__icontains": word}) for f, _w in fields])
        )
    return queryset.annotate(rank=Value(0.0, output_field=FloatField())).order_by("pk")


def _terms(query: str) -> list[str]:
    words = {word.strip("\"'-") for word in query.split()}
    return sorted((w for w in words if len(w) > 1), key=len, reverse=True)


@functools.lru_cache(maxsize=64)
def _pattern(query: str) -> re.Pattern[str] | None:
    """The words of ``query``, longest first, as one pattern: built once for all the hits of a
    search."""
    terms = _terms(query)
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None


def highlight(text: str, query: str, *, length: int | None = None) -> SafeString:
    """``text`` escaped, with each word of ``query`` wrapped in ``<mark>``; when ``length`` is
    given, cut to about that many characters around the first match."""
    text = " ".join(str(text or "").split())
    pattern = _pattern(query)
    if length and len(text) > length:
        first = pattern.search(text) if pattern else None
        start = max(0, (first.start() if first else 0) - length // 4)
        text = ("…" if start else "") + text[start : start + length].rstrip() + "…"
    if pattern is None:
        return escape(text)
    # html.escape is what django.utils.html.escape calls, without its lazy-string wrapping,
    # which cost more than the escaping itself across a page of hits.
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        parts.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(html.escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 (every part escaped)


@dataclasses.dataclass
class Hit:
    title: SafeString
    summary: SafeString
    url: str
    kind: str


@dataclasses.dataclass
class Group:
    source: Source
    total: int
    hits: list[Hit]
    #: More than ``total`` match: only the latest ``total`` are ranked.
    more: bool = False


def capped(count: int) -> tuple[int, bool]:
    """A source's count as shown, and whether more matched than were ranked."""
    return min(count, RANK_WINDOW), count > RANK_WINDOW


def hits(source: Source, rows, query: str) -> list[Hit]:
    return [
        Hit(
            title=highlight(source.title_of(row), query),
            summary=highlight(source.summary(row), query, length=SUMMARY_LENGTH),
            url=source.url_of(row),
            kind=str(source.label),
        )
        for row in rows
    ]


def _best(source: Source, query: str, per_group: int) -> tuple[str, Sequence]:
    """The SQL of the best ``per_group`` matches of ``source``: their ids (``hit_id``) with
    how many match (``matches``) and each one's place in the ranking (``place``)."""
    if settings.USING_POSTGRES and source.stored_document and source.custom_search is None:
        # Ranked as they are read from the window, not read again by id as in search_source.
        matching, rank = _matching(source, query)
        window = _window(matching).annotate(hit_id=F("pk"), rank=rank)
        sql, params = window.values_list("hit_id", "rank").query.sql_with_params()
        return (
            "SELECT window_.hit_id, COUNT(*) OVER () AS matches, "  # noqa: S608  # nosec B608
            "ROW_NUMBER() OVER (ORDER BY window_.rank DESC, window_.hit_id) AS place "
            f"FROM ({sql}) window_ ORDER BY place LIMIT {int(per_group)}",
            params,
        )
    found = search_source(source, query)
    # The place follows the source's own order (the directory's breaks ties by name).
    ordering: Sequence[Any] = (
        list(found.query.order_by) or list(found.model._meta.ordering) or ["pk"]
    )
    best = found.annotate(
        hit_id=F("pk"),
        matches=Window(Count("pk")),
        place=Window(RowNumber(), order_by=ordering),
    ).values_list("hit_id", "matches", "place")[:per_group]
    return best.query.sql_with_params()


def _best_sql(source: Source, query: str, per_group: int) -> tuple[str, list]:
    """``_best``'s SQL and parameters: on PostgreSQL, a generic source's is compiled once per
    language and only bound afterwards (``search.compiled``); the rest is compiled per request
    (the member directory's search and SQLite's depend on the words)."""
    if settings.USING_POSTGRES and source.custom_search is None:
        language = get_language() or settings.LANGUAGE_CODE
        key = ("best", source.key, id(source), language, per_group, RANK_WINDOW)
        return compiled.sql_for(key, lambda text: _best(source, text, per_group), query)
    sql, params = _best(source, query, per_group)
    return sql, list(params)


def best_matches(query: str, *, per_group: int = 5) -> dict[str, tuple[list, int]]:
    """For every source with a match, the ids of its best ``per_group`` matches, best first,
    and how many match: one query for all the sources (a ``UNION ALL`` of each one's ``_best``),
    so that the sources without a match cost nothing more."""
    sources = list(SOURCES.values())
    parts, params = [], []
    for index, source in enumerate(sources):
        sql, bound = _best_sql(source, query, per_group)
        # The SQL is Django's, compiled with the query as a parameter; the index an int.
        parts.append(
            f"SELECT {index} AS source, best.hit_id, best.matches, best.place FROM ({sql}) best"  # noqa: S608  # nosec B608
        )
        params.extend(bound)
    if not parts:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    found: dict[str, tuple[list, int]] = {}
    for index, hit_id, matches, _place in sorted(rows, key=lambda row: (row[0], row[3])):
        ids, _count = found.setdefault(sources[index].key, ([], matches))
        ids.append(hit_id)
    return found


def _rows(source: Source, ids: list) -> list:
    """The rows of ``ids`` in that order, as the results show them (one query); a row that
    stopped being public since it was ranked is left out."""
    by_pk = {row.pk: row for row in _shown(source).order_by().filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def site_search(query: str, *, per_group: int = 5) -> list[Group]:
    """Every source with at least one match: its count and its best ``per_group`` hits, in
    the order of ``SOURCES``. One query ranks and counts every source (``best_matches``), then
    one per source with a match reads its rows."""
    found = best_matches(query, per_group=per_group)
    groups = []
    for source in SOURCES.values():
        if source.key not in found:
            continue
        ids, count = found[source.key]
        total, more = capped(count)
        rows = _rows(source, ids)
        groups.append(Group(source=source, total=total, hits=hits(source, rows, query), more=more))
    return groups
