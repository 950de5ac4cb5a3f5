"""Reads of the governance app that span relations (the views and the API share them)."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .enums import BodyKind, Visibility, VoteStatus
from .models import Ballot, Body, Decision, Delegate, Meeting, MeetingDocument, Seat, Vote


def current_seats(body: Body, *, on=None) -> QuerySet[Seat]:
    on = on or timezone.localdate()
    return (
        Seat.objects.filter(body=body)
        .filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=on),
            Q(ends_on__isnull=True) | Q(ends_on__gte=on),
        )
        .select_related("organization")
        .order_by("role", "organization__sort_name")
    )


def bodies_with_current_seats() -> list[Body]:
    bodies = list(Body.objects.order_by("position", "name"))
    for body in bodies:
        body.current = list(current_seats(body)) if body.kind != BodyKind.GENERAL_ASSEMBLY else []  # type: ignore[attr-defined]  # for the page
    return bodies


def public_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.filter(is_public=True).select_related("body", "host")


def meeting_for_page(slug: str) -> Meeting:
    return (
        Meeting.objects.select_related("body", "host", "event", "minutes_approved_at")
        .prefetch_related(
            "agenda_items",
            Prefetch(
                "documents",
                queryset=MeetingDocument.objects.select_related("agenda_item", "meeting"),
            ),
            "resolutions__decision",
        )
        .get(slug=slug)
    )


def documents_visible_to(user, meeting: Meeting) -> list[MeetingDocument]:
    return [d for d in meeting.documents.all() if user.has_perm("governance.view_document", d)]


def published_decisions() -> QuerySet[Decision]:
    return Decision.objects.filter(published=True).select_related(
        "resolution__body", "resolution__meeting", "resolution__vote"
    )


def decision_for_page(pk: int) -> Decision:
    return (
        Decision.objects.select_related(
            "resolution__body", "resolution__meeting", "resolution__vote", "resolution__office"
        )
        .prefetch_related(
            "elected__organization",
            "resolution__candidates__organization",
            "admitted_members",
            "adopted_documents",
        )
        .get(pk=pk)
    )


def receipts(vote: Vote) -> QuerySet:
    """The published receipt codes, in code order (not the order of casting)."""
    return Ballot.objects.filter(vote=vote).order_by("receipt")


def open_ballots(vote: Vote) -> QuerySet[Ballot]:
    """Who voted how, for an open (non-secret) vote."""
    return (
        Ballot.objects.filter(vote=vote, secret=False)
        .select_related("organization")
        .order_by("organization__sort_name")
    )


def votes_for_delegate(user) -> QuerySet[Vote]:
    """Open votes (and the latest closed ones) on which ``user`` can vote or could have."""
    from .rules import delegated_organization_ids

    mine = delegated_organization_ids(user)
    return (
        Vote.objects.filter(electors__organization_id__in=mine)
        .exclude(status__in=[VoteStatus.DRAFT, VoteStatus.SCHEDULED])
        .select_related("resolution__body", "resolution__decision")
        .distinct()
        .order_by("-closes_at", "-id")
    )


def active_delegates(organization) -> QuerySet[Delegate]:
    return Delegate.objects.filter(organization=organization, ended_at=None).select_related("user")


def seats_of(organization) -> QuerySet[Seat]:
    return (
        Seat.objects.filter(organization=organization)
        .select_related("body")
        .order_by("-starts_on", "body__position")
    )


def public_documents_of(meeting: Meeting) -> QuerySet[MeetingDocument]:
    return meeting.documents.filter(
        visibility=Visibility.PUBLIC, publish_on__lte=timezone.localdate()
    )
