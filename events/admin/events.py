"""Events in the back office: saved and moved through ``events.services``."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from members.models import Office
from wego_portal.admin import (
    PortalModelAdmin,
    choice_label,
)

from .. import dates, selectors, services
from ..enums import RegistrationMode
from ..forms import EventAdminForm, FiguresForm, MessageRegistrantsForm
from ..models import (
    Event,
)
from .exports import export_response, registrations_dataset
from .filters import (
    EventHostInline,
    EventLinkInline,
    EventParticipantInline,
    EventRegistrationInline,
    EventSponsorInline,
    RegistrationQuestionInline,
    SpeakerInline,
    WhenFilter,
    YearFilter,
)

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
    # The whole order of the events_event_sort index (id last, so the admin adds no "-pk"): a
    # page is read in index order and stops at its LIMIT.
    ordering = ["sort_at", "sort_rank", "window_start", "title", "id"]
    show_full_result_count = False  # one count of the list, not a second of the whole table
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
        return f"{taken}{waiting} ({choice_label(RegistrationMode, obj.registration)})"

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
