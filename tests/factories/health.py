import datetime

import factory
from django.utils import timezone

from health.enums import (
    HealthTopic,
    InitiativeFileKind,
    InquiryStatus,
    InquiryTopic,
    MaterialKind,
    ModerationStatus,
)
from health.models import (
    Initiative,
    InitiativeFile,
    Inquiry,
    Material,
    Supplier,
    SupplierCategory,
)
from tests.factories.members import OrganizationFactory
from tests.members.files import pdf_bytes


class InitiativeFactory(factory.django.DjangoModelFactory):
    """A complete draft of a member city (ready to submit)."""

    class Meta:
        model = Initiative

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Health initiative {n}")
    city = factory.LazyAttribute(lambda o: o.organization.city if o.organization else "Seoul")
    country = factory.LazyAttribute(lambda o: o.organization.country if o.organization else "KR")
    topic = HealthTopic.TESTING
    started_on = datetime.date(2020, 3, 1)
    summary = "Drive-through testing stations open every day."
    outcomes = "50,000 tests in the first month."
    status = ModerationStatus.DRAFT

    class Params:
        published = factory.Trait(
            status=ModerationStatus.PUBLISHED,
            submitted_at=factory.LazyFunction(timezone.now),
            published_at=factory.LazyFunction(timezone.now),
        )
        submitted = factory.Trait(
            status=ModerationStatus.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )


class InitiativeFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InitiativeFile

    initiative = factory.SubFactory(InitiativeFactory)
    kind = InitiativeFileKind.DOCUMENT
    file = factory.django.FileField(data=pdf_bytes(), filename="report.pdf")
    original_name = "report.pdf"
    size = factory.LazyFunction(lambda: len(pdf_bytes()))


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    title = factory.Sequence(lambda n: f"Guide {n}")
    kind = MaterialKind.GUIDE
    topic = HealthTopic.DATA_DASHBOARDS
    url = factory.Sequence(lambda n: f"https://example.org/guide-{n}")
    published_on = datetime.date(2020, 9, 1)


class SupplierCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierCategory
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Supplier {n}")
    slug = factory.Sequence(lambda n: f"supplier-{n}")
    country = "KR"
    description = "Test kits for cities."
    products = "PCR test kits\nRapid antigen tests"
    certifications = "CE, ISO 13485"
    contact_email = factory.Sequence(lambda n: f"sales{n}@supplier.test")
    is_published = True

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)


class InquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inquiry

    supplier = None
    name = "Ana Lima"
    organization_name = "City of Lima"
    email = factory.Sequence(lambda n: f"visitor{n}@city.test")
    country = "PE"
    topic = InquiryTopic.MEDICAL_EQUIPMENT
    message = "We need 2,000 rapid tests by June."
    status = InquiryStatus.NEW
