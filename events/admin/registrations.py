"""Registrations in the back office."""

from django.contrib import admin, messages
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
    """Events that have registrations (the list of all events would be long)."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        events = (
            selectors.events_for_staff(request.user)
            .filter(registrations__isnull=False)
            .distinct()
            .order_by("-sort_at")
            .values_list("pk", "title")
        )
        return [(str(pk), title) for pk, title in events]

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
