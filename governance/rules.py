"""Who may do what in governance: the one source of truth (django-rules).

- The **Secretariat** prepares bodies, seats, meetings, resolutions and votes, opens and closes
  votes, records decisions and reads the audit log.
- A member organization's **editors** name its voting delegates.
- A **delegate** votes for the organization, gives its proxy, and (as delegate of a proxy
  holder) votes for the member that gave the proxy.
- Announced (public) meetings, published decisions and public documents (from their publish
  date) are for everyone; members-only documents for people acting for a member organization;
  a meeting not yet announced only for the Secretariat.
"""

import rules
from django.utils import timezone

from members.rules import _cached, is_editor_of, is_secretariat, organization_roles

from .enums import Visibility


def delegated_organization_ids(user) -> frozenset[int]:
    """Organizations ``user`` is a current voting delegate of (one query per request)."""
    if not user.is_authenticated:
        return frozenset()
    from .models import Delegate

    return _cached(
        user,
        "_wego_delegated_org_ids",
        lambda: frozenset(
            Delegate.objects.filter(user=user, ended_at=None).values_list(
                "organization_id", flat=True
            )
        ),
    )


@rules.predicate
def is_delegate_of(user, organization) -> bool:
    return organization is not None and organization.pk in delegated_organization_ids(user)


@rules.predicate
def is_delegate_on_roll(user, vote) -> bool:
    """A delegate of a member on the vote's roll (or of a member holding a proxy on it)."""
    if vote is None:
        return False
    mine = delegated_organization_ids(user)
    return bool(mine) and vote.electors.filter(organization_id__in=mine).exists()


@rules.predicate
def acts_for_a_member(user) -> bool:
    return bool(organization_roles(user))


@rules.predicate
def is_public_meeting(user, meeting) -> bool:
    return meeting is not None and meeting.is_public


@rules.predicate
def is_published_decision(user, decision) -> bool:
    return decision is not None and decision.published


@rules.predicate
def is_public_document(user, document) -> bool:
    return (
        document is not None
        and document.meeting.is_public
        and document.visibility == Visibility.PUBLIC
        and document.publish_on <= timezone.localdate()
    )


@rules.predicate
def is_published_to_members(user, document) -> bool:
    return document is not None and document.publish_on <= timezone.localdate()


rules.add_perm("governance", is_secretariat)  # the admin's app-module check
rules.add_perm("governance.manage", is_secretariat)
rules.add_perm("governance.view_audit", is_secretariat)
rules.add_perm("governance.name_delegates", is_editor_of | is_secretariat)
rules.add_perm("governance.vote_for_organization", is_delegate_of)
rules.add_perm("governance.view_vote", is_delegate_on_roll | is_secretariat)
rules.add_perm("governance.view_meeting", is_public_meeting | is_secretariat)
rules.add_perm("governance.view_decision", is_published_decision | is_secretariat)
rules.add_perm(
    "governance.view_document",
    is_public_document | (acts_for_a_member & is_published_to_members) | is_secretariat,
)
