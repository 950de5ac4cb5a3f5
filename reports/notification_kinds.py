"""The Secretariat's dashboard lines (admin index and daily staff digest) from this app.

No notification kinds of its own: the annual report is generated on request and its progress
is shown on its page. Each provider runs a fixed number of aggregate queries.
"""

from django.utils.translation import gettext as _

from notifications.digest import register_digest_provider

UPCOMING_EVENTS_SHOWN = 8


def _for_secretariat(user) -> bool:
    from members.rules import is_secretariat

    return is_secretariat(user)


@register_digest_provider(key="reports.applications_by_status")
def applications_by_status_per_call(user):
    """One line per call and status of applications in progress (one query)."""
    from django.urls import reverse

    from programs.enums import ApplicationStatus
    from programs.models import Application

    if not _for_secretariat(user):
        return []
    finished = [
        ApplicationStatus.DRAFT,
        ApplicationStatus.DECLINED,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.CLOSED,
        ApplicationStatus.COMPLETED,
    ]
    rows = (
        Application.objects.exclude(status__in=finished)
        .order_by()
        .values("call_id", "call__title", "status")
        .annotate(n=_count())
        .order_by("call__title", "status")
    )
    changelist = reverse("admin:programs_application_changelist")
    return [
        (
            _("%(call)s: %(status)s")
            % {"call": row["call__title"], "status": ApplicationStatus(row["status"]).label},
            row["n"],
            f"{changelist}?call__id__exact={row['call_id']}&status__exact={row['status']}",
        )
        for row in rows
    ]


@register_digest_provider(key="reports.pending_reviews")
def pending_reviews(user):
    """Assigned application reviews not yet completed by colleagues.

    The reader's own open reviews are the programs app's "Your application reviews to
    complete" line: counting them here again would show the same reviews twice.
    """
    from django.urls import reverse

    from programs import workflow
    from programs.models import Review

    if not _for_secretariat(user):
        return []
    review_steps = {step for steps in workflow.REVIEW_STEPS.values() for step in steps}
    count = (
        Review.objects.filter(completed_at__isnull=True, application__status__in=review_steps)
        .exclude(reviewer=user)
        .count()
    )
    changelist = reverse("admin:programs_application_changelist")
    return [
        (
            _("Reviews assigned to colleagues and not yet completed"),
            count,
            f"{changelist}?reviews=incomplete",
        )
    ]


@register_digest_provider(key="reports.upcoming_registrations")
def upcoming_event_registrations(user):
    """The next events' confirmed and waitlisted registrations (one query)."""
    from django.urls import reverse
    from django.utils import timezone

    from events.enums import ACTIVE_REGISTRATION, EventStatus, RegistrationMode
    from events.models import Event

    if not _for_secretariat(user):
        return []
    events = (
        Event.objects.filter(status=EventStatus.PUBLISHED, window_end__gt=timezone.now())
        .exclude(registration=RegistrationMode.NONE)
        .annotate(active=_count("registrations", registrations__status__in=ACTIVE_REGISTRATION))
        .order_by("sort_at", "sort_rank", "window_start", "id")[:UPCOMING_EVENTS_SHOWN]
    )
    changelist = reverse("admin:events_eventregistration_changelist")
    return [
        (
            _("registrations for %(event)s") % {"event": event.title},
            event.active,
            f"{changelist}?event={event.pk}",
        )
        for event in events
    ]


@register_digest_provider(key="reports.outbox_failures")
def outbox_failures(user):
    """E-mails the outbox gave up on."""
    from django.urls import reverse

    from notifications.enums import NotificationState
    from notifications.models import Notification

    if not _for_secretariat(user):
        return []
    count = Notification.objects.filter(state=NotificationState.FAILED).count()
    return [
        (
            _("E-mails that failed to send"),
            count,
            f"{reverse('admin:notifications_notification_changelist')}?state__exact=failed",
        )
    ]


def _count(field: str = "id", **condition):
    from django.db.models import Count, Q

    return Count(field, filter=Q(**condition)) if condition else Count(field)
