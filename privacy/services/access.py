"""Privacy operations: a person's data export, erasure (account or visitor), retention, consent.

Every function checks the acting user against the django-rules (``privacy.rules``) where a
person acts; the Celery tasks call the ``*_perform``/``*_build`` functions with ids only.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User
from events.models import EventRegistration
from health.models import Inquiry
from members.models import MembershipApplication
from newsletter.models import Subscriber
from notifications.models import Notification
from reports.enums import RunState

from ..models import ConsentRecord, DataExport

ERASED = "[erased]"


def _require(user, permission: str, obj=None) -> None:
    if user is None or not user.has_perm(permission, obj):
        raise PermissionDenied


# --- Access ------------------------------------------------------------------------------------


def data_export_request(*, by: User, email: str = "") -> DataExport:
    """Queue an export: of ``by`` themself, or (Secretariat) of the visitor ``email``.

    Side effects: creates the ``DataExport`` and queues ``build_data_export_task`` after commit.
    """
    from ..tasks import build_data_export_task

    if email:
        _require(by, "privacy.export_visitor_data")
        export = DataExport.objects.create(email=email.strip().lower(), requested_by=by)
    else:
        _require(by, "privacy.export_own_data")
        export = DataExport.objects.create(user=by, requested_by=by)
    transaction.on_commit(lambda: build_data_export_task.delay(export.pk))
    return export


def _rows(queryset, *, exclude: tuple[str, ...] = ()) -> list[dict]:
    return [
        {key: value for key, value in row.items() if key not in exclude}
        for row in queryset.values()
    ]


def _collect(export: DataExport) -> tuple[dict, list[tuple[str, FieldFile]]]:
    """Everything held about the export's subject, and the files to include."""
    from members.models import OrganizationUser
    from programs.models import Application, ApplicationAttachment, ApplicationMessage

    user = export.user
    email = (user.email if user else export.email).lower()
    data: dict = {}
    files: list[tuple[str, FieldFile]] = []
    if user is not None:
        data["profile"] = {
            "email": user.email,
            "full_name": user.full_name,
            "job_title": user.job_title,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        }
        data["memberships"] = [
            {"organization": link.organization.name, "role": link.role, "since": link.created_at}
            for link in OrganizationUser.objects.filter(user=user).select_related("organization")
        ]
        applications = Application.objects.filter(created_by=user).select_related(
            "organization", "call"
        )
        data["applications"] = [
            {
                "reference": app.reference,
                "organization": app.organization.name,
                "call": str(app.call),
                "status": app.status,
                "created_at": app.created_at,
                "submitted_at": app.submitted_at,
            }
            for app in applications
        ]
        data["application_messages"] = _rows(ApplicationMessage.objects.filter(author=user))
        attachments = ApplicationAttachment.objects.filter(uploaded_by=user)
        data["uploaded_files"] = _rows(attachments)
        files += [
            (f"files/attachments/{a.pk}-{PurePath(a.file.name or '').name}", a.file)
            for a in attachments
        ]
        data["api_tokens"] = [
            {
                "name": getattr(getattr(token, "name_record", None), "name", ""),
                "created": token.created,
                "expiry": token.expiry,
            }
            for token in AuthToken.objects.filter(user=user).select_related("name_record")
        ]
        registrations = EventRegistration.objects.filter(Q(user=user) | Q(email__iexact=email))
        notifications = Notification.objects.filter(Q(recipient=user) | Q(to_email__iexact=email))
    else:
        registrations = EventRegistration.objects.filter(email__iexact=email)
        notifications = Notification.objects.filter(to_email__iexact=email)
    data["event_registrations"] = [
        {**row, "event": reg.event.title}
        for reg, row in zip(
            registrations.select_related("event").order_by("id"),
            _rows(registrations.order_by("id")),
            strict=True,
        )
    ]
    data["notices"] = _rows(notifications, exclude=("idempotency_key",))
    data["inquiries"] = _rows(Inquiry.objects.filter(email__iexact=email))
    join_requests = MembershipApplication.objects.filter(contact_email__iexact=email)
    data["join_requests"] = _rows(join_requests)
    files += [
        (
            f"files/join-requests/{j.pk}-{PurePath(j.supporting_letter.name or '').name}",
            j.supporting_letter,
        )
        for j in join_requests
        if j.supporting_letter
    ]
    subscriptions = Subscriber.objects.filter(
        Q(email__iexact=email) | Q(user=user) if user is not None else Q(email__iexact=email)
    )
    data["newsletter_subscriptions"] = [
        {**row, "topics": [str(topic) for topic in subscriber.topics.all()]}
        for subscriber, row in zip(
            subscriptions.prefetch_related("topics").order_by("id"),
            _rows(subscriptions.order_by("id"), exclude=("key",)),
            strict=True,
        )
    ]
    subjects = [
        f"{EventRegistration._meta.label}:{pk}" for pk in registrations.values_list("pk", flat=True)
    ]
    subjects += [
        f"{Subscriber._meta.label}:{pk}" for pk in subscriptions.values_list("pk", flat=True)
    ]
    if user is not None:
        subjects.append(f"{User._meta.label}:{user.pk}")
    data["consents"] = _rows(ConsentRecord.objects.filter(subject__in=subjects))
    return data, files


def data_export_build(*, export_id: int) -> DataExport | None:
    """Build the zip (``data.json`` plus uploaded files) and set the link's expiry.

    Progress is saved as it goes; a failure marks the export failed.
    """
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.state == RunState.DONE:
        return export
    DataExport.objects.filter(pk=export.pk).update(state=RunState.RUNNING, progress=10)
    try:
        data, files = _collect(export)
        DataExport.objects.filter(pk=export.pk).update(progress=50)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
            )
            for name, field_file in files:
                with field_file.open("rb") as handle:
                    archive.writestr(name, handle.read())
        now = timezone.now()
        export.archive.save(
            f"{export.pk}-{now:%Y%m%d%H%M%S}.zip", ContentFile(buffer.getvalue()), save=False
        )
        export.state = RunState.DONE
        export.progress = 100
        export.finished_at = now
        export.expires_at = now + datetime.timedelta(days=settings.PRIVACY_EXPORT_LINK_DAYS)
        export.save(update_fields=["archive", "state", "progress", "finished_at", "expires_at"])
    except Exception:
        DataExport.objects.filter(pk=export.pk).update(state=RunState.FAILED)
        raise
    return export


def data_export_is_available(export: DataExport, *, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(
        export.state == RunState.DONE
        and export.archive
        and export.expires_at
        and export.expires_at > now
    )
