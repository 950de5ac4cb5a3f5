"""The authorization matrix: one rule for every URL pattern that takes an object identifier.

``url_patterns()`` walks ``django.urls.get_resolver()`` (admin and ``/api/v1/`` included) and
``test_authorization.test_every_identified_url_has_a_rule`` fails when a pattern whose route
captures an identifier (``slug``, ``pk``, ``object_id``, ``token``, ``key``, ``year``, ...) has no
rule here: adding a URL means adding its rule.

A rule says how to build the object (with the factories of ``tests/factories``), the URL kwargs,
who owns it, and whether it is public. The tests then request it as:

* the anonymous visitor, a member of another organization, a regional-office user of another
  region (a staff user in the office staff group of another office) and an awards judge: they
  must be **refused with 404**. Two refusals that do not confirm existence are accepted too:
  - the anonymous visitor on a login-required page is redirected to sign-in (302 to
    ``/accounts/login/``): the redirect happens before any lookup, so it is identical for an
    object that does not exist;
  - in the Django admin, non-staff users are redirected to the admin login, and staff users of
    another region get the admin's own refusal: 404, the "doesn't exist" redirect to the admin
    index (``wego_portal.admin`` scopes every admin's queryset by the rules, so a foreign row
    is reported as missing), or 403 when the rules refuse the model to the user at all
    (checked before the lookup). ``test_admin_matrix`` checks every admin for five roles. Each admin refusal is compared with
    the response for an identifier that does not exist: they must be the same.
* the owner (an editor of the owning organization, the recipient, the judge on the panel...)
  and the secretariat (a superuser; on member-facing pages also a staff user in the
  "Secretariat" group) must be allowed: a 2xx, or a redirect that is not to a login page.

Deliberate exceptions, each marked on its rule:

* ``/api/v1/``: DRF refuses an unauthenticated request before any lookup (401/403, the same
  for every identifier), accepted for the anonymous visitor like the sign-in redirect.
* ``/api/v1/me/...`` and the personal notification inbox list the signed-in person's own rows:
  the secretariat gets "not found" there too (it uses the admin), so ``Case.secretariat`` is
  False for them.
* ``member_action`` rules (edit, submit, withdraw, judge...) are acts of the member (or judge)
  itself: the secretariat does them in the back office, so only the superuser (Django's
  ``has_perm`` shortcut) is checked there, not the "Secretariat" group.
* ``staff_visible`` admin rules (offices, view-on-site) show public information to every staff
  user; their delete pages stay refused.
* Admin delete pages of models whose admin forbids deleting (``has_delete_permission`` False
  for everyone) answer the secretariat 403 too; the test accepts that only when it is so.

POST-only views answer GET with 405 before any lookup; they are then requested with POST (no
data) instead. Public rules (a member profile, a published event, a published initiative...) are
allowed for everyone, and name a non-public variant (a former member, a draft event...) that
must 404 for every stranger. Capability URLs (e-mailed signed links, secret calendar
addresses) are public by design: a forged token must be refused (400 "link invalid" or 404).
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.admin.sites import site as admin_site
from django.urls import URLPattern, URLResolver, get_resolver

# Kwarg names (or endings) that identify an object in a route.
IDENTIFIER_NAMES = {
    "slug",
    "pk",
    "id",
    "uuid",
    "key",
    "token",
    "object_id",
    "year",
    "uidb36",
    "content_type_id",
    "path",
    "url",
}
IDENTIFIER_SUFFIXES = ("_pk", "_slug", "_id", "_key", "_token", "_uuid")


@dataclasses.dataclass(frozen=True)
class Entry:
    """One URL pattern, flattened: full route, namespaced name, its captured kwargs."""

    route: str
    name: str
    kwargs: tuple[str, ...]
    positional: int
    callback: Any

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    @property
    def takes_identifier(self) -> bool:
        return self.positional > 0 or any(
            k in IDENTIFIER_NAMES or k.endswith(IDENTIFIER_SUFFIXES) for k in self.kwargs
        )

    @property
    def key(self) -> str:
        """The registry key: the URL name, or for the admin's nameless object redirect
        (``<model>/<object_id>/``) ``admin:<app>_<model>_redirect``."""
        if self.name and not self.name.endswith(":"):
            return self.name
        match = re.match(r"admin/(\w+)/(\w+)/<path:object_id>/$", self.route)
        if match:
            return f"admin:{match[1]}_{match[2]}_redirect"
        return self.route


def url_patterns() -> list[Entry]:
    entries: list[Entry] = []

    def walk(resolver, prefix: str, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                walk(pattern, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                regex = pattern.pattern.regex
                named = tuple(regex.groupindex)
                entries.append(
                    Entry(
                        route=prefix + str(pattern.pattern),
                        name=namespace + (pattern.name or ""),
                        kwargs=named,
                        positional=regex.groups - len(named),
                        callback=pattern.callback,
                    )
                )

    walk(get_resolver(), "", "")
    return entries


def identified_patterns() -> list[Entry]:
    return [e for e in url_patterns() if e.takes_identifier]


# --- Cases and rules -----------------------------------------------------------------------


@dataclasses.dataclass
class Case:
    """A built object: the URL kwargs (or args), and who may see it besides the secretariat."""

    kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)
    owners: list = dataclasses.field(default_factory=list)
    args: tuple = ()
    missing_kwargs: dict[str, Any] | None = None  # admin: the same URL for a missing object
    secretariat: bool = True  # False only where a rule's note explains why


@dataclasses.dataclass(frozen=True)
class Rule:
    build: Callable[[Any], Case]
    public: bool = False
    private_variant: Callable[[Any], Case] | None = None
    capability: bool = False  # the identifier is a secret/signed token (public by design)
    download: bool = False  # a private file: attachment + nosniff + sandbox CSP
    method: str = "GET"  # "POST" for views that answer any GET with 404
    # Member actions (edit, submit, withdraw...) are done by the member; the secretariat acts in
    # the back office, so only the superuser (Django's has_perm shortcut) passes them.
    member_action: bool = False
    staff_visible: bool = False  # admin: any staff user may see it (public information)
    not_an_object: str = ""  # reason, for patterns whose parameters identify no object
    note: str = ""


def _f(module: str, name: str):
    import importlib

    return getattr(importlib.import_module(f"tests.factories.{module}"), name)


# --- Builders (``w`` is the World of tests/security/conftest.py) -------------------------


def _org(w):
    return Case(kwargs={"slug": w.org.slug}, owners=[w.owner])


def _org_photo(w):
    from django.core.files.base import ContentFile

    from members.models import OrganizationPhoto

    photo = OrganizationPhoto.objects.create(
        organization=w.org,
        image=ContentFile(b"x", name="p.jpg"),
        thumbnail=ContentFile(b"x", name="t.jpg"),
        alt_text="A square in the city",
    )
    return Case(kwargs={"slug": w.org.slug, "pk": photo.pk}, owners=[w.owner])


def _former_org(w):
    org = _f("members", "OrganizationFactory")(status="former")
    return Case(kwargs={"slug": org.slug})


def _office(w):
    return Case(kwargs={"slug": w.office.slug}, owners=[w.owner])


def _event(w, **extra):
    event = _f("events", "EventFactory")(open_registration=True, **extra)
    return Case(kwargs={"slug": event.slug})


def _draft_event(w):
    return _event(w, status="draft")


def _program(w):
    program = _f("programs", "ProgramFactory")()
    return Case(kwargs={"slug": program.slug})


def _call(w, **extra):
    call = _f("programs", "CallFactory")(**extra)
    return Case(kwargs={"slug": call.program.slug, "call_slug": call.slug})


def _unpublished_call(w):
    return _call(w, is_published=False)


def _call_start(w, **extra):
    call = _f("programs", "CallFactory")(**extra)
    return Case(kwargs={"call_slug": call.slug})


def _new_application(w, **extra):
    """A Solution Finder application of the owner's organization, with its answers row."""
    details = _f("programs", "SolutionFinderDetailsFactory")(
        **{f"application__{k}": v for k, v in {"organization": w.org, **extra}.items()}
    )
    return details.application


