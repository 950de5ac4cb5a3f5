"""The registrations of events as a spreadsheet."""

import datetime

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wego_portal.spreadsheets import neutralise

from .. import selectors

# --- Exports -----------------------------------------------------------------------------------


def _cell(value) -> str:
    """Text for a spreadsheet cell; leading formula characters are neutralised."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return neutralise(str(value))


def registrations_dataset(events) -> tablib.Dataset:
    """Every registration of ``events`` (pending e-mail confirmations left out), with answers."""
    events = list(events)
    questions: list[tuple[int, str]] = []
    for event in events:
        questions.extend((q.pk, f"{q.label}") for q in event.questions.all())
    headers = [
        str(_("event")),
        str(_("status")),
        str(_("name")),
        str(_("organization")),
        str(_("e-mail address")),
        str(_("member organization")),
        str(_("registered")),
        str(_("asked for a place")),
        str(_("place confirmed")),
        str(_("moved up from the waitlist")),
        str(_("cancelled")),
        *[label for _pk, label in questions],
    ]
    dataset = tablib.Dataset(headers=headers)
    for event in events:
        for registration in selectors.registrations_for_export(event):
            answers = registration.answers or {}
            dataset.append(
                [
                    _cell(event.title),
                    _cell(registration.get_status_display()),
                    _cell(registration.name),
                    _cell(registration.organization_name),
                    _cell(registration.email),
                    _cell(registration.organization.name if registration.organization else ""),
                    _cell(registration.created_at),
                    _cell(registration.requested_at),
                    _cell(registration.confirmed_at),
                    _cell(registration.promoted_at),
                    _cell(registration.cancelled_at),
                    *[_cell(answers.get(str(pk), "")) for pk, _label in questions],
                ]
            )
    return dataset


def export_response(dataset: tablib.Dataset, fmt: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        content = dataset.export("xlsx")
    else:
        content_type = "text/csv; charset=utf-8"
        content = "\ufeff" + dataset.export("csv")  # the BOM makes Excel read UTF-8
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="event-registrations-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
