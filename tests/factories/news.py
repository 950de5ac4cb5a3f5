import factory
from django.utils import timezone

from news.models import Article, Category
from tests.factories.members import OfficeFactory
from wego_portal.moderation.enums import ModerationStatus


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A draft article of a regional office."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Smart city news {n}")
    slug = factory.Sequence(lambda n: f"smart-city-news-{n}")
    summary = "What happened, in one sentence."
    body = "<p>The story.</p>"
    office = factory.SubFactory(OfficeFactory)

    class Params:
        published = factory.Trait(
            status=ModerationStatus.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1)),
        )