def _application(w, **extra):
    application = _new_application(w, **extra)
    return Case(kwargs={"pk": application.pk}, owners=[w.owner])


def _attachment(w):
    attachment = _f("programs", "ApplicationAttachmentFactory")(application=_new_application(w))
    return Case(
        kwargs={"pk": attachment.application_id, "attachment_pk": attachment.pk},
        owners=[w.owner],
    )


def _section(w):
    case = _application(w)
    from programs.models import Application
    from programs.sections import sections_for

    application = Application.objects.get(pk=case.kwargs["pk"])
    case.kwargs["key"] = sections_for(application)[0].key
    return case


def _letter(w):
    from programs.enums import ApplicationKind

    details = _f("programs", "ProjectImplementerDetailsFactory")(
        application__organization=w.org,
        application__call__kind=ApplicationKind.PROJECT_IMPLEMENTER,
    )
    return Case(kwargs={"pk": details.application_id}, owners=[w.owner])


def _edition(w, **extra):
    edition = _f("awards", "EditionFactory")(**extra)
    return Case(kwargs={"year": edition.year})


def _private_edition(w):
    return _edition(w, is_public=False)


def _public_entry(w):
    edition = _f("awards", "EditionFactory")(published=True)
    entry = _f("awards", "EntryFactory")(organization=w.org, winner=True, category__edition=edition)
    return entry


def _draft_entry(w):
    return _f("awards", "EntryFactory")(organization=w.org)


def _entry_public(w):
    entry = _public_entry(w)
    return Case(kwargs={"year": entry.edition.year, "pk": entry.pk}, owners=[w.owner])


def _entry_public_draft(w):
    entry = _draft_entry(w)
    return Case(kwargs={"year": entry.edition.year, "pk": entry.pk}, owners=[w.owner])


def _image(w, entry=None):
    image = _f("awards", "EntryImageFactory")(entry=entry or _public_entry(w))
    return Case(kwargs={"pk": image.pk}, owners=[w.owner])


def _draft_image(w):
    return _image(w, entry=_draft_entry(w))


def _document(w, **extra):
    document = _f("awards", "EntryDocumentFactory")(entry=_draft_entry(w), **extra)
    return Case(kwargs={"pk": document.pk}, owners=[w.owner])


def _entry_create(w):
    edition = _f("awards", "EditionFactory")()
    _f("awards", "CategoryFactory")(edition=edition)
    return Case(kwargs={"slug": w.org.slug, "year": edition.year}, owners=[w.owner])


def _entry(w):
    entry = _draft_entry(w)
    return Case(kwargs={"pk": entry.pk}, owners=[w.owner])


