"""Who may do what with events and registrations (django-rules): the one source of truth.

- **Registering**: anyone for a public event (visitors through a confirmed e-mail address);
  for a members-only event, only people who act for an active WeGO member organization.
- **A registration** is its registrant's: the portal user it belongs to, or the user whose
  verified login address it was made with. Anyone else gets a 404.
- **Hosts**: editors and primary contacts of an event's host organizations download the
  registrations whose registrant agreed to share them with the hosts (and has not withdrawn).
- **Back office**: the Secretariat runs every event. Regional-office staff see and edit the
  events of their region: those organized by their office, or taking place in a region their
  office looks after. Online events without a region belong to the Secretariat (or to the
  office set as organizer). Only the Secretariat deletes events.
"""

import rules
from django.db.models import Q

from members.enums import OrganizationStatus, Relationship
from members.rules import _cached, is_secretariat, staffed_office_ids


def member_organization_ids(user) -> frozenset[int]:
    """The active WeGO *member* organizations ``user`` acts for (not MOU partners)."""
    if not user.is_authenticated:
        return frozenset()
    from members.models import OrganizationUser

    return _cached(
        user,
        "_wego_member_org_ids",
        lambda: frozenset(
            OrganizationUser.objects.filter(
                user=user,
                organization__status=OrganizationStatus.ACTIVE,
                organization__relationship=Relationship.MEMBER,
            ).values_list("organization_id", flat=True)
        ),
    )


def staffed_regions(user) -> frozenset[str]:
    office_ids = staffed_office_ids(user)
    if not office_ids:
        return frozenset()
    from members.models import Office

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


def office_scope(user) -> Q:
    """The events a regional-office user looks after, as a filter."""
    return Q(office_id__in=staffed_office_ids(user)) | Q(region__in=staffed_regions(user))


@rules.predicate
def is_wego_member(user) -> bool:
    return bool(member_organization_ids(user))


@rules.predicate
def is_office_staff(user) -> bool:
    return bool(staffed_office_ids(user))


@rules.predicate
def is_office_staff_for_event(user, event) -> bool:
    """With no event (list-level checks), any office staff; the list is scoped by a filter."""
    if not staffed_office_ids(user):
        return False
    if event is None:
        return True
    return event.office_id in staffed_office_ids(user) or (
        bool(event.region) and event.region in staffed_regions(user)
    )


@rules.predicate
def is_office_staff_for_registration(user, registration) -> bool:
    return is_office_staff_for_event(user, registration.event if registration else None)


@rules.predicate
def is_registrant(user, registration) -> bool:
    if registration is None or not user.is_authenticated:
        return False
    if registration.user_id is not None:
        return registration.user_id == user.pk
    return registration.email.lower() == user.email.lower()


@rules.predicate
def may_register_for(user, event) -> bool:
    """May ``user`` (signed in) take a place at ``event``? Members-only events: members."""
    from .enums import Audience

    return event.audience != Audience.MEMBERS or is_wego_member(user)


@rules.predicate
def is_editor_of_host(user, event) -> bool:
    """An editor or primary contact of one of the organizations hosting ``event``."""
    if event is None or not user.is_authenticated:
        return False
    from members.enums import OrganizationRole
    from members.rules import organization_roles

    editors = {OrganizationRole.PRIMARY_CONTACT, OrganizationRole.EDITOR}
    roles = organization_roles(user)
    return any(roles.get(link.organization_id) in editors for link in event.host_links.all())


is_event_staff = is_secretariat | is_office_staff_for_event

rules.add_perm("events.register", rules.is_authenticated & may_register_for)
rules.add_perm("events.cancel_registration", is_registrant)
# The hosts' export: only the registrants who agreed to share (``selectors``).
rules.add_perm("events.export_shared_registrations", is_editor_of_host)

# The back office. Django's model permissions (the Secretariat group) still apply beside these.
rules.add_perm("events", is_secretariat | is_office_staff)  # the admin's "Events" section
rules.add_perm("events.view_event", is_event_staff)
rules.add_perm("events.add_event", is_secretariat | is_office_staff)
rules.add_perm("events.change_event", is_event_staff)
rules.add_perm("events.delete_event", is_secretariat)
rules.add_perm("events.view_eventregistration", is_secretariat | is_office_staff_for_registration)
rules.add_perm("events.change_eventregistration", is_secretariat | is_office_staff_for_registration)
# Inline records (hosts, speakers, sponsors, links, questions): Django asks without the event;
# the event's own change permission and the scoped event list decide which events are reached.
for _model in ("eventhost", "speaker", "eventsponsor", "eventlink", "registrationquestion"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"events.{_action}_{_model}", is_secretariat | is_office_staff)
rules.add_perm("events.add_eventregistration", rules.always_deny)  # people register themselves
rules.add_perm("events.delete_eventregistration", rules.always_deny)  # cancelled, never deleted


@rules.predicate
def is_staff_of_office(user, office) -> bool:
    return office is not None and office.pk in staffed_office_ids(user)


# Which office organizes an event: any for the Secretariat, their own for office staff.
rules.add_perm("events.organize_for_any_office", is_secretariat)
rules.add_perm("events.organize_for_office", is_secretariat | is_staff_of_office)
