import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from awards.enums import EntryStatus, Result, Stage
from awards.models import (
    Category,
    ConflictOfInterest,
    Edition,
    Entry,
    EntryDocument,
    EntryImage,
    Judge,
    Score,
)
from tests.factories.members import OrganizationFactory


def _now():
    return timezone.now()


class EditionFactory(factory.django.DjangoModelFactory):
    """An edition open for entries (opened ten days ago, deadline in ten days)."""

    class Meta:
        model = Edition

    number = factory.Sequence(lambda n: 10 + n)
    year = factory.Sequence(lambda n: 2030 + 3 * n)
    theme = "Smart cities for all"
    is_public = True
    max_entries_per_city = 3
    entries_open_at = factory.LazyFunction(lambda: _now() - datetime.timedelta(days=10))
    entries_close_at = factory.LazyFunction(lambda: _now() + datetime.timedelta(days=10))
    stage = Stage.OPEN

    class Params:
        # Deadline passed, judging under way (panel open).
        judging = factory.Trait(
            entries_open_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=30)),
            entries_close_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=5)),
            judging_starts_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=4)),
            judging_ends_at=factory.LazyFunction(lambda: _now() + datetime.timedelta(days=20)),
            stage=Stage.JUDGING,
        )
        # Judging over: the panel has closed, results not yet published.
        panel_closed = factory.Trait(
            entries_open_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=60)),
            entries_close_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=30)),
            judging_starts_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=29)),
            judging_ends_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=1)),
            stage=Stage.JUDGING,
        )
        published = factory.Trait(
            entries_open_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=90)),
            entries_close_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=60)),
            judging_starts_at=None,
            judging_ends_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=10)),
            results_published=True,
            stage=Stage.PUBLISHED,
            results_published_at=factory.LazyFunction(lambda: _now() - datetime.timedelta(days=5)),
        )


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    keywords = factory.LazyFunction(lambda: ["Open data", "Transparency"])
    position = factory.Sequence(lambda n: n)


class JudgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Judge
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Judge {n}")
    title = "Director"
    affiliation = "Urban Institute"
    user = None
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)


class EntryFactory(factory.django.DjangoModelFactory):
    """A complete draft of a member city (ready to submit)."""

    class Meta:
        model = Entry

    category = factory.SubFactory(CategoryFactory)
    edition = factory.SelfAttribute("category.edition")
    organization = factory.SubFactory(OrganizationFactory)
    entrant_name = factory.LazyAttribute(lambda o: o.organization.name if o.organization else "")
    entrant_country = factory.LazyAttribute(
        lambda o: o.organization.country.code if o.organization else ""
    )
    project_title = factory.Sequence(lambda n: f"Smart Project {n}")
    summary = "A city app that lets citizens report problems and follow their resolution."
    problem = "Complaints took weeks to reach the right department."
    solution = "One app and a shared back office for every department."
    ict_used = "Mobile app, open API, cloud hosting."
    results_impact = "Resolution time fell from 21 to 4 days; 310,000 users."
    started_on = datetime.date(2018, 3, 1)
    partners = "City university"
    status = EntryStatus.DRAFT

    class Params:
        submitted = factory.Trait(
            status=EntryStatus.SUBMITTED, submitted_at=factory.LazyFunction(_now)
        )
        winner = factory.Trait(
            status=EntryStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(_now),
            result=Result.WINNER,
        )
        special_mention = factory.Trait(
            status=EntryStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(_now),
            result=Result.SPECIAL_MENTION,
        )


class EntryImageFactory(factory.django.DjangoModelFactory):
    """An image row; the files are tiny PNGs written to the (test) private storage."""

    class Meta:
        model = EntryImage

    entry = factory.SubFactory(EntryFactory)
    caption = "The project in use"
    image = factory.django.ImageField(filename="image.png", width=40, height=30, format="PNG")
    thumbnail = factory.django.ImageField(filename="thumb.png", width=20, height=15, format="PNG")


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class EntryDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntryDocument

    entry = factory.SubFactory(EntryFactory)
    title = factory.Sequence(lambda n: f"Evaluation report {n}")
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="report.pdf"))
    is_public = False


class ConflictOfInterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConflictOfInterest

    judge = factory.SubFactory(JudgeFactory)
    entry = factory.SubFactory(EntryFactory)
    reason = "I advised this city."


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    judge = factory.SubFactory(JudgeFactory)
    entry = factory.SubFactory(EntryFactory)
    innovation = 7
    impact = 7
    sustainability = 7
    replicability = 7
    citizen_benefit = 7
    comments = "Solid project."


def close_entries(edition, *, judging=True):
    """Move the deadline into the past, the edition into judging (and, by default, the panel's
    judging window around now)."""
    now = _now()
    edition.entries_open_at = now - datetime.timedelta(days=30)
    edition.entries_close_at = now - datetime.timedelta(days=2)
    edition.judging_starts_at = now - datetime.timedelta(days=1) if judging else None
    edition.judging_ends_at = now + datetime.timedelta(days=10) if judging else None
    edition.stage = Stage.JUDGING
    edition.save()


def publish_results(edition, by, *, reason="No judging panel in this example."):
    """Close the results and publish them through the services (scores may be missing: the
    override is recorded with ``reason``)."""
    from awards import services

    edition = services.edition_move(edition=edition, to_stage=Stage.RESULTS_RECORDED, by=by)
    return services.edition_publish_results(
        edition=edition, published_by=by, override_reason=reason
    )