def _entry_image(w):
    image = _f("awards", "EntryImageFactory")(entry=_draft_entry(w))
    return Case(kwargs={"pk": image.entry_id, "image_pk": image.pk}, owners=[w.owner])


def _entry_document(w):
    document = _f("awards", "EntryDocumentFactory")(entry=_draft_entry(w))
    return Case(kwargs={"pk": document.entry_id, "document_pk": document.pk}, owners=[w.owner])


def _judging_entry(w):
    """The owner is a judge on the entry's panel; the rule's judge sits on another edition."""
    edition = _f("awards", "EditionFactory")(judging=True)
    entry = _f("awards", "EntryFactory")(
        organization=w.org, submitted=True, category__edition=edition
    )
    panel_user = _f("accounts", "UserFactory")()
    _f("awards", "JudgeFactory")(edition=edition, user=panel_user, categories=[entry.category])
    return Case(kwargs={"pk": entry.pk}, owners=[panel_user])


def _initiative(w, **extra):
    if extra.get("status") == "published":
        extra.setdefault("published_at", _now())
    initiative = _f("health", "InitiativeFactory")(organization=w.org, **extra)
    return initiative


def _initiative_page(w):
    return Case(kwargs={"pk": _initiative(w, status="published").pk}, owners=[w.owner])


def _initiative_draft_page(w):
    return Case(kwargs={"pk": _initiative(w).pk}, owners=[w.owner])


def _initiative_file(w, status="published"):
    record = _f("health", "InitiativeFileFactory")(initiative=_initiative(w, status=status))
    return Case(kwargs={"pk": record.initiative_id, "file_pk": record.pk}, owners=[w.owner])


def _initiative_draft_file(w):
    return _initiative_file(w, status="draft")


def _initiative_manage(w):
    return Case(kwargs={"pk": _initiative(w).pk}, owners=[w.owner])


def _material_file(w, **extra):
    from django.core.files.base import ContentFile

    from tests.members.files import pdf_bytes

    material = _f("health", "MaterialFactory")(
        file=ContentFile(pdf_bytes(), name="guide.pdf"), **extra
    )
    return Case(kwargs={"pk": material.pk})


def _supplier(w, **extra):
    supplier = _f("health", "SupplierFactory")(**extra)
    return Case(kwargs={"slug": supplier.slug})


def _unpublished_supplier(w):
    return _supplier(w, is_published=False)


def _now():
    from django.utils import timezone

    return timezone.now()


def _project(w, **extra):
    if extra.get("status") == "published":
        extra.setdefault("published_at", _now())
    return _f("catalog", "ProjectFactory")(organization=w.org, **extra)


def _project_page(w):
    return Case(kwargs={"slug": _project(w, status="published").slug}, owners=[w.owner])


def _project_draft_page(w):
    return Case(kwargs={"slug": _project(w).slug}, owners=[w.owner])


def _article(w, **extra):
    return _f("news", "ArticleFactory")(office=w.office, **extra)


def _article_page(w):
    return Case(kwargs={"slug": _article(w, published=True).slug})


def _article_draft_page(w):
    return Case(kwargs={"slug": _article(w).slug})


def _publication_page(w):
    return Case(kwargs={"slug": _f("publications", "PublicationFactory")().slug})


def _publication_draft_page(w):
    return Case(kwargs={"slug": _f("publications", "PublicationFactory")(is_published=False).slug})


def _news_category(w):
    return Case(kwargs={"slug": _f("news", "CategoryFactory")().slug})


def _project_manage(w):
    return Case(kwargs={"pk": _project(w).pk}, owners=[w.owner])


def _project_image(w):
    image = _f("catalog", "ProjectImageFactory")(project=_project(w))
    return Case(kwargs={"pk": image.project_id, "image_pk": image.pk}, owners=[w.owner])


def _notification(w):
    notification = _f("notifications", "NotificationFactory")(recipient=w.owner)
    return Case(kwargs={"pk": notification.pk}, owners=[w.owner], secretariat=False)


def _registration(w):
    registration = _f("events", "EventRegistrationFactory")(user=w.owner, email=w.owner.email)
    return Case(kwargs={"pk": registration.pk}, owners=[w.owner])


def _feed_token(w):
    from events.services import calendar_feed_token_ensure

    return Case(kwargs={"token": calendar_feed_token_ensure(user=w.owner).token})


def _confirmation_token(w):
    from events import links

    registration = _f("events", "EventRegistrationFactory")(
        status="pending", email_confirmed_at=None
    )
    return Case(kwargs={"token": links.confirmation_token(registration)})


def _cancellation_token(w):
    from events import links

    registration = _f("events", "EventRegistrationFactory")()
    return Case(kwargs={"token": links.cancellation_token(registration)})


def _sharing_token(w):
    from events import links

    registration = _f("events", "EventRegistrationFactory")()
    return Case(kwargs={"token": links.sharing_token(registration)})


def _newsletter_confirm_token(w):
    from newsletter import tokens

    subscriber = _f("newsletter", "SubscriberFactory")(state="pending", confirmed_at=None)
    return Case(kwargs={"token": tokens.confirm_token(subscriber.key)})


def _newsletter_manage_token(w):
    from newsletter import tokens

    subscriber = _f("newsletter", "SubscriberFactory")()
    return Case(kwargs={"token": tokens.manage_token(subscriber.key)})


