"""Who may do what in the WeGO Awards: the one source of truth (django-rules).

- Eligible entrants are active local-government members; their editors (primary contact or
  editor role) draft, submit and withdraw entries, and every person of the city may read them.
- A judge (a ``Judge`` seat linked to the user's account) may open a submitted entry of a
  category assigned to them, unless they declared a conflict of interest on it.
- The secretariat sees everything, including all scores; cities never see scores.
- Once an edition's results are published, its awarded entries (winners and special mentions),
  their images and the documents their city marked public are open to everyone.

Views refuse with a 404 (``wego_portal.permissions.get_permitted_object_or_404``).
"""

import rules

from members.enums import MemberType, OrganizationRole, OrganizationStatus, Relationship
from members.rules import _cached, is_editor_of, is_secretariat, organization_roles

from .enums import EntryStatus

EDITOR_ROLES = {OrganizationRole.PRIMARY_CONTACT, OrganizationRole.EDITOR}


def organization_is_eligible(organization) -> bool:
    """Only active local-government members may enter (not corporations or institutions)."""
    return (
        organization is not None
        and organization.member_type == MemberType.LOCAL_GOVERNMENT
        and organization.relationship == Relationship.MEMBER
        and organization.status == OrganizationStatus.ACTIVE
    )


def judge_seats(user) -> dict[int, tuple[int, frozenset[int]]]:
    """``{edition_id: (judge_id, assigned category ids)}`` for the user's judge seats."""
    if not user.is_authenticated:
        return {}

    def compute():
        from .models import Judge

        seats: dict[int, tuple[int, set[int]]] = {}
        rows = Judge.objects.filter(user=user).values_list("id", "edition_id", "categories__id")
        for judge_id, edition_id, category_id in rows:
            seats.setdefault(edition_id, (judge_id, set()))
            if category_id is not None:
                seats[edition_id][1].add(category_id)
        return {edition: (judge, frozenset(cats)) for edition, (judge, cats) in seats.items()}

    return _cached(user, "_wego_judge_seats", compute)


def declared_conflicts(user) -> frozenset[int]:
    """Ids of the entries on which the user, as a judge, declared a conflict of interest."""
    if not user.is_authenticated:
        return frozenset()

    def compute():
        from .models import ConflictOfInterest

        return frozenset(
            ConflictOfInterest.objects.filter(judge__user=user).values_list("entry_id", flat=True)
        )

    return _cached(user, "_wego_judge_conflicts", compute)


# --- Predicates on an organization -------------------------------------------------------------


@rules.predicate
def is_eligible_entrant(user, organization) -> bool:
    return organization_is_eligible(organization)


# --- Predicates on an entry --------------------------------------------------------------------


@rules.predicate
def is_entrant_member(user, entry) -> bool:
    return (
        entry is not None
        and entry.organization_id is not None
        and entry.organization_id in organization_roles(user)
    )


@rules.predicate
def is_entrant_editor(user, entry) -> bool:
    return (
        entry is not None
        and entry.organization_id is not None
        and organization_roles(user).get(entry.organization_id) in EDITOR_ROLES
    )


@rules.predicate
def is_submitted(user, entry) -> bool:
    return entry is not None and entry.status == EntryStatus.SUBMITTED


@rules.predicate
def is_assigned_judge(user, entry) -> bool:
    if entry is None:
        return False
    seat = judge_seats(user).get(entry.edition_id)
    return seat is not None and entry.category_id in seat[1]


@rules.predicate
def has_declared_conflict(user, entry) -> bool:
    return entry is not None and entry.pk in declared_conflicts(user)


@rules.predicate
def is_published_award(user, entry) -> bool:
    return entry is not None and entry.is_public


can_read_entry = is_entrant_member | is_secretariat
can_judge_entry = is_assigned_judge & is_submitted & ~has_declared_conflict


# --- Predicates on an entry's files -----------------------------------------------------------


@rules.predicate
def can_see_image(user, image) -> bool:
    entry = image.entry
    return bool(
        is_published_award(user, entry)
        or can_read_entry(user, entry)
        or can_judge_entry(user, entry)
    )


@rules.predicate
def can_see_document(user, document) -> bool:
    entry = document.entry
    if document.is_public and is_published_award(user, entry):
        return True
    return bool(can_read_entry(user, entry) or can_judge_entry(user, entry))


# Entering: an editor of an eligible member (the edition's dates are checked by the services).
rules.add_perm("awards.enter_awards_for_organization", is_editor_of & is_eligible_entrant)
# A city's own entries: everyone of the city reads them; editors change them.
rules.add_perm("awards.read_award_entry", can_read_entry)
rules.add_perm("awards.change_award_entry", is_entrant_editor)
# Judging: open an entry for scoring, or declare a conflict on it.
rules.add_perm("awards.judge_award_entry", can_judge_entry)
rules.add_perm("awards.declare_award_conflict", is_assigned_judge & is_submitted)
# Files: streamed by permission-checked views only.
rules.add_perm("awards.view_award_image", can_see_image)
rules.add_perm("awards.view_award_document", can_see_document)
# Every judge's scores, averages and ranks: the secretariat only.
rules.add_perm("awards.view_all_award_scores", is_secretariat)

# --- The back office: the Secretariat's alone (scores are confidential) ------------------------
for _model in ("edition", "category", "judge"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"awards.{_action}_{_model}", is_secretariat)
rules.add_perm("awards.view_entry", is_secretariat)
rules.add_perm("awards.change_entry", is_secretariat)
rules.add_perm("awards.add_entry", rules.always_deny)  # entries come from the cities
rules.add_perm("awards.delete_entry", is_secretariat)
rules.add_perm("awards.export_entry", is_secretariat)
for _model in ("score", "conflictofinterest"):  # written by judges in the portal, read here
    rules.add_perm(f"awards.view_{_model}", is_secretariat)
    rules.add_perm(f"awards.add_{_model}", rules.always_deny)
    rules.add_perm(f"awards.change_{_model}", rules.always_deny)
    rules.add_perm(f"awards.delete_{_model}", is_secretariat)
rules.add_perm("awards.export_score", is_secretariat)
# The edition's phases and its results.
rules.add_perm("awards.move_edition", is_secretariat)
rules.add_perm("awards.record_results", is_secretariat)
rules.add_perm("awards.publish_results", is_secretariat)
