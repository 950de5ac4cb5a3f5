"""The back office's authorization matrix, generated from the admin registry.

Every registered ``ModelAdmin`` is requested by five people: a member user (not staff), the
staff of another region's office, the staff of the right region's office, a reviewer who is
nothing else, and the Secretariat (a member of the "Secretariat" group, not a superuser). For
each: the changelist, the add, change, delete and history pages, every custom view, every
action (posted on a row) and the import and export pages. ``POLICY`` says who may do what with
the row the matrix builds (an organization of the right region, or a row about it); an admin
registered without a line here, without rules, or outside the portal's admin base fails.
"""

from __future__ import annotations

import dataclasses

import pytest
import rules
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse

from members.enums import Region
from members.services import office_staff_group_ensure
from wego_portal.admin import (
    PortalAdminMixin,
    PortalExportMixin,
    PortalImportExportMixin,
    PortalInlineMixin,
    PortalResource,
    permission_name,
)

from .matrix import _admin_objects, _f

MEMBER, OTHER, RIGHT, REVIEWER, SECRETARIAT = (
    "member user",
    "office staff of another region",
    "office staff of the right region",
    "reviewer only",
    "secretariat",
)
STAFF_ROLES = (OTHER, RIGHT, REVIEWER, SECRETARIAT)
NOBODY: frozenset[str] = frozenset()
S = frozenset({SECRETARIAT})
OFFICES = frozenset({OTHER, RIGHT, SECRETARIAT})
REGION = frozenset({RIGHT, SECRETARIAT})


@dataclasses.dataclass(frozen=True)
class Policy:
    """Who (among the staff roles) may: open the list, see / change / delete the matrix's row,
    add a row, import, export."""

    list: frozenset = S
    view: frozenset = S
    change: frozenset = S
    add: frozenset = S
    delete: frozenset = S
    import_: frozenset = NOBODY
    export: frozenset = NOBODY


SECRETARIAT_ONLY = Policy()
READ_ONLY = Policy(change=NOBODY, add=NOBODY)  # records written elsewhere; deletable
ADMINISTRATORS_ONLY = Policy(
    list=NOBODY, view=NOBODY, change=NOBODY, add=NOBODY, delete=NOBODY
)  # superusers

