"""Every write on members, offices and membership applications.
Views, admin actions, the API and management commands call these functions; each runs in one
transaction and names its side effects in its docstring.
"""

import datetime
import logging
from urllib.parse import urlencode

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import user_get_or_create_verified
from notifications.services import notification_create
from wego_portal.files import normalised_image
from wego_portal.links import absolute_url
from wego_portal.permissions import require
from wego_portal.stale_decisions import ChangedMeanwhile, check_expected_status

from .enums import (
    ApplicationStatus,
    MembershipClass,
    MemberType,
    OfficeKind,
    OrganizationRole,
    OrganizationStatus,
)
from .models import (
    MembershipApplication,
    Office,
    Organization,
    OrganizationPhoto,
    OrganizationUser,
    fold,
)
from .regions import region_for_country
from .rules import SECRETARIAT_GROUP
from .selectors import DIRECTORY_VERSION, secretariat_users

logger = logging.getLogger(__name__)


class MembershipError(Exception):
    """A membership operation that cannot be done; the message is shown to the user."""


class DuplicateMemberError(MembershipError):
    def __init__(self, organization: Organization | None = None, *, pending: bool = False):
        self.organization = organization
        self.pending = pending
        if pending:
            message = "An application for this organization is already being reviewed."
        else:
            message = f"{organization.name} is already a WeGO member or partner."
        super().__init__(message)


# --- Organizations ----------------------------------------------------------------------------


def organization_unique_slug(name: str, country: str = "") -> str:
    """A slug for ``name`` not yet taken: "seoul", then "seoul-kr", then "seoul-kr-2"…"""
    base = slugify(fold(name))[:200] or "organization"
    candidates = [base]
    if country:
        candidates.append(f"{base}-{country.lower()}")
    for candidate in candidates:
        if not Organization.objects.filter(slug=candidate).exists():
            return candidate
    n = 2
    while Organization.objects.filter(slug=f"{candidates[-1]}-{n}").exists():
        n += 1
    return f"{candidates[-1]}-{n}"


def office_for_region(region: str, country: str = "") -> Office | None:
    """The office that looks after a member: a regional office in its own country, else the
    regional office covering its region, else the Secretariat."""
    offices = list(Office.objects.all())
    regional = [o for o in offices if o.kind == OfficeKind.REGIONAL and o.country.code == country]
    regional = regional or [
        o for o in offices if o.kind == OfficeKind.REGIONAL and region in (o.regions or [])
    ]
    if regional:
        return sorted(regional, key=lambda o: (o.opened_year or 9999, o.pk))[0]
    return next((o for o in offices if o.kind == OfficeKind.SECRETARIAT), None)


def find_existing_member(*, name: str, country: str) -> Organization | None:
    """An organization with the same name (ignoring case and accents) in the same country."""
    folded = fold(name)
    for candidate in Organization.objects.filter(country=country).only("id", "name", "slug"):
        if fold(candidate.name) == folded:
            return candidate
    return None


def directory_changed() -> None:
    """After commit, the cached directory pages and counts and the API's answers about
    organizations and offices are rebuilt (a new version).

    Every write of an organization or an office calls it: these services, the back office's
    saves, deletions and imports, and the data loaders.
    """
    transaction.on_commit(DIRECTORY_VERSION.bump)


@transaction.atomic
def organization_update_profile(
    *, organization: Organization, changed_by: User, data: dict
) -> Organization:
    """Update the public profile fields in ``data`` (``areas`` is a list of areas).

    Side effects: records a history entry attributed to ``changed_by``.
    """
    areas = data.pop("areas", None)
    for field, value in data.items():
        setattr(organization, field, value)
    organization._history_user = changed_by
    organization.save()
    if areas is not None:
        organization.areas.set(areas)
    directory_changed()
    return organization


@transaction.atomic
def organization_set_logo(*, organization: Organization, upload, changed_by: User) -> Organization:
    """Replace the logo with a re-encoded copy of ``upload`` and a thumbnail.

    The upload must already have passed ``wego_portal.files.validate_image``; re-encoding keeps
    only pixels. Side effects: writes two files in public media, records history.
    """
    old = (organization.logo.name, organization.logo_thumbnail.name)
    logo = normalised_image(upload, max_side=800, name=organization.slug)
    upload.seek(0)
    thumbnail = normalised_image(upload, max_side=160, name=organization.slug)
    organization.logo.save(logo.name, logo, save=False)
    organization.logo_thumbnail.save(thumbnail.name, thumbnail, save=False)
    organization._history_user = changed_by
    organization.save()
    directory_changed()
    storage = organization.logo.storage

    def remove_old_files():
        for name in old:
            if name:
                storage.delete(name)

    transaction.on_commit(remove_old_files)
    return organization


