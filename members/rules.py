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