POLICY: dict[str, Policy] = {
    # Accounts: only administrators change them; the Secretariat reads people.
    "auth.group": ADMINISTRATORS_ONLY,
    "account.emailaddress": ADMINISTRATORS_ONLY,
    "mfa.authenticator": ADMINISTRATORS_ONLY,
    "usersessions.usersession": ADMINISTRATORS_ONLY,
    "knox.authtoken": ADMINISTRATORS_ONLY,
    "accounts.user": Policy(change=NOBODY, add=NOBODY, delete=NOBODY),
    # The outbox: read, never edited by hand.
    "notifications.notification": Policy(change=NOBODY, add=NOBODY, delete=NOBODY),
    "notifications.notificationpreference": SECRETARIAT_ONLY,
    # Members: the region's office looks after its organizations.
    "members.organization": Policy(
        list=OFFICES, view=REGION, change=REGION, import_=OFFICES, export=OFFICES
    ),
    "members.office": Policy(list=OFFICES, view=OFFICES),
    # One About WeGO page (loaded from the report): the Secretariat edits it; the add form
    # opens only while there is none, and it is never deleted.
    "members.aboutpage": Policy(add=NOBODY, delete=NOBODY),
    "members.membershipapplication": Policy(list=OFFICES, view=REGION, change=NOBODY, add=NOBODY),
    "members.organizationuser": Policy(
        list=OFFICES, view=REGION, change=REGION, add=OFFICES, delete=REGION
    ),
    # Programs: offices decide their region's applications; reviewers read their assignments.
    "programs.smartcityarea": SECRETARIAT_ONLY,
    "programs.program": SECRETARIAT_ONLY,
    "programs.call": SECRETARIAT_ONLY,
    "programs.application": Policy(
        list=frozenset(STAFF_ROLES),
        view=frozenset({RIGHT, REVIEWER, SECRETARIAT}),
        change=REGION,
        add=NOBODY,
        delete=NOBODY,
        export=frozenset(STAFF_ROLES),
    ),
    # Events: the Secretariat runs every event, an office its region's.
    "events.event": Policy(list=OFFICES, view=REGION, change=REGION, add=OFFICES),
    "events.eventregistration": Policy(
        list=OFFICES, view=REGION, change=REGION, add=NOBODY, delete=NOBODY
    ),
    # The awards: the Secretariat's alone (scores are confidential).
    "awards.edition": SECRETARIAT_ONLY,
    "awards.category": SECRETARIAT_ONLY,
    "awards.judge": SECRETARIAT_ONLY,
    "awards.entry": Policy(add=NOBODY, export=S),
    "awards.score": Policy(change=NOBODY, add=NOBODY, export=S),
    "awards.conflictofinterest": READ_ONLY,
    # Smart Health Responder and the catalog: the Secretariat's.
    "health.initiative": SECRETARIAT_ONLY,
    "health.material": SECRETARIAT_ONLY,
    "health.suppliercategory": SECRETARIAT_ONLY,
    "health.supplier": SECRETARIAT_ONLY,
    "health.inquiry": Policy(add=NOBODY, delete=NOBODY),
    "catalog.project": SECRETARIAT_ONLY,
    # News: an office writes and publishes its own articles; the Secretariat any, and deletes.
    "news.article": Policy(list=OFFICES, view=REGION, change=REGION, add=OFFICES),
    "news.category": SECRETARIAT_ONLY,
    "publications.publication": SECRETARIAT_ONLY,
    # The newsletter speaks for WeGO as a whole: the Secretariat's. Subscribers sign up
    # themselves (no add); their rows are read, exported, unsubscribed on request.
    "newsletter.topic": SECRETARIAT_ONLY,
    "newsletter.issue": SECRETARIAT_ONLY,
    "newsletter.subscriber": Policy(add=NOBODY, export=S),
    "reports.reportrun": Policy(change=NOBODY),
    "reports.publishedfigure": Policy(),  # WeGO's published figures: the Secretariat
    # Privacy: the audit log is read (and exported) by the Secretariat and by the office of
    # the entry's region; nobody edits it. Exports, deletion requests, consent records and
    # retention runs are records the Secretariat reads.
    "auditlog.logentry": Policy(
        list=OFFICES, view=REGION, change=NOBODY, add=NOBODY, delete=NOBODY, export=OFFICES
    ),
    "privacy.dataexport": Policy(change=NOBODY, add=NOBODY, delete=NOBODY),
    "privacy.erasurerequest": Policy(change=NOBODY, add=NOBODY, delete=NOBODY),
    "privacy.consentrecord": Policy(change=NOBODY, add=NOBODY, delete=NOBODY, export=S),
    "privacy.retentionrun": Policy(change=NOBODY, add=NOBODY, delete=NOBODY),
    # Governance: the Secretariat's. Delegates are named by the members, decisions come from
    # votes and meetings (only their summary and publication are edited), the audit log is
    # written by the services.
    "governance.body": Policy(delete=NOBODY),
    "governance.seat": SECRETARIAT_ONLY,
    "governance.delegate": Policy(change=NOBODY, add=NOBODY, delete=NOBODY),
    "governance.meeting": Policy(delete=NOBODY),
    "governance.resolution": SECRETARIAT_ONLY,
    "governance.vote": SECRETARIAT_ONLY,
    "governance.decision": Policy(add=NOBODY, delete=NOBODY),
    "governance.auditentry": Policy(change=NOBODY, add=NOBODY, delete=NOBODY),
}

REGISTRY = {model._meta.label_lower: (model, ma) for model, ma in admin.site._registry.items()}
STANDARD_URLS = {"changelist", "add", "change", "delete", "history", "autocomplete"}
IMPORT_EXPORT_URLS = {"import", "process_import", "export"}  # checked on their own
PORTAL_APPS = ("accounts", "members", "programs", "events", "awards", "health", "catalog")
PORTAL_APPS += ("notifications", "reports", "privacy", "governance", "newsletter")
#: Changelists whose default filter is a queue: ask for every row.
LIST_QUERY = {
    "health.initiative": "?status=all",
    "news.article": "?status=all",
    "members.membershipapplication": "?status=all",
}