#: How many photos a member's gallery holds.
MAX_PHOTOS = 12


@transaction.atomic
def organization_add_photo(
    *, organization: Organization, upload, alt_text: str, caption: str, added_by: User
) -> OrganizationPhoto:
    """Add a photo to the member's public gallery: re-encoded (only pixels are kept, no
    metadata) at most 1,600 px, with a 480 px thumbnail. Needs
    ``members.edit_organization_profile``; refuses (``MembershipError``) a full gallery or a
    photo without its text alternative. The upload must have passed
    ``wego_portal.files.validate_image``. Side effects: writes two files in public media; the
    cached profile and directory pages are rebuilt.
    """
    require(added_by, "members.edit_organization_profile", organization)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not alt_text.strip():
        raise MembershipError(_("Say what the photo shows."))
    count = organization.photos.count()
    if count >= MAX_PHOTOS:
        raise MembershipError(_("A gallery holds at most %(n)d photos.") % {"n": MAX_PHOTOS})
    image = normalised_image(upload, max_side=1600, name=organization.slug)
    upload.seek(0)
    thumbnail = normalised_image(upload, max_side=480, name=f"{organization.slug}-thumb")
    photo = OrganizationPhoto(
        organization=organization,
        alt_text=alt_text.strip()[:200],
        caption=caption.strip()[:200],
        position=count + 1,
    )
    photo.image.save(image.name, image, save=False)
    photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
    photo.save()
    directory_changed()
    return photo


@transaction.atomic
def organization_remove_photo(*, photo, removed_by: User) -> None:
    """Remove a gallery photo (``members.edit_organization_profile``); its files go after
    commit."""
    require(removed_by, "members.edit_organization_profile", photo.organization)
    files = [(f.storage, f.name) for f in (photo.image, photo.thumbnail) if f]
    photo.delete()
    directory_changed()

    def cleanup():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(cleanup)


@transaction.atomic
def organization_set_status(
    *, organization: Organization, status: str, changed_by: User
) -> Organization:
    """Activate, suspend or retire a member (``members.set_organization_status``).

    Side effects: history entry."""
    require(changed_by, "members.set_organization_status", organization)
    if organization.status != status:
        organization.status = status
        organization._history_user = changed_by
        organization.save(update_fields=["status", "updated_at"])
        directory_changed()
    return organization


@transaction.atomic
def organization_add_person(
    *,
    organization: Organization,
    email: str,
    full_name: str = "",
    role: str,
    invited_by: User | None,
    preferred_language: str = "",
    membership_approved_on: datetime.date | None = None,
) -> OrganizationUser:
    """Give a person a role in an organization, creating and inviting the account if needed.

    Side effects: may create a user (address vouched for by WeGO or a colleague, so verified);
    queues an invitation e-mail with a link to set a password (new users) or a notice that
    they were added (existing users).
    """
    user, _user_created = user_get_or_create_verified(
        email=email, full_name=full_name, preferred_language=preferred_language
    )
    link, link_created = OrganizationUser.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    if not link_created and link.role != role:
        link.role = role
        link.save(update_fields=["role"])
    if not user.has_usable_password():
        url = password_set_url(user)
        kind = "membership.invitation"
    else:
        url = absolute_url(reverse("members:dashboard"))
        kind = "membership.added_to_organization"
    notification_create(
        kind=kind,
        recipient=user,
        about=organization,
        context={
            "organization": organization,
            "invited_by": invited_by,
            # The label, not its text: translated when the e-mail is sent.
            "role": OrganizationRole(link.role).label,
            "action_url": url,
            # Set when the invitation follows the approval of the membership application.
            "membership_approved_on": membership_approved_on,
        },
        idempotency_key=f"organization-{organization.pk}-person-{user.pk}-{kind}",
        url=reverse("members:dashboard"),
    )
    return link


