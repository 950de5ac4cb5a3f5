"""PostgreSQL only: the site search's stored document of catalog projects, in every language,
with its GIN index, and a trigram index on the title (``search.documents``)."""

from django.db import migrations

from search.documents import add_document, translated

# The field itself is English (django-modeltranslation keeps it equal to its _en column).
LANGUAGES = ("ko", "zh_hans", "ru", "es", "fr", "ar", "tr")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_shared_moderation"), ("members", "0002_postgres_search")]
    operations = [
        add_document(
            "catalog_project",
            [
                ("A", translated("title", LANGUAGES)),
                ("B", translated("summary", LANGUAGES)),
                ("C", [*translated("problem", LANGUAGES), *translated("solution", LANGUAGES)]),
            ],
            name="title",
        )
    ]
