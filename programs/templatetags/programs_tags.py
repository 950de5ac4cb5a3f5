"""Template helpers of the programs pages: status tags, next steps, score display."""

from django import template
from django.utils.translation import gettext as _

from ..enums import ApplicationStatus, MilestoneStatus
from ..workflow import NEXT_STEPS

register = template.Library()

S = ApplicationStatus
# Status -> tag colour; the tag always carries the status in words too (never colour alone).
STATUS_TAGS = {
    S.DRAFT: "tag--grey",
    S.SUBMITTED: "",
    S.UNDER_REVIEW: "",
    S.CLARIFICATION_REQUESTED: "tag--amber",
    S.FEEDBACK_GIVEN: "tag--green",
    S.PARTNERS_CONNECTED: "tag--green",
    S.IN_IMPLEMENTATION: "tag--green",
    S.CLOSED: "tag--grey",
    S.SHORTLISTED: "tag--green",
    S.BENEFICIARY_SELECTED: "tag--green",
    S.CONSULTING_COMPANY_SELECTED: "tag--green",
    S.FEASIBILITY_STUDY: "tag--green",
    S.PILOT_PROJECT: "tag--green",
    S.COMPLETED: "tag--green",
    S.DECLINED: "tag--red",
    S.WITHDRAWN: "tag--grey",
}
MILESTONE_TAGS = {
    MilestoneStatus.PLANNED: "tag--grey",
    MilestoneStatus.IN_PROGRESS: "",
    MilestoneStatus.DONE: "tag--green",
    MilestoneStatus.CANCELLED: "tag--grey",
}
SECTION_TAGS = {"completed": "", "in_progress": "tag--amber", "not_started": "tag--grey"}


@register.inclusion_tag("includes/tag.html")
def application_status_tag(status):
    status = str(status)
    label = S(status).label if status in S.values else status
    return {"css": STATUS_TAGS.get(status, ""), "label": label}


@register.inclusion_tag("includes/tag.html")
def milestone_status_tag(milestone, today=None):
    if today is not None and milestone.is_overdue(today):
        return {"css": "tag--red", "label": _("Overdue")}
    return {
        "css": MILESTONE_TAGS.get(milestone.status, ""),
        "label": milestone.get_status_display(),
    }


@register.inclusion_tag("includes/tag.html")
def section_status_tag(status, label):
    return {"css": SECTION_TAGS.get(status, ""), "label": label}


@register.filter
def next_step(status):
    return NEXT_STEPS.get(str(status), "")


@register.filter
def dict_get(mapping, key):
    return (mapping or {}).get(key, [])