# --- The registry itself -------------------------------------------------------------------


def test_every_registered_admin_has_a_policy_and_no_other():
    assert sorted(REGISTRY) == sorted(POLICY)


@pytest.mark.parametrize("label", sorted(REGISTRY))
def test_every_admin_uses_the_portal_base_and_the_rules(label):
    _model, model_admin = REGISTRY[label]

    assert isinstance(model_admin, PortalAdminMixin), label
    for inline in model_admin.inlines:
        assert issubclass(inline, PortalInlineMixin), f"{label}: {inline.__name__}"
    needed = ["view", "add", "change", "delete"]
    if isinstance(model_admin, PortalExportMixin):
        needed.append("export")
        for resource in model_admin.resource_classes:
            assert issubclass(resource, PortalResource), f"{label}: {resource.__name__}"
    if isinstance(model_admin, PortalImportExportMixin):
        needed.append("import")
    names = [model_admin.rule_name(action) for action in needed]
    assert [name for name in names if not rules.perm_exists(name)] == [], label


@pytest.mark.parametrize("label", sorted(REGISTRY))
def test_every_action_declares_its_permissions(label, db):
    from tests.factories.accounts import UserFactory

    _model, model_admin = REGISTRY[label]
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    if type(model_admin).__module__.startswith(PORTAL_APPS):
        for name in model_admin.actions or []:
            func = getattr(type(model_admin), name) if isinstance(name, str) else name
            assert getattr(func, "allowed_permissions", None), f"{label}: {name}"
    for name, action in model_admin.get_actions(request).items():
        func = action.func
        assert func.allowed_permissions, f"{label}: {name} offered unguarded"


def test_a_model_without_rules_is_closed_to_everyone(db):
    """The base asks only the rules: a new admin whose model has none shows nobody anything."""
    from django.contrib.contenttypes.models import ContentType

    from tests.factories.accounts import UserFactory

    class ContentTypeAdmin(PortalAdminMixin, admin.ModelAdmin):
        pass

    model_admin = ContentTypeAdmin(ContentType, admin.AdminSite(name="probe"))
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)

    assert not rules.perm_exists(permission_name(ContentType, "view"))
    assert model_admin.has_module_permission(request) is False
    assert model_admin.has_view_permission(request) is False
    assert list(model_admin.get_queryset(request)) == []


# --- Five people, every page ----------------------------------------------------------------


@dataclasses.dataclass
class People:
    member: object
    other: object
    right: object
    reviewer: object
    secretariat: object

    def staff(self):
        return {
            OTHER: self.other,
            RIGHT: self.right,
            REVIEWER: self.reviewer,
            SECRETARIAT: self.secretariat,
        }


@pytest.fixture
def people(world) -> People:
    from tests.factories.accounts import UserFactory

    right = UserFactory(email="staff@asia-office.test", is_staff=True)
    right.groups.add(office_staff_group_ensure(office=world.office))
    reviewer = UserFactory(email="reviewer@wego.test", is_staff=True)
    _f("programs", "ReviewFactory")(reviewer=reviewer)  # a review elsewhere: a reviewer
    return People(
        member=world.owner,
        other=world.office_staff_elsewhere,
        right=right,
        reviewer=reviewer,
        secretariat=world.secretariat_group_user,
    )


def _row(label, world, people):
    """The matrix's row: an organization of the right region, or a row about it."""
    if label == "events.event":
        return _f("events", "EventFactory")(office=world.office)
    if label == "events.eventregistration":
        event = _f("events", "EventFactory")(office=world.office, open_registration=True)
        return _f("events", "EventRegistrationFactory")(event=event)
    if label == "members.membershipapplication":
        return _f("members", "MembershipApplicationFactory")(region=Region.ASIA_PACIFIC)
    row = _admin_objects()[label](world)
    if label == "programs.application":
        _f("programs", "ReviewFactory")(application=row, reviewer=people.reviewer)
    return row


def _url(model, name, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)


def _allowed(response) -> bool:
    if response.status_code == 200:
        return True
    if response.status_code in {403, 404}:
        return False
    location = response.get("Location", "")
    assert response.status_code == 302, response.status_code
    return not (location.startswith("/admin/login/") or location.split("?")[0] == "/admin/")


