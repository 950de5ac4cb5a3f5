"""The moderation workflow, parameterised by the kind of contribution (``Moderation``).

Each app describes its kind once (``CATALOG_MODERATION = Moderation(...)``) and its own
services call ``moderation_submit`` / ``moderation_publish`` / ``moderation_return`` with it.
Each runs in one transaction on the locked row; notifications are created inside it and
delivered after it commits.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from members.selectors import organization_people, secretariat_users
from notifications.services import notification_create_bulk
from wego_portal.links import absolute_url
from wego_portal.permissions import require

from .enums import EDITABLE_STATUSES, RETURNABLE_STATUSES, ModerationStatus
from .models import Moderated


class ModerationError(Exception):
    """A move the contribution's status does not allow; the message is shown to the person."""


#: The messages of a refused move; a kind overrides those that name it ("This project …").
DEFAULT_MESSAGES: Mapping[str, Promise] = {
    "already_submitted": _("This was already submitted."),
    "incomplete": _("Complete these parts before you submit: %(parts)s."),
    "already_published": _("This is already published."),
    "not_submitted": _("Only submitted contributions can be published."),
    "incomplete_to_publish": _("Complete these parts first: %(parts)s."),
    "note_required": _("Tell the city what to change."),
    "not_returnable": _("Only submitted or published contributions can be returned."),
}


@dataclass(frozen=True)
class Moderation:
    """How one kind of contribution is moderated.

    ``permission``: the rule that lets staff publish and return (checked on the object);
    ``notifications``: the notification kind prefix, e.g. ``"health.initiative"`` for
    ``health.initiative.submitted`` / ``.published`` / ``.returned`` (``submitted_event``
    renames the first); ``context_name``: the name the notification templates use for the
    contribution; ``manage_url``: the URL name of the member's page of it (``pk`` argument);
    ``error``: the exception raised (a subclass of ``ModerationError`` or the app's own);
    ``complete_to_publish``: publishing also checks ``missing_for_submission``.
    """

    model: type[Moderated]
    permission: str
    notifications: str
    context_name: str
    manage_url: str
    error: type[Exception] = ModerationError
    submitted_event: str = "submitted"
    complete_to_publish: bool = False
    messages: Mapping[str, Promise] = field(default_factory=dict)

    def message(self, name: str, **values) -> str:
        text = str(self.messages.get(name) or DEFAULT_MESSAGES[name])
        return text % values if values else text

    def refuse(self, name: str, **values) -> Exception:
        return self.error(self.message(name, **values))

    def kind(self, event: str) -> str:
        return f"{self.notifications}.{event}"

    def key(self, obj: Moderated, event: str, at) -> str:
        """The notification's idempotency key: one notice per contribution, move and moment."""
        prefix = self.notifications.replace(".", "-")
        return f"{prefix}-{obj.pk}-{event}-{at:%Y%m%d%H%M%S%f}"

    def admin_path(self, obj: Moderated) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _locked(moderation: Moderation, obj: Moderated) -> Moderated:
    queryset = moderation.model._default_manager.select_for_update(of=("self",))
    if any(f.name == "organization" for f in moderation.model._meta.get_fields()):
        queryset = queryset.select_related("organization")  # type: ignore[misc]  # checked just above
    return queryset.get(pk=obj.pk)


def _tell_the_secretariat(moderation: Moderation, obj: Moderated) -> None:
    event = moderation.submitted_event
    admin_path = moderation.admin_path(obj)
    notification_create_bulk(
        kind=moderation.kind(event),
        recipients=list(secretariat_users()),
        about=obj,
        context={moderation.context_name: obj, "action_url": absolute_url(admin_path)},
        idempotency_key=moderation.key(obj, event, obj.submitted_at),
        url=admin_path,
    )


