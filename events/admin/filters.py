"""The events back office: the calendar, dates firmed up, registrations, figures, exports.

Scoping: the Secretariat sees every event; regional-office staff see the events of their
region (organized by their office, or in a region their office looks after; see
``events.rules``). Actions call the same services as the public pages.
"""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wego_portal.admin import (
    PortalStackedInline,
    PortalTabularInline,
    choice_label,
)
from wego_portal.files import normalised_image

from .. import selectors
from ..enums import RegistrationStatus
from ..models import (
    EventHost,
    EventLink,
    EventParticipant,
    EventRegistration,
    EventSponsor,
    RegistrationQuestion,
    Speaker,
)

REGISTRATION_CSS = {
    RegistrationStatus.CONFIRMED: "approved",
    RegistrationStatus.WAITLISTED: "pending",
    RegistrationStatus.PENDING: "draft",
    RegistrationStatus.CANCELLED: "rejected",
}


class WhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("upcoming", _("Upcoming and ongoing")),
            ("past", _("Past")),
            ("soon-undated", _("Within 60 days, day not fixed")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(window_end__gt=now)
        if self.value() == "past":
            return queryset.filter(window_end__lte=now)
        if self.value() == "soon-undated":
            return queryset.filter(pk__in=selectors.undated_events_soon(request.user).values("pk"))
        return queryset


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            selectors.events_for_staff(request.user)
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdecimal():
            return queryset.filter(year=int(self.value()))
        return queryset


# --- Inlines -----------------------------------------------------------------------------------


class EventHostInline(PortalTabularInline):
    model = EventHost
    public_choices = ("organization",)  # naming a host, speaker or sponsor grants nothing
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "position"]


class EventParticipantInline(PortalTabularInline):
    model = EventParticipant
    public_choices = ("organization",)
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "role", "position"]


class SpeakerForm(forms.ModelForm):
    class Meta:
        model = Speaker
        fields = ["name", "title", "affiliation", "organization", "photo", "position"]

    def clean_photo(self):
        """Keep only pixels: a new photo is re-encoded as a PNG of at most 400 px."""
        photo = self.cleaned_data.get("photo")
        if photo and "photo" in self.changed_data and hasattr(photo, "content_type"):
            return normalised_image(photo, max_side=400, name=photo.name)
        return photo


class SpeakerInline(PortalStackedInline):
    model = Speaker
    public_choices = ("organization",)  # naming a host, speaker or sponsor grants nothing
    form = SpeakerForm
    extra = 0
    autocomplete_fields = ["organization"]
    fields = [("name", "title"), ("affiliation", "organization"), ("photo", "position")]


class EventSponsorInline(PortalTabularInline):
    model = EventSponsor
    public_choices = ("organization",)  # naming a host, speaker or sponsor grants nothing
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["name", "organization", "website", "position"]


class EventLinkInline(PortalTabularInline):
    model = EventLink
    extra = 0
    fields = ["kind", "title", "url", "position"]


class RegistrationQuestionInline(PortalTabularInline):
    model = RegistrationQuestion
    extra = 0
    fields = ["label", "help_text", "kind", "required", "position"]


class EventRegistrationInline(PortalTabularInline):
    """Who registered, with their status; changes go through the registration actions."""

    model = EventRegistration
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ("name", "email", "organization_name", "status_tag", "requested_at")
    readonly_fields = fields
    ordering = ["status", "requested_at", "id"]
    verbose_name_plural = _("registrations (cancel or export them from the registrations list)")
    read_only = True

    @admin.display(description=_("status"))
    def status_tag(self, obj):
        return _status_tag(obj)


def _status_tag(registration):
    return format_html(
        '<strong class="status status--{}">{}</strong>',
        REGISTRATION_CSS.get(registration.status, ""),
        choice_label(RegistrationStatus, registration.status),
    )
