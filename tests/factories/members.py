import factory

from members.enums import MemberType, OfficeKind, OrganizationRole, OrganizationStatus, Region
from members.models import MembershipApplication, Office, Organization, OrganizationUser
from tests.factories.accounts import UserFactory


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"office-{n}")
    name = factory.Sequence(lambda n: f"Regional Office {n}")
    kind = OfficeKind.REGIONAL
    city = "Chengdu"
    country = "CN"
    opened_year = 2014
    regions = factory.LazyFunction(lambda: [Region.ASIA_PACIFIC])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    member_type = MemberType.LOCAL_GOVERNMENT
    country = "KR"
    region = Region.ASIA_PACIFIC
    city = factory.LazyAttribute(lambda o: o.name)
    status = OrganizationStatus.ACTIVE
    office = None


class OrganizationUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationUser

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganizationRole.EDITOR


class MembershipApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipApplication

    organization_name = factory.Sequence(lambda n: f"Applicant City {n}")
    member_type = MemberType.LOCAL_GOVERNMENT
    country = "PH"
    region = Region.ASIA_PACIFIC
    city = factory.LazyAttribute(lambda o: o.organization_name)
    contact_name = "Maria Santos"
    contact_email = factory.Sequence(lambda n: f"contact{n}@applicant.test")
    motivation = "We want to learn from other smart cities."
