"""The inventory of personal data: every model field that can hold it, why, how long, who sees.

``docs/privacy.md`` and the privacy notice are generated from it (``manage.py
privacy_inventory``); ``tests/privacy/test_inventory.py`` fails when a model gains a field that
may hold personal data (an e-mail address, a name, a phone number, an IP address, text a person
writes, an uploaded file) that is not listed here — either as personal data or, with a reason,
as an organization's public content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

SECRETARIAT = _("the Secretariat")
OFFICE = _("the Secretariat and the office that looks after the organization")
SELF = _("the person")
ORG = _("the organization's people")


@dataclass(frozen=True)
class Entry:
    model: str
    fields: tuple[str, ...]
    purpose: StrOrPromise
    retention: StrOrPromise
    seen_by: StrOrPromise


PERSONAL: tuple[Entry, ...] = (
    Entry(
        "accounts.User",
        ("email", "full_name", "job_title"),
        _("Signing in; naming the author of applications, messages and decisions."),
        _("Until the account is deleted (then anonymized after a grace period)."),
        _("the person; the Secretariat; their organization's people"),
    ),
    Entry(
        "account.EmailAddress",
        ("email",),
        _("Signing in and verifying the address."),
        _("Until the account is deleted."),
        SELF,
    ),
    Entry(
        "usersessions.UserSession",
        ("ip", "user_agent"),
        _("Showing a person their signed-in devices so they can sign them out."),
        _("Until the session ends or the account is deleted."),
        SELF,
    ),
    Entry(
        "accounts.ApiTokenName",
        ("name",),
        _("Letting a person tell their API tokens apart, to revoke the right one."),
        _("Until the token is revoked or the account is deleted."),
        SELF,
    ),
    Entry(
        "sessions.Session",
        ("session_data",),
        _("Keeping a person signed in."),
        _("Until the session expires (removed daily)."),
        _("nobody (read by the software only)"),
    ),
    Entry(
        "auditlog.LogEntry",
        ("object_repr", "changes_text", "remote_addr", "actor_email"),
        _("Accountability: who changed which record and decision, from what to what."),
        _("Six years (audit_log), then removed; redacted when a person is erased."),
        _("the Secretariat; office staff for their region"),
    ),
    Entry(
        "admin.LogEntry",
        ("object_id", "change_message"),
        _("The back office's own record of edits made in it."),
        _("Kept with the audit log."),
        SECRETARIAT,
    ),
    Entry(
        "notifications.Notification",
        ("to_email", "body_text", "body_html", "message", "last_error", "context", "headers"),
        _("Sending notices and e-mails, and proving they were sent."),
        _("Bodies removed 180 days after sending; deleted with the account."),
        _("the recipient; the Secretariat"),
    ),
    Entry(
        "members.MembershipApplication",
        (
            "organization_name",
            "contact_name",
            "contact_title",
            "contact_email",
            "motivation",
            "supporting_letter",
            "decision_note",
        ),
        _("Deciding an application to join WeGO."),
        _("Declined: one year after the decision. Approved: as the member's founding record."),
        OFFICE,
    ),
    Entry(
        "members.Organization",
        ("contact_email", "contact_phone"),
        _("The member's public contact (may name a person's address)."),
        _("While the organization is a member."),
        _("everyone (public directory)"),
    ),
    Entry(
        "members.Organization",
        ("leader_name", "leader_title"),
        _("The head of a member (e.g. its mayor), shown only when the member publishes it."),
        _("While the organization is a member; the member removes or hides it at any time."),
        _("everyone when published; otherwise the organization's people and WeGO staff"),
    ),
    Entry(
        "members.AboutPage",
        ("president_name", "secretary_general_name"),
        _("Naming WeGO's President and Secretary General on the About page."),
        _("While they hold the office."),
        _("everyone"),
    ),
    Entry(
        "members.AboutEntry",
        ("title", "text"),
        _(
            "The About page names the advisers of the 2030 Masterplan (and its pillars and "
            "milestones)."
        ),
        _("While the Secretariat keeps them on the page."),
        _("everyone"),
    ),
    Entry(
        "members.HistoricalOrganization",
        ("contact_email", "contact_phone", "leader_name", "leader_title", "history_change_reason"),
        _("The history of a member's record."),
        _("While the organization is a member."),
        OFFICE,
    ),
    Entry(
        "governance.AuditEntry",
        ("actor_email",),
        _("Accountability: who changed which record and decision, from what to what."),
        _("Permanently, as the record of the governing bodies; blanked when a person is erased."),
        SECRETARIAT,
    ),
    Entry(
        "governance.Candidate",
        ("person_name",),
        _("Elections of the governing bodies: the representative an organization names."),
        _("Permanently, as the record of the governing bodies."),
        _("everyone (public election results)"),
    ),
    Entry(
        "programs.SolutionFinderDetails",
        ("contact_name", "contact_title", "contact_email", "contact_phone"),
        _("The contact person of an application."),
        _("With the application; cleared when that person is erased."),
        _("the organization's people; the Secretariat and the office"),
    ),
    Entry(
        "programs.ApplicationMessage",
        ("body",),
        _("Questions and answers between a city and WeGO about an application."),
        _("With the application."),
        _("the organization's people; the Secretariat and the office"),
    ),
    Entry(
        "programs.ApplicationAttachment",
        ("file", "original_name"),
        _("Documents a city uploads with an application."),
        _("With the application."),
        _("the organization's people; the Secretariat and the office"),
    ),
    Entry(
        "programs.ProjectImplementerDetails",
        ("mayor_letter", "mayor_letter_name"),
        _("The mayor's letter of support."),
        _("With the application."),
        _("the organization's people; the Secretariat and the office"),
    ),
    Entry(
        "programs.ApplicationTransition",
        ("note",),
        _("WeGO's notes to a city when an application moves."),
        _("With the application."),
        _("the organization's people; the Secretariat and the office"),
    ),
    Entry(
        "programs.Review",
        (
            "relevance_comment",
            "feasibility_comment",
            "impact_comment",
            "cofunding_comment",
            "readiness_comment",
            "summary",
        ),
        _("Reviewers' assessment of an application."),
        _("With the application."),
        _("the Secretariat and the office; the reviewer"),
    ),
    Entry(
        "events.EventRegistration",
        ("name", "organization_name", "email"),
        _("Registering a person for an event, confirming their place, reminding them."),
        _("One year after the event ended, then removed (event_registrations)."),
        _("the person; the Secretariat and the event's office"),
    ),
    Entry(
        "newsletter.Subscriber",
        ("email", "user", "language", "topics", "confirmed_at", "unsubscribed_at", "bounced_at"),
        _(
            "Sending the newsletter the person subscribed to, in their language and on their topics."
        ),
        _("Until the person unsubscribes or asks for erasure; deleted with the account."),
        SECRETARIAT,
    ),
    Entry(
        "events.Speaker",
        ("name", "title", "photo"),
        _("Announcing an event's speakers (public)."),
        _("With the event."),
        _("everyone"),
    ),
    Entry(
        "awards.Judge",
        ("name", "title", "bio", "photo", "photo_thumbnail"),
        _("Presenting the jury of the awards (public)."),
        _("With the edition."),
        _("everyone"),
    ),
    Entry(
        "awards.Entry",
        ("entrant_name",),
        _("The person or team who entered the awards."),
        _("With the edition."),
        _("the organization's people; the Secretariat; the judges"),
    ),
    Entry(
        "awards.ConflictOfInterest",
        ("reason",),
        _("A judge's declared conflict of interest."),
        _("With the edition."),
        SECRETARIAT,
    ),
    Entry(
        "awards.Score",
        ("comments",),
        _("A judge's comments on an entry."),
        _("With the edition."),
        _("the Secretariat; the judge"),
    ),
    Entry(
        "health.Supplier",
        ("contact_name", "contact_email", "contact_phone"),
        _("A supplier's contact in the directory."),
        _("While the supplier is listed."),
        _("everyone (directory); inquiries go to this address"),
    ),
    Entry(
        "health.Inquiry",
        ("name", "organization_name", "email", "message"),
        _("Passing a visitor's question to a supplier and answering it."),
        _("Two years after it was closed (inquiries)."),
        SECRETARIAT,
    ),
    Entry(
        "health.InquiryTransition",
        ("note", "forwarded_to"),
        _("How an inquiry was handled."),
        _("With the inquiry."),
        SECRETARIAT,
    ),
    Entry(
        "health.InquiryNote",
        ("body",),
        _("Staff notes on an inquiry."),
        _("With the inquiry."),
        SECRETARIAT,
    ),
    Entry(
        "health.InitiativeFile",
        ("file", "original_name"),
        _("Documents a member attaches to a health initiative."),
        _("With the initiative."),
        ORG,
    ),
    Entry(
        "privacy.DataExport",
        ("email", "archive"),
        _("A copy of a person's data they asked for."),
        _("Until the download link expires (7 days)."),
        _("the person; the Secretariat for visitors"),
    ),
    Entry(
        "reports.ReportRun",
        ("message", "pdf"),
        _("The annual report's PDF (names members, not people)."),
        _("Until replaced."),
        SECRETARIAT,
    ),
)

#: Fields the detector flags that hold an organization's or WeGO's public content, with why.
NOT_PERSONAL: dict[str, tuple[tuple[str, ...], str]] = {
    "auth.Permission": (("name",), "names of permissions"),
    "auth.Group": (("name",), "names of staff groups"),
    "members.Office": (
        ("name", "email", "phone", "address", "description"),
        "WeGO's offices and their shared contact details",
    ),
    "members.Organization": (
        ("name", "native_name", "logo", "logo_thumbnail", "description", "sort_name", "name_text"),
        "a member organization's public profile",
    ),
    "members.HistoricalOrganization": (
        ("name", "native_name", "logo", "description"),
        "history of a member's public profile",
    ),
    "members.OrganizationPhoto": (
        ("image", "thumbnail"),
        "photos a member publishes in its profile's gallery",
    ),
    "members.AboutPage": (
        (
            "introduction",
            "president_title",
            "secretary_general_title",
            "masterplan",
            "masterplan_vision",
        ),
        "WeGO's public About page",
    ),
    "programs.SmartCityArea": (("name",), "WeGO's programme vocabulary"),
    "programs.Program": (("name", "description"), "WeGO's programmes"),
    "programs.ProgramSection": (("title", "body"), "WeGO's programme pages"),
    "programs.Call": (("title", "dates_note", "description"), "WeGO's calls"),
    "programs.CallDocument": (("name",), "WeGO's call documents"),
    "programs.SolutionFinderDetails": (
        ("urban_challenges", "timeline"),
        "a city's answers about its challenges",
    ),
    "programs.SolutionComponent": (("need",), "a city's answers"),
    "programs.ProjectImplementerDetails": (
        ("title", "summary", "objectives", "expected_impact", "implementation_plan"),
        "a city's project answers",
    ),
    "programs.Stakeholder": (("note",), "an organization's role in a project"),
    "programs.Milestone": (("title", "note"), "a project's milestones"),
    "events.Event": (
        ("title", "summary", "description", "outcomes", "source_notes"),
        "WeGO's public calendar",
    ),
    "events.EventSponsor": (("name",), "sponsoring organizations"),
    "events.EventLink": (("title",), "links of an event"),
    "awards.Edition": (("description", "rules"), "the awards' public pages"),
    "awards.EditionTransition": (("note",), "the edition's stages"),
    "awards.Category": (("name", "description"), "award categories"),
    "awards.Entry": (
        (
            "project_title",
            "summary",
            "problem",
            "solution",
            "ict_used",
            "results_impact",
            "partners",
        ),
        "a city's project entered for the awards",
    ),
    "awards.EntryImage": (("image", "thumbnail"), "pictures of a city's project"),
    "awards.EntryDocument": (("file", "title"), "documents of a city's project"),
    "health.Initiative": (
        ("title", "summary", "outcomes", "moderation_note"),
        "a member's public health initiative",
    ),
    "health.Material": (("title", "description", "file"), "the Knowledge Hub's materials"),
    "health.SupplierCategory": (("name",), "directory categories"),
    "health.Supplier": (("name", "description", "products"), "a company's public listing"),
    "catalog.Project": (
        (
            "title",
            "city_name",
            "summary",
            "problem",
            "solution",
            "results",
            "partners_text",
            "moderation_note",
            "search_text",
        ),
        "a city's public project",
    ),
    "catalog.ProjectImage": (("image", "thumbnail"), "pictures of a city's project"),
    "news.Category": (("name",), "WeGO's news categories"),
    "newsletter.Topic": (("name",), "the newsletter's topics"),
    "newsletter.Issue": (("subject", "intro"), "the newsletter WeGO sends"),
    "publications.Publication": (("title", "summary", "file", "cover"), "WeGO's library"),
    "news.Article": (
        ("title", "summary", "body", "lead_image", "lead_image_alt", "moderation_note"),
        "WeGO's published news",
    ),
    "reports.PublishedFigure": (("note",), "notes on the figures WeGO published"),
    "governance.Body": (("name", "description"), "WeGO's governing bodies"),
    "governance.Seat": (("note",), "a seat on a governing body"),
    "governance.Meeting": (
        ("title", "host_name", "summary", "minutes"),
        "the governing bodies' meetings and approved minutes",
    ),
    "governance.AgendaItem": (("title", "description"), "a meeting's agenda"),
    "governance.MeetingDocument": (("title", "file"), "a meeting's documents"),
    "governance.Resolution": (("title", "text"), "the governing bodies' resolutions"),
    "governance.Decision": (("summary", "action_note"), "the governing bodies' decisions"),
}

_NAMED = re.compile(
    r"(^|_)(name|phone|title|user_agent|ip|address|email|note|comment|comments|message|body"
    r"|reason|bio)($|_)"
)


def may_hold_personal_data(field) -> bool:
    """E-mail, IP, uploaded file, free text, or a short text named like a name or phone."""
    if isinstance(
        field,
        (models.EmailField, models.GenericIPAddressField, models.FileField, models.TextField),
    ):
        return True
    return isinstance(field, models.CharField) and bool(_NAMED.search(field.name))


def uncovered_fields() -> list[str]:
    """``app.Model.field`` of every flagged field the inventory does not list."""
    covered: dict[str, set[str]] = {}
    for entry in PERSONAL:
        covered.setdefault(entry.model, set()).update(entry.fields)
    for label, (names, _why) in NOT_PERSONAL.items():
        covered.setdefault(label, set()).update(names)
    missing = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            # A translation (name_ko …) is covered by the field it translates.
            name = getattr(getattr(field, "translated_field", None), "name", field.name)
            if may_hold_personal_data(field) and name not in covered.get(model._meta.label, set()):
                missing.append(f"{model._meta.label}.{field.name}")
    return missing


def verbose(label: str, field_name: str) -> str:
    return str(apps.get_model(label)._meta.get_field(field_name).verbose_name)


#: Every cookie the portal sets. None tracks anyone; there are no third-party cookies.
COOKIES: tuple[tuple[str, StrOrPromise, StrOrPromise], ...] = (
    ("sessionid", _("Keeps you signed in."), _("Until you sign out, at most two weeks.")),
    ("csrftoken", _("Protects forms against cross-site request forgery."), _("One year.")),
    (
        "django_language",
        _("Remembers the language you chose (only when you choose one)."),
        _("Until the browser session ends."),
    ),
    ("messages", _("Carries a confirmation message to the next page."), _("One page view.")),
)


def notice_rows() -> list[dict]:
    """The privacy notice's rows: the model's name, its fields' names, purpose, retention, who."""
    rows = []
    for entry in PERSONAL:
        model = apps.get_model(entry.model)
        rows.append(
            {
                "what": str(model._meta.verbose_name_plural).capitalize(),
                "fields": [verbose(entry.model, name) for name in entry.fields],
                "purpose": entry.purpose,
                "retention": entry.retention,
                "seen_by": entry.seen_by,
            }
        )
    return rows


