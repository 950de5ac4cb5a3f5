import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from events.models import EventRegistration
from members.models import MembershipApplication
from notifications.models import Notification
from privacy import services
from privacy.models import ConsentRecord, RetentionRun
from privacy.tasks import enforce_retention_task
from tests.factories.events import EventFactory, EventRegistrationFactory
from tests.factories.members import MembershipApplicationFactory
from tests.factories.notifications import NotificationFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 3, 0, tzinfo=datetime.UTC)  # the frozen clock


def _event(ended_days_before_now: int):
    start = NOW - datetime.timedelta(days=ended_days_before_now, hours=2)
    return EventFactory(
        open_registration=True, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )


def test_retention_removes_registrations_of_events_past_the_policy_and_keeps_newer(settings):
    settings.PRIVACY_RETENTION_DAYS = {
        **settings.PRIVACY_RETENTION_DAYS,
        "event_registrations": 365,
    }
    old = EventRegistrationFactory(event=_event(366))
    recent = EventRegistrationFactory(event=_event(364))
    upcoming = EventRegistrationFactory(event=_event(-10))
    services.consent_give(purpose="share_with_host", subject=old)
    kept_consent = services.consent_give(purpose="share_with_host", subject=recent)

    run = services.retention_enforce(now=NOW)

    assert set(EventRegistration.objects.values_list("pk", flat=True)) == {recent.pk, upcoming.pk}
    assert not EventRegistration.objects.filter(pk=old.pk).exists()
    assert list(ConsentRecord.objects.all()) == [kept_consent]  # its consent went with it
    assert run.ran_at == NOW
    assert run.removed["event_registrations"] == 1


def test_retention_removes_declined_join_requests_and_sent_notification_bodies():
    declined = MembershipApplicationFactory(
        status="rejected", decided_at=NOW - datetime.timedelta(days=400)
    )
    pending = MembershipApplicationFactory(decided_at=None)
    old_notice = NotificationFactory(state="sent", created_at=NOW - datetime.timedelta(days=200))
    new_notice = NotificationFactory(state="sent", created_at=NOW - datetime.timedelta(days=10))

    run = services.retention_enforce(now=NOW)

    assert list(MembershipApplication.objects.all()) == [pending]
    assert not MembershipApplication.objects.filter(pk=declined.pk).exists()
    assert Notification.objects.get(pk=old_notice.pk).body_text == ""
    assert Notification.objects.get(pk=new_notice.pk).body_text != ""
    assert (run.removed["declined_join_requests"], run.removed["notification_bodies"]) == (1, 1)


def test_retention_removes_old_audit_entries(secretariat):
    entry = LogEntry.objects.first()  # the secretariat's creation
    LogEntry.objects.filter(pk=entry.pk).update(
        timestamp=NOW - datetime.timedelta(days=6 * 365 + 1)
    )
    run = services.retention_enforce(now=NOW)
    assert not LogEntry.objects.filter(pk=entry.pk).exists()
    assert run.removed["audit_log"] >= 1


def test_the_daily_task_reports_what_it_removed():
    removed = enforce_retention_task.delay().get()
    assert removed == RetentionRun.objects.get().removed
    assert set(removed) == {
        "event_registrations",
        "declined_join_requests",
        "inquiries",
        "notification_bodies",
        "sessions",
        "audit_log",
        "data_exports",
    }


def test_admin_shows_the_policy_and_the_runs(client, secretariat, east_asia_staff):
    services.retention_enforce(now=timezone.now())
    client.force_login(secretariat)
    response = client.get(reverse("admin:privacy_retentionrun_changelist"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Visitor registrations, counted from the end of the event" in body
    assert len(response.context["cl"].result_list) == 1
    client.force_login(east_asia_staff)
    assert client.get(reverse("admin:privacy_retentionrun_changelist")).status_code == 403


def test_beat_runs_retention_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-enforce-retention"]
    assert entry == {"task": "privacy.tasks.enforce_retention_task", "schedule": 86400.0}
