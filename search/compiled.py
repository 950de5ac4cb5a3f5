"""SQL compiled once and reused with the query bound: the site search's Python cost.

Building and compiling a source's ranked queryset (a ``SearchRank``, a trigram similarity, two
windows, the page language's columns) costs a millisecond or two of Python per source; with a
dozen sources, about 25 ms of every search, more than PostgreSQL took for a rare word. What
it compiles to differs from one query to the next only in the parameters that carry the
query's text, so it is compiled once per key (the source, the language, the sizes: whatever
shapes its SQL) with a placeholder for the query, and afterwards only the query is bound.

Only a queryset whose shape does not depend on the query may be compiled this way (the
caller's decision: PostgreSQL's generic search binds the words as they are, into
``websearch_to_tsquery`` and the trigram similarity; the member directory's search and SQLite's
add a condition per word). ``reusable`` still checks the compiled result and refuses what
would go wrong: the placeholder inside the SQL or inside another parameter (a query folded or
wrapped in ``%`` for ``LIKE``), or a moment among the other parameters (a ``timezone.now()``
bound when the queryset was built would stay frozen; a public queryset compares with the
database's clock, ``Now()``, instead). Refused SQL is compiled per request, as before: correct,
only slower. The tests check that every source meant to be reused is.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Hashable, Sequence
from typing import Any

#: Stands for the query while compiling: private-use characters, which a search never holds
#: once cleaned of control characters (and if it did, it would only be searched for).
PLACEHOLDER = "\ue000query\ue000"

_compiled: dict[Hashable, CompiledQuery | None] = {}
#: The keys are sources × languages × a few sizes; the bound only guards against a caller
#: that puts something unbounded in them.
MAX_ENTRIES = 512


@dataclasses.dataclass(frozen=True)
class CompiledQuery:
    sql: str
    params: tuple[Any, ...]
    #: The positions of ``params`` that hold the query.
    query_at: frozenset[int]

    def bind(self, query: str) -> tuple[str, list[Any]]:
        return self.sql, [
            query if index in self.query_at else param for index, param in enumerate(self.params)
        ]


def _moment(param: Any) -> bool:
    if isinstance(param, (list, tuple)):
        return any(_moment(item) for item in param)
    return isinstance(param, (datetime.date, datetime.time))


def _mentions_placeholder(param: Any) -> bool:
    if isinstance(param, (list, tuple)):
        return any(_mentions_placeholder(item) for item in param)
    return isinstance(param, str) and PLACEHOLDER in param


def reusable(sql: str, params: Sequence[Any]) -> CompiledQuery | None:
    """``sql`` compiled with ``PLACEHOLDER`` for the query, if it can serve every query."""
    query_at = frozenset(index for index, param in enumerate(params) if param == PLACEHOLDER)
    others = [param for index, param in enumerate(params) if index not in query_at]
    if not query_at or PLACEHOLDER in sql:
        return None
    if any(_mentions_placeholder(param) or _moment(param) for param in others):
        return None
    return CompiledQuery(sql, tuple(params), query_at)


def sql_for(
    key: Hashable, build: Callable[[str], tuple[str, Sequence[Any]]], query: str
) -> tuple[str, list[Any]]:
    """The SQL and parameters ``build(query)`` compiles to: compiled the first time for
    ``key`` (with the placeholder), then only bound; compiled every time if it cannot be
    reused."""
    if key not in _compiled:
        if len(_compiled) >= MAX_ENTRIES:
            _compiled.clear()
        _compiled[key] = reusable(*build(PLACEHOLDER))
    found = _compiled[key]
    if found is None:
        sql, params = build(query)
        return sql, list(params)
    return found.bind(query)
