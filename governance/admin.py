"""The Secretariat's back office for governance: bodies, seats, meetings, resolutions, votes.

Every page, action and custom view asks the same django-rules permissions as the portal
(``governance.manage``, ``governance.view_audit``), before any lookup, so a refusal never
confirms that a record exists. Statuses are read-only here: a vote or a meeting moves only
through its service (with the status the officer saw, and an audit row), from the buttons on
its page. Ballots have no admin: the result page and the recount below show what they hold.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from members.enums import ApplicationStatus
from members.models import MembershipApplication
from wego_portal.admin import PortalModelAdmin, PortalTabularInline

from . import services, workflow
from .enums import Majority, MeetingStatus, Outcome, VoteStatus
from .errors import GovernanceError
from .models import (
    AgendaItem,
    Attendance,
    AuditEntry,
    Body,
    Candidate,
    Decision,
    Delegate,
    Meeting,
    MeetingDocument,
    Resolution,
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


class CandidateInline(GovernanceInline):
    model = Candidate
    autocomplete_fields = ["organization"]
    fields = ["position", "organization", "person_name"]


class RecordDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    decided_on = forms.DateField(
        label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    votes_for = forms.IntegerField(label=_("For"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, required=False)
    abstentions = forms.IntegerField(label=_("Abstentions"), min_value=0, required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)


class WrittenProcedureForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.all())
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(label=_("Text of the resolution"), widget=forms.Textarea)
    membership_applications = forms.ModelMultipleChoiceField(
        label=_("Membership requests to approve"),
        queryset=MembershipApplication.objects.filter(status=ApplicationStatus.PENDING),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    majority = forms.ChoiceField(label=_("Majority required"), choices=Majority.choices[:2])
    secret = forms.BooleanField(label=_("Secret ballot"), required=False, initial=True)
    closes_at = forms.DateTimeField(
        label=_("Voting closes"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("In your time zone. The vote opens as soon as you confirm."),
    )

    def clean_closes_at(self):
        closes_at = self.cleaned_data["closes_at"]
        if closes_at <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return closes_at


@admin.register(Resolution)
class ResolutionAdmin(GovernanceAdmin):
    list_display = ["title", "body", "meeting", "majority", "action", "decision_link"]
    list_filter = ["body", "majority", "action", "written_procedure"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["membership_applications", "office"]
    raw_id_fields = ["meeting", "agenda_item", "document"]
    inlines = [CandidateInline]
    readonly_fields = ["decision_link", "record_link"]

    @admin.display(description=_("Decision"))
    def decision_link(self, obj):
        decision = getattr(obj, "decision", None) if obj and obj.pk else None
        if decision is None:
            return "—"
        url = reverse("admin:governance_decision_change", args=[decision.pk])
        return format_html('<a href="{}">{}</a>', url, decision.get_outcome_display())

    @admin.display(description=_("Decided in a meeting"))
    def record_link(self, obj):
        if obj is None or obj.pk is None or hasattr(obj, "decision"):
            return "—"
        url = reverse("admin:governance_resolution_record", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Record the decision"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/record/",
                self.admin_site.admin_view(self.record_view),
                name="governance_resolution_record",
            ),
            path(
                "written-procedure/",
                self.admin_site.admin_view(self.written_procedure_view),
                name="governance_resolution_written_procedure",
            ),
            *super().get_urls(),
        ]

    def written_procedure_view(self, request: HttpRequest) -> HttpResponse:
        if not self.ask(request, "add"):
            raise PermissionDenied
        form = WrittenProcedureForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                vote = services.written_procedure_start(
                    body=data["body"],
                    title=data["title"],
                    text=data["text"],
                    membership_applications=list(data["membership_applications"]),
                    majority=data["majority"],
                    secret=data["secret"],
                    closes_at=data["closes_at"],
                    started_by=request.user,
                )
            except GovernanceError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _("The vote is open; %(n)d delegates' members are on the roll.")
                    % {"n": vote.eligible_count},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:governance_vote_change", args=[vote.pk]))
        return TemplateResponse(
            request,
            "admin/governance/form_page.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Open a written-procedure vote"),
                "form": form,
                "opts": self.model._meta,
            },
        )

    def record_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        resolution = self.object_or_404(request, pk, "change")
        form = RecordDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                decision = services.decision_record(
                    resolution=resolution,
                    outcome=data["outcome"],
                    decided_on=data["decided_on"],
                    recorded_by=request.user,
                    summary=data["summary"],
                    figures={
                        k: data[k]
                        for k in ("votes_for", "votes_against", "abstentions")
                        if data[k] is not None
                    },
                )
            except GovernanceError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, _("Decision recorded."), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:governance_decision_change", args=[decision.pk])
                )
        return TemplateResponse(
            request,
            "admin/governance/form_page.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Record the decision on “%(title)s”") % {"title": resolution.title},
                "form": form,
                "opts": self.model._meta,
                "original": resolution,
            },
        )


@admin.register(Vote)
class VoteAdmin(MoveButtonsMixin, GovernanceAdmin):
    permission_names = {"view": "governance.view_vote_backoffice"}
    list_display = ["resolution", "status", "secret", "opens_at", "closes_at", "turnout"]
    list_filter = ["status", "secret", "resolution__body"]
    search_fields = ["resolution__title"]
    raw_id_fields = ["resolution"]
    readonly_fields = [
        "status",
        "move_buttons",
        "eligible_count",
        "quorum_percent",
        "max_proxies_per_holder",
        "turnout",
        "recount",
    ]
    move_url_name = "governance_vote_move"
    labels = workflow.VOTE_ACTION_LABELS

    def moves(self, obj):
        return workflow.vote_moves(obj.status)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status not in {VoteStatus.DRAFT, VoteStatus.SCHEDULED}:
            fields += ["resolution", "secret", "opens_at", "closes_at", "remind_before_hours"]
        return fields

    @admin.display(description=_("Turnout"))
    def turnout(self, obj):
        if obj is None or obj.eligible_count is None:
            return "—"
        return f"{obj.electors.filter(has_voted=True).count()} / {obj.eligible_count}"

    @admin.display(description=_("Recount from the stored ballots"))
    def recount(self, obj):
        if obj is None or obj.status != VoteStatus.CLOSED:
            return "—"
        tally = services.tally_compute(vote=obj)
        decision = getattr(obj.resolution, "decision", None)
        same = decision is not None and (
            decision.ballots_cast,
            decision.votes_for,
            decision.votes_against,
            decision.abstentions,
            decision.outcome,
        ) == (
            tally.ballots_cast,
            tally.votes_for,
            tally.votes_against,
            tally.abstentions,
            tally.outcome,
        )
        return _("%(cast)d ballots: %(f)d for, %(a)d against, %(ab)d abstentions — %(check)s") % {
            "cast": tally.ballots_cast,
            "f": tally.votes_for,
            "a": tally.votes_against,
            "ab": tally.abstentions,
            "check": _("matches the decision") if same else _("DIFFERS from the decision"),
        }

    def get_urls(self):
        return [
            path(
                "<int:pk>/move/<str:to_status>/",
                self.admin_site.admin_view(self.move_view),
                name="governance_vote_move",
            ),
            *super().get_urls(),
        ]

    def move_view(self, request: HttpRequest, pk: int, to_status: str) -> HttpResponse:
        vote = self.object_or_404(request, pk, "change")
        moves = {
            VoteStatus.SCHEDULED: lambda e: services.vote_schedule(
                vote=vote, scheduled_by=request.user, expected_status=e
            ),
            VoteStatus.OPEN: lambda e: services.vote_open(
                vote=vote, opened_by=request.user, expected_status=e
            ),
            VoteStatus.CLOSED: lambda e: services.vote_close(
                vote=vote, closed_by=request.user, expected_status=e
            ),
            VoteStatus.CANCELLED: lambda e: services.vote_cancel(
                vote=vote, cancelled_by=request.user, expected_status=e
            ),
        }
        if to_status not in moves:
            raise Http404
        return _confirm_move(
            self,
            request,
            obj=vote,
            to_status=to_status,
            label=workflow.VOTE_ACTION_LABELS[to_status],
            move=moves[to_status],
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


@admin.register(Decision)
class DecisionAdmin(GovernanceAdmin):
    permission_names = {"view": "governance.view_decision_backoffice"}
    list_display = ["resolution", "outcome", "decided_on", "ballots_cast", "published", "done"]
    list_filter = ["outcome", "published", "resolution__body"]
    search_fields = ["resolution__title"]
    readonly_fields = [
        "resolution",
        "outcome",
        "decided_on",
        "votes_for",
        "votes_against",
        "abstentions",
        "ballots_cast",
        "eligible",
        "quorum_met",
        "results",
        "elected",
        "action_done_at",
        "action_note",
        "carry_out_link",
        "recorded_at",
    ]
    fields = [*readonly_fields, "summary", "published"]

    @admin.display(description=_("Carried out"), boolean=True)
    def done(self, obj):
        return obj.action_done_at is not None

    @admin.display(description=_("Carry out"))
    def carry_out_link(self, obj):
        if obj is None or obj.pk is None or obj.action_done_at or not obj.is_positive:
            return "—"
        url = reverse("admin:governance_decision_carry_out", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Carry out the decision"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/carry-out/",
                self.admin_site.admin_view(self.carry_out_view),
                name="governance_decision_carry_out",
            ),
            *super().get_urls(),
        ]

    def carry_out_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        decision = self.object_or_404(request, pk, "change")
        change_url = reverse("admin:governance_decision_change", args=[decision.pk])
        if request.method == "POST":
            try:
                decision = services.decision_carry_out(
                    decision=decision, carried_out_by=request.user
                )
            except GovernanceError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, decision.action_note or _("Done."), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/governance/confirm_move.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Carry out the decision"),
                "object": decision,
                "expected_status": "",
                "current_label": decision.get_outcome_display(),
                "change_url": change_url,
                "opts": self.model._meta,
                "original": decision,
            },
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(GovernanceAdmin):
    list_display = ["at", "actor_email", "action", "organization", "from_status", "to_status"]
    list_filter = ["action"]
    search_fields = ["action", "actor_email"]
    date_hierarchy = "at"