def _snapshot(model, pk):
    return model._default_manager.filter(pk=pk).values().first()


def _custom_urls(model, model_admin, row):
    """The admin's own views that take the row's id, with a GET URL each."""
    urls = []
    prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
    for pattern in model_admin.get_urls():
        name = pattern.name or ""
        if not name.startswith(prefix):
            continue
        if name.removeprefix(prefix) in STANDARD_URLS | IMPORT_EXPORT_URLS:
            continue
        regex = pattern.pattern.regex
        keys = set(regex.groupindex) - set(pattern.default_args or {})
        if regex.groups > len(regex.groupindex):  # simple-history's version page
            version = row.history.first().history_id
            urls.append((name, reverse(f"admin:{name}", args=[row.pk, version])))
            continue
        if keys == {"pk"}:
            kwargs = {"pk": row.pk}
        elif keys == {"object_id"}:
            kwargs = {"object_id": row.pk}
        elif keys == {"pk", "stage"}:
            kwargs = {"pk": row.pk, "stage": "draft"}
        elif keys == {"pk", "status"}:
            kwargs = {"pk": row.pk, "status": "under_review"}
        elif keys == {"pk", "to_status"}:
            kwargs = {"pk": row.pk, "to_status": "forwarded"}
        elif keys == {"pk", "file_pk"}:
            kwargs = {"pk": row.pk, "file_pk": 1}
        elif not keys:
            kwargs = {}
        else:
            raise AssertionError(f"{name}: teach the matrix its parameters {sorted(keys)}")
        urls.append((name, reverse(f"admin:{name}", kwargs=kwargs)))
    return urls


@pytest.mark.parametrize("label", sorted(POLICY))
def test_admin_matrix(label, world, people):
    model, model_admin = REGISTRY[label]
    policy = POLICY[label]
    row = _row(label, world, people)
    before = _snapshot(model, row.pk)
    changelist = _url(model, "changelist")
    listing_url = changelist + LIST_QUERY.get(label, "")
    pages = {
        "change": _url(model, "change", row.pk),
        "history": _url(model, "history", row.pk),
        "delete": _url(model, "delete", row.pk),
    }
    custom = _custom_urls(model, model_admin, row)
    failures = []

    def expect(who, what, response, allowed):
        if _allowed(response) != allowed:
            failures.append(f"{who} {what}: {response.status_code} (expected allowed={allowed})")

    # The member user is not staff: every page sends them to the admin's login.
    member = Client()
    member.force_login(people.member)
    for url in [changelist, _url(model, "add"), *pages.values(), *(u for _n, u in custom)]:
        response = member.get(url)
        if response.get("Location", "").split("?")[0] != "/admin/login/":
            failures.append(f"{MEMBER} {url}: {response.status_code}")

    for who, user in people.staff().items():
        client = Client()
        client.force_login(user)
        listing = client.get(listing_url)
        expect(who, "changelist", listing, who in policy.list)
        if listing.status_code == 200:
            shown = {obj.pk for obj in listing.context["cl"].result_list}
            if (row.pk in shown) != (who in policy.view or who in policy.change):
                failures.append(f"{who} changelist shows the row: {row.pk in shown}")
        expect(who, "add", client.get(_url(model, "add")), who in policy.add)
        change = client.get(pages["change"])
        expect(who, "change", change, who in policy.view or who in policy.change)
        if change.status_code == 200:
            editable = change.context["has_change_permission"]
            if editable != (who in policy.change):
                failures.append(f"{who} change page editable: {editable}")
        expect(who, "history", client.get(pages["history"]), who in policy.view)
        expect(who, "delete", client.get(pages["delete"]), who in policy.delete)
        for name, url in custom:
            response = client.get(url)
            if response.status_code == 405:
                response = client.post(url)
            if who not in policy.view and _allowed(response):
                failures.append(f"{who} {name}: {response.status_code}")
        for name in ("import", "export"):
            try:
                url = _url(model, name)
            except NoReverseMatch:
                continue
            roles = policy.import_ if name == "import" else policy.export
            expect(who, name, client.get(url), who in roles)
        # Every action, posted on the row by someone who may not change it, changes nothing.
        if who not in policy.change and who not in policy.delete:
            for action in model_admin.get_actions(_request_as(people.secretariat)):
                client.post(
                    changelist,
                    {
                        "action": action,
                        ACTION_CHECKBOX_NAME: [row.pk],
                        "post": "yes",
                        "confirmed": "yes",
                    },
                )
            if _snapshot(model, row.pk) != before:
                failures.append(f"{who}: an action changed the row")

    assert failures == [], label


