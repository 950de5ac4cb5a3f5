"""Search every text column of every table for a string (after an erasure it must be gone)."""

from django.db import connection

from search.documents import COLUMN as SEARCH_DOCUMENT

TEXT_TYPES = {
    "CharField",
    "TextField",
    "JSONField",
    "EmailField",
    "SlugField",
    "GenericIPAddressField",
}


def _holds_text(column) -> bool:
    """A text column, or a stored search document (PostgreSQL ``tsvector``, which Django does
    not know: search.documents), whose words are the row's text too."""
    if column.name == SEARCH_DOCUMENT:
        return True
    try:
        kind = connection.introspection.get_field_type(column.type_code, column)
    except KeyError:
        return False
    return kind in TEXT_TYPES


def tables_containing(*needles: str) -> list[str]:
    """``table.column`` of every text column in which any of ``needles`` occurs (any case)."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                if not _holds_text(column):
                    continue
                for needle in needles:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quote(table)} "  # noqa: S608 (quoted names)
                        f"WHERE LOWER(CAST({quote(column.name)} AS TEXT)) LIKE %s",
                        [f"%{needle.lower()}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append(f"{table}.{column.name} ({needle})")
    return found
