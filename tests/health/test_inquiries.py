"""Smart Health Assistance: the supplier directory, the public inquiry form and its tracking."""

import pytest
from django.test import Client
from django.urls import reverse

from health import services
from health.enums import InquiryStatus
from health.models import Inquiry
from notifications.models import Notification
from tests.factories.health import InquiryFactory, SupplierCategoryFactory, SupplierFactory

pytestmark = pytest.mark.django_db
SUPPLIERS = reverse("health:suppliers")
GENERAL = reverse("health:inquiry")

MESSAGE = {
    "name": "Ana Lima",
    "organization_name": "Municipalidad de Lima",
    "email": "ana@lima.test",
    "country": "PE",
    "topic": "testing",
    "message": "We need 2,000 rapid antigen tests by June. Can you deliver to Lima?",
    "website": "",
}


@pytest.fixture
def supplier(db):
    return SupplierFactory(
        name="Example Diagnostics", slug="example-diagnostics", contact_email="sales@diag.test"
    )


def names(response) -> list[str]:
    return [supplier.name for supplier in response.context["page"].object_list]


# --- The journey: ask, acknowledge, route, track to closed --------------------------------------


def test_inquiry_is_acknowledged_once_routed_and_tracked_to_closed(
    client, supplier, officer, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("health:supplier_inquiry", args=[supplier.slug])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, MESSAGE)

    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("health:inquiry_sent")
    assert inquiry.supplier == supplier
    assert inquiry.message == MESSAGE["message"]
    assert inquiry.status == InquiryStatus.FORWARDED
    sent = {tuple(m.to): m for m in mailoutbox}
    assert sorted(sent) == [("ana@lima.test",), ("officer@wego.test",), ("sales@diag.test",)]
    assert sent[("ana@lima.test",)].subject == f"We received your inquiry ({inquiry.reference})"
    assert MESSAGE["message"] in sent[("ana@lima.test",)].body
    assert sent[("officer@wego.test",)].subject == (
        f"New inquiry {inquiry.reference} to Example Diagnostics"
    )
    assert "ana@lima.test" in sent[("sales@diag.test",)].body
    confirmation = client.get(response.url)
    assert inquiry.reference in confirmation.content.decode()

    assert Notification.objects.filter(to_email="ana@lima.test").count() == 1

    staff = Client()
    staff.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("admin:health_inquiry_move", args=[inquiry.pk, "answered"]),
            {"note": "The supplier sent a quote on 3 May."},
        )
        staff.post(
            reverse("admin:health_inquiry_move", args=[inquiry.pk, "closed"]),
            {"note": "Lima ordered elsewhere."},
        )

    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.CLOSED
    assert [(t.from_status, t.to_status, t.by, t.note) for t in inquiry.transitions.all()] == [
        ("", "new", None, ""),
        ("new", "forwarded", None, "Sent to Example Diagnostics automatically."),
        ("forwarded", "answered", officer, "The supplier sent a quote on 3 May."),
        ("answered", "closed", officer, "Lima ordered elsewhere."),
    ]
    assert len([m for m in mailoutbox if m.to == ["ana@lima.test"]]) == 1


def test_general_inquiry_goes_to_the_secretariat_who_forwards_it(
    client, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(GENERAL, MESSAGE)

    inquiry = Inquiry.objects.get()
    assert inquiry.supplier is None
    assert inquiry.status == InquiryStatus.NEW
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@lima.test", "officer@wego.test"]

    with django_capture_on_commit_callbacks(execute=True):
        services.inquiry_forward(
            inquiry=inquiry,
            forwarded_by=officer,
            forward_to="partner@health.test",
            note="Our partner makes rapid tests.",
        )

    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.FORWARDED
    forwarded = mailoutbox[-1]
    assert forwarded.to == ["partner@health.test"]
    assert "Our partner makes rapid tests." in forwarded.body
    assert MESSAGE["message"] in forwarded.body
    assert inquiry.transitions.last().forwarded_to == "partner@health.test"


def test_supplier_without_an_address_is_reached_through_the_secretariat(
    client, officer, mailoutbox, django_capture_on_commit_callbacks
):
    quiet = SupplierFactory(contact_email="")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("health:supplier_inquiry", args=[quiet.slug]), MESSAGE)

    inquiry = Inquiry.objects.get()
    assert inquiry.status == InquiryStatus.NEW
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@lima.test", "officer@wego.test"]


def test_a_closed_inquiry_cannot_move_again(officer):
    inquiry = InquiryFactory(status=InquiryStatus.CLOSED)

    with pytest.raises(services.HealthError, match="closed cannot become answered"):
        services.inquiry_mark_answered(inquiry=inquiry, answered_by=officer)


def test_admin_refuses_a_move_the_workflow_does_not_allow(client, officer):
    inquiry = InquiryFactory(status=InquiryStatus.ANSWERED)
    client.force_login(officer)

    response = client.post(reverse("admin:health_inquiry_move", args=[inquiry.pk, "forwarded"]))

    inquiry.refresh_from_db()
    assert response.status_code == 404
    assert inquiry.status == InquiryStatus.ANSWERED


def test_secretariat_keeps_internal_notes(client, officer, mailoutbox):
    inquiry = InquiryFactory()
    client.force_login(officer)

    response = client.post(
        reverse("admin:health_inquiry_note", args=[inquiry.pk]),
        {"body": "Called the sender; wants delivery by sea."},
    )

    assert response.status_code == 302
    note = inquiry.notes.get()
    assert (note.author, note.body) == (officer, "Called the sender; wants delivery by sea.")
    assert mailoutbox == []
    page = client.get(reverse("admin:health_inquiry_change", args=[inquiry.pk]))
    body = page.content.decode()
    assert "Called the sender; wants delivery by sea." in body
    assert "Mark as forwarded" in body


