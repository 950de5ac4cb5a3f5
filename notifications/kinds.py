"""The registry of notification kinds.

A kind is the "what" of a notification: ``programs.application.submitted``,
``events.registration.confirmed``. Each app registers its kinds once, at start-up, from its
``notification_kinds.py`` (discovered by ``NotificationsConfig.ready()``) or its own
``AppConfig.ready()``::

    from notifications.kinds import NotificationKind, register

    register(NotificationKind(
        key="programs.application.submitted",
        label=_("Application submitted"),
        description=_("When an application of your organization is submitted."),
    ))

Templates are looked up by the kind's template base name (the key unless given):
``notifications/email/<base>.subject.txt`` and ``<base>.txt`` (required), ``<base>.html``
(optional: without it the plain text is shown in the shared HTML layout) and
``notifications/notice/<base>.txt`` (optional: the short in-portal message; the subject
otherwise).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


class UnknownNotificationKind(LookupError):
    """A kind key that no app registered."""


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str | Promise
    description: str | Promise = ""
    # Mandatory kinds are always e-mailed; the recipient cannot switch them off.
    mandatory: bool = False
    # Staff-only kinds go to back-office staff only, and only staff see them in preferences.
    staff_only: bool = False
    # Template base name; defaults to the key.
    template: str = ""
    # Sent to bare addresses that manage their choice on a page of their own (the newsletter):
    # not listed among an account's notification preferences.
    own_preferences: bool = False

    @property
    def template_base(self) -> str:
        return self.template or self.key

    @property
    def subject_template(self) -> str:
        return f"notifications/email/{self.template_base}.subject.txt"

    @property
    def text_template(self) -> str:
        return f"notifications/email/{self.template_base}.txt"

    @property
    def html_template(self) -> str:
        return f"notifications/email/{self.template_base}.html"

    @property
    def notice_template(self) -> str:
        return f"notifications/notice/{self.template_base}.txt"


_registry: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> NotificationKind:
    """Register ``kind``; registering the same definition again is a no-op.

    Raises ``ValueError`` when another definition already uses the key: two apps must not
    silently fight over one kind.
    """
    if not kind.key or len(kind.key) > 100:
        raise ValueError("A notification kind needs a key of at most 100 characters.")
    existing = _registry.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {kind.key!r} is already registered differently.")
    _registry[kind.key] = kind
    return kind


#: What a kind's app wants to hear from delivery: ``listener(sent=[rows], failed=[(row, exc)])``.
_delivery_listeners: dict[str, Callable[..., None]] = {}


def listen_to_delivery(key: str, listener: Callable[..., None]) -> None:
    """Have ``listener`` called after each delivery batch with the rows of kind ``key`` that
    were accepted (``sent``) and refused for good (``failed``, each with its exception).

    The outbox stays ignorant of the apps: the newsletter counts bounces this way.
    """
    _delivery_listeners[key] = listener


def delivery_listener(key: str) -> Callable[..., None] | None:
    return _delivery_listeners.get(key)


def unregister(key: str) -> None:
    """Remove a kind (for tests that register throw-away kinds)."""
    _registry.pop(key, None)


def get_kind(key: str) -> NotificationKind:
    try:
        return _registry[key]
    except KeyError:
        raise UnknownNotificationKind(
            f"Notification kind {key!r} is not registered; register it in the app's "
            "notification_kinds.py."
        ) from None


def all_kinds() -> list[NotificationKind]:
    """Every registered kind, sorted by key (stable order for forms and filters)."""
    return sorted(_registry.values(), key=lambda kind: kind.key)


def kinds_visible_to(user) -> list[NotificationKind]:
    """The kinds listed on ``user``'s preferences page (mandatory ones included)."""
    is_staff = bool(getattr(user, "is_staff", False))
    return [
        kind
        for kind in all_kinds()
        if (is_staff or not kind.staff_only) and not kind.own_preferences
    ]