def _hosted_event(w):
    event = _f("events", "EventFactory")()
    _f("events", "EventHostFactory")(event=event, organization=w.org)
    return Case(kwargs={"slug": event.slug}, owners=[w.owner], secretariat=False)


def _own_consent(w):
    from privacy.services import consent_give

    registration = _f("events", "EventRegistrationFactory")(user=w.owner, email=w.owner.email)
    record = consent_give(purpose="share_with_host", subject=registration)
    return Case(kwargs={"pk": record.pk}, owners=[w.owner], secretariat=False)


def _forged_token(w):
    return Case(kwargs={"token": "forged-token-0000"})


def _allauth_key(w):
    return Case(kwargs={"key": "forged-key-0000"})


def _allauth_reset(w):
    return Case(kwargs={"uidb36": "1", "key": "forged-key-0000"})


def _report_year(w):
    return Case(kwargs={"year": 2020})


def _report_run(w):
    from django.core.files.base import ContentFile

    from reports.models import ReportRun
    from tests.members.files import pdf_bytes

    run = ReportRun.objects.create(
        year=2020,
        requested_by=w.secretariat,
        state="done",
        progress=100,
        pdf=ContentFile(pdf_bytes(), name="report.pdf"),
    )
    return Case(kwargs={"pk": run.pk})


def _published_report_run(w):
    from django.utils import timezone

    from reports.models import ReportRun

    case = _report_run(w)
    ReportRun.objects.filter(pk=case.kwargs["pk"]).update(published_at=timezone.now())
    return case


def _report_run_object(w):
    from reports.models import ReportRun

    return ReportRun.objects.get(pk=_report_run(w).kwargs["pk"])


def _me(builder):
    """``/api/v1/me/...``: the signed-in person's own rows; nobody else's, secretariat included
    (staff use the admin), so a foreign row is "not found" for the secretariat too."""

    def build(w):
        case = builder(w)
        case.secretariat = False
        return case

    return build


def _api_application_section(w):
    case = _section(w)
    case.secretariat = False
    return case


def _api_entry(w):
    return Case(kwargs={"pk": _draft_entry(w).pk}, owners=[w.owner], secretariat=False)


# --- Governance ----------------------------------------------------------------------------


def _g(name):
    return _f("governance", name)


def _excom():
    from governance.enums import BodyKind

    return _g("BodyFactory")(kind=BodyKind.EXECUTIVE_COMMITTEE)


def _vote_object(w):
    """An open vote with the owner's organization on the roll and the owner its delegate."""
    from governance import services
    from governance.models import Delegate

    body = _excom()
    _g("SeatFactory")(body=body, organization=w.org)
    Delegate.objects.get_or_create(organization=w.org, user=w.owner, ended_at=None)
    vote = _g("VoteFactory")(resolution=_g("ResolutionFactory")(body=body))
    services.vote_open(vote=vote, opened_by=None, expected_status="draft")
    return vote


def _vote(w):
    return Case(kwargs={"pk": _vote_object(w).pk}, owners=[w.owner])


def _vote_proxy(w):
    case = _vote(w)
    case.secretariat = False
    return case


def _decision_object(w, published=True):
    import datetime

    from governance import services

    return services.decision_record(
        resolution=_g("ResolutionFactory")(body=_excom()),
        outcome="adopted",
        decided_on=datetime.date(2021, 1, 1),
        recorded_by=None,
        published=published,
    )


def _decision(w):
    return Case(kwargs={"pk": _decision_object(w).pk})


def _unpublished_decision(w):
    return Case(kwargs={"pk": _decision_object(w, published=False).pk})


def _meeting(w, **extra):
    meeting = _g("MeetingFactory")(body=_excom(), **extra)
    return Case(kwargs={"slug": meeting.slug})


def _unannounced_meeting(w):
    return _meeting(w, is_public=False)


def _governance_document(w, **extra):
    from django.core.files.base import ContentFile

    from tests.members.files import pdf_bytes

    document = _g("MeetingDocumentFactory")(
        meeting=_g("MeetingFactory")(body=_excom()),
        file=ContentFile(pdf_bytes(), name="paper.pdf"),
        **extra,
    )
    return Case(kwargs={"pk": document.pk})


def _future_governance_document(w):
    import datetime

    return _governance_document(w, publish_on=datetime.date(2999, 1, 1))


# --- Admin -------------------------------------------------------------------------------


def _about_page():
    from members.models import AboutPage

    return AboutPage.objects.first() or AboutPage.objects.create(president_name="Matrix")


def _published_figure():
    from reports.models import PublishedFigure

    return PublishedFigure.objects.get_or_create(
        key="matrix-members",
        year=2020,
        defaults={"value": 209, "label": "Members", "source": "Annual Report 2020"},
    )[0]


