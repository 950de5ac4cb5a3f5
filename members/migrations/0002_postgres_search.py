"""PostgreSQL only: trigram and unaccent extensions and a trigram index for directory search.

SQLite (the laptop default) skips this; its search falls back to substring matching on the
same folded text.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE INDEX IF NOT EXISTS members_org_search_trgm "
    "ON members_organization USING gin (search_text gin_trgm_ops)",
    # word_similarity is far costlier than its default cost of 1 says: without this the
    # planner prefers a sequential scan on mid-sized tables (90 ms at 20,000 rows instead of
    # 2 ms through the index). Skipped, not failed, where the role does not own pg_trgm.
    """
    DO $$ BEGIN
        ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100;
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'pg_trgm not owned: word_similarity cost left at its default';
    END $$
    """,
]
BACKWARD = ["DROP INDEX IF EXISTS members_org_search_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
