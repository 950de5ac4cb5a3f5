from django.conf import settings
from django.urls import reverse

from privacy import inventory


def test_inventory_covers_every_field_that_may_hold_personal_data():
    assert inventory.uncovered_fields() == []


def test_inventory_flags_a_personal_field_it_does_not_list(monkeypatch):
    monkeypatch.setattr(
        inventory,
        "PERSONAL",
        tuple(e for e in inventory.PERSONAL if e.model != "events.EventRegistration"),
    )
    assert inventory.uncovered_fields() == [
        "events.EventRegistration.name",
        "events.EventRegistration.organization_name",
        "events.EventRegistration.email",
    ]


def test_docs_privacy_md_is_generated_from_the_inventory():
    text = (settings.BASE_DIR / "docs" / "privacy.md").read_text(encoding="utf-8")
    assert text == inventory.render_markdown(), "run: python manage.py privacy_inventory"


def test_privacy_notice_lists_the_inventory_and_the_policy(client, db):
    response = client.get(reverse("privacy:notice"))
    assert response.status_code == 200
    rows = response.context["entries"]
    assert len(rows) == len(inventory.PERSONAL)
    registrations = next(r for r in rows if r["what"] == "Event registrations")
    assert registrations["fields"] == ["name", "organization", "e-mail address"]
    assert "One year after the event ended" in response.content.decode()


def test_cookie_statement_names_every_cookie_and_no_tracking(client, db):
    response = client.get(reverse("privacy:cookies"))
    body = response.content.decode()
    assert response.status_code == 200
    for name, _why, _how_long in inventory.COOKIES:
        assert f"<code>{name}</code>" in body
    assert "no tracking" in body


def test_the_portal_sets_only_the_cookies_the_statement_names(client, seoul_editor):
    client.force_login(seoul_editor)
    response = client.get(reverse("privacy:my_data"))
    named = {name for name, _why, _how_long in inventory.COOKIES}
    assert set(client.cookies) <= named
    assert set(response.cookies) <= named