def _admin_objects() -> dict[str, Callable[[Any], Any]]:
    """How to build one row of every model registered in the admin (keyed by label)."""

    def user(w):
        return _f("accounts", "UserFactory")()

    def group(w):
        from django.contrib.auth.models import Group

        return Group.objects.create(name=f"Security test group {uuid.uuid4().hex}")

    def email_address(w):
        from allauth.account.models import EmailAddress

        return EmailAddress.objects.get_or_create(
            user=w.owner, email=w.owner.email, defaults={"verified": True}
        )[0]

    def authenticator(w):
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.create(
            user=_f("accounts", "UserFactory")(),
            type=Authenticator.Type.RECOVERY_CODES,
            data={"seed": "x"},
        )

    def user_session(w):
        from allauth.usersessions.models import UserSession

        return UserSession.objects.create(
            user=w.owner, ip="127.0.0.1", session_key=uuid.uuid4().hex
        )

    def knox_token(w):
        from knox.models import AuthToken

        return AuthToken.objects.create(user=w.owner)[0]

    def office(w):
        return w.office

    def scored(factory_name):
        def build(w):
            return _f("awards", factory_name)(entry=_draft_entry(w))

        return build

    return {
        "auth.group": group,
        "account.emailaddress": email_address,
        "mfa.authenticator": authenticator,
        "usersessions.usersession": user_session,
        "knox.authtoken": knox_token,
        "accounts.user": user,
        "notifications.notification": lambda w: _f("notifications", "NotificationFactory")(
            recipient=w.owner
        ),
        "notifications.notificationpreference": lambda w: _f(
            "notifications", "NotificationPreferenceFactory"
        )(user=_f("accounts", "UserFactory")()),
        "members.organization": lambda w: w.org,
        "members.office": office,
        "members.membershipapplication": lambda w: _f("members", "MembershipApplicationFactory")(),
        "members.organizationuser": lambda w: w.owner.organization_roles.get(),
        "programs.smartcityarea": lambda w: _area(),
        "programs.program": lambda w: _f("programs", "ProgramFactory")(),
        "programs.call": lambda w: _f("programs", "CallFactory")(),
        "programs.application": _new_application,
        "events.event": lambda w: _f("events", "EventFactory")(),
        "events.eventregistration": lambda w: _f("events", "EventRegistrationFactory")(),
        "awards.edition": lambda w: _f("awards", "EditionFactory")(),
        "awards.category": lambda w: _f("awards", "CategoryFactory")(),
        "awards.judge": lambda w: _f("awards", "JudgeFactory")(),
        "awards.entry": lambda w: _draft_entry(w),
        "awards.score": scored("ScoreFactory"),
        "awards.conflictofinterest": scored("ConflictOfInterestFactory"),
        "health.initiative": lambda w: _initiative(w),
        "health.material": lambda w: _f("health", "MaterialFactory")(),
        "health.suppliercategory": lambda w: _f("health", "SupplierCategoryFactory")(),
        "health.supplier": lambda w: _f("health", "SupplierFactory")(),
        "health.inquiry": lambda w: _f("health", "InquiryFactory")(),
        "catalog.project": lambda w: _project(w),
        "news.article": lambda w: _article(w),
        "news.category": lambda w: _f("news", "CategoryFactory")(),
        "newsletter.topic": lambda w: _f("newsletter", "TopicFactory")(),
        "newsletter.subscriber": lambda w: _f("newsletter", "SubscriberFactory")(),
        "newsletter.issue": lambda w: _f("newsletter", "IssueFactory")(),
        "publications.publication": lambda w: _f("publications", "PublicationFactory")(),
        "reports.reportrun": lambda w: _report_run_object(w),
        "reports.publishedfigure": lambda w: _published_figure(),
        "members.aboutpage": lambda w: _about_page(),
        "auditlog.logentry": _audit_entry,
        "privacy.dataexport": lambda w: _data_export(w),
        "privacy.erasurerequest": lambda w: _erasure_request(w),
        "privacy.consentrecord": lambda w: _consent_record(w),
        "privacy.retentionrun": lambda w: _retention_run(),
        "governance.body": lambda w: _excom(),
        "governance.seat": lambda w: _g("SeatFactory")(body=_excom(), organization=w.org),
        "governance.delegate": lambda w: _g("DelegateFactory")(organization=w.org),
        "governance.meeting": lambda w: _g("MeetingFactory")(body=_excom()),
        "governance.resolution": lambda w: _g("ResolutionFactory")(body=_excom()),
        "governance.vote": lambda w: _g("VoteFactory")(
            resolution=_g("ResolutionFactory")(body=_excom())
        ),
        "governance.decision": lambda w: _decision_object(w),
        "governance.auditentry": lambda w: _governance_audit_entry(),
    }


def _audit_entry(w):
    """The log entry of a change to the right region's organization."""
    from auditlog.models import LogEntry

    w.org.city = f"{w.org.city} (changed)"
    w.org.save()
    return LogEntry.objects.filter(
        content_type__model="organization", object_pk=str(w.org.pk)
    ).latest("pk")


def _data_export(w):
    from privacy.models import DataExport
    from privacy.services import data_export_build

    export = DataExport.objects.create(email="visitor@example.org")
    return data_export_build(export_id=export.pk)


def _admin_object_case(obj):
    return Case(kwargs={"pk": obj.pk}, missing_kwargs={"pk": int(MISSING)})


def _own_data_export(w):
    from privacy.models import DataExport
    from privacy.services import data_export_build

    export = DataExport.objects.create(user=w.owner)
    data_export_build(export_id=export.pk)
    return Case(kwargs={"pk": export.pk}, owners=[w.owner], secretariat=False)


def _erasure_request(w):
    from privacy.models import ErasureRequest

    return ErasureRequest.objects.create(user=_f("accounts", "UserFactory")())


def _consent_record(w):
    from privacy.services import consent_give

    return consent_give(
        purpose="share_with_host", subject=_f("events", "EventRegistrationFactory")()
    )


