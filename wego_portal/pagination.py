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


def estimated_rows(queryset) -> int | None:
    """PostgreSQL's row estimate of the queryset's table (``pg_class.reltuples``), or None when
    the queryset is filtered, the database is not PostgreSQL or the table was never analysed."""
    if connection.vendor != "postgresql" or queryset.query.where or queryset.query.distinct:
        return None
    if queryset.query.low_mark or queryset.query.high_mark is not None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < 0:
        return None
    return int(row[0])


class EstimatedCountPaginator(Paginator):
    """A back-office list's paginator that does not count a big table row by row.

    An unfiltered list of a table PostgreSQL estimates at more than ``ESTIMATE_COUNT_ABOVE``
    rows takes the planner's estimate (kept fresh by autovacuum's ANALYZE) instead of a
    ``COUNT(*)`` that reads every row; any filter, search or office scope counts exactly.
    """

    @cached_property
    def count(self) -> int:
        estimate = estimated_rows(self.object_list)
        if estimate is not None and estimate > ESTIMATE_COUNT_ABOVE:
            return estimate
        return super().count
