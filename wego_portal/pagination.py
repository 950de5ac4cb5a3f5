"""Pagination that stays fast on deep pages of large, ordered lists."""

from django.core.paginator import Page, Paginator
from django.db import connection
from django.utils.functional import cached_property


class DeferredJoinPaginator(Paginator):
    """Find a deep page's ids first, then fetch just those rows.

    ``OFFSET 50000`` over full rows reads and throws away 50,000 rows; over ids alone it walks
    a covering index. A deep page then costs two small queries whatever its depth. The first
    pages (an offset below ``direct_below``) are read in one query: skipping a few rows costs
    less than the second round trip.
    """

    direct_below = 200

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom >= top:
            return self._get_page([], number, self)  # type: ignore[attr-defined]  # Django's hook, not in django-stubs
        if bottom < self.direct_below:
            return self._get_page(list(self.object_list[bottom:top]), number, self)  # type: ignore[attr-defined]  # Django's hook
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])  # type: ignore[attr-defined]  # used on querysets only
        rows = {row.pk: row for row in self._rows(ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)  # type: ignore[attr-defined]  # Django's hook

    def _rows(self, ids):
        """The rows of ``ids`` as the list's queryset loads them: its joins, prefetches and
        its ``only()``/``defer()`` (a list showing a few columns of a wide row fetches and
        builds just those)."""
        queryset = self.object_list
        rows = queryset.model.objects.filter(pk__in=ids)
        fields, deferred = queryset.query.deferred_loading
        if fields:
            rows = rows.defer(*fields) if deferred else rows.only(*fields)
        related = self._select_related(queryset)
        if related:
            rows = rows.select_related(*related)
        return rows.prefetch_related(*queryset._prefetch_related_lookups)

    @staticmethod
    def _select_related(queryset) -> list[str]:
        related = queryset.query.select_related
        if isinstance(related, dict):
            return list(_flatten(related))
        return []


def _flatten(tree: dict, prefix: str = ""):
    for key, children in tree.items():
        path = f"{prefix}__{key}" if prefix else key
        if children:
            yield from _flatten(children, path)
        else:
            yield path


#: Below this many rows (PostgreSQL's estimate) an unfiltered list is counted exactly.
ESTIMATE_COUNT_ABOVE = 20_000

#: The estimate when it is above the threshold, else the exact count, in ONE query whatever the
#: table's size (PostgreSQL runs a CASE's sub-select only for the branch taken): a list makes
#: as many queries at a thousand rows as at a million. A table never analysed (-1) or not found
#: (NULL) is counted.
_ESTIMATE_OR_COUNT_SQL = (
    "SELECT CASE WHEN estimate.n > %s THEN estimate.n "
    "ELSE (SELECT COUNT(*) FROM ({rows}) AS counted) END "
    "FROM (SELECT (SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)) AS n) "
    "AS estimate"
)


def estimated_count(queryset) -> int | None:
    """The number of rows of an unfiltered ``queryset``: PostgreSQL's estimate of its table
    (``pg_class.reltuples``) above ``ESTIMATE_COUNT_ABOVE`` rows, else counted (one query).
    None when the queryset is filtered, sliced, distinct or not on PostgreSQL."""
    query = queryset.query
    if connection.vendor != "postgresql" or query.where or query.distinct:
        return None
    if query.low_mark or query.high_mark is not None:
        return None
    rows_sql, params = queryset.order_by().values("pk").query.sql_with_params()
    # Only Django's compiled (parametrized) SQL is interpolated; values stay in ``params``.
    sql = _ESTIMATE_OR_COUNT_SQL.format(rows=rows_sql)  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [ESTIMATE_COUNT_ABOVE, *params, queryset.model._meta.db_table])
        return int(cursor.fetchone()[0])


class EstimatedCountPaginator(Paginator):
    """A back-office list's paginator that does not count a big table row by row.

    An unfiltered list of a table PostgreSQL estimates at more than ``ESTIMATE_COUNT_ABOVE``
    rows takes the planner's estimate (kept fresh by autovacuum's ANALYZE) instead of a
    ``COUNT(*)`` that reads every row, and a smaller one is counted in the same query; any
    filter, search or office scope counts exactly.
    """

    @cached_property
    def count(self) -> int:
        counted = estimated_count(self.object_list)
        if counted is not None:
            return counted
        return super().count
