"""The Secretariat's back office for governance: bodies, seats, meetings, resolutions, votes.

Every page, action and custom view asks the same django-rules permissions as the portal
(``governance.manage``, ``governance.view_audit``), before any lookup, so a refusal never
confirms that a record exists. Statuses are read-only here: a vote or a meeting moves only
through its service (with the status the officer saw, and an audit row), from the buttons on
its page. Ballots have no admin: the result page and the recount below show what they hold.
"""

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wego_portal.admin import PortalModelAdmin, PortalTabularInline

from .. import services, workflow
from ..enums import MeetingStatus
from ..errors import GovernanceError
from ..models import (
    AgendaItem,
    Attendance,
    Body,
    Decision,
    Delegate,
    Meeting,
    MeetingDocument,
    Seat,
    Vote,
)


class GovernanceAdmin(PortalModelAdmin):
    """Governance records belong to the Secretariat (``governance.<action>_<model>`` in
    ``governance.rules``); every save made here is in the audit log."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.audit(
            f"{obj._meta.model_name}.{'changed' if change else 'created'}",
            actor=request.user,
            vote=obj if isinstance(obj, Vote) else None,
            meeting=obj if isinstance(obj, Meeting) else None,
            decision=obj if isinstance(obj, Decision) else None,
            detail={"object": str(obj)[:200], "fields": list(form.changed_data)},
        )


class GovernanceInline(PortalTabularInline):
    extra = 0


@admin.register(Body)
class BodyAdmin(GovernanceAdmin):
    list_display = ["name", "kind", "quorum_percent", "max_proxies_per_holder"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Seat)
class SeatAdmin(GovernanceAdmin):
    list_display = ["organization", "body", "role", "starts_on", "ends_on"]
    list_filter = ["body", "role"]
    search_fields = ["organization__name"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization", "body"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)  # audited by the base
            return
        saved = services.seat_grant(
            body=obj.body,
            organization=obj.organization,
            role=obj.role,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            note=obj.note,
            granted_by=request.user,
        )
        obj.pk = saved.pk


@admin.register(Delegate)
class DelegateAdmin(GovernanceAdmin):
    """Members name their delegates in the portal; the Secretariat sees them here."""

    list_display = ["user", "organization", "named_at", "ended_at"]
    list_filter = ["ended_at"]
    search_fields = ["organization__name", "user__email"]
    list_select_related = ["user", "organization"]
    readonly_fields = ["organization", "user", "named_by", "named_at", "ended_at"]


class AgendaItemInline(GovernanceInline):
    model = AgendaItem
    fields = ["position", "title", "description", "closed_session"]


class MeetingDocumentInline(GovernanceInline):
    model = MeetingDocument
    fields = ["title", "agenda_item", "file", "visibility", "publish_on"]


class AttendanceInline(GovernanceInline):
    """Members present, recorded live during the session (the quorum line above follows)."""

    model = Attendance
    fields = ["organization", "recorded_at"]
    readonly_fields = ["recorded_at"]
    autocomplete_fields = ["organization"]
    verbose_name_plural = _("attendance (members present)")

    def has_change_permission(self, request, obj=None):
        return False  # a row is added or removed, never edited


class MeetingAdminForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [  # not the status: it moves only through meeting_move
            "body",
            "title",
            "slug",
            "number",
            "format",
            "year",
            "starts_at",
            "date_text",
            "host",
            "host_name",
            "city",
            "theme",
            "participants",
            "event",
            "broadcast_url",
            "summary",
            "minutes",
            "minutes_approved_at",
            "is_public",
        ]

    def clean_minutes_approved_at(self):
        approved_at = self.cleaned_data.get("minutes_approved_at")
        if approved_at is None:
            return None
        if self.instance.pk and approved_at.pk == self.instance.pk:
            raise forms.ValidationError(_("Minutes are approved at a later meeting."))
        if approved_at.body_id != self.cleaned_data.get("body", self.instance.body).pk:
            raise forms.ValidationError(_("Minutes are approved by the same body."))
        if not self.cleaned_data.get("minutes"):
            raise forms.ValidationError(_("There are no minutes to approve yet."))
        return approved_at


class MoveButtonsMixin:
    """Buttons for the legal moves of a record, each to a confirmation page that posts the
    status the officer saw."""

    move_url_name = ""

    def moves(self, obj) -> list[str]:
        raise NotImplementedError

    @admin.display(description=_("Next steps"))
    def move_buttons(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        links = [
            format_html(
                '<a class="button" href="{}">{}</a>',
                reverse(f"admin:{self.move_url_name}", args=[obj.pk, target]),
                self.labels[target],
            )
            for target in self.moves(obj)
        ]
        return format_html(" ".join(["{}"] * len(links)), *links) if links else "—"


@admin.register(Meeting)
class MeetingAdmin(MoveButtonsMixin, GovernanceAdmin):
    permission_names = {"view": "governance.view_meeting_backoffice"}
    list_display = ["title", "body", "year", "format", "status", "is_public"]
    list_filter = ["body", "status", "format", "year"]
    search_fields = ["title", "theme", "host_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["host"]
    raw_id_fields = ["event", "minutes_approved_at"]
    readonly_fields = ["status", "move_buttons", "quorum_now"]
    form = MeetingAdminForm
    inlines = [AgendaItemInline, MeetingDocumentInline, AttendanceInline]
    move_url_name = "governance_meeting_move"
    labels = workflow.MEETING_ACTION_LABELS

    def moves(self, obj):
        return workflow.meeting_moves(obj.status)

    def save_model(self, request, obj, form, change):
        approved_at = obj.minutes_approved_at
        minutes_changed = change and "minutes_approved_at" in form.changed_data
        if minutes_changed:
            obj.minutes_approved_at = Meeting.objects.get(pk=obj.pk).minutes_approved_at
        super().save_model(request, obj, form, change)
        if minutes_changed and approved_at is not None:
            services.meeting_minutes_approve(
                meeting=obj, approved_at=approved_at, approved_by=request.user
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Attendance:
            return super().save_formset(request, form, formset, change)
        meeting = form.instance
        # The admin's change message reads what a formset saved: nothing, here, directly.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.deleted_forms:
            if row.instance.pk:
                services.attendance_record(
                    meeting=meeting,
                    organization=row.instance.organization,
                    present=False,
                    recorded_by=request.user,
                )
        for row in formset.forms:
            if row in formset.deleted_forms or not row.has_changed() or row.instance.pk:
                continue
            services.attendance_record(
                meeting=meeting,
                organization=row.cleaned_data["organization"],
                present=True,
                recorded_by=request.user,
            )
        return None

    @admin.display(description=_("Attendance and quorum"))
    def quorum_now(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        eligible = services.eligible_organizations(obj.body).count()
        present = obj.attendance.filter(
            organization__in=services.eligible_organizations(obj.body)
        ).count()
        quorum = services.quorum_met(
            ballots_cast=present, eligible=eligible, quorum_percent=obj.body.quorum_percent
        )
        return _("%(present)d of %(eligible)d voting members present: %(state)s") % {
            "present": present,
            "eligible": eligible,
            "state": _("quorum met") if quorum else _("no quorum"),
        }

    def get_urls(self):
        return [
            path(
                "<int:pk>/move/<str:to_status>/",
                self.admin_site.admin_view(self.move_view),
                name="governance_meeting_move",
            ),
            *super().get_urls(),
        ]

    def move_view(self, request: HttpRequest, pk: int, to_status: str) -> HttpResponse:
        meeting = self.object_or_404(request, pk, "change")
        if to_status not in MeetingStatus.values:
            raise Http404
        return _confirm_move(
            self,
            request,
            obj=meeting,
            to_status=to_status,
            label=workflow.MEETING_ACTION_LABELS.get(to_status, to_status),
            move=lambda expected: services.meeting_move(
                meeting=meeting,
                to_status=to_status,
                moved_by=request.user,
                expected_status=expected,
            ),
        )


def _confirm_move(model_admin, request, *, obj, to_status, label, move):
    """The confirmation page of a move; on POST, the move with the status the officer saw."""
    change_url = reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
    )
    if request.method == "POST":
        try:
            move(request.POST.get("expected_status") or None)
        except GovernanceError as exc:
            model_admin.message_user(request, str(exc), messages.ERROR)
        else:
            model_admin.message_user(request, _("Done: %(label)s.") % {"label": label})
        return HttpResponseRedirect(change_url)
    return TemplateResponse(
        request,
        "admin/governance/confirm_move.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": label,
            "object": obj,
            "expected_status": obj.status,
            "current_label": obj.get_status_display(),
            "change_url": change_url,
            "opts": model_admin.model._meta,
            "original": obj,
        },
    )
