"""Bulk loading for the synthetic benchmark network (``manage.py generate_network``).

Rows are written with PostgreSQL's COPY (a multi-row INSERT elsewhere), a batch at a time, with
a progress bar. Nothing here runs on production data.
"""

import sys
import time
from collections.abc import Callable

from django.db import connection, models, transaction


class Progress:
    """A one-line progress bar on stderr: done/total, rate and elapsed time."""

    def __init__(self, label: str, total: int, *, stream=None) -> None:
        self.label, self.total, self.done = label, total, 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        elapsed = time.monotonic() - self.started
        rate = self.done / max(elapsed, 1e-6)
        self.stream.write(
            f"\r  {self.label:<14} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self.done:,}/{self.total:,} ({rate:,.0f}/s, {elapsed:,.0f} s)"
        )
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class Table:
    """The columns of a model's table and rows for them.

    A row starts from a prototype instance's values, prepared by the fields exactly as an INSERT
    would (defaults, ``auto_now``, the models' own derived fields when the prototype computed
    them), and overrides some columns with plain values. A translated field's override also
    fills its default-language column (``name`` and ``name_en``), as modeltranslation does.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if not (field.primary_key and isinstance(field, models.AutoField))
        ]
        self.index = {field.attname: i for i, field in enumerate(self.fields)}

    def values(self, instance: models.Model) -> list:
        return [
            field.get_db_prep_save(field.pre_save(instance, True), connection)
            for field in self.fields
        ]

    def row(self, base: list, **overrides) -> list:
        row = base.copy()
        index = self.index
        for name, value in overrides.items():
            row[index[name]] = value
            translated = index.get(f"{name}_en")
            if translated is not None:
                row[translated] = value
        return row

    def write(self, rows: list[list]) -> None:
        """Insert the rows: COPY on PostgreSQL, else one multi-row INSERT per 500.

        On PostgreSQL the foreign-key triggers are skipped for the transaction when the role
        may (``session_replication_role``, superusers): the rows point at rows generated
        before them, and checking each at commit costs more than writing it.
        """
        if not rows:
            return
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(str(field.column)) for field in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                _skip_foreign_key_triggers(cursor)
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            marks = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
            for start in range(0, len(rows), 500):
                chunk = rows[start : start + 500]
                # Table and column names from the model, values as parameters.
                values = ", ".join([marks] * len(chunk))
                statement = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608  # nosec B608
                cursor.execute(statement, [value for row in chunk for value in row])


def _skip_foreign_key_triggers(cursor) -> None:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")


def last_id(model: type[models.Model]) -> int:
    return model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0


def load(
    label: str,
    table: Table,
    total: int,
    build: Callable[[int], list],
    *,
    batch: int,
    after_batch: Callable[[int], None] | None = None,
) -> None:
    """Write ``total`` rows made by ``build(i)`` in batches, one transaction each, with a
    progress bar. ``after_batch(last_id_before)`` may write dependent rows."""
    if total <= 0:
        return
    progress = Progress(label, total)
    for start in range(0, total, max(1, batch)):
        rows = [build(i) for i in range(start, min(total, start + batch))]
        with transaction.atomic():
            before = last_id(table.model) if after_batch else 0
            table.write(rows)
            if after_batch:
                after_batch(before)
        progress.advance(len(rows))
    progress.finish()