def password_set_url(user: User) -> str:
    """allauth's password-reset link, used as the "set your password" link of an invitation."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    # Once the password is set, sign-in continues to the welcome page with the next steps.
    return absolute_url(f"{path}?{urlencode({'next': reverse('members:welcome')})}")


# --- Membership applications -------------------------------------------------------------------


@transaction.atomic
def membership_application_submit(*, data: dict) -> MembershipApplication:
    """Record an application to join WeGO.

    Refuses (``DuplicateMemberError``) an organization that is already a member or partner, or
    whose application is pending. Records the language of the page it was made in: the
    contact hears from WeGO in it, and their account (once approved) prefers it. Side effects:
    acknowledgement e-mail to the contact person; a notice to secretariat staff.
    """
    existing = find_existing_member(name=data["organization_name"], country=data["country"])
    if existing:
        raise DuplicateMemberError(existing)
    folded = fold(data["organization_name"])
    pending = MembershipApplication.objects.filter(
        status=ApplicationStatus.PENDING, country=data["country"]
    ).only("organization_name")
    if any(fold(p.organization_name) == folded for p in pending):
        raise DuplicateMemberError(pending=True)

    application = MembershipApplication.objects.create(
        **data,
        region=region_for_country(str(data["country"])),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    notification_create(
        kind="membership.application_received",
        to_email=application.contact_email,
        language=application.language,
        about=application,
        context={"application": application},
        idempotency_key=f"membership-application-{application.pk}-received",
    )
    admin_path = reverse("admin:members_membershipapplication_change", args=[application.pk])
    for officer in secretariat_users():
        notification_create(
            kind="membership.application_new",
            recipient=officer,
            about=application,
            context={"application": application, "action_url": absolute_url(admin_path)},
            idempotency_key=f"membership-application-{application.pk}-new-user-{officer.pk}",
            url=admin_path,
        )
    return application


class MembershipApplicationChangedMeanwhile(MembershipError, ChangedMeanwhile):
    """Another officer decided the application after this one looked at it."""

    default_message = _(
        "This application changed meanwhile: it is now “%(current)s”. Nothing was changed."
    )


def _locked_pending(
    application: MembershipApplication, expected_status: str | None = None
) -> MembershipApplication:
    locked = MembershipApplication.objects.select_for_update().get(pk=application.pk)
    check_expected_status(
        current=locked.status,
        expected=expected_status,
        error=MembershipApplicationChangedMeanwhile,
        labels=dict(ApplicationStatus.choices),
    )
    if locked.status != ApplicationStatus.PENDING:
        raise MembershipError(
            f"This application was already {locked.get_status_display().lower()}."
        )
    return locked


@transaction.atomic
def membership_application_approve(
    *,
    application: MembershipApplication,
    approved_by: User,
    excom_approved_on: datetime.date | None = None,
    decision=None,
    expected_status: str | None = None,
) -> Organization:
    """Approve an application as the Executive Committee decided on ``excom_approved_on``, or
    as ``decision`` (a ``governance.Decision``) decided: the approval then cites the decision
    and takes its date.

    Side effects: creates the active Organization (joined on the EXCOM date, region from its
    country, looked after by that region's office); creates the contact person's account and
    makes them primary contact; queues the invitation e-mail with a link to set a password;
    records who decided and when. Needs ``members.decide_membership_application``.
    ``expected_status``: the status the officer saw (refused,
    ``MembershipApplicationChangedMeanwhile``, if it changed meanwhile).
    """
    require(approved_by, "members.decide_membership_application", application)
    if decision is not None:
        excom_approved_on = decision.decided_on
    if excom_approved_on is None:
        raise MembershipError("An approval needs the Executive Committee's decision or its date.")
    application = _locked_pending(application, expected_status)
    existing = find_existing_member(
        name=application.organization_name, country=application.country.code
    )
    if existing:
        raise DuplicateMemberError(existing)
    region = application.region or region_for_country(application.country.code)
    organization = Organization(
        name=application.organization_name,
        slug=organization_unique_slug(application.organization_name, application.country.code),
        member_type=application.member_type,
        membership_class=MembershipClass.CORPORATE
        if application.member_type == MemberType.CORPORATION
        else MembershipClass.ASSOCIATE,
        country=application.country,
        region=region,
        city=application.city,
        office=office_for_region(region, application.country.code),
        status=OrganizationStatus.ACTIVE,
        joined_on=excom_approved_on,
        website=application.website,
    )
    organization._history_user = approved_by
    organization.save()
    directory_changed()

    application.status = ApplicationStatus.APPROVED
    application.decided_at = timezone.now()
    application.decided_by = approved_by
    application.excom_approved_on = excom_approved_on
    application.decision = decision
    application.organization = organization
    application.save()

    organization_add_person(
        organization=organization,
        email=application.contact_email,
        full_name=application.contact_name,
        role=OrganizationRole.PRIMARY_CONTACT,
        invited_by=approved_by,
        preferred_language=application.language,
        membership_approved_on=excom_approved_on,
    )
    return organization


@transaction.atomic
def membership_application_reject(
    *,
    application: MembershipApplication,
    rejected_by: User,
    reason: str = "",
    expected_status: str | None = None,
) -> MembershipApplication:
    """Decline an application (``members.decide_membership_application``).

    Side effects: a polite notice to the contact person. ``expected_status``: the status the
    officer saw (refused if it changed meanwhile).
    """
    require(rejected_by, "members.decide_membership_application", application)
    application = _locked_pending(application, expected_status)
    application.status = ApplicationStatus.REJECTED
    application.decided_at = timezone.now()
    application.decided_by = rejected_by
    application.decision_note = reason
    application.save()
    notification_create(
        kind="membership.application_declined",
        to_email=application.contact_email,
        language=application.language,
        about=application,
        context={"application": application, "reason": reason},
        idempotency_key=f"membership-application-{application.pk}-declined",
    )
    return application


# --- Offices and staff groups ------------------------------------------------------------------


@transaction.atomic
def office_approve(*, office: Office, decision, approved_by: User | None) -> Office:
    """Record that ``decision`` (a ``governance.Decision``) approved ``office``; the office is
    open from the decision's year if no opening year was recorded. Needs
    ``members.approve_office``; ``approved_by`` None only when the WeGO data set records a past
    decision. Side effects: the directory's version moves on (the API shows the opening year).
    """
    if approved_by is not None:
        require(approved_by, "members.approve_office", office)
    office = Office.objects.select_for_update().get(pk=office.pk)
    if office.approval_decision_id not in (None, decision.pk):
        raise MembershipError(f"{office.name} was already approved by another decision.")
    office.approval_decision = decision
    office.opened_year = office.opened_year or decision.decided_on.year
    office.save(update_fields=["approval_decision", "opened_year"])
    directory_changed()
    logger.info("Office %s approved by decision %s (by %s)", office.pk, decision.pk, approved_by)
    return office


OFFICE_STAFF_PERMISSIONS = [
    ("members", "view_organization"),
    ("members", "change_organization"),
    ("members", "view_organizationuser"),
    ("members", "add_organizationuser"),
    ("members", "change_organizationuser"),
    ("members", "view_membershipapplication"),
    ("members", "view_office"),
]


@transaction.atomic
def office_staff_group_ensure(*, office: Office) -> Group:
    """The staff group of ``office``, with the back-office permissions its staff need."""
    group = (
        office.staff_group or Group.objects.get_or_create(name=f"Office staff: {office.name}")[0]
    )
    if office.staff_group_id != group.pk:
        office.staff_group = group
        office.save(update_fields=["staff_group"])
    perms = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in OFFICE_STAFF_PERMISSIONS
    ]
    group.permissions.add(*perms)
    return group


@transaction.atomic
def secretariat_group_ensure() -> Group:
    """The "Secretariat" group: every back-office permission of the portal's own apps."""
    group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=[
                "members",
                "programs",
                "events",
                "awards",
                "notifications",
                "health",
                "catalog",
                "reports",
                "governance",
            ]
        )
    )
    return group


def demo_member_link(*, user: User, organization_slug: str) -> str | None:
    """Make a demo user the primary contact of an organization; returns its name."""
    organization = Organization.objects.filter(slug=organization_slug).first()
    if organization is None:
        return None
    OrganizationUser.objects.get_or_create(
        organization=organization, user=user, defaults={"role": OrganizationRole.PRIMARY_CONTACT}
    )
    return organization.name
