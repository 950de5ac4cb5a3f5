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


@rules.predicate
def is_draft_vote(user, vote) -> bool:
    return vote is None or vote.status == "draft"


# The back office (``wego_portal.admin`` asks ``<app>.<action>_<model>``): the Secretariat's.
# Meetings, votes and decisions have public or member pages under ``view_<model>`` (above), so
# their back-office pages ask ``view_<model>_backoffice``.
for model in ("body", "seat", "resolution"):
    rules.add_perm(f"governance.view_{model}", is_secretariat)
for model in ("meeting", "vote", "decision"):
    rules.add_perm(f"governance.view_{model}_backoffice", is_secretariat)
for model in ("body", "seat", "meeting", "resolution", "vote"):
    rules.add_perm(f"governance.add_{model}", is_secretariat)
    rules.add_perm(f"governance.change_{model}", is_secretariat)
rules.add_perm("governance.delete_seat", is_secretariat)
rules.add_perm("governance.delete_resolution", is_secretariat)
rules.add_perm("governance.delete_vote", is_secretariat & is_draft_vote)
rules.add_perm("governance.delete_body", rules.always_deny)  # meetings, seats, votes refer to it
rules.add_perm("governance.delete_meeting", rules.always_deny)  # past meetings are the record
# Delegates are named by the members in the portal; decisions come from votes or meetings; the
# audit log is written by the services only.
for model in ("delegate", "auditentry"):
    rules.add_perm(f"governance.view_{model}", is_secretariat)
for model in ("delegate", "decision", "auditentry"):
    rules.add_perm(f"governance.add_{model}", rules.always_deny)
    rules.add_perm(f"governance.delete_{model}", rules.always_deny)
rules.add_perm("governance.change_delegate", rules.always_deny)
rules.add_perm("governance.change_decision", is_secretariat)  # its summary and publication
rules.add_perm("governance.change_auditentry", rules.always_deny)