def _retention_run():
    from privacy.services import retention_enforce

    return retention_enforce()


def _governance_audit_entry():
    from governance.services import audit

    return audit("security.test", actor=None)


def _area():
    from programs.models import SmartCityArea

    slug = f"security-area-{uuid.uuid4().hex[:8]}"
    return SmartCityArea.objects.create(name=slug, slug=slug)


MISSING = "999999999"


def _admin_object_rule(build_object) -> Rule:
    def build(w):
        obj = build_object(w)
        return Case(kwargs={"object_id": str(obj.pk)}, missing_kwargs={"object_id": MISSING})

    return Rule(build=build, note="Django admin object page")


def _admin_pk(build_object, method="GET", **extra):
    def build(w):
        obj = build_object(w)
        kwargs = {"pk": obj.pk, **extra}
        return Case(kwargs=kwargs, missing_kwargs={**kwargs, "pk": int(MISSING)})

    return Rule(build=build, method=method, note="custom admin view")


def _application_under_review(w):
    application = _new_application(w, status="submitted")
    _f("programs", "ReviewFactory")(application=application, reviewer=w.secretariat)
    return application


def _admin_letter(w):
    from django.core.files.base import ContentFile

    from tests.members.files import pdf_bytes

    application = _f("members", "MembershipApplicationFactory")(
        supporting_letter=ContentFile(pdf_bytes(), name="letter.pdf")
    )
    return Case(kwargs={"pk": application.pk}, missing_kwargs={"pk": int(MISSING)})


def _admin_initiative_file(w):
    case = _initiative_draft_file(w)
    return Case(kwargs=case.kwargs, missing_kwargs={**case.kwargs, "file_pk": int(MISSING)})


def _admin_preview(w):
    notification = _f("notifications", "NotificationFactory")(recipient=w.owner)
    return Case(kwargs={"object_id": notification.pk}, missing_kwargs={"object_id": int(MISSING)})


def _admin_user_password(w):
    user = _f("accounts", "UserFactory")()
    return Case(kwargs={"id": str(user.pk)}, missing_kwargs={"id": MISSING})


def _admin_history_form(w):
    org = w.org
    org.save()  # a second history row
    history_id = org.history.first().history_id
    return Case(args=(str(org.pk), str(history_id)), missing_kwargs=None)


def _admin_view_on_site(w):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(w.org)
    return Case(
        kwargs={"content_type_id": str(content_type.pk), "object_id": str(w.org.pk)},
        missing_kwargs={"content_type_id": str(content_type.pk), "object_id": MISSING},
    )


def _admin_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    objects = _admin_objects()
    for model in admin_site._registry:
        label = model._meta.label_lower
        if label not in objects:
            continue  # no rule: test_every_identified_url_has_a_rule reports the model's URLs
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for suffix in ("change", "history", "delete", "redirect"):
            rule = _admin_object_rule(objects[label])
            if label == "members.office" and suffix != "delete":
                # Offices are public (the /offices/ pages); every office's staff may read them.
                rule = dataclasses.replace(rule, staff_visible=True)
            rules[f"{prefix}_{suffix}"] = rule
    application = objects["programs.application"]
    inquiry = objects["health.inquiry"]
    rules.update(
        {
            "admin:members_membershipapplication_letter": Rule(
                build=_admin_letter, download=True, note="membership letter"
            ),
            "admin:notifications_notification_preview": Rule(build=_admin_preview),
            **{
                f"admin:newsletter_issue_{name}": _admin_object_rule(objects["newsletter.issue"])
                for name in ("preview", "send_test", "send", "resume")
            },
            "admin:programs_application_move": _admin_pk(application, status="submitted"),
            "admin:awards_edition_scoring": _admin_pk(objects["awards.edition"]),
            "admin:awards_edition_publish": _admin_pk(objects["awards.edition"]),
            "admin:awards_edition_close_panel": _admin_pk(objects["awards.edition"]),
            "admin:awards_edition_move": _admin_pk(objects["awards.edition"], stage="draft"),
            "admin:members_membershipapplication_approve": _admin_pk(
                objects["members.membershipapplication"]
            ),
            "admin:members_membershipapplication_decline": _admin_pk(
                objects["members.membershipapplication"]
            ),
            "admin:programs_application_message": _admin_pk(application),
            "admin:programs_application_assign": _admin_pk(application),
            "admin:programs_application_review": _admin_pk(_application_under_review),
            "admin:health_initiative_file": Rule(build=_admin_initiative_file, download=True),
            "admin:health_inquiry_move": _admin_pk(inquiry, to_status="forwarded"),
            "admin:health_inquiry_note": _admin_pk(inquiry, method="POST"),
            "admin:privacy_dataexport_download": Rule(
                build=lambda w: _admin_object_case(_data_export(w)), download=True
            ),
            "admin:governance_vote_move": _admin_pk(objects["governance.vote"], to_status="open"),
            "admin:governance_meeting_move": _admin_pk(
                objects["governance.meeting"], to_status="held"
            ),
            "admin:governance_resolution_record": _admin_pk(objects["governance.resolution"]),
            "admin:governance_decision_carry_out": _admin_pk(objects["governance.decision"]),
            "admin:auth_user_password_change": Rule(build=_admin_user_password),
            "admin:members_organization_simple_history": Rule(build=_admin_history_form),
            "admin:view_on_site": Rule(
                build=_admin_view_on_site,
                staff_visible=True,
                note="redirects staff to the object's public page; organizations are public",
            ),
        }
    )
    return rules


