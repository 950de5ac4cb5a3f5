"""Reads of the newsletter: the topics offered and an issue's progress through the outbox."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet

from notifications.enums import NotificationState
from notifications.models import Notification

from .models import Issue, Topic


def offered_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(is_active=True).order_by("position", "slug")


@dataclass(frozen=True)
class Progress:
    total: int
    queued: int
    sent: int
    failed: int

    @property
    def done(self) -> int:
        return self.sent + self.failed

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def issue_progress(issue: Issue) -> Progress:
    """The issue's rows in the outbox by state (one query)."""
    counts = dict(
        Notification.objects.filter(
            content_type=ContentType.objects.get_for_model(Issue), object_id=issue.pk
        )
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    queued = counts.get(NotificationState.QUEUED, 0) + counts.get(NotificationState.SENDING, 0)
    sent = counts.get(NotificationState.SENT, 0)
    failed = counts.get(NotificationState.FAILED, 0)
    return Progress(total=queued + sent + failed, queued=queued, sent=sent, failed=failed)
