"""Registration: one click for members, visitors through a confirmed address, capacity, the
waitlist and its promotion, cancellation, and the back-office writes."""

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from events import links, services
from events.enums import Audience, RegistrationMode, RegistrationStatus
from events.models import EventRegistration
from notifications.models import Notification
from tests.factories.accounts import UserFactory
from tests.factories.events import (
    EventFactory,
    EventRegistrationFactory,
    RegistrationQuestionFactory,
    in_days,
)

pytestmark = pytest.mark.django_db


def register_visitor(event, email="amina@abuja.test", **extra):
    return services.registration_create_for_visitor(
        event=event,
        name=extra.pop("name", "Amina Bello"),
        organization_name=extra.pop("organization_name", "Abuja"),
        email=email,
        **extra,
    )


def confirm_link(message) -> str:
    return re.search(r"/events/registrations/confirm/([^/\s]+)/", message.body).group(1)


def statuses(event) -> list[tuple[str, str]]:
    return list(
        EventRegistration.objects.filter(event=event)
        .order_by("requested_at", "id")
        .values_list("email", "status")
    )


# --- Members: one click ------------------------------------------------------------------------


def test_member_registers_in_one_click_and_is_emailed(
    event, member, seoul, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create_for_user(event=event, user=member)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert (registration.name, registration.email, registration.organization) == (
        "Ji-won Kim",
        "officer@seoul.test",
        seoul,
    )
    assert registration.organization_name == "Seoul"
    assert [m.subject for m in mailoutbox] == ["You are registered: Smart Health Responder Webinar"]
    assert mailoutbox[0].to == ["officer@seoul.test"]
    assert "/events/registrations/cancel/" in mailoutbox[0].body


def test_registering_twice_is_refused(event, member):
    first = services.registration_create_for_user(event=event, user=member)

    with pytest.raises(services.AlreadyRegistered) as caught:
        services.registration_create_for_user(event=event, user=member)

    assert caught.value.registration == first
    assert EventRegistration.objects.filter(event=event).count() == 1


def test_the_database_refuses_a_second_registration_of_the_same_address(event):
    EventRegistrationFactory(event=event, email="amina@abuja.test")

    with pytest.raises(IntegrityError), transaction.atomic():
        EventRegistrationFactory(event=event, email="Amina@Abuja.TEST")


def test_the_database_refuses_a_second_registration_of_the_same_user(event, member):
    EventRegistrationFactory(event=event, user=member, email="one@seoul.test")

    with pytest.raises(IntegrityError), transaction.atomic():
        EventRegistrationFactory(event=event, user=member, email="two@seoul.test")


def test_a_cancelled_registration_is_reused_when_the_person_registers_again(event, member):
    first = services.registration_create_for_user(event=event, user=member)
    services.registration_cancel(registration=first)

    again = services.registration_create_for_user(event=event, user=member)

    assert again.pk == first.pk
    assert again.status == RegistrationStatus.CONFIRMED
    assert again.cancelled_at is None


def test_required_question_must_be_answered(event, member):
    question = RegistrationQuestionFactory(event=event, label="Dietary needs", required=True)

    with pytest.raises(services.RegistrationError, match="Dietary needs"):
        services.registration_create_for_user(event=event, user=member, answers={})
    registration = services.registration_create_for_user(
        event=event, user=member, answers={str(question.pk): " vegetarian ", "999": "ignored"}
    )

    assert registration.answers == {str(question.pk): "vegetarian"}


# --- Who may register --------------------------------------------------------------------------


def test_members_only_event_refuses_a_signed_in_non_member(user, partner_user):
    event = EventFactory(open_registration=True, audience=Audience.MEMBERS)

    for person in (user, partner_user):
        with pytest.raises(services.MembersOnly):
            services.registration_create_for_user(event=event, user=person)

    assert EventRegistration.objects.count() == 0


def test_members_only_event_refuses_a_visitor():
    event = EventFactory(open_registration=True, audience=Audience.MEMBERS)

    with pytest.raises(services.MembersOnly):
        register_visitor(event)

    assert EventRegistration.objects.count() == 0


def test_members_only_event_takes_a_member(member):
    event = EventFactory(open_registration=True, audience=Audience.MEMBERS)

    registration = services.registration_create_for_user(event=event, user=member)

    assert registration.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize(
    "fields",
    [
        {"registration": RegistrationMode.CLOSED},
        {"registration": RegistrationMode.NONE},
        {"registration": RegistrationMode.OPEN, "registration_opens_at": in_days(2)},
        {"registration": RegistrationMode.OPEN, "registration_closes_at": in_days(-1)},
        {"registration": RegistrationMode.OPEN, "starts_at": in_days(-1)},
        {"registration": RegistrationMode.OPEN, "status": "cancelled"},
    ],
)
def test_registration_outside_its_window_is_refused(member, fields):
    event = EventFactory(**fields)

    with pytest.raises(services.RegistrationClosed):
        services.registration_create_for_user(event=event, user=member)


# --- Capacity, waitlist, promotion -------------------------------------------------------------


def test_a_full_event_puts_later_registrations_on_the_waitlist(
    django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(open_registration=True, capacity=2)

    with django_capture_on_commit_callbacks(execute=True):
        for name in ("a", "b", "c", "d"):
            services.registration_create_for_user(
                event=event, user=UserFactory(email=f"{name}@x.test")
            )

    assert statuses(event) == [
        ("a@x.test", "confirmed"),
        ("b@x.test", "confirmed"),
        ("c@x.test", "waitlisted"),
        ("d@x.test", "waitlisted"),
    ]
    assert [m.subject.split(":")[0] for m in mailoutbox] == [
        "You are registered",
        "You are registered",
        "You are on the waitlist",
        "You are on the waitlist",
    ]


def test_a_full_event_without_waitlist_refuses():
    event = EventFactory(open_registration=True, capacity=1, waitlist_enabled=False)
    services.registration_create_for_user(event=event, user=UserFactory())

    with pytest.raises(services.EventFull):
        services.registration_create_for_user(event=event, user=UserFactory())


def test_a_cancellation_promotes_the_first_person_waiting(
    django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(open_registration=True, capacity=1)
    people = [UserFactory(email=f"{n}@x.test") for n in ("a", "b", "c")]
    registrations = [services.registration_create_for_user(event=event, user=p) for p in people]
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registrations[0], cancelled_by=people[0])

    assert statuses(event) == [
        ("a@x.test", "cancelled"),
        ("b@x.test", "confirmed"),
        ("c@x.test", "waitlisted"),
    ]
    promoted = EventRegistration.objects.get(email="b@x.test")
    assert promoted.promoted_at is not None
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("a@x.test", f"Registration cancelled: {event.title}"),
        ("b@x.test", f"A place came free: you are registered for {event.title}"),
    ]


def test_cancelling_a_waitlisted_registration_promotes_nobody():
    event = EventFactory(open_registration=True, capacity=1)
    _first, second, _third = (
        services.registration_create_for_user(event=event, user=UserFactory()) for _ in range(3)
    )

    services.registration_cancel(registration=second)

    assert [r.status for r in EventRegistration.objects.order_by("id")] == [
        "confirmed",
        "cancelled",
        "waitlisted",
    ]


def test_cancelling_twice_changes_nothing_the_second_time(event, member):
    registration = services.registration_create_for_user(event=event, user=member)
    services.registration_cancel(registration=registration)
    notifications = Notification.objects.count()

    again = services.registration_cancel(registration=registration)

    assert again.status == RegistrationStatus.CANCELLED
    assert Notification.objects.count() == notifications


def test_a_newcomer_never_jumps_the_waitlist():
    event = EventFactory(open_registration=True, capacity=1)
    services.registration_create_for_user(event=event, user=UserFactory(email="a@x.test"))
    services.registration_create_for_user(event=event, user=UserFactory(email="b@x.test"))
    # A place frees up without the service (e.g. capacity raised in bulk): b still waits.
    type(event).objects.filter(pk=event.pk).update(capacity=2)

    services.registration_create_for_user(event=event, user=UserFactory(email="c@x.test"))

    assert statuses(event) == [
        ("a@x.test", "confirmed"),
        ("b@x.test", "waitlisted"),
        ("c@x.test", "waitlisted"),
    ]
    assert [r.email for r in services.waitlist_promote(event=event)] == ["b@x.test"]


def test_no_promotion_once_the_event_has_started():
    event = EventFactory(open_registration=True, capacity=1)
    first = services.registration_create_for_user(event=event, user=UserFactory())
    services.registration_create_for_user(event=event, user=UserFactory())
    type(event).objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        window_start=timezone.now() - datetime.timedelta(minutes=5),
    )

    services.registration_cancel(registration=first)

    assert list(EventRegistration.objects.order_by("id").values_list("status", flat=True)) == [
        "cancelled",
        "waitlisted",
    ]


