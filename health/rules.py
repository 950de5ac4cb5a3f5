"""Who may do what in the Smart Health Responder: the one source of truth (django-rules).

- A **city** (an editor of a member organization) shares initiatives for its organization and
  edits them while they are drafts or returned; it sees its own initiatives in every status.
- **Anyone** sees published initiatives and their files.
- The **secretariat** moderates initiatives and handles inquiries (in the back office).

Object predicates take ``(user, initiative)``; ``health.share_initiative`` takes the
organization.
"""

import rules

from members.rules import is_editor_of, is_secretariat

from .enums import EDITABLE_STATUSES, ModerationStatus


@rules.predicate
def is_editor_of_initiative_organization(user, initiative) -> bool:
    return initiative is not None and is_editor_of(user, initiative.organization)


@rules.predicate
def initiative_is_editable(user, initiative) -> bool:
    return initiative is not None and initiative.status in EDITABLE_STATUSES


@rules.predicate
def initiative_is_published(user, initiative) -> bool:
    return initiative is not None and initiative.status == ModerationStatus.PUBLISHED


rules.add_perm("health.share_initiative", is_editor_of)
rules.add_perm("health.manage_initiative", is_editor_of_initiative_organization)
rules.add_perm(
    "health.edit_initiative", is_editor_of_initiative_organization & initiative_is_editable
)
rules.add_perm(
    "health.view_initiative",
    initiative_is_published | is_editor_of_initiative_organization | is_secretariat,
)
rules.add_perm("health.moderate_initiatives", is_secretariat)
rules.add_perm("health.handle_inquiries", is_secretariat)

# --- The back office: the Secretariat's ----------------------------------------------------------
rules.add_perm("health.view_initiative_backoffice", is_secretariat)
rules.add_perm("health.add_initiative", is_secretariat)
rules.add_perm("health.change_initiative", is_secretariat)
rules.add_perm("health.delete_initiative", is_secretariat)
for _model in ("material", "suppliercategory", "supplier"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"health.{_action}_{_model}", is_secretariat)
rules.add_perm("health.view_inquiry", is_secretariat)
rules.add_perm("health.change_inquiry", is_secretariat)
rules.add_perm("health.add_inquiry", rules.always_deny)  # inquiries come from the public form
rules.add_perm("health.delete_inquiry", rules.always_deny)  # the record stays
