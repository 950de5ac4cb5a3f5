"""The authorization matrix (see ``tests/security/matrix.py`` for the rules and what is accepted)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from .matrix import MISSING, RULES, identified_patterns

ENTRIES = {}
for _entry in identified_patterns():
    ENTRIES.setdefault(_entry.key, _entry)

OBJECT_RULES = sorted(k for k in ENTRIES if k in RULES and not RULES[k].not_an_object)
PRIVATE = [k for k in OBJECT_RULES if not RULES[k].public and not RULES[k].capability]
PUBLIC = [k for k in OBJECT_RULES if RULES[k].public]
PRIVATE_VARIANTS = [k for k in PUBLIC if RULES[k].private_variant]
CAPABILITIES = [k for k in OBJECT_RULES if RULES[k].capability]
DOWNLOADS = [k for k in OBJECT_RULES if RULES[k].download]


def url_for(entry, case) -> str:
    if entry.name and not entry.name.endswith(":"):
        return reverse(entry.name, args=case.args or None, kwargs=case.kwargs or None)
    route = entry.route
    for name, value in case.kwargs.items():
        route = re.sub(rf"<(?:\w+:)?{name}>", str(value), route)
    return "/" + route


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def fetch(client, url, method="GET"):
    """GET; views that refuse GET with 405 (before any lookup) are asked with POST, then
    PATCH (API updates). ``response.wego_write`` tells the checks a write was sent."""
    response = client.get(url) if method == "GET" else client.post(url)
    if response.status_code == 405:
        response = client.post(url)
    if response.status_code == 405:
        response = client.patch(url, data={}, content_type="application/json")
    response.wego_write = response.request["REQUEST_METHOD"] != "GET"
    return response


def _location(response) -> str:
    return response.get("Location", "").split("?")[0]


def is_allowed(response) -> bool:
    if response.wego_write and response.status_code in {400, 409, 422}:
        return True  # the empty write was looked at and rejected on its merits: access granted
    if response.status_code >= 400:
        return False
    if 300 <= response.status_code < 400:
        return "/login/" not in _location(response)
    return True


def assert_refused(response, *, who, entry, user, missing_response=None, url=""):
    status, location = response.status_code, _location(response)
    context = f"{entry.key} as {who}: {status} {location}"
    if entry.is_admin:
        if user is None or not user.is_staff:
            assert status == 302 and location == "/admin/login/", context
            return
        if entry.key.endswith("_redirect") and location == f"{url}change/":
            return  # the admin's RedirectView: no lookup, the same for every identifier
        assert status in {404, 403} or (status == 302 and location == "/admin/"), context
        if missing_response is not None:
            assert (status, location) == (
                missing_response.status_code,
                _location(missing_response),
            ), f"{context}: differs from a missing object, so it confirms existence"
        return
    if user is None and entry.route.startswith("api/"):
        # DRF refuses an unauthenticated request before any lookup (401/403, same for all ids).
        assert status in {401, 403, 404}, context
        return
    if user is None and status == 302:
        assert location == "/accounts/login/", context
        return
    assert status == 404, context


def _deletable(key, user) -> bool:
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    app_model = key.removeprefix("admin:").removesuffix("_delete")
    model_admin = next(
        ma
        for model, ma in site._registry.items()
        if f"{model._meta.app_label}_{model._meta.model_name}" == app_model
    )
    return model_admin.has_delete_permission(request)


def test_every_identified_url_has_a_rule():
    missing = sorted(f"{e.route} ({e.key})" for e in identified_patterns() if e.key not in RULES)

    assert missing == []


def test_every_rule_matches_a_url_pattern():
    assert sorted(set(RULES) - set(ENTRIES)) == []


def test_the_matrix_covers_the_portal():
    """Not a vacuous walk: admin, API, downloads and member pages are all in it."""
    keys = set(ENTRIES)

    assert {
        "members:profile_edit",
        "programs:attachment",
        "api:organization-detail",
        "admin:members_organization_change",
        "awards:judging_entry",
    } <= keys
    assert len(OBJECT_RULES) > 150


@pytest.mark.parametrize("key", PRIVATE)
def test_strangers_are_refused_with_404(key, world):
    entry, rule = ENTRIES[key], RULES[key]
    case = rule.build(world)
    url = url_for(entry, case)
    missing_url = None
    if entry.is_admin:
        missing = type(case)(kwargs=case.missing_kwargs or {}, args=case.args)
        if case.args:
            missing.args = (MISSING,) * len(case.args)
        missing_url = url_for(entry, missing)

    for who, user in world.strangers().items():
        client = client_for(user)
        response = fetch(client, url, rule.method)
        missing_response = fetch(client, missing_url, rule.method) if missing_url else None
        if rule.staff_visible and user is not None and user.is_staff:
            assert is_allowed(response), f"{key} as {who}: {response.status_code}"
            continue

        assert_refused(
            response,
            who=who,
            entry=entry,
            user=user,
            missing_response=missing_response,
            url=url,
        )


@pytest.mark.parametrize("key", PRIVATE + PUBLIC)
def test_owner_and_secretariat_are_allowed(key, world):
    entry, rule = ENTRIES[key], RULES[key]
    first = rule.build(world)
    people = [(f"owner {i}", i) for i in range(len(first.owners))]
    if first.secretariat:
        people.append(("secretariat (superuser)", world.secretariat))
        if not entry.is_admin and not rule.member_action:
            people.append(("secretariat (group)", world.secretariat_group_user))

    for who, person in people:
        # Each person gets a fresh object: an allowed POST (withdraw, delete) changes it.
        case = rule.build(world)
        user = case.owners[person] if isinstance(person, int) else person
        response = fetch(client_for(user), url_for(entry, case), rule.method)

        if key.endswith("_delete") and entry.is_admin and response.status_code == 403:
            assert not _deletable(key, user), key  # the admin forbids deleting these rows
            continue
        assert is_allowed(response), f"{key} as {who}: {response.status_code}"


@pytest.mark.parametrize("key", PUBLIC)
def test_public_objects_are_allowed_for_everyone(key, world):
    entry, rule = ENTRIES[key], RULES[key]

    for who, user in world.strangers().items():
        url = url_for(entry, rule.build(world))
        response = fetch(client_for(user), url, rule.method)

        if user is None and (
            _location(response) == "/accounts/login/" or response.status_code in {401, 403}
        ):
            continue  # a public object behind a form that needs an account (register, start)
        assert is_allowed(response), f"{key} as {who}: {response.status_code}"


@pytest.mark.parametrize("key", PRIVATE_VARIANTS)
def test_non_public_variants_are_not_found_for_strangers(key, world):
    entry, rule = ENTRIES[key], RULES[key]
    url = url_for(entry, rule.private_variant(world))

    for who, user in world.strangers().items():
        response = fetch(client_for(user), url, rule.method)

        assert_refused(response, who=who, entry=entry, user=user)


@pytest.mark.parametrize("key", CAPABILITIES)
def test_capability_links_work_and_forged_ones_are_refused(key, world):
    entry, rule = ENTRIES[key], RULES[key]
    case = rule.build(world)
    forged = type(case)(kwargs={k: f"{v}x" for k, v in case.kwargs.items()})

    forged_response = Client().get(url_for(entry, forged))

    assert forged_response.status_code in {200, 302, 400, 404}, key
    assert b'name="password1"' not in forged_response.content, key  # no set-password form
    assert "_auth_user_id" not in Client().session


@pytest.mark.parametrize("key", DOWNLOADS)
def test_private_downloads_are_attachments_with_nosniff_and_sandbox(key, world):
    entry, rule = ENTRIES[key], RULES[key]
    case = rule.build(world)
    user = case.owners[0] if case.owners else world.secretariat

    response = client_for(user).get(url_for(entry, case))

    assert response.status_code == 200, key
    assert response["Content-Disposition"].startswith("attachment;"), key
    assert response["X-Content-Type-Options"] == "nosniff", key
    assert "sandbox" in response["Content-Security-Policy"], key
