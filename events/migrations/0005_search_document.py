"""PostgreSQL only: the site search's stored document of events, in every language, with its
GIN index, and a trigram index on the title (``search.documents``)."""

from django.db import migrations

from search.documents import add_document, translated

# The field itself is English (django-modeltranslation keeps it equal to its _en column).
LANGUAGES = ("ko", "zh_hans", "ru", "es", "fr", "ar", "tr")


class Migration(migrations.Migration):
    dependencies = [("events", "0004_admin_list_indexes"), ("members", "0002_postgres_search")]
    operations = [
        add_document(
            "events_event",
            [
                ("A", translated("title", LANGUAGES)),
                ("B", [*translated("theme", LANGUAGES), *translated("summary", LANGUAGES), "city"]),
                ("C", translated("description", LANGUAGES)),
            ],
            name="title",
        )
    ]
