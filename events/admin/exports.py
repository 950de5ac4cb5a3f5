"""The registrations of events as a spreadsheet: an import-export resource (export only).

Every text cell is neutralised against spreadsheet formulas by ``PortalResource``; times are in
the site's time zone; the events' own questions are extra columns.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from wego_portal.admin import PortalResource
from wego_portal.spreadsheets import neutralise

from .. import selectors
from ..models import EventRegistration

TIME = widgets.DateTimeWidget(format="%Y-%m-%d %H:%M")


def _time(attribute: str, label) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=label, widget=TIME)


class RegistrationExportResource(PortalResource):
    """Every registration of ``events`` (pending e-mail confirmations left out), one row each,
    with the answers to the events' questions."""

    event = fields.Field(attribute="event__title", column_name=_("event"))
    status = fields.Field(column_name=_("status"))
    name = fields.Field(attribute="name", column_name=_("name"))
    organization_name = fields.Field(attribute="organization_name", column_name=_("organization"))
    email = fields.Field(attribute="email", column_name=_("e-mail address"))
    member = fields.Field(attribute="organization__name", column_name=_("member organization"))
    created_at = _time("created_at", _("registered"))
    requested_at = _time("requested_at", _("asked for a place"))
    confirmed_at = _time("confirmed_at", _("place confirmed"))
    promoted_at = _time("promoted_at", _("moved up from the waitlist"))
    cancelled_at = _time("cancelled_at", _("cancelled"))

    class Meta:
        model = EventRegistration
        fields = [
            "event",
            "status",
            "name",
            "organization_name",
            "email",
            "member",
            "created_at",
            "requested_at",
            "confirmed_at",
            "promoted_at",
            "cancelled_at",
        ]
        export_order = fields

    def __init__(self, events=(), **kwargs):
        super().__init__(**kwargs)
        self.events = list(events)
        self.questions: list[tuple[str, str]] = [
            (str(question.pk), question.label)
            for event in self.events
            for question in event.questions.all()
        ]

    def get_export_headers(self, selected_fields=None):
        return [
            *super().get_export_headers(selected_fields),
            *(label for _key, label in self.questions),
        ]

    def export_resource(self, instance, selected_fields=None, **kwargs):
        answers = instance.answers or {}
        cells = [neutralise(str(answers.get(key, ""))) for key, _label in self.questions]
        return [*super().export_resource(instance, selected_fields, **kwargs), *cells]

    def dehydrate_status(self, registration: EventRegistration) -> str:
        return registration.get_status_display()

    def get_queryset(self):
        return [
            registration
            for event in self.events
            for registration in selectors.registrations_for_export(event)
        ]


def registrations_dataset(events):
    """The export of ``events``' registrations (a ``tablib.Dataset``)."""
    resource = RegistrationExportResource(events)
    return resource.export(resource.get_queryset())


def export_response(dataset, fmt: str) -> HttpResponse:
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
