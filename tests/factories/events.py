import datetime

import factory
from django.utils import timezone

from events.enums import (
    Attendance,
    DatePrecision,
    EventKind,
    EventStatus,
    LinkKind,
    QuestionKind,
    RegistrationMode,
    RegistrationStatus,
)
from events.models import (
    Event,
    EventHost,
    EventLink,
    EventRegistration,
    EventSponsor,
    RegistrationQuestion,
    Speaker,
)
from members.regions import region_for_country
from tests.factories.members import OrganizationFactory


def in_days(days: float, hour: int = 10) -> datetime.datetime:
    """A moment ``days`` from now at ``hour`` o'clock (server time zone), rounded."""
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


class EventFactory(factory.django.DjangoModelFactory):
    """A published online webinar with an exact time ten days ahead, no registration."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Smart City Webinar {n}")
    slug = factory.Sequence(lambda n: f"smart-city-webinar-{n}")
    status = EventStatus.PUBLISHED
    kind = EventKind.WEBINAR
    attendance = Attendance.ONLINE
    date_precision = DatePrecision.EXACT
    starts_at = factory.LazyFunction(lambda: in_days(10))
    ends_at = factory.LazyAttribute(
        lambda o: o.starts_at + datetime.timedelta(hours=2) if o.starts_at else None
    )
    year = factory.LazyAttribute(lambda o: o.starts_at.year if o.starts_at else 2021)
    timezone = "Asia/Seoul"
    registration = RegistrationMode.NONE
    # What events.services.event_save fills in from the country.
    region = factory.LazyAttribute(
        lambda o: region_for_country(str(o.country)) if getattr(o, "country", "") else ""
    )

    class Params:
        open_registration = factory.Trait(registration=RegistrationMode.OPEN)


class EventRegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed visitor registration (no account)."""

    class Meta:
        model = EventRegistration

    event = factory.SubFactory(EventFactory, open_registration=True)
    name = factory.Sequence(lambda n: f"Registrant {n}")
    organization_name = "City of Testing"
    email = factory.Sequence(lambda n: f"registrant{n}@visitor.test")
    status = RegistrationStatus.CONFIRMED
    revision = 1
    requested_at = factory.LazyFunction(timezone.now)
    email_confirmed_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyAttribute(
        lambda o: o.requested_at if o.status == RegistrationStatus.CONFIRMED else None
    )


class EventHostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventHost

    event = factory.SubFactory(EventFactory)
    organization = factory.SubFactory(OrganizationFactory)


class EventSponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSponsor

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Sponsor {n}")


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Speaker {n}")
    title = "Chief Digital Officer"
    affiliation = "City of Testing"


class EventLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventLink

    event = factory.SubFactory(EventFactory)
    kind = LinkKind.RECORDING
    title = factory.Sequence(lambda n: f"Recording {n}")
    url = factory.Sequence(lambda n: f"https://video.example.org/{n}")


class RegistrationQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationQuestion

    event = factory.SubFactory(EventFactory)
    label = "Do you need interpretation?"
    kind = QuestionKind.TEXT
    required = False
