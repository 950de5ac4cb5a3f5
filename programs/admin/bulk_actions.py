"""The application changelist's bulk actions: start the review, decline, assign a reviewer."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wego_portal.stale_decisions import EXPECTED_STATUS

from .. import services, workflow
from ..enums import MessageVisibility
from ..errors import ProgramError
from ..forms import (
    AssignReviewerForm,
    TransitionForm,
)
from .catalogue import S


class ApplicationBulkActions:
    """Mixed into ``ApplicationAdmin``: each action confirms first and calls the services."""

    def _bulk_move(self, request, queryset, status, title):
        applications = [
            a
            for a in queryset.select_related("organization", "call")
            if status in workflow.staff_moves(a.kind, a.status)
            and self.ask(request, "programs.decide_application", a)
        ]
        form = self.confirmation_form(request, TransitionForm, target=status)
        # Each application's own status travels in expected_status_<pk> (bulk_move.html).
        del form.fields[EXPECTED_STATUS]
        if status == S.DECLINED:
            form.fields["note"].label = _("Reason, shown to each city")
        if form.is_bound and form.is_valid():
            done = 0
            for application in applications:
                try:
                    with transaction.atomic():
                        services.application_staff_move(
                            application=application,
                            to_status=status,
                            by=request.user,
                            note=form.cleaned_data["note"],
                            # The status listed on the confirmation page.
                            expected_status=request.POST.get(
                                f"{EXPECTED_STATUS}_{application.pk}", ""
                            )
                            or None,
                        )
                        if form.cleaned_data["internal_note"]:
                            services.message_send_from_staff(
                                application=application,
                                author=request.user,
                                body=form.cleaned_data["internal_note"],
                                visibility=MessageVisibility.INTERNAL,
                            )
                except ProgramError as exc:
                    self.message_user(request, f"{application.reference}: {exc}", messages.ERROR)
                else:
                    done += 1
            self.message_user(
                request,
                ngettext(
                    "%(n)d application is now “%(status)s”.",
                    "%(n)d applications are now “%(status)s”.",
                    done,
                )
                % {"n": done, "status": S(status).label},
                messages.SUCCESS,
            )
            return None
        return self.confirmation_page(
            request,
            template="admin/programs/application/bulk_move.html",
            title=title,
            applications=applications,
            target=S(status).label,
            form=form,
        )

    @admin.action(
        description=_("Start the review of the selected applications"), permissions=["decide"]
    )
    def start_review(self, request, queryset):
        return self._bulk_move(
            request, queryset, S.UNDER_REVIEW, _("Start the review of these applications?")
        )

    @admin.action(description=_("Decline the selected applications"), permissions=["decide"])
    def decline(self, request, queryset):
        return self._bulk_move(request, queryset, S.DECLINED, _("Decline these applications?"))

    @admin.action(
        description=_("Assign a reviewer to the selected applications"), permissions=["assign"]
    )
    def assign_reviewer(self, request, queryset):
        applications = [
            a
            for a in queryset.select_related("organization", "call")
            if a.status != S.DRAFT and self.ask(request, "programs.assign_reviewers", a)
        ]
        form = self.confirmation_form(request, AssignReviewerForm)
        if form.is_bound and form.is_valid():
            for application in applications:
                services.review_assign(
                    application=application,
                    reviewer=form.cleaned_data["reviewer"],
                    assigned_by=request.user,
                )
            self.message_user(
                request,
                ngettext(
                    "%(who)s is assigned to %(n)d application.",
                    "%(who)s is assigned to %(n)d applications.",
                    len(applications),
                )
                % {"who": form.cleaned_data["reviewer"], "n": len(applications)},
                messages.SUCCESS,
            )
            return None
        return self.confirmation_page(
            request,
            template="admin/programs/application/bulk_move.html",
            title=_("Assign a reviewer"),
            applications=applications,
            form=form,
        )