def _request_as(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


# --- The README's table: who may do what in the back office ------------------------------------

ROLE_COLUMNS = (RIGHT, OTHER, REVIEWER, SECRETARIAT)
README_START = "<!-- back-office-roles:start -->"
README_END = "<!-- back-office-roles:end -->"

#: Named permissions (the moves services check), with the row they are asked about.
NAMED = {
    "members.set_organization_status": lambda w, p: w.org,
    "members.decide_membership_application": lambda w, p: _f(
        "members", "MembershipApplicationFactory"
    )(region=Region.ASIA_PACIFIC),
    "programs.decide_application": lambda w, p: _admin_objects()["programs.application"](w),
    "programs.assign_reviewers": lambda w, p: _admin_objects()["programs.application"](w),
    "awards.move_edition": lambda w, p: _f("awards", "EditionFactory")(),
    "awards.record_results": lambda w, p: _f("awards", "EntryFactory")(),
    "awards.publish_results": lambda w, p: _f("awards", "EditionFactory")(),
    "catalog.moderate_projects": lambda w, p: None,
    "health.moderate_initiatives": lambda w, p: None,
    "health.handle_inquiries": lambda w, p: None,
    "notifications.retry_notification": lambda w, p: None,
    "reports.publish_reportrun": lambda w, p: None,
    "governance.manage": lambda w, p: None,
    "members.approve_office": lambda w, p: w.office,
}


def _cell(policy: Policy, role: str) -> str:
    can = [
        word
        for word, roles in (
            ("view", policy.view),
            ("change", policy.change),
            ("add", policy.add),
            ("delete", policy.delete),
            ("import", policy.import_),
            ("export", policy.export),
        )
        if role in roles
    ]
    if role in policy.list and role not in policy.view and role not in policy.change:
        can.insert(0, "list (own rows only)")
    return ", ".join(can) or "—"


def render_roles_table(named: dict[str, dict[str, bool]]) -> str:
    header = ["Back-office page", *(role[0].upper() + role[1:] for role in ROLE_COLUMNS)]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for label in sorted(POLICY):
        model, _model_admin = REGISTRY[label]
        title = f"{model._meta.verbose_name_plural.capitalize()} (`{label}`)"
        lines.append(
            "| " + " | ".join([title, *(_cell(POLICY[label], r) for r in ROLE_COLUMNS)]) + " |"
        )
    lines += ["", "| Move (checked by the service) | " + " | ".join(header[1:]) + " |"]
    lines.append("|" + "---|" * (len(ROLE_COLUMNS) + 1))
    for name, allowed in named.items():
        cells = ["yes" if allowed[role] else "—" for role in ROLE_COLUMNS]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def test_the_readme_says_who_may_do_what(world, people):
    """The README's table is generated from ``POLICY`` (which the matrix checks against every
    admin page) and from the named rules themselves. ``WEGO_WRITE_README=1`` rewrites it."""
    import os
    from pathlib import Path

    from django.conf import settings

    from wego_portal.admin import ask

    named = {}
    for name, build in NAMED.items():
        obj = build(world, people)
        named[name] = {role: ask(user, name, obj) for role, user in people.staff().items()}
    expected = render_roles_table(named)
    path = Path(settings.BASE_DIR) / "README.md"
    readme = path.read_text()
    before, rest = readme.split(README_START)
    table, after = rest.split(README_END)
    if os.environ.get("WEGO_WRITE_README") == "1":
        path.write_text(f"{before}{README_START}\n{expected}\n{README_END}{after}")
        table = expected

    assert table.strip() == expected, f"Update README.md's back-office table to:\n{expected}"
