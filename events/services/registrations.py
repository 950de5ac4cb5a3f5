"""Every write on events and registrations.

Views, admin actions, the Celery reminder task, the data loader and (later) the API call these
functions; each runs in one transaction and names its side effects in its docstring.

**Places are never overbooked.** Every change that takes, frees or hands on a place first locks
the event's row (``SELECT … FOR UPDATE``): registrations, confirmations, cancellations and
promotions for one event run one after the other, each counting the confirmed places inside
its own transaction. A new registrant never jumps the waitlist: while anyone waits, newcomers
wait too, and freed places go to the waitlist first come, first served.
"""

import datetime
import logging
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from members.models import OrganizationUser, fold
from notifications.services import notification_create

from .. import links
from ..enums import (
    ACTIVE_REGISTRATION,
    Audience,
    EventStatus,
    QuestionKind,
    RegistrationState,
    RegistrationStatus,
)
from ..models import (
    RESERVED_SLUGS,
    Event,
    EventRegistration,
)
from ..rules import member_organization_ids

logger = logging.getLogger(__name__)


class RegistrationError(Exception):
    """A registration that cannot be done; the message is shown to the person."""


class RegistrationClosed(RegistrationError):
    pass


class MembersOnly(RegistrationError):
    pass


class EventFull(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    def __init__(self, registration: EventRegistration):
        self.registration = registration
        super().__init__(_("You are already registered for this event."))


class InvalidLink(RegistrationError):
    pass


# --- Helpers -----------------------------------------------------------------------------------


def event_unique_slug(title: str, year: int | None = None) -> str:
    """A free slug for ``title``: the year is added when the title lacks it."""
    base = slugify(fold(title))[:100].strip("-") or "event"
    if year and str(year) not in base:
        base = f"{base[:94].rstrip('-')}-{year}"
    candidate, n = base, 2
    while candidate in RESERVED_SLUGS or Event.objects.filter(slug=candidate).exists():
        candidate = f"{base[:110]}-{n}"
        n += 1
    return candidate


def _lock_event(event: Event) -> Event:
    """The event's row, locked until the transaction ends: the gate for its places."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _counts(event: Event) -> tuple[int, int]:
    rows = dict(
        event.registrations.filter(status__in=ACTIVE_REGISTRATION)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return rows.get(RegistrationStatus.CONFIRMED, 0), rows.get(RegistrationStatus.WAITLISTED, 0)


def _check_open(event: Event, now: datetime.datetime) -> None:
    confirmed, waiting = _counts(event)
    state = event.registration_state(confirmed=confirmed, waiting=waiting, now=now)
    if state == RegistrationState.FULL:
        raise EventFull(_("This event is fully booked."))
    if state not in (RegistrationState.OPEN, RegistrationState.WAITLIST):
        raise RegistrationClosed(_("Registration for this event is not open."))


def _clean_answers(event: Event, answers: Mapping | None) -> dict[str, str]:
    """Keep answers to this event's questions only; refuse a missing required answer."""
    answers = answers or {}
    cleaned: dict[str, str] = {}
    for question in event.questions.all():
        value = answers.get(str(question.pk), answers.get(question.pk, ""))
        if question.kind == QuestionKind.YES_NO and value not in ("", None):
            value = "yes" if value in (True, "yes", "true", "on", "1") else "no"
        value = str(value or "").strip()
        if question.required and not value:
            raise RegistrationError(
                _("Please answer the question “%(question)s”.") % {"question": question.label}
            )
        if value:
            cleaned[str(question.pk)] = value[:2000]
    return cleaned


def _take_place_or_wait(event: Event, registration: EventRegistration, now) -> None:
    """Confirm ``registration`` if a place is free and nobody waits; else put it on the waitlist.

    Call with the event locked. Raises ``EventFull`` when full and the event has no waitlist.
    """
    confirmed, waiting = _counts(event)
    registration.requested_at = now
    if event.capacity is None or (confirmed < event.capacity and not waiting):
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
    elif event.waitlist_enabled:
        registration.status = RegistrationStatus.WAITLISTED
        registration.confirmed_at = None
    else:
        raise EventFull(_("This event is fully booked."))
    registration.promoted_at = None
    registration.cancelled_at = None


def _recipient(registration: EventRegistration) -> dict:
    if registration.user_id is not None:
        return {"recipient": registration.user}
    return {"to_email": registration.email}


def registration_context(registration: EventRegistration) -> dict:
    """What every registration e-mail may show (links made absolute for e-mail clients)."""
    event = registration.event
    return {
        "event": event,
        "registration": registration,
        "event_url": links.absolute_url(event.get_absolute_url()),
        "date_display": event.date_display,
        "place": event.place_label,
        "cancel_url": links.cancellation_url(registration),
        "calendar_url": links.absolute_url(reverse("events:event_ics", args=[event.slug]))
        if event.has_day
        else "",
        "join_url": event.join_url if registration.status == RegistrationStatus.CONFIRMED else "",
        "stop_sharing_url": links.sharing_withdrawal_url(registration)
        if registration.pk and registration_shared_with_hosts(registration)
        else "",
    }


def _notify(registration: EventRegistration, kind: str, key: str, **extra) -> None:
    notification_create(
        kind=kind,
        **_recipient(registration),
        about=registration.event,
        context={**registration_context(registration), **extra},
        idempotency_key=f"events-registration-{registration.pk}-r{registration.revision}-{key}",
        url=reverse("events:my_registrations") if registration.user_id else "",
    )


def _notify_place(registration: EventRegistration) -> None:
    if registration.status == RegistrationStatus.CONFIRMED:
        _notify(registration, "events.registration.confirmed", "confirmed")
    else:
        _notify(registration, "events.registration.waitlisted", "waitlisted")


def _promotion_possible(event: Event, now) -> bool:
    """Places are handed on until the event starts (until it ends, without a known day)."""
    if event.status != EventStatus.PUBLISHED:
        return False
    return now < (event.window_start if event.has_day else event.window_end)


def _promote(event: Event, now) -> list[EventRegistration]:
    """Fill free places from the waitlist, first come first served. Event must be locked."""
    if not _promotion_possible(event, now):
        return []
    waiting = EventRegistration.objects.select_for_update().filter(
        event=event, status=RegistrationStatus.WAITLISTED
    )
    if event.capacity is not None:
        confirmed, _waiting = _counts(event)
        free = event.capacity - confirmed
        if free <= 0:
            return []
        waiting = waiting.order_by("requested_at", "id")[:free]
    else:
        waiting = waiting.order_by("requested_at", "id")
    promoted = list(waiting)
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.promoted_at = now
        registration.revision += 1
        registration.save(update_fields=["status", "confirmed_at", "promoted_at", "revision"])
        registration.event = event
        _notify(registration, "events.registration.promoted", "promoted")
    return promoted


def _organization_of(user):
    """The organization a member registers for: a member organization first."""
    link = (
        OrganizationUser.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__sort_name")
    )
    member_ids = member_organization_ids(user)
    links_ = list(link)
    for candidate in links_:
        if candidate.organization_id in member_ids:
            return candidate.organization
    return links_[0].organization if links_ else None


# --- Sharing with the event's hosts (consent) --------------------------------------------------


def event_has_hosts(event: Event) -> bool:
    """Only an event hosted by member organizations offers to share registrations with them."""
    return event.host_links.exists()


def registration_shared_with_hosts(registration: EventRegistration) -> bool:
    from privacy.enums import ConsentPurpose
    from privacy.services import consent_active

    return consent_active(purpose=ConsentPurpose.SHARE_WITH_HOST, subject=registration)


def _record_sharing(registration: EventRegistration, share_version: str) -> None:
    """The registrant's latest answer stands: a consent to ``share_version`` of the text, or
    (empty) no sharing, withdrawing an earlier consent for the same registration."""
    from privacy.enums import ConsentPurpose
    from privacy.services import consent_give, consent_withdraw

    purpose = ConsentPurpose.SHARE_WITH_HOST
    if share_version and event_has_hosts(registration.event):
        consent_give(purpose=purpose, subject=registration, text_version=share_version)
    else:
        consent_withdraw(purpose=purpose, subject=registration)


def _share_version(share_with_hosts: bool) -> str:
    from privacy.enums import ConsentPurpose
    from privacy.services import consent_current_version

    return consent_current_version(ConsentPurpose.SHARE_WITH_HOST) if share_with_hosts else ""


@transaction.atomic
def registration_sharing_withdraw(*, registration: EventRegistration) -> bool:
    """Stop sharing ``registration`` with the event's hosts (the registrant's e-mailed link or
    the account area); returns whether it was shared.

    Side effects: the consent record is closed (``withdrawn_at``); the hosts' export leaves the
    person out from now on. Nothing else about the registration changes.
    """
    from privacy.enums import ConsentPurpose
    from privacy.services import consent_withdraw

    return bool(consent_withdraw(purpose=ConsentPurpose.SHARE_WITH_HOST, subject=registration))


# --- Registering -------------------------------------------------------------------------------


@transaction.atomic
def registration_create_for_user(
    *, event: Event, user, answers: Mapping | None = None, share_with_hosts: bool = False
) -> EventRegistration:
    """Register a signed-in person in one click: a place, or a place on the waitlist.

    ``share_with_hosts``: the person agrees to share the registration with the event's host
    organizations (recorded as a consent with the text's version; not asking withdraws an
    earlier consent for the same registration).

    Refuses with ``MembersOnly`` (members-only event, not a member), ``RegistrationClosed``,
    ``EventFull`` (full, no waitlist), ``AlreadyRegistered``, or ``RegistrationError`` (a
    required question unanswered). A cancelled registration of the same person is reused (a
    person has one registration per event). Side effects: the registration row; a
    confirmation or waitlist e-mail and notice.
    """
    now = timezone.now()
    event = _lock_event(event)
    if not user.has_perm("events.register", event):
        raise MembersOnly(_("This event is open to WeGO members only."))
    existing = (
        EventRegistration.objects.select_for_update()
        .filter(event=event)
        .filter(Q(user=user) | Q(email__iexact=user.email))
        .order_by("-user_id")
        .first()
    )
    if existing is not None and existing.is_active:
        raise AlreadyRegistered(existing)
    _check_open(event, now)
    organization = _organization_of(user)
    registration = existing or EventRegistration(event=event, created_at=now)
    registration.user = user
    registration.name = user.get_full_name()
    registration.email = user.email.lower()
    registration.organization = organization
    registration.organization_name = organization.name if organization else ""
    registration.answers = _clean_answers(event, answers)
    registration.email_confirmed_at = now  # the login address is verified
    _take_place_or_wait(event, registration, now)
    registration.revision += 1
    registration.save()
    registration.event = event
    _record_sharing(registration, _share_version(share_with_hosts))
    _notify_place(registration)
    return registration


@transaction.atomic
def registration_create_for_visitor(
    *,
    event: Event,
    name: str,
    organization_name: str,
    email: str,
    answers: Mapping | None = None,
    share_with_hosts: bool = False,
) -> EventRegistration:
    """A visitor's request for a place: recorded, then confirmed through a link by e-mail.

    ``share_with_hosts`` (the visitor agrees to share the registration with the event's host
    organizations) travels in the confirmation link with the text's version and is recorded as
    a consent only when the address is confirmed, by its owner.

    No place is taken until the address is confirmed (``registration_confirm_email``). To
    avoid telling strangers who registered, a request with an address that already holds a
    registration gets the same answer on screen; the e-mail then says "you are already
    registered" (at most once an hour). Refuses with ``MembersOnly`` for a members-only event,
    ``RegistrationClosed`` or ``EventFull``. Side effects: the pending registration row; the
    confirmation e-mail (at most one per 10 minutes for repeated requests).
    """
    now = timezone.now()
    event = _lock_event(event)
    if event.audience == Audience.MEMBERS:
        raise MembersOnly(_("This event is open to WeGO members only: please sign in."))
    _check_open(event, now)
    email = email.strip().lower()
    existing = (
        EventRegistration.objects.select_for_update()
        .filter(event=event, email__iexact=email)
        .first()
    )
    if existing is not None and existing.is_active:
        existing.event = event
        _notify(existing, "events.registration.already", f"already-{now:%Y%m%d%H}")
        return existing
    cleaned = _clean_answers(event, answers)
    registration = existing or EventRegistration(event=event, created_at=now, email=email)
    if registration.status == RegistrationStatus.CANCELLED or registration.pk is None:
        registration.revision += 1  # a new request: older confirmation links stop working
    registration.status = RegistrationStatus.PENDING
    registration.name = name.strip()
    registration.organization_name = organization_name.strip()
    registration.answers = cleaned
    registration.requested_at = None
    registration.save()
    registration.event = event
    bucket = now.replace(minute=now.minute // 10 * 10, second=0, microsecond=0)
    _notify(
        registration,
        "events.registration.confirm_email",
        f"confirm-email-{bucket:%Y%m%d%H%M}{'-s' if share_with_hosts else ''}",
        confirm_url=links.confirmation_url(
            registration, share_version=_share_version(share_with_hosts)
        ),
        share_with_hosts=share_with_hosts and event_has_hosts(event),
    )
    return registration


@transaction.atomic
def registration_confirm_email(*, token: str) -> EventRegistration:
    """Confirm a visitor's address from the e-mailed link: a place, or the waitlist.

    A second click on the same link returns the registration unchanged. Refuses with
    ``InvalidLink`` (altered, expired, or superseded by a newer request or a cancellation),
    ``RegistrationClosed`` or ``EventFull``. Side effects: the place (or waitlist position) is
    taken now, in this order; the consent to share with the hosts if the link carries it (or
    the withdrawal of an earlier one); a confirmation or waitlist e-mail.
    """
    now = timezone.now()
    try:
        claim = links.read_confirmation(token)
    except links.InvalidLink:
        raise InvalidLink(_("This confirmation link is not valid or has expired.")) from None
    found = EventRegistration.objects.filter(pk=claim.registration_id).first()
    if found is None:
        raise InvalidLink(_("This confirmation link is not valid or has expired."))
    event = _lock_event(found.event)
    registration = EventRegistration.objects.select_for_update().get(pk=found.pk)
    registration.event = event
    if registration.status != RegistrationStatus.PENDING:
        if registration.is_active and registration.email_confirmed_at:
            return registration  # confirmed already: the link was clicked twice
        raise InvalidLink(_("This confirmation link is no longer valid."))
    if registration.revision != claim.revision:
        raise InvalidLink(_("This confirmation link is no longer valid; use the latest e-mail."))
    _check_open(event, now)
    registration.email_confirmed_at = now
    _take_place_or_wait(event, registration, now)
    registration.revision += 1
    registration.save()
    _record_sharing(registration, claim.share_version)
    _notify_place(registration)
    return registration


@transaction.atomic
def registration_cancel(*, registration: EventRegistration, cancelled_by=None) -> EventRegistration:
    """Cancel a registration (by its registrant, or by staff); cancelling twice is harmless.

    A freed place goes at once to the first person on the waitlist, in the same transaction,
    with the event locked, so two cancellations at the same moment hand on exactly two places.
    Side effects: a cancellation e-mail (not for an unconfirmed visitor request); the promoted
    person's e-mail.
    """
    now = timezone.now()
    event = _lock_event(registration.event)
    registration = EventRegistration.objects.select_for_update().get(pk=registration.pk)
    registration.event = event
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    held_place = registration.status == RegistrationStatus.CONFIRMED
    was_active = registration.is_active
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.revision += 1
    registration.save(update_fields=["status", "cancelled_at", "revision"])
    if was_active:
        _notify(
            registration,
            "events.registration.cancelled",
            "cancelled",
            by_staff=bool(cancelled_by is not None and cancelled_by.pk != registration.user_id),
        )
    if held_place:
        _promote(event, now)
    return registration


@transaction.atomic
def waitlist_promote(*, event: Event) -> list[EventRegistration]:
    """Give free places to the waitlist, first come first served (e.g. after adding places).

    Side effects: the promoted registrations; one "you have a place" e-mail each.
    """
    return _promote(_lock_event(event), timezone.now())
