"""WeGO's published figures (its 2020 annual report) beside the portal's own counts."""

import pytest
from django.core.management import call_command

from awards.models import Edition
from members.models import Organization
from reports import selectors, services
from reports.models import PublishedFigure

NUMBERS_URL = "/numbers/"


def test_the_loader_records_the_reports_figures_with_their_source(wego_data):
    figures = selectors.published_figures(2020)

    assert {key: figures[key].value for key in ["members", "local_governments"]} == {
        "members": 209,
        "local_governments": 155,
    }
    assert (figures["corporations"].value, figures["institutions"].value) == (35, 19)
    assert figures["growth_since_2018"].display_value == "+39%"
    assert [
        figures[f"new_{t}_growth"].value
        for t in ["local_governments", "corporations", "institutions"]
    ] == [10, 26, 35]
    assert figures["excom_participants"].value == 331
    assert figures["neascn_viewers"].display_value == "over 100"
    assert figures["trained_members"].display_value == "about 100"
    assert figures["members"].source == "WeGO 2020 annual report, “Member overview”"
    assert all(figure.source for figure in figures.values())


def test_loading_twice_keeps_an_edited_label_and_restores_the_value(wego_data):
    figure = PublishedFigure.objects.get(key="members", year=2020)
    figure.label = "members of WeGO"
    figure.value = 1
    figure.save()

    call_command("load_wego_figures", stdout=open("/dev/null", "w"))  # noqa: SIM115

    figure.refresh_from_db()
    assert (figure.value, figure.label) == (209, "members of WeGO")
    assert PublishedFigure.objects.filter(key="members").count() == 1


def test_labels_are_translated_from_the_catalogues(wego_data):
    figure = PublishedFigure.objects.get(key="members", year=2020)

    assert figure.label_en == "members"
    assert figure.label_ko and figure.label_ko != "members"


def test_the_2020_report_compares_published_and_computed_figures(wego_data):
    report = selectors.annual_report(2020)
    rows = {row["figure"].key: row for row in report["comparisons"]}

    assert (rows["members"]["figure"].value, rows["members"]["records"]) == (209, 166)
    assert rows["members"]["differs"]
    assert (rows["local_governments"]["records"], rows["corporations"]["records"]) == (154, 7)
    assert (rows["growth_since_2018"]["figure"].value, rows["growth_since_2018"]["records"]) == (
        39,
        19,
    )
    assert (
        rows["new_local_governments"]["records"] == 14
        and not rows["new_local_governments"]["differs"]
    )
    assert rows["region_africa"]["records"] == 47 and not rows["region_africa"]["differs"]
    assert rows["excom_participants"]["has_record"] is False

    html = services.annual_report_html(year=2020, data=report)
    assert "up 10%, published" in html
    assert "up 26%, published" in html
    assert "Figures published by WeGO for 2020, beside the portal's records" in html
    assert "The report&#x27;s Americas panel counts 10 local governments but names nine" in html


def test_a_result_recorded_from_the_report_is_not_an_application_received(wego_data):
    html = services.annual_report_html(year=2020)
    row = html[html.index("Project Implementer 2020</td>") :][:200]

    assert "not recorded" in row


def test_numbers_page_shows_published_figures_then_the_records(client, wego_data):
    html = client.get(NUMBERS_URL).content.decode()

    published = html.index("Published by WeGO (2020)")
    records = html.index("In the portal's records</h2>")
    assert published < records
    assert '<span class="stat__number">209</span> members' in html
    assert '<span class="stat__number">+39%</span> members since 2018' in html
    assert '<span class="stat__number">166</span> members' in html


def test_an_edited_figure_refreshes_the_cached_numbers_page(
    client, wego_data, django_capture_on_commit_callbacks
):
    client.get(NUMBERS_URL)
    with django_capture_on_commit_callbacks(execute=True):
        PublishedFigure.objects.filter(key="members").update(value=0)
        services.figures_changed()  # what the back office and the loader call after a write

    assert '<span class="stat__number">0</span> members' in client.get(NUMBERS_URL).content.decode()


def test_home_page_agrees_with_the_data_it_shows(client, wego_data):
    html = client.get("/").content.decode()

    assert "over 200" not in html
    assert "209" in html and "members as of December 2020 (WeGO annual report)" in html
    assert '<span class="stat__number">166</span> members in the directory' in html


def test_the_4th_awards_carry_no_unsourced_number_of_applications(wego_data):
    edition = Edition.objects.get(year=2020)

    assert "52" not in edition.description
    assert "applications" not in edition.description


@pytest.mark.parametrize(
    ("name", "country", "region"),
    [
        ("InsightAir", "BG", "europe"),
        ("WeavAir", "CA", "americas"),
        ("Breeze Technologies UG", "DE", "europe"),
        ("DamoGO", "KR", "asia_pacific"),
        ("FATOS Corporation", "KR", "asia_pacific"),
        ("UCWARE", "KR", "asia_pacific"),
        ("beCloud (Belarusian Cloud Technologies)", "BY", "europe"),
    ],
)
def test_corporations_have_the_new_member_tables_countries(wego_data, name, country, region):
    organization = Organization.objects.get(name=name)

    assert (organization.country.code, organization.region) == (country, region)


def test_a_corporation_loaded_without_a_country_gets_it_on_the_next_load(db):
    from tests.factories.members import OrganizationFactory

    earlier = OrganizationFactory(name="WeavAir", country="", region="", member_type="corporation")

    call_command("load_wego_data", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Organization.objects.filter(name="WeavAir").count() == 1
    earlier.refresh_from_db()
    assert (earlier.country.code, earlier.region) == ("CA", "americas")


def test_the_secretariat_edits_published_figures_in_the_back_office(client, secretariat, wego_data):
    from django.urls import reverse

    figure = PublishedFigure.objects.get(key="members", year=2020)
    client.force_login(secretariat)

    listing = client.get(reverse("admin:reports_publishedfigure_changelist"))
    change = client.get(reverse("admin:reports_publishedfigure_change", args=[figure.pk]))

    assert listing.status_code == 200 and "209" in listing.content.decode()
    assert change.status_code == 200 and 'name="label_ko"' in change.content.decode()


def test_other_staff_cannot_open_the_published_figures(client, wego_data):
    from django.urls import reverse

    from tests.factories.accounts import UserFactory

    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("admin:reports_publishedfigure_changelist"))

    assert response.status_code == 403
