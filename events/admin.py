"""The events back office: the calendar, dates firmed up, registrations, figures, exports.

Scoping: the Secretariat sees every event; regional-office staff see the events of their
region (organized by their office, or in a region their office looks after; see
``events.rules``). Actions call the same services as the public pages.
"""

import datetime

import tablib
from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from members.models import Office
from wego_portal.admin import (
    PortalModelAdmin,
    PortalStackedInline,
    PortalTabularInline,
)
from wego_portal.files import normalised_image
from wego_portal.spreadsheets import neutralise

from . import dates, selectors, services
from .enums import RegistrationMode, RegistrationStatus
from .forms import EventAdminForm, FiguresForm, MessageRegistrantsForm
from .models import (
    Event,
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
    fields = ["name", "email", "organization_name", "status_tag", "requested_at"]
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
        registration.get_status_display(),
    )


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


# --- Events ------------------------------------------------------------------------------------


@admin.register(Event)
class EventAdmin(TranslationAdmin, PortalModelAdmin):
    form = EventAdminForm
    list_display = [
        "title",
        "date_column",
        "kind",
        "program",
        "status",
        "attendance",
        "places_column",
    ]
    list_filter = [
        WhenFilter,
        "kind",
        "program",
        YearFilter,
        "date_precision",
        "status",
        "registration",
        "region",
        "office",
    ]
    list_select_related = ["office"]
    search_fields = ["title", "theme", "city", "host_text"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["places_summary", "sequence", "created_at", "updated_at"]
    inlines = [
        EventHostInline,
        EventParticipantInline,
        SpeakerInline,
        EventSponsorInline,
        EventLinkInline,
        RegistrationQuestionInline,
        EventRegistrationInline,
    ]
    list_per_page = 50
    ordering = ["sort_at", "sort_rank", "window_start", "title"]
    actions = [
        "open_registration",
        "close_registration",
        "promote_waitlist",
        "message_registrants",
        "record_figures",
        "export_registrations_csv",
        "export_registrations_xlsx",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "status", "kind", "program", "theme", "summary"]},
        ),
        (
            _("Date"),
            {
                "description": _(
                    "Record what is known, no more: a quarter (“Q3 2021”), a month, a day, or "
                    "the exact time. Firm it up here when the date is set: registrants are "
                    "told, and calendars update."
                ),
                "fields": [
                    "date_precision",
                    ("starts_at", "ends_at"),
                    ("start_date", "end_date"),
                    ("year", "quarter", "quarter_end"),
                    "timezone",
                    "date_tentative",
                ],
            },
        ),
        (
            _("Place"),
            {"fields": ["attendance", "venue", "city", "country", "region", "join_url"]},
        ),
        (_("Hosts"), {"fields": ["office", "host_text"]}),
        (_("Description"), {"fields": ["description", "outcomes"]}),
        (
            _("Registration"),
            {
                "fields": [
                    "registration",
                    ("registration_opens_at", "registration_closes_at"),
                    ("capacity", "waitlist_enabled"),
                    "audience",
                    "places_summary",
                ]
            },
        ),
        (
            _("Figures after the event"),
            {"fields": ["registered_count", "participant_count", "speaker_count", "viewer_count"]},
        ),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": ["source_notes", "sequence", "created_at", "updated_at"],
            },
        ),
    ]

    class Media:
        js = ["js/events_admin.js"]
        css = {"all": ["css/events_admin.css"]}

    def scope_queryset(self, request, queryset):
        return selectors.events_for_staff(request.user, queryset)

    def get_queryset(self, request):
        return selectors.with_registration_counts(super().get_queryset(request))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("office")
        if field is not None and not self.ask(request, "events.organize_for_any_office"):
            # Regional staff create and keep events within their own office's scope.
            field.queryset = Office.objects.filter(
                pk__in=[
                    office.pk
                    for office in field.queryset
                    if self.ask(request, "events.organize_for_office", office)
                ]
            )
            field.required = True
        for name in ("starts_at", "ends_at"):
            if name in form.base_fields:
                form.base_fields[name].help_text = _("In the event's time zone (below).")
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Exact times are entered and shown in the event's own time zone."""
        name = request.POST.get("timezone")
        if not name and object_id and str(object_id).isdecimal():
            name = Event.objects.filter(pk=object_id).values_list("timezone", flat=True).first()
        with timezone.override(dates.zone_for(name)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def save_model(self, request, obj, form, change):
        services.event_save(
            event=obj, changed_fields=form.changed_data if change else (), changed_by=request.user
        )

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.events_list_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.events_list_changed()

    @admin.display(description=_("date"), ordering="sort_at")
    def date_column(self, obj):
        return obj.date_display

    @admin.display(description=_("places"))
    def places_column(self, obj):
        if obj.registration == RegistrationMode.NONE:
            return "—"
        taken = f"{obj.confirmed_count}/{obj.capacity}" if obj.capacity else obj.confirmed_count
        waiting = f" · {obj.waitlist_count} {_('waiting')}" if obj.waitlist_count else ""
        return f"{taken}{waiting} ({obj.get_registration_display()})"

    @admin.display(description=_("places taken"))
    def places_summary(self, obj):
        if obj.pk is None:
            return "—"
        confirmed = getattr(obj, "confirmed_count", 0)
        waiting = getattr(obj, "waitlist_count", 0)
        if obj.capacity is None:
            text = _("%(n)s registered (no limit)") % {"n": confirmed}
        else:
            text = _("%(n)s of %(capacity)s places taken") % {
                "n": confirmed,
                "capacity": obj.capacity,
            }
        return f"{text}; " + (
            ngettext("%(w)d on the waitlist", "%(w)d on the waitlist", waiting) % {"w": waiting}
        )

    # --- Actions -------------------------------------------------------------------------------

    def _allowed(self, request, queryset):
        return [event for event in queryset if self.ask(request, "events.change_event", event)]

    @admin.action(description=_("Open registration"), permissions=["change"])
    def open_registration(self, request, queryset):
        events = self._allowed(request, queryset)
        for event in events:
            services.event_set_registration(
                event=event, mode=RegistrationMode.OPEN, changed_by=request.user
            )
        self.message_user(
            request,
            ngettext(
                "Registration opened for %(n)d event.",
                "Registration opened for %(n)d events.",
                len(events),
            )
            % {"n": len(events)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Close registration"), permissions=["change"])
    def close_registration(self, request, queryset):
        events = self._allowed(request, queryset)
        if not self.action_confirmed(request):
            return self._confirm(
                request,
                queryset,
                title=_("Close registration for these events?"),
                explanation=_(
                    "Nobody else can register; everyone registered keeps their place, and the "
                    "waitlist still moves up when someone cancels."
                ),
                action="close_registration",
            )
        for event in events:
            services.event_set_registration(
                event=event, mode=RegistrationMode.CLOSED, changed_by=request.user
            )
        self.message_user(
            request,
            ngettext(
                "Registration closed for %(n)d event.",
                "Registration closed for %(n)d events.",
                len(events),
            )
            % {"n": len(events)},
            messages.SUCCESS,
        )
        return None

    @admin.action(
        description=_("Promote from the waitlist into free places"), permissions=["change"]
    )
    def promote_waitlist(self, request, queryset):
        promoted = 0
        for event in self._allowed(request, queryset):
            promoted += len(services.waitlist_promote(event=event))
        self.message_user(
            request,
            ngettext(
                "%(n)d person moved up from the waitlist and was e-mailed.",
                "%(n)d people moved up from the waitlist and were e-mailed.",
                promoted,
            )
            % {"n": promoted},
            messages.SUCCESS if promoted else messages.INFO,
        )

    def _one_event(self, request, queryset):
        events = self._allowed(request, queryset)
        if len(events) != 1:
            self.message_user(request, _("Select exactly one event."), messages.WARNING)
            return None
        return events[0]

    @admin.action(description=_("E-mail the registrants"), permissions=["change"])
    def message_registrants(self, request, queryset):
        event = self._one_event(request, queryset)
        if event is None:
            return None
        form = self.confirmation_form(request, MessageRegistrantsForm)
        if form.is_bound and form.is_valid():
            count = services.event_message_registrants(
                event=event,
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
                statuses=form.statuses,
                sent_by=request.user,
            )
            self.message_user(
                request,
                ngettext("%(n)d e-mail queued.", "%(n)d e-mails queued.", count) % {"n": count}
                if count
                else _("Nobody new to e-mail: this message was already sent to them."),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.get_full_path())
        return self._form_page(
            request,
            event,
            form,
            title=_("E-mail the registrants of %(title)s") % {"title": event.title},
            explanation=_(
                "The message goes through the outbox, one e-mail per person, with their own "
                "cancellation link. Sending the same message again reaches only people who "
                "did not get it yet."
            ),
            action="message_registrants",
        )

    @admin.action(description=_("Record the figures after the event"), permissions=["change"])
    def record_figures(self, request, queryset):
        event = self._one_event(request, queryset)
        if event is None:
            return None
        initial = {
            "registered": event.registered_count
            if event.registered_count is not None
            else (event.confirmed_count or None),
            "participants": event.participant_count,
            "speakers": event.speaker_count,
            "viewers": event.viewer_count,
        }
        form = self.confirmation_form(request, FiguresForm, initial=initial)
        if form.is_bound and form.is_valid():
            services.event_record_figures(
                event=event, recorded_by=request.user, **form.cleaned_data
            )
            self.message_user(request, _("Figures recorded."), messages.SUCCESS)
            return HttpResponseRedirect(request.get_full_path())
        return self._form_page(
            request,
            event,
            form,
            title=_("Figures after %(title)s") % {"title": event.title},
            explanation=_(
                "They appear on the event's page. “Registered” starts from the portal's "
                "confirmed registrations; correct it if people registered elsewhere."
            ),
            action="record_figures",
        )

    @admin.action(description=_("Export registrations (CSV)"), permissions=["view"])
    def export_registrations_csv(self, request, queryset):
        return export_response(registrations_dataset(self._allowed_view(request, queryset)), "csv")

    @admin.action(description=_("Export registrations (Excel)"), permissions=["view"])
    def export_registrations_xlsx(self, request, queryset):
        return export_response(registrations_dataset(self._allowed_view(request, queryset)), "xlsx")

    def _allowed_view(self, request, queryset):
        return [
            event
            for event in queryset.prefetch_related("questions")
            if self.ask(request, "events.view_event", event)
        ]

    def _confirm(self, request, queryset, *, title, explanation, action):
        return self.confirmation_page(
            request, title=title, explanation=explanation, objects=queryset, action=action
        )

    def _form_page(self, request, event, form, *, title, explanation, action):
        return self.confirmation_page(
            request,
            template="admin/events/action_form.html",
            title=title,
            explanation=explanation,
            event=event,
            form=form,
            action=action,
        )


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
    readonly_fields = [
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
    ]
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
