"""Reviewers: assignment and their reviews."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.services import notification_create
from wego_portal.links import absolute_url

from .. import workflow
from ..errors import (
    ProgramError,
)
from ..models import (
    CRITERIA,
    Application,
    Review,
)
from .base import S, _require, admin_path

# --- Review ------------------------------------------------------------------------------------


@transaction.atomic
def review_assign(*, application: Application, reviewer: User, assigned_by: User) -> Review:
    """Assign ``reviewer`` (an active staff user) to a submitted application. Idempotent.

    Side effects: an empty review; a notice to the reviewer (unless they assigned themselves).
    """
    _require(assigned_by, "programs.assign_reviewers", application)
    if not (reviewer.is_active and reviewer.is_staff):
        raise ProgramError(_("Reviewers are active back-office users."))
    if application.status == S.DRAFT:
        raise ProgramError(_("Reviewers are assigned once the application is submitted."))
    review, created = Review.objects.get_or_create(
        application=application, reviewer=reviewer, defaults={"assigned_by": assigned_by}
    )
    if created and reviewer.pk != assigned_by.pk:
        notification_create(
            kind="programs.review.assigned",
            recipient=reviewer,
            about=application,
            context={
                "application": application,
                "assigned_by": assigned_by,
                "action_url": absolute_url(admin_path(application)),
            },
            idempotency_key=f"programs-review-{review.pk}-assigned",
            url=admin_path(application),
        )
    return review


@transaction.atomic
def review_unassign(*, review: Review, by: User) -> None:
    """Remove an assignment whose review has not been completed."""
    _require(by, "programs.assign_reviewers", review.application)
    if review.is_complete:
        raise ProgramError(_("A completed review cannot be removed."))
    review.delete()


@transaction.atomic
def review_save(*, review: Review, reviewer: User, data: Mapping) -> Review:
    """Save ``reviewer``'s own scores (1-5), comments, recommendation and overall comment.

    The review is complete when every criterion is scored and a recommendation given; it
    stays editable until the application leaves review. Side effects: none beyond the row.
    """
    if review.reviewer_id != reviewer.pk:
        raise PermissionDenied
    review = Review.objects.select_for_update().select_related("application").get(pk=review.pk)
    if review.application.status in workflow.FINAL_STATUSES:
        raise ProgramError(_("This application is closed; its reviews can no longer change."))
    allowed = {name for key, _label in CRITERIA for name in (key, f"{key}_comment")}
    allowed |= {"recommendation", "summary"}
    scores = {key for key, _label in CRITERIA}
    for name, value in data.items():
        if name in scores:
            setattr(review, name, value)
        elif name in allowed:
            setattr(review, name, value or "")
    complete = all(score is not None for score in review.scores) and bool(review.recommendation)
    if complete and review.completed_at is None:
        review.completed_at = timezone.now()
    elif not complete:
        review.completed_at = None
    review.full_clean(exclude=["application", "reviewer", "assigned_by"])
    review.save()
    return review
