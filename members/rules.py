"""Who may do what with organizations: the one source of truth (django-rules).

Predicates take ``(user, organization)``. Secretariat staff (superusers or the "Secretariat"
group) act on every organization; regional-office staff on the organizations their office
looks after; member users on the organizations they belong to.
"""

import rules

from .enums import OrganizationRole

SECRETARIAT_GROUP = "Secretariat"


def _cached(user, attribute: str, compute):
    """Per-request memo on the user object: permission checks run often, queries once."""
    if not hasattr(user, attribute):
        setattr(user, attribute, compute())
    return getattr(user, attribute)


def staffed_office_ids(user) -> frozenset[int]:
    if not user.is_authenticated or not user.is_staff:
        return frozenset()
    from .models import Office

    return _cached(
        user,
        "_wego_office_ids",
        lambda: frozenset(
            Office.objects.filter(staff_group__user=user).values_list("id", flat=True)
        ),
    )


def organization_roles(user) -> dict[int, str]:
    if not user.is_authenticated:
        return {}
    return _cached(
        user,
        "_wego_org_roles",
        lambda: dict(user.organization_roles.values_list("organization_id", "role")),
    )


@rules.predicate
def is_secretariat(user) -> bool:
    if not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    return _cached(
        user, "_wego_is_secretariat", lambda: user.groups.filter(name=SECRETARIAT_GROUP).exists()
    )


@rules.predicate
def is_office_staff_for(user, organization) -> bool:
    return (
        organization is not None
        and organization.office_id is not None
        and organization.office_id in staffed_office_ids(user)
    )


@rules.predicate
def is_member_of(user, organization) -> bool:
    return organization is not None and organization.pk in organization_roles(user)


@rules.predicate
def is_editor_of(user, organization) -> bool:
    return organization is not None and organization_roles(user).get(organization.pk) in {
        OrganizationRole.PRIMARY_CONTACT,
        OrganizationRole.EDITOR,
    }


is_wego_staff = is_secretariat | is_office_staff_for

rules.add_perm("members.act_for_organization", is_member_of | is_wego_staff)
rules.add_perm("members.edit_organization_profile", is_editor_of | is_wego_staff)
rules.add_perm("members.invite_to_organization", is_editor_of | is_wego_staff)


# --- The back office -----------------------------------------------------------------------------
# Object predicates called without an object (the admin's list and menu checks) answer "may this
# user open the list at all?"; the list itself is then scoped to the user's offices.


@rules.predicate
def is_office_staff(user) -> bool:
    return bool(staffed_office_ids(user))


@rules.predicate
def is_office_staff_for_organization(user, organization) -> bool:
    if organization is None:
        return bool(staffed_office_ids(user))
    return is_office_staff_for(user, organization)


@rules.predicate
def is_office_staff_for_link(user, link) -> bool:
    if link is None:
        return bool(staffed_office_ids(user))
    return is_office_staff_for(user, link.organization)


def staffed_regions(user) -> frozenset[str]:
    """The regions the user's offices look after."""
    office_ids = staffed_office_ids(user)
    if not office_ids:
        return frozenset()
    from .models import Office

    return _cached(
        user,
        "_wego_staffed_regions",
        lambda: frozenset(
            region
            for regions in Office.objects.filter(id__in=office_ids).values_list(
                "regions", flat=True
            )
            for region in regions or []
        ),
    )


@rules.predicate
def is_office_staff_for_application_region(user, application) -> bool:
    if application is None:
        return bool(staffed_office_ids(user))
    return bool(application.region) and application.region in staffed_regions(user)


is_back_office_staff = is_secretariat | is_office_staff
organization_staff = is_secretariat | is_office_staff_for_organization

rules.add_perm("members.view_organization", organization_staff)
rules.add_perm("members.change_organization", organization_staff)
rules.add_perm("members.add_organization", is_secretariat)
rules.add_perm("members.delete_organization", is_secretariat)
rules.add_perm("members.set_organization_status", organization_staff)
rules.add_perm("members.assign_office", is_secretariat)  # which office looks after a member
# Regional staff import rows of their own offices' organizations (each row is checked).
rules.add_perm("members.import_organization", is_back_office_staff)
rules.add_perm("members.export_organization", is_back_office_staff)
# Offices are public information: every back-office user reads them; the Secretariat edits.
rules.add_perm("members.view_office", is_back_office_staff)
rules.add_perm("members.add_office", is_secretariat)
rules.add_perm("members.change_office", is_secretariat)
rules.add_perm("members.delete_office", is_secretariat)
# Membership requests: read by the region's office; decided by the Secretariat (EXCOM).
rules.add_perm(
    "members.view_membershipapplication", is_secretariat | is_office_staff_for_application_region
)
rules.add_perm("members.add_membershipapplication", rules.always_deny)  # the public form
rules.add_perm("members.change_membershipapplication", rules.always_deny)  # decided, not edited
rules.add_perm("members.delete_membershipapplication", is_secretariat)
rules.add_perm("members.decide_membership_application", is_secretariat)
rules.add_perm("members.approve_office", is_secretariat)  # as the EXCOM decided
# People's roles in organizations.
link_staff = is_secretariat | is_office_staff_for_link
rules.add_perm("members.view_organizationuser", link_staff)
rules.add_perm("members.add_organizationuser", is_back_office_staff)
rules.add_perm("members.change_organizationuser", link_staff)
rules.add_perm("members.delete_organizationuser", link_staff)

# The "About WeGO" page: everyone reads it on the site; the Secretariat keeps it.
rules.add_perm("members.view_aboutpage", is_secretariat)
rules.add_perm("members.change_aboutpage", is_secretariat)
rules.add_perm("members.add_aboutpage", is_secretariat)
rules.add_perm("members.delete_aboutpage", rules.always_deny)
for _action in ("view", "add", "change", "delete"):
    rules.add_perm(f"members.{_action}_aboutentry", is_secretariat)
    rules.add_perm(f"members.{_action}_organizationphoto", is_secretariat)
