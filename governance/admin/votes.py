"""Resolutions, votes, decisions and the audit trail in the back office."""

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

from .. import services, workflow
from ..enums import Majority, Outcome, VoteStatus
from ..errors import GovernanceError
from ..models import (
    AuditEntry,
    Body,
    Candidate,
    Decision,
    Resolution,
    Vote,
)
from .meetings import GovernanceAdmin, GovernanceInline, MoveButtonsMixin, _confirm_move


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