# --- Visitors ----------------------------------------------------------------------------------


def test_a_visitor_confirms_the_address_through_the_emailed_link(
    event, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        pending = register_visitor(event)

    assert pending.status == RegistrationStatus.PENDING
    assert pending.user is None
    assert [m.subject for m in mailoutbox] == [
        "Please confirm your registration for Smart Health Responder Webinar"
    ]
    token = confirm_link(mailoutbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.registration_confirm_email(token=token)

    assert confirmed.pk == pending.pk
    assert confirmed.status == RegistrationStatus.CONFIRMED
    assert confirmed.email_confirmed_at is not None
    assert mailoutbox[-1].subject == "You are registered: Smart Health Responder Webinar"
    assert mailoutbox[-1].to == ["amina@abuja.test"]


def test_an_unconfirmed_visitor_holds_no_place():
    event = EventFactory(open_registration=True, capacity=1)
    register_visitor(event, email="first@visitor.test")
    member = UserFactory()

    registration = services.registration_create_for_user(event=event, user=member)

    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_confirmation_link_works_once_and_refuses_tampering(
    event, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        register_visitor(event)
    token = confirm_link(mailoutbox[0])
    first = services.registration_confirm_email(token=token)

    second = services.registration_confirm_email(token=token)

    assert second.pk == first.pk
    assert second.revision == first.revision
    with pytest.raises(services.InvalidLink):
        services.registration_confirm_email(token=token[:-2] + "xx")


def test_a_link_from_before_a_cancellation_cannot_confirm_a_new_request(event):
    pending = register_visitor(event)
    old_token = links.confirmation_token(pending)
    services.registration_cancel(registration=pending)
    register_visitor(event)

    with pytest.raises(services.InvalidLink):
        services.registration_confirm_email(token=old_token)


def test_a_visitor_registering_an_address_already_registered_gets_a_reminder_not_a_second_row(
    event, django_capture_on_commit_callbacks, mailoutbox
):
    EventRegistrationFactory(event=event, email="amina@abuja.test")

    with django_capture_on_commit_callbacks(execute=True):
        register_visitor(event, email="Amina@Abuja.test")
        register_visitor(event, email="amina@abuja.test")

    assert EventRegistration.objects.filter(event=event).count() == 1
    assert [m.subject for m in mailoutbox] == [
        "You are already registered for Smart Health Responder Webinar"
    ]


def test_a_visitor_who_confirms_when_the_event_is_full_joins_the_waitlist():
    event = EventFactory(open_registration=True, capacity=1)
    pending = register_visitor(event)
    services.registration_create_for_user(event=event, user=UserFactory())

    registration = services.registration_confirm_email(token=links.confirmation_token(pending))

    assert registration.status == RegistrationStatus.WAITLISTED


def test_cancelling_an_unconfirmed_request_sends_nothing(
    event, django_capture_on_commit_callbacks, mailoutbox
):
    pending = register_visitor(event)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=pending)

    assert mailoutbox == []


# --- Back office -------------------------------------------------------------------------------


def test_firming_up_the_date_tells_registrants_and_bumps_the_calendar_revision(
    django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(
        open_registration=True,
        date_precision="month",
        starts_at=None,
        start_date=in_days(40).date(),
    )
    EventRegistrationFactory(event=event, email="a@x.test")
    EventRegistrationFactory(event=event, email="b@x.test", status="cancelled")
    event.date_precision = "exact"
    event.starts_at = in_days(45, hour=14)

    with django_capture_on_commit_callbacks(execute=True):
        services.event_save(event=event, changed_fields=["date_precision", "starts_at"])

    event.refresh_from_db()
    assert event.sequence == 1
    assert [(m.to, m.subject) for m in mailoutbox] == [(["a@x.test"], f"New date: {event.title}")]
    assert event.date_label in mailoutbox[0].body


def test_raising_capacity_in_the_back_office_promotes_the_waitlist():
    event = EventFactory(open_registration=True, capacity=1)
    for _ in range(3):
        services.registration_create_for_user(event=event, user=UserFactory())
    event.capacity = 2

    services.event_save(event=event, changed_fields=["capacity"])

    assert sorted(EventRegistration.objects.values_list("status", flat=True)) == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]


def test_cancelling_an_event_tells_its_registrants(django_capture_on_commit_callbacks, mailoutbox):
    event = EventFactory(open_registration=True)
    EventRegistrationFactory(event=event, email="a@x.test")
    EventRegistrationFactory(event=event, email="b@x.test", status="waitlisted", confirmed_at=None)
    event.status = "cancelled"

    with django_capture_on_commit_callbacks(execute=True):
        services.event_save(event=event, changed_fields=["status"])

    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("a@x.test", f"Cancelled: {event.title}"),
        ("b@x.test", f"Cancelled: {event.title}"),
    ]


def test_the_same_message_to_registrants_goes_once(
    event, staff_user, django_capture_on_commit_callbacks, mailoutbox
):
    EventRegistrationFactory(event=event, email="a@x.test")
    EventRegistrationFactory(event=event, email="b@x.test", status="waitlisted", confirmed_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        sent = [
            services.event_message_registrants(
                event=event,
                subject="Your programme",
                message="Please join ten minutes early.",
                statuses=["confirmed"],
                sent_by=staff_user,
            )
            for _ in range(2)
        ]

    assert sent == [1, 0]
    assert [(m.to, m.subject) for m in mailoutbox] == [(["a@x.test"], "Your programme")]
    assert "Please join ten minutes early." in mailoutbox[0].body


def test_event_unique_slug_adds_the_year_and_avoids_reserved_words():
    EventFactory(slug="wego-excom-2020")

    assert services.event_unique_slug("WeGO EXCOM", 2020) == "wego-excom-2020-2"
    assert services.event_unique_slug("Smart Tech Korea Expo", 2021) == "smart-tech-korea-expo-2021"
    assert services.event_unique_slug("Calendar") == "calendar-2"