def render_markdown() -> str:
    """``docs/privacy.md``, in English."""
    from django.conf import settings
    from django.utils import translation

    with translation.override("en"):
        lines = [
            "# Personal data in the WeGO Portal",
            "",
            "Generated from `privacy/inventory.py` by `python manage.py privacy_inventory`;",
            "`tests/privacy/test_inventory.py` fails when this file or the inventory is out of date.",
            "",
            "## What is kept, why, for how long, who sees it",
            "",
            "| Model | Fields | Why | How long | Who sees it |",
            "|---|---|---|---|---|",
        ]
        for entry in PERSONAL:
            lines.append(
                f"| `{entry.model}` | {', '.join(f'`{f}`' for f in entry.fields)} | "
                f"{entry.purpose} | {entry.retention} | {entry.seen_by} |"
            )
        lines += [
            "",
            "## Retention policy (`PRIVACY_RETENTION_DAYS`)",
            "",
            "| Kind | Days |",
            "|---|---|",
        ]
        lines += [
            f"| `{kind}` | {days} |" for kind, days in settings.PRIVACY_RETENTION_DAYS.items()
        ]
        lines += [
            "",
            "## Fields that look personal but hold public or organizational content",
            "",
            "| Model | Fields | Why not personal |",
            "|---|---|---|",
        ]
        for label, (names, why) in NOT_PERSONAL.items():
            lines.append(f"| `{label}` | {', '.join(f'`{n}`' for n in names)} | {why} |")
        lines += ["", "## Cookies", "", "| Cookie | Why | How long |", "|---|---|---|"]
        lines += [f"| `{name}` | {why} | {how_long} |" for name, why, how_long in COOKIES]
        return "\n".join(lines) + "\n"