RULES: dict[str, Rule] = {
    # Accounts (allauth's own signed-key views).
    "account_confirm_email": Rule(build=_allauth_key, capability=True),
    "account_reset_password_from_key": Rule(build=_allauth_reset, capability=True),
    # API.
    "api:organization-detail": Rule(build=_org, public=True, private_variant=_former_org),
    "api:office-detail": Rule(build=_office, public=True),
    "api:event-detail": Rule(build=_event, public=True, private_variant=_draft_event),
    "api:event-register": Rule(
        build=_event,
        public=True,
        private_variant=_draft_event,
        note="POST-only; any signed-in person may register for a published event",
    ),
    "api:award-edition-detail": Rule(build=_edition, public=True, private_variant=_private_edition),
    "api:my-registration-detail": Rule(build=_me(_registration)),
    "api:my-registration-cancel": Rule(build=_me(_registration)),
    "api:my-award-entry-detail": Rule(build=_api_entry),
    "api:my-application-detail": Rule(build=_me(_application)),
    "api:my-application-attachments": Rule(build=_me(_application)),
    "api:my-application-history": Rule(build=_me(_application)),
    "api:my-application-messages": Rule(build=_me(_application)),
    "api:my-application-section": Rule(build=_api_application_section),
    "api:my-application-submit": Rule(build=_me(_application)),
    "api:my-application-withdraw": Rule(build=_me(_application)),
    "api:publication-detail": Rule(
        build=_publication_page, public=True, private_variant=_publication_draft_page
    ),
    "api:news-article-detail": Rule(
        build=_article_page, public=True, private_variant=_article_draft_page
    ),
    "api:catalog-project-detail": Rule(
        build=_project_page, public=True, private_variant=_project_draft_page
    ),
    "api:health-initiative-detail": Rule(
        build=_initiative_page, public=True, private_variant=_initiative_draft_page
    ),
    "api:health-supplier-detail": Rule(
        build=_supplier, public=True, private_variant=_unpublished_supplier
    ),
    "api:governance-decision-detail": Rule(
        build=_decision, public=True, private_variant=_unpublished_decision
    ),
    "api:governance-meeting-detail": Rule(
        build=_meeting, public=True, private_variant=_unannounced_meeting
    ),
    "api:my-vote-detail": Rule(build=_me(_vote)),
    "api:my-vote-ballot": Rule(build=_me(_vote), note="POST-only: the delegate casts a ballot"),
    # Governance.
    "governance:decision": Rule(
        build=_decision, public=True, private_variant=_unpublished_decision
    ),
    "governance:meeting": Rule(build=_meeting, public=True, private_variant=_unannounced_meeting),
    "governance:document": Rule(
        build=_governance_document,
        public=True,
        private_variant=_future_governance_document,
        download=True,
        note="public meeting paper; members-only papers are for people acting for a member",
    ),
    "governance:vote": Rule(build=_vote, note="delegates of members on the roll"),
    "governance:proxy": Rule(
        build=_vote_proxy,
        member_action=True,
        note="a member's delegate gives its proxy; the Secretariat has none to give",
    ),
    "governance:delegates": Rule(build=_org),
    # Reports: the secretariat only.
    "reports:annual_report": Rule(build=_report_year, note="secretariat-only page per year"),
    "reports:run": Rule(build=_report_run),
    "reports:run_status": Rule(build=_report_run),
    "reports:run_download": Rule(build=_report_run, download=True),
    "reports:run_publish": Rule(build=_report_run, method="POST"),
    # A published report is for everyone; an unpublished run's PDF stays private.
    "reports:published_pdf": Rule(
        build=_published_report_run, public=True, private_variant=_report_run, download=True
    ),
    # Privacy: a person's own data export (the Secretariat produces visitors' in the admin).
    "privacy:consent_withdraw": Rule(
        build=_own_consent, method="POST", member_action=True, note="one's own consent"
    ),
    "privacy:export_download": Rule(
        build=lambda w: _own_data_export(w), download=True, note="personal data export"
    ),
    # Notifications: the recipient only (the secretariat reads them in the admin outbox).
    "notifications:open": Rule(build=_notification, note="personal inbox"),
    "notifications:read": Rule(build=_notification, note="personal inbox"),
    # Members.
    "members:profile": Rule(build=_org, public=True, private_variant=_former_org),
    "members:office": Rule(build=_office, public=True),
    "members:portal_organization": Rule(build=_org),
    "members:profile_edit": Rule(build=_org),
    "members:logo_edit": Rule(build=_org),
    "members:photos_edit": Rule(build=_org),
    "members:photo_remove": Rule(build=_org_photo, method="POST", member_action=True),
    "members:invite": Rule(build=_org),
    # Events.
    "events:month": Rule(build=lambda w: Case(), not_an_object="year/month of the calendar"),
    "events:personal_feed": Rule(build=_feed_token, capability=True),
    "events:confirm_registration": Rule(build=_confirmation_token, capability=True),
    "events:cancel_by_link": Rule(build=_cancellation_token, capability=True),
    "events:stop_sharing": Rule(build=_sharing_token, capability=True),
    "newsletter:confirm": Rule(build=_newsletter_confirm_token, capability=True),
    "newsletter:preferences": Rule(build=_newsletter_manage_token, capability=True),
    "newsletter:unsubscribe": Rule(build=_newsletter_manage_token, capability=True),
    "events:hosted_registrations_csv": Rule(
        build=_hosted_event,
        download=True,
        note="the hosts' people: registrants who agreed to share with them",
    ),
    "events:detail": Rule(build=_event, public=True, private_variant=_draft_event),
    "events:event_ics": Rule(build=_event, public=True, private_variant=_draft_event),
    "events:register": Rule(build=_event, public=True, private_variant=_draft_event),
    "events:register_visitor": Rule(build=_event, public=True, private_variant=_draft_event),
    "events:registration_sent": Rule(build=_event, public=True, private_variant=_draft_event),
    "events:cancel_registration": Rule(build=_registration, member_action=True),
    # Programs.
    "programs:detail": Rule(build=_program, public=True),
    "programs:call": Rule(build=_call, public=True, private_variant=_unpublished_call),
    "programs:application_start": Rule(
        build=_call_start,
        public=True,
        private_variant=lambda w: _call_start(w, is_published=False),
        note="any eligible member may start; an unpublished call is not found",
    ),
    "programs:application": Rule(build=_application),
    "programs:application_section": Rule(build=_section, member_action=True),
    "programs:application_check": Rule(build=_application, member_action=True),
    "programs:application_submitted": Rule(build=_application),
    "programs:application_answer": Rule(build=_application, member_action=True),
    "programs:application_message": Rule(build=_application, member_action=True),
    "programs:application_withdraw": Rule(build=_application, member_action=True),
    "programs:attachment": Rule(build=_attachment, download=True),
    "programs:attachment_remove": Rule(build=_attachment, member_action=True),
    "programs:letter": Rule(build=_letter, download=True),
    # Awards.
    "awards:edition": Rule(build=_edition, public=True, private_variant=_private_edition),
    "awards:entry": Rule(build=_entry_public, public=True, private_variant=_entry_public_draft),
    "awards:image": Rule(build=_image, public=True, private_variant=_draft_image),
    "awards:image_thumbnail": Rule(build=_image, public=True, private_variant=_draft_image),
    "awards:document": Rule(
        build=lambda w: _document(w), download=True, note="a private supporting document"
    ),
    "awards:entry_create": Rule(build=_entry_create, member_action=True),
    "awards:entry_manage": Rule(build=_entry),
    "awards:entry_edit": Rule(build=_entry, member_action=True),
    "awards:entry_images": Rule(build=_entry, member_action=True),
    "awards:entry_image_delete": Rule(build=_entry_image, member_action=True),
    "awards:entry_documents": Rule(build=_entry, member_action=True),
    "awards:entry_document_delete": Rule(build=_entry_document, member_action=True),
    "awards:entry_document_visibility": Rule(build=_entry_document, member_action=True),
    "awards:entry_submit": Rule(build=_entry, member_action=True),
    "awards:entry_submitted": Rule(build=_entry),
    "awards:entry_withdraw": Rule(build=_entry, member_action=True),
    "awards:judging_entry": Rule(
        build=_judging_entry, note="owner: a judge on the panel", member_action=True
    ),
    "awards:judging_conflict": Rule(
        build=_judging_entry, note="owner: a judge on the panel", member_action=True
    ),
    # Smart Health Responder.
    "health:initiative": Rule(
        build=_initiative_page, public=True, private_variant=_initiative_draft_page
    ),
    "health:initiative_file": Rule(
        build=_initiative_file, public=True, private_variant=_initiative_draft_file, download=True
    ),
    "health:material_file": Rule(build=_material_file, public=True, download=True),
    "health:supplier": Rule(build=_supplier, public=True, private_variant=_unpublished_supplier),
    "health:supplier_inquiry": Rule(
        build=_supplier, public=True, private_variant=_unpublished_supplier
    ),
    "health:initiative_manage": Rule(build=_initiative_manage, member_action=True),
    "health:initiative_edit": Rule(build=_initiative_manage, member_action=True),
    "health:initiative_submit": Rule(build=_initiative_manage, member_action=True),
    "health:initiative_file_remove": Rule(build=_initiative_draft_file, member_action=True),
    # Catalog.
    "catalog:detail": Rule(build=_project_page, public=True, private_variant=_project_draft_page),
    "news:detail": Rule(build=_article_page, public=True, private_variant=_article_draft_page),
    "news:category_feed": Rule(build=_news_category, public=True),
    "publications:detail": Rule(
        build=_publication_page, public=True, private_variant=_publication_draft_page
    ),
    "publications:download": Rule(
        build=_publication_page,
        public=True,
        private_variant=_publication_draft_page,
        download=True,
    ),
    "catalog:project_manage": Rule(build=_project_manage, member_action=True),
    "catalog:project_edit": Rule(build=_project_manage, member_action=True),
    "catalog:project_propose": Rule(build=_project_manage, member_action=True),
    "catalog:project_image_remove": Rule(build=_project_image, member_action=True),
    # Catch-alls and development-only routes.
    r"admin/(?P<url>.*)$": Rule(
        build=lambda w: Case(), not_an_object="the admin's catch-all (redirects to login/404)"
    ),
    r"^media/(?P<path>.*)$": Rule(
        build=lambda w: Case(), not_an_object="DEBUG-only static serving of public media"
    ),
    **_admin_rules(),
}