def test_inquiries_are_secretariat_only_in_the_back_office(client, db):
    from tests.factories.accounts import UserFactory

    inquiry = InquiryFactory()
    client.force_login(UserFactory(is_staff=True))

    assert client.get(reverse("admin:health_inquiry_change", args=[inquiry.pk])).status_code == 403
    assert (
        client.post(reverse("admin:health_inquiry_move", args=[inquiry.pk, "closed"])).status_code
        == 404
    )
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.NEW


# --- Spam protection ----------------------------------------------------------------------------


def test_honeypot_looks_like_success_but_stores_and_sends_nothing(
    client, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(GENERAL, {**MESSAGE, "website": "http://spam.example"})

    assert response.status_code == 302
    assert response.url == reverse("health:inquiry_sent")
    assert Inquiry.objects.count() == 0
    assert mailoutbox == []


def test_a_flood_is_stopped_with_a_clear_message_and_the_text_is_kept(
    client, settings, officer, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "inquiry": "3/h/ip"}
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            client.post(GENERAL, {**MESSAGE, "message": f"Message {n}"})

    response = client.post(GENERAL, {**MESSAGE, "message": "Please call me about ventilators."})

    body = response.content.decode()
    assert response.status_code == 429
    assert 3500 < int(response["Retry-After"]) <= 3600
    assert Inquiry.objects.count() == 3
    assert "You have sent this form several times in a short time." in body
    assert "please wait 60 minutes" in body
    assert "Nothing has been sent yet: what you typed is kept below." in body
    assert "Please call me about ventilators." in body
    assert 'value="Ana Lima"' in body


def test_the_limit_counts_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "inquiry": "1/h/ip"}
    client.post(GENERAL, MESSAGE, REMOTE_ADDR="203.0.113.5")

    other = client.post(GENERAL, MESSAGE, REMOTE_ADDR="203.0.113.6")
    same = client.post(GENERAL, MESSAGE, REMOTE_ADDR="203.0.113.5")

    assert other.status_code == 302
    assert same.status_code == 429
    assert Inquiry.objects.count() == 2


def test_the_limit_counts_per_sender_address_whatever_the_client(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "inquiry": "100/h/ip,2/h/key"}
    first, second, third = (
        client.post(GENERAL, {**MESSAGE, "email": "Ana@Lima.test"}, REMOTE_ADDR=f"203.0.113.{n}")
        for n in (1, 2, 3)
    )

    assert [first.status_code, second.status_code, third.status_code] == [302, 302, 429]
    assert Inquiry.objects.count() == 2


def test_invalid_inquiry_shows_errors_and_keeps_what_was_typed(client):
    response = client.post(GENERAL, {**MESSAGE, "email": "not-an-address", "topic": ""})

    body = response.content.decode()
    assert response.status_code == 200
    assert Inquiry.objects.count() == 0
    assert "There is a problem" in body
    assert "Enter a valid email address." in body
    assert MESSAGE["message"] in body


def test_unpublished_supplier_takes_no_inquiries(client):
    hidden = SupplierFactory(is_published=False)

    assert client.get(reverse("health:supplier", args=[hidden.slug])).status_code == 404
    response = client.post(reverse("health:supplier_inquiry", args=[hidden.slug]), MESSAGE)
    assert response.status_code == 404
    assert Inquiry.objects.count() == 0


# --- The directory ------------------------------------------------------------------------------


def test_directory_filters_by_category_country_and_words(client):
    tests_cat = SupplierCategoryFactory(name="Tests", slug="tests")
    ppe = SupplierCategoryFactory(name="PPE", slug="ppe")
    SupplierFactory(name="Alpha Kits", country="KR", categories=[tests_cat])
    SupplierFactory(name="Beta Masks", country="DE", products="FFP2 masks", categories=[ppe])
    SupplierFactory(name="Gamma Both", country="KR", categories=[tests_cat, ppe])
    SupplierFactory(name="Hidden", is_published=False, categories=[ppe])

    assert names(client.get(SUPPLIERS)) == ["Alpha Kits", "Beta Masks", "Gamma Both"]
    assert names(client.get(SUPPLIERS, {"category": "ppe"})) == ["Beta Masks", "Gamma Both"]
    assert names(client.get(SUPPLIERS, {"category": ["ppe", "tests"]})) == ["Gamma Both"]
    assert names(client.get(SUPPLIERS, {"country": "kr"})) == ["Alpha Kits", "Gamma Both"]
    assert names(client.get(SUPPLIERS, {"q": "ffp2"})) == ["Beta Masks"]
    facets = client.get(SUPPLIERS, {"country": "KR"}).context["facets"]
    assert {i["value"]: i["count"] for i in facets["category"]}["ppe"] == 1
    assert {i["value"]: i["count"] for i in facets["category"]}["tests"] == 2


def test_supplier_page_never_shows_the_contact_address(client, supplier):
    response = client.get(supplier.get_absolute_url())

    body = response.content.decode()
    assert response.status_code == 200
    assert "Example Diagnostics" in body
    assert "sales@diag.test" not in body


@pytest.mark.parametrize("count", [2, 20])
def test_directory_query_count_is_constant(client, django_assert_num_queries, count):
    category = SupplierCategoryFactory(name="Tests", slug="tests")
    for _ in range(count):
        SupplierFactory(categories=[category])

    # count, page, categories (prefetch), facets: categories and countries
    with django_assert_num_queries(5):
        response = client.get(SUPPLIERS)

    assert response.context["page"].paginator.count == count
