import datetime

import factory
from django.utils import timezone

from governance.enums import BodyKind, MeetingFormat, SeatRole, Visibility, VoteStatus
from governance.models import (
    Body,
    Candidate,
    Delegate,
    Meeting,
    MeetingDocument,
    Resolution,
    Seat,
    Vote,
)
from tests.factories.accounts import UserFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ["kind"]

    kind = BodyKind.EXECUTIVE_COMMITTEE
    name = factory.LazyAttribute(lambda o: str(BodyKind(o.kind).label))
    slug = factory.LazyAttribute(lambda o: o.kind.replace("_", "-"))
    voting_classes = factory.LazyFunction(lambda: ["full"])


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    body = factory.SubFactory(BodyFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = SeatRole.MEMBER
    starts_on = datetime.date(2021, 1, 1)


class DelegateFactory(factory.django.DjangoModelFactory):
    """A delegate who is also one of the organization's people (as the service requires)."""

    class Meta:
        model = Delegate

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.LazyAttribute(
        lambda o: OrganizationUserFactory(organization=o.organization, user=UserFactory()).user
    )


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    title = factory.Sequence(lambda n: f"EXCOM meeting {n}")
    slug = factory.Sequence(lambda n: f"excom-meeting-{n}")
    format = MeetingFormat.ONLINE
    year = 2021


class MeetingDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingDocument

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Meeting paper {n}")
    visibility = Visibility.PUBLIC
    publish_on = datetime.date(2021, 1, 1)


class ResolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resolution

    body = factory.SubFactory(BodyFactory)
    title = factory.Sequence(lambda n: f"Resolution {n}")
    text = "The Executive Committee resolves as follows."
    written_procedure = True


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    resolution = factory.SubFactory(ResolutionFactory)
    organization = factory.SubFactory(OrganizationFactory)


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    resolution = factory.SubFactory(ResolutionFactory)
    status = VoteStatus.DRAFT
    secret = True
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(minutes=5))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
