"""The Smart Health Responder's back office pages render for the Secretariat only."""

import pytest
from django.urls import reverse

from health.models import SupplierCategory
from tests.factories.accounts import UserFactory
from tests.factories.health import (
    InitiativeFactory,
    InitiativeFileFactory,
    InquiryFactory,
    MaterialFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(seoul):
    initiative = InitiativeFactory(organization=seoul, submitted=True, title="Testing booths")
    InitiativeFileFactory(initiative=initiative)
    category = SupplierCategory.objects.create(name="Testing kits", slug="testing-kits")
    return {
        "initiative": initiative,
        "inquiry": InquiryFactory(),
        "material": MaterialFactory(),
        "supplier": SupplierFactory(categories=[category]),
        "suppliercategory": category,
    }


@pytest.mark.parametrize(
    "name", ["initiative", "inquiry", "material", "supplier", "suppliercategory"]
)
def test_changelists_list_the_records_for_the_secretariat(client, officer, records, name):
    client.force_login(officer)

    response = client.get(reverse(f"admin:health_{name}_changelist"))

    assert response.status_code == 200
    assert records[name] in list(response.context["cl"].result_list)
    change_url = reverse(f"admin:health_{name}_change", args=[records[name].pk])
    assert change_url in response.content.decode()


def test_initiative_queue_defaults_to_what_awaits_review(client, officer, records, seoul):
    InitiativeFactory(organization=seoul, title="A draft")
    client.force_login(officer)

    response = client.get(reverse("admin:health_initiative_changelist"))

    assert [i.title for i in response.context["cl"].result_list] == ["Testing booths"]


def test_initiative_page_links_its_private_files_through_the_back_office(client, officer, records):
    initiative = records["initiative"]
    record = initiative.files.get()
    client.force_login(officer)

    page = client.get(reverse("admin:health_initiative_change", args=[initiative.pk]))
    download = client.get(reverse("admin:health_initiative_file", args=[initiative.pk, record.pk]))

    assert reverse("admin:health_initiative_file", args=[initiative.pk, record.pk]) in (
        page.content.decode()
    )
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="report.pdf"'


def test_other_staff_cannot_open_the_section(client, records):
    client.force_login(UserFactory(is_staff=True))
    initiative = records["initiative"]
    record = initiative.files.get()

    assert client.get(reverse("admin:health_initiative_changelist")).status_code == 403
    assert (
        client.get(
            reverse("admin:health_initiative_file", args=[initiative.pk, record.pk])
        ).status_code
        == 404
    )


def test_secretariat_group_members_work_without_model_permissions(client, records):
    from members.services import secretariat_group_ensure

    officer = UserFactory(is_staff=True)
    officer.groups.add(secretariat_group_ensure())
    client.force_login(officer)

    response = client.get(reverse("admin:health_inquiry_changelist"))

    assert response.status_code == 200
    assert [i.pk for i in response.context["cl"].result_list] == [records["inquiry"].pk]
