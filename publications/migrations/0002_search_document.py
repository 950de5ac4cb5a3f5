"""PostgreSQL only: the site search's stored document of publications, in every language,
with its GIN index, and a trigram index on the title (``search.documents``)."""

from django.db import migrations

from search.documents import add_document, translated

# The field itself is English (django-modeltranslation keeps it equal to its _en column).
LANGUAGES = ("ko", "zh_hans", "ru", "es", "fr", "ar", "tr")


class Migration(migrations.Migration):
    dependencies = [("publications", "0001_initial"), ("members", "0002_postgres_search")]
    operations = [
        add_document(
            "publications_publication",
            [("A", translated("title", LANGUAGES)), ("B", translated("summary", LANGUAGES))],
            name="title",
        )
    ]
