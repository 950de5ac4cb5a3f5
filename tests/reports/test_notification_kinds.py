import pytest

from events.enums import RegistrationStatus
from notifications.digest import digest_items_for
from notifications.enums import NotificationState
from programs.enums import ApplicationStatus
from reports import notification_kinds as lines
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, EventRegistrationFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.programs import ApplicationFactory, CallFactory, ReviewFactory


def test_applications_by_status_per_call(secretariat):
    call = CallFactory(title="Solution Finder")
    ApplicationFactory.create_batch(2, call=call, status=ApplicationStatus.SUBMITTED)
    ApplicationFactory(call=call, status=ApplicationStatus.UNDER_REVIEW)
    ApplicationFactory(call=call, status=ApplicationStatus.DRAFT)
    ApplicationFactory(call=call, status=ApplicationStatus.DECLINED)

    result = lines.applications_by_status_per_call(secretariat)

    assert result == [
        (
            "Solution Finder: Submitted",
            2,
            f"/admin/programs/application/?call__id__exact={call.pk}&status__exact=submitted",
        ),
        (
            "Solution Finder: Under review",
            1,
            f"/admin/programs/application/?call__id__exact={call.pk}&status__exact=under_review",
        ),
    ]


def test_pending_reviews_counts_colleagues_incomplete_reviews_of_applications_in_review(
    secretariat,
):
    ReviewFactory.create_batch(2, application__status=ApplicationStatus.UNDER_REVIEW)
    ReviewFactory(application__status=ApplicationStatus.DECLINED)
    # The reader's own open review is the programs line "Your application reviews to complete".
    ReviewFactory(application__status=ApplicationStatus.UNDER_REVIEW, reviewer=secretariat)

    [(label, count, url)] = lines.pending_reviews(secretariat)

    assert (label, count, url) == (
        "Reviews assigned to colleagues and not yet completed",
        2,
        "/admin/programs/application/?reviews=incomplete",
    )


def test_upcoming_event_registrations(secretariat):
    event = EventFactory(title="Smart Health Webinar", open_registration=True)
    EventRegistrationFactory.create_batch(3, event=event)
    EventRegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    EventFactory(title="No registration here")

    result = lines.upcoming_event_registrations(secretariat)

    assert result == [
        (
            "registrations for Smart Health Webinar",
            3,
            f"/admin/events/eventregistration/?event={event.pk}",
        )
    ]


def test_outbox_failures(secretariat):
    NotificationFactory.create_batch(2, state=NotificationState.FAILED)
    NotificationFactory(state=NotificationState.SENT)

    assert lines.outbox_failures(secretariat) == [
        (
            "E-mails that failed to send",
            2,
            "/admin/notifications/notification/?state__exact=failed",
        )
    ]


@pytest.mark.parametrize(
    "provider",
    [
        lines.applications_by_status_per_call,
        lines.pending_reviews,
        lines.upcoming_event_registrations,
        lines.outbox_failures,
    ],
)
def test_lines_only_for_secretariat(db, provider):
    NotificationFactory(state=NotificationState.FAILED)

    assert list(provider(UserFactory(is_staff=True))) == []


def test_admin_dashboard_shows_outbox_failures(client, secretariat):
    NotificationFactory(state=NotificationState.FAILED)
    client.force_login(secretariat)

    html = client.get("/admin/").content.decode()

    assert "<strong>1</strong> E-mails that failed to send" in html
    assert any(
        item.label == "E-mails that failed to send" for item in digest_items_for(secretariat)
    )