def _tell_the_city(moderation: Moderation, obj: Moderated, *, event: str) -> None:
    organization = obj.moderation_recipients_organization()
    if organization is None:
        return
    path = reverse(moderation.manage_url, args=[obj.pk])
    notification_create_bulk(
        kind=moderation.kind(event),
        recipients=list(organization_people(organization)),
        about=obj,
        context={
            moderation.context_name: obj,
            "action_url": absolute_url(path),
            "public_url": absolute_url(obj.get_absolute_url()),
        },
        idempotency_key=moderation.key(obj, event, obj.decided_at),
        url=path,
    )


@transaction.atomic
def moderation_submit(*, moderation: Moderation, obj: Moderated, submitted_by) -> Moderated:
    """Send a complete draft (or a returned contribution) to the secretariat for review.

    Refuses (``moderation.error``) one already submitted or incomplete, listing what is
    missing. Side effects: a notice and e-mail to every Secretariat staff member.
    """
    obj = _locked(moderation, obj)
    if obj.status not in EDITABLE_STATUSES:
        raise moderation.refuse("already_submitted")
    missing = obj.missing_for_submission()
    if missing:
        raise moderation.refuse("incomplete", parts=", ".join(missing))
    obj.status = ModerationStatus.SUBMITTED
    obj.submitted_at = timezone.now()
    obj.submitted_by = submitted_by
    obj.save()
    _tell_the_secretariat(moderation, obj)
    return obj


def moderation_mark_published(
    *, moderation: Moderation, obj: Moderated, published_by, notify: bool = True
) -> None:
    """Publish ``obj`` now, without the checks (the caller holds the row and has checked).

    Side effects: notice and e-mail to the people of the contributing organization, unless
    ``notify`` is False (a data loader recording past results).
    """
    now = timezone.now()
    obj.status = ModerationStatus.PUBLISHED
    obj.decided_at = now
    obj.decided_by = published_by
    obj.published_at = now
    obj.moderation_note = ""
    obj.save()
    if notify:
        _tell_the_city(moderation, obj, event="published")


@transaction.atomic
def moderation_publish(*, moderation: Moderation, obj: Moderated, published_by) -> Moderated:
    """Publish a submitted contribution (or one the secretariat may publish directly, see
    ``Moderated.may_skip_submission``).

    Refuses (``PermissionDenied``) staff without ``moderation.permission``, and
    (``moderation.error``) a published, unsubmitted or (``complete_to_publish``) incomplete
    one. Side effects: notice and e-mail to the people of the contributing organization.
    """
    require(published_by, moderation.permission, obj)
    obj = _locked(moderation, obj)
    if obj.status == ModerationStatus.PUBLISHED:
        raise moderation.refuse("already_published")
    if obj.status != ModerationStatus.SUBMITTED and not obj.may_skip_submission():
        raise moderation.refuse("not_submitted")
    if moderation.complete_to_publish:
        missing = obj.missing_for_submission()
        if missing:
            raise moderation.refuse("incomplete_to_publish", parts=", ".join(missing))
    moderation_mark_published(moderation=moderation, obj=obj, published_by=published_by)
    return obj


@transaction.atomic
def moderation_return(
    *, moderation: Moderation, obj: Moderated, returned_by, note: str
) -> Moderated:
    """Return a submitted contribution (or take down a published one) to the member, with a
    note.

    Refuses (``PermissionDenied``) staff without ``moderation.permission``, and
    (``moderation.error``) an empty note or a draft. Side effects: the contribution leaves the
    public site; notice and e-mail with the note to the people of the contributing
    organization, who may change it and submit again.
    """
    require(returned_by, moderation.permission, obj)
    if not note.strip():
        raise moderation.refuse("note_required")
    obj = _locked(moderation, obj)
    if obj.status not in RETURNABLE_STATUSES:
        raise moderation.refuse("not_returnable")
    obj.status = ModerationStatus.RETURNED
    obj.decided_at = timezone.now()
    obj.decided_by = returned_by
    obj.published_at = None
    obj.moderation_note = note.strip()
    obj.save()
    _tell_the_city(moderation, obj, event="returned")
    return obj
