"""The organization's folded names and city without the country's names (``name_text``): what
the directory's typo-tolerant match and its ranking compare the query with. Filled in for the
existing organizations; on PostgreSQL, with its own trigram index."""

from django.conf import settings
from django.db import migrations, models

BATCH = 5000
LANGUAGE_COLUMNS = [f"name_{code.replace('-', '_')}" for code, _name in settings.LANGUAGES]


def fill(apps, schema_editor):
    from members.models import _folded_words

    Organization = apps.get_model("members", "Organization")
    columns = ["id", "name", "name_en", "native_name", *LANGUAGE_COLUMNS, "city"]
    rows = Organization.objects.order_by("id").values_list(*columns)
    postgres = schema_editor.connection.vendor == "postgresql"
    batch: list[tuple[int, str]] = []

    def write():
        if postgres:
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE members_organization AS o SET name_text = v.text "
                    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, text) WHERE o.id = v.id",
                    [[pk for pk, _t in batch], [text for _pk, text in batch]],
                )
        else:
            for pk, text in batch:
                Organization.objects.filter(pk=pk).update(name_text=text)
        batch.clear()

    for pk, name, name_en, native_name, *rest in rows.iterator(chunk_size=BATCH):
        *translated, city = rest
        batch.append((pk, _folded_words([name_en or name, native_name, *translated, city], 1000)))
        if len(batch) >= BATCH:
            write()
    if batch:
        write()


def index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS members_org_name_trgm "
            "ON members_organization USING gin (name_text gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS members_org_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("members", "0007_profiles_and_about")]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="name_text",
            field=models.CharField(default="", editable=False, max_length=1000),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(index, drop_index),
    ]
