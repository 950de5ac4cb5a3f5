"""Registrations in the back office."""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wego_portal.admin import (
    PortalModelAdmin,
)

from .. import selectors, services
from ..enums import RegistrationStatus
from ..models import (
    EventRegistration,
)
from .exports import export_response, registrations_dataset
from .filters import _status_tag

# --- Registrations -----------------------------------------------------------------------------


class RegistrationEventFilter(admin.SimpleListFilter):
    """The latest events that have registrations, and the chosen one (the list of every event
    would be long, and a DISTINCT over every registration slow)."""

    title = _("event")
    parameter_name = "event"
    shown = 50

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # Say that the choices are not every event.
        self.title = ngettext(
            "event (the latest %(count)d with registrations)",
            "event (the latest %(count)d with registrations)",
            self.shown,
        ) % {"count": self.shown}

    def lookups(self, request, model_admin):
        events = selectors.events_for_staff(request.user)
        latest = list(
            events.filter(Exists(EventRegistration.objects.filter(event=OuterRef("pk"))))
            .order_by("-sort_at", "-pk")
            .values_list("pk", "title")[: self.shown]
        )
        chosen = self.value()
        if chosen and chosen.isdecimal() and int(chosen) not in {pk for pk, _t in latest}:
            latest += list(events.filter(pk=int(chosen)).values_list("pk", "title"))
        return [(str(pk), title) for pk, title in latest]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdecimal():
            return queryset.filter(event_id=int(self.value()))
        return queryset


@admin.register(EventRegistration)
class EventRegistrationAdmin(PortalModelAdmin):
    list_display = [
        "name",
        "email",
        "organization_name",
        "event",
        "status_tag",
        "requested_at",
        "confirmed_at",
    ]
    list_filter = ["status", RegistrationEventFilter]
    list_select_related = ["event"]
    search_fields = ["name", "email", "organization_name", "event__title"]
    readonly_fields = (
        "event",
        "user",
        "organization",
        "name",
        "organization_name",
        "email",
        "status",
        "answers",
        "created_at",
        "requested_at",
        "email_confirmed_at",
        "confirmed_at",
        "promoted_at",
        "cancelled_at",
    )
    fields = readonly_fields
    actions = ["cancel_registrations", "export_csv", "export_xlsx"]
    list_per_page = 100
    show_full_result_count = False  # one count of the list, not a second of the whole table

    def scope_queryset(self, request, queryset):
        return selectors.registrations_for_staff(request.user, queryset)

    @admin.display(description=_("status"), ordering="status")
    def status_tag(self, obj):
        return _status_tag(obj)

    @admin.action(description=_("Cancel the selected registrations"), permissions=["change"])
    def cancel_registrations(self, request, queryset):
        if not self.action_confirmed(request):
            return self.confirmation_page(
                request,
                title=_("Cancel these registrations?"),
                explanation=_(
                    "Each person is e-mailed that the organizers cancelled their "
                    "registration; freed places go to the waitlist at once."
                ),
                objects=queryset.select_related("event"),
                action="cancel_registrations",
            )
        done = 0
        for registration in queryset.select_related("event"):
            if registration.status != RegistrationStatus.CANCELLED:
                services.registration_cancel(registration=registration, cancelled_by=request.user)
                done += 1
        self.message_user(
            request,
            ngettext("%(n)d registration cancelled.", "%(n)d registrations cancelled.", done)
            % {"n": done},
            messages.SUCCESS,
        )
        return None

    def _export(self, request, queryset, fmt):
        event_ids = queryset.values_list("event_id", flat=True).distinct()
        events = selectors.events_for_staff(request.user).filter(pk__in=event_ids)
        return export_response(registrations_dataset(events.prefetch_related("questions")), fmt)

    @admin.action(description=_("Export their events' registrations (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description=_("Export their events' registrations (Excel)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")
