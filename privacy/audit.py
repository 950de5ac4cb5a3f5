"""The audit log (django-auditlog): which models it records, and the office of each entry.

Every create, change and deletion of these models is written as a ``LogEntry`` (who, when,
which object, each changed field from → to). The request's user is the actor (auditlog's
middleware); services that act outside a request name their actor with ``acting``.
Each entry carries the office that looks after its object (``additional_data["office"]``),
so regional-office staff see their region's entries.
"""

from __future__ import annotations

import contextlib
import operator

from auditlog.context import auditlog_value, set_actor
from auditlog.registry import auditlog
from auditlog.signals import post_log
from django.apps import apps

#: model label -> (fields left out of the log, lookup path from the object to its office id)
AUDITED: dict[str, tuple[tuple[str, ...], str | None]] = {
    "accounts.User": (("password", "last_login"), None),
    "members.Office": ((), "pk"),
    "members.Organization": (
        ("sort_name", "search_text", "name_text", "logo_thumbnail"),
        "office_id",
    ),
    "members.OrganizationUser": ((), "organization.office_id"),
    "members.MembershipApplication": ((), "organization.office_id"),
    "programs.Application": (("section_edits", "updated_at"), "organization.office_id"),
    "programs.Review": ((), "application.organization.office_id"),
    "programs.Stakeholder": ((), "application.organization.office_id"),
    "events.Event": (
        (
            "window_start",
            "window_end",
            "sort_at",
            "sort_rank",
            "reminder_day_at",
            "reminder_hour_at",
        ),
        "office_id",
    ),
    "events.EventRegistration": (("revision",), "event.office_id"),
    "awards.Edition": ((), None),
    "awards.Entry": ((), "organization.office_id"),
    "awards.Judge": ((), None),
    "health.Inquiry": ((), None),
    "health.Supplier": ((), None),
    "catalog.Project": ((), None),
    "privacy.ErasureRequest": ((), None),
    "privacy.DataExport": (("progress",), None),
}

M2M: dict[str, set[str]] = {"accounts.User": {"groups"}}


def register_models() -> None:
    for label, (excluded, _office_path) in AUDITED.items():
        model = apps.get_model(label)
        names = {field.name for field in model._meta.get_fields()}
        auditlog.register(
            model,
            exclude_fields=[name for name in excluded if name in names],
            m2m_fields=M2M.get(label, set()),
        )
    post_log.connect(_record_office, dispatch_uid="privacy-audit-office")


def office_of(instance) -> int | None:
    path = AUDITED.get(instance._meta.label, ((), None))[1]
    if not path:
        return None
    try:
        return operator.attrgetter(path)(instance)
    except AttributeError:
        return None


def _record_office(sender, instance, log_entry=None, **kwargs) -> None:
    """Note the object's office on its entry (regional-office staff read their region's)."""
    if log_entry is None:
        return
    office = office_of(instance)
    if office is None:
        return
    data = dict(log_entry.additional_data or {}, office=office)
    type(log_entry).objects.filter(pk=log_entry.pk).update(additional_data=data)
    log_entry.additional_data = data


@contextlib.contextmanager
def acting(user):
    """Record ``user`` as the actor of what happens inside (a task, a command, a service).

    Inside a request the middleware has already named the same person; the outer context is
    restored afterwards so the middleware's own clean-up still finds it.
    """
    previous = auditlog_value.get(None)
    try:
        with set_actor(user):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)
