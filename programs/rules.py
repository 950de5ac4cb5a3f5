"""Who may do what with program applications: the one source of truth (django-rules).

- The **city** (any person acting for the applicant organization) edits its drafts, submits,
  answers clarification requests, writes messages and withdraws.
- **Secretariat** staff see and decide on every application.
- **Regional-office** staff see and decide on the applications of the organizations their
  office looks after.
- A **reviewer** who is neither sees only the applications assigned to them, scores them and
  writes messages; decisions are not theirs.

Object predicates take ``(user, application)``. Called with no object (the admin's list and
module checks), they answer "may this user open the back office's applications at all?".
"""

import rules

from members.rules import (
    _cached,
    is_member_of,
    is_secretariat,
    organization_roles,
    staffed_office_ids,
)


def assigned_application_ids(user) -> frozenset[int]:
    """Ids of the applications ``user`` is assigned to review (one query per request)."""
    if not user.is_authenticated or not user.is_staff:
        return frozenset()
    from .models import Review

    return _cached(
        user,
        "_wego_review_ids",
        lambda: frozenset(
            Review.objects.filter(reviewer=user).values_list("application_id", flat=True)
        ),
    )


@rules.predicate
def is_program_staff(user) -> bool:
    """Secretariat, regional-office staff, or a reviewer with at least one assignment."""
    return bool(is_secretariat(user) or staffed_office_ids(user) or assigned_application_ids(user))


@rules.predicate
def is_applicant(user, application) -> bool:
    return application is not None and is_member_of(user, application.organization)


@rules.predicate
def is_office_staff_for_application(user, application) -> bool:
    if application is None:
        return bool(staffed_office_ids(user))
    office_id = application.organization.office_id
    return office_id is not None and office_id in staffed_office_ids(user)


@rules.predicate
def is_assigned_reviewer(user, application) -> bool:
    if application is None:
        return bool(assigned_application_ids(user))
    return application.pk in assigned_application_ids(user)


@rules.predicate
def is_organization_member(user, organization) -> bool:
    return organization is not None and organization.pk in organization_roles(user)


may_decide = is_secretariat | is_office_staff_for_application
may_see_as_staff = may_decide | is_assigned_reviewer

# The member portal.
rules.add_perm("programs.view_application", is_applicant | may_see_as_staff)
rules.add_perm("programs.act_on_application", is_applicant)
rules.add_perm("programs.apply_for_organization", is_organization_member)
# The back office.
rules.add_perm("programs", is_program_staff)  # the admin's app-module check
rules.add_perm("programs.view_application_backoffice", may_see_as_staff)
rules.add_perm("programs.change_application", may_decide)
rules.add_perm("programs.decide_application", may_decide)
rules.add_perm("programs.assign_reviewers", is_secretariat | is_office_staff_for_application)
rules.add_perm("programs.write_staff_message", may_see_as_staff)
rules.add_perm("programs.view_review", may_see_as_staff)
rules.add_perm("programs.add_application", rules.always_deny)  # applications come from cities
rules.add_perm("programs.delete_application", rules.always_deny)  # the record of a decision stays
rules.add_perm("programs.export_application", may_see_as_staff)  # the rows of the staff's list
# Programs, calls and the Smart City areas: the Secretariat's.
for _model in ("program", "call", "smartcityarea"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"programs.{_action}_{_model}", is_secretariat)
