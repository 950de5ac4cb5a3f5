"""PostgreSQL only: the site search's stored document of news articles, in every language,
with its GIN index, and a trigram index on the title (``search.documents``)."""

from django.db import migrations

from search.documents import add_document, translated

# The field itself is English (django-modeltranslation keeps it equal to its _en column).
LANGUAGES = ("ko", "zh_hans", "ru", "es", "fr", "ar", "tr")


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial"), ("members", "0002_postgres_search")]
    operations = [
        add_document(
            "news_article",
            [
                ("A", translated("title", LANGUAGES)),
                ("B", translated("summary", LANGUAGES)),
                ("C", translated("body", LANGUAGES)),
            ],
            name="title",
        )
    ]
