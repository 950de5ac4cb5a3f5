"""The built-in WeGO data set against the 2020 annual report's own figures.

The report (December 2020) counts 155 local governments: Africa 47, Europe 17, Middle East 8,
Americas 10, Asia-Pacific 73. Its member overview *names* every one of them except one in the
Americas: that panel is headed "10" but lists nine cities (see members/data/README.md), so the
data set has 9 there and 154 in all. Corporations and institutions are named only where they
joined in 2019-2020 (7 and 5 of the report's 35 and 19).
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import translation
from django.utils.html import escape

from members.enums import MemberType, OfficeKind, Relationship
from members.models import Office, Organization

pytestmark = pytest.mark.django_db

REPORT_LOCAL_GOVERNMENTS = {
    "africa": 47,
    "europe": 17,
    "middle_east": 8,
    "americas": 10,
    "asia_pacific": 73,
}
NAMED_IN_REPORT = {**REPORT_LOCAL_GOVERNMENTS, "americas": 9}


def test_local_governments_per_region_match_the_report(wego_data):
    counts = dict(
        Organization.objects.filter(
            member_type=MemberType.LOCAL_GOVERNMENT, relationship=Relationship.MEMBER
        )
        .values_list("region")
        .annotate(n=Count("id"))
    )

    assert counts == NAMED_IN_REPORT
    assert sum(REPORT_LOCAL_GOVERNMENTS.values()) - sum(counts.values()) == 1


def test_new_members_of_2019_2020_and_partners(wego_data):
    members = Organization.objects.filter(relationship=Relationship.MEMBER)

    assert members.filter(member_type=MemberType.CORPORATION).count() == 7
    assert members.filter(member_type=MemberType.INSTITUTION).count() == 5
    assert members.filter(joined_on__year__in=[2019, 2020]).count() == 14 + 7 + 5
    assert Organization.objects.get(name="Wellington").joined_on == datetime.date(2020, 5, 20)
    assert Organization.objects.get(name="Abuja").joined_on == datetime.date(2019, 12, 3)
    partners = Organization.objects.filter(relationship=Relationship.MOU_PARTNER)
    assert sorted(partners.values_list("name", "joined_on")) == [
        ("All India Institute of Local Self Government", datetime.date(2020, 3, 6)),
        ("Smart City Institute Japan", datetime.date(2020, 3, 18)),
    ]


def test_ocr_errors_are_corrected(wego_data):
    names = set(Organization.objects.values_list("name", flat=True))

    assert {"Pittsburgh", "São Paulo", "Sennar State", "Itahari", "Kathmandu"} <= names
    assert not {"Pittshurgh", "Sdo Paulo", "Itahari Kathmadu"} & names


def test_six_offices_with_the_regions_they_look_after(wego_data):
    offices = {o.slug: o for o in Office.objects.all()}

    assert set(offices) == {
        "secretariat",
        "east-asia",
        "eurasia",
        "mediterranean",
        "latin-america",
        "africa",
    }
    assert offices["secretariat"].kind == OfficeKind.SECRETARIAT
    assert offices["africa"].city == "Abuja" and offices["africa"].opened_year == 2020
    assert Organization.objects.get(name="Abuja").office == offices["africa"]
    assert Organization.objects.get(name="Beyoglu").office == offices["mediterranean"]
    assert Organization.objects.get(name="Seoul").office == offices["east-asia"]
    assert all(o.staff_group_id for o in offices.values())


def test_loading_twice_changes_nothing(wego_data):
    before = list(
        Organization.objects.order_by("pk").values_list("pk", "slug", "office_id", "updated_at")
    )

    call_command("load_wego_data", stdout=open("/dev/null", "w"))  # noqa: SIM115

    after = list(
        Organization.objects.order_by("pk").values_list("pk", "slug", "office_id", "updated_at")
    )
    assert after == before
    assert Office.objects.count() == 6


def test_demo_users_belong_to_seoul_and_makati(wego_data, settings):
    from django.core.management import call_command as run

    settings.DEBUG = True
    run("demo_accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Organization.objects.get(slug="seoul").people.get().user.email == "seoul@demo.wego.local"
    assert (
        Organization.objects.get(slug="makati").people.get().user.email == "makati@demo.wego.local"
    )


def test_demo_accounts_refuse_to_run_without_debug(settings):
    from django.core.management import CommandError
    from django.core.management import call_command as run

    settings.DEBUG = False
    with pytest.raises(CommandError, match="only created when DEBUG"):
        run("demo_accounts")


@pytest.mark.parametrize("query", ["서울", "Сеул", "首尔", "سيول", "SÉOUL", "seoul", "서울특별시"])
def test_directory_search_finds_seoul_by_any_of_its_names(client, wego_data, query):
    response = client.get("/members/", {"q": query})

    assert "Seoul" in [org.name_en for org in response.context["page"].object_list]


def test_names_in_other_languages_come_from_the_data_set_and_never_replace_english(wego_data):
    seoul = Organization.objects.get(name="Seoul", country="KR")
    beyoglu = Organization.objects.get(name="Beyoglu", country="TR")

    assert (seoul.native_name, seoul.name_ko, seoul.name_zh_hans, seoul.name_ru) == (
        "서울특별시",
        "서울",
        "首尔",
        "Сеул",
    )
    assert (seoul.name_ar, seoul.name_fr, seoul.name_es, seoul.name_en) == (
        "سيول",
        "Séoul",
        "Seúl",
        "Seoul",
    )
    # No standard Korean name recorded for Beyoğlu: nothing is invented, English is shown.
    assert beyoglu.name_ko is None
    with translation.override("ko"):
        assert beyoglu.name == "Beyoglu"
    assert seoul.transliterated_names == []


def test_loading_the_names_again_changes_nothing(wego_data):
    out = io.StringIO()
    call_command("load_wego_data", stdout=out)

    assert "Names in other languages: 0 organizations updated" in out.getvalue()


def test_api_search_finds_seoul_by_its_russian_name(client, wego_data):
    response = client.get("/api/v1/organizations/", {"q": "сеул"})

    assert [row["slug"] for row in response.json()["results"]] == [
        Organization.objects.get(name="Seoul", country="KR").slug
    ]


@pytest.mark.parametrize("query", ["서울", "Сеул", "首尔", "سيول", "seoul", "SÉOUL"])
def test_api_search_finds_seoul_by_any_of_its_names(client, wego_data, query):
    response = client.get("/api/v1/organizations/", {"q": query})

    # "seoul" also finds the Seoul Digital Foundation: Seoul itself must be among the results.
    assert "seoul" in [row["slug"] for row in response.json()["results"]]


LANGUAGES = ["ko", "zh_hans", "ru", "es", "fr", "ar", "tr"]


def test_every_office_has_its_name_and_description_in_every_language(wego_data):
    for office in Office.objects.all():
        assert office.name_en and office.description_en, office.slug
        for code in LANGUAGES:
            assert getattr(office, f"name_{code}"), (office.slug, code)
            assert getattr(office, f"description_{code}"), (office.slug, code)
            assert getattr(office, f"name_{code}") != office.name_en, (office.slug, code)

    east_asia = Office.objects.get(slug="east-asia")
    assert (east_asia.name_ko, east_asia.name_zh_hans, east_asia.name_ar) == (
        "동아시아 지역사무소",
        "东亚区域办事处",
        "المكتب الإقليمي لشرق آسيا",
    )
    assert (east_asia.city_ko, east_asia.city_ru, east_asia.name_en) == (
        "청두",
        "Чэнду",
        "East Asia Regional Office",
    )


def test_office_seats_use_the_standard_names_of_names_csv_and_invent_none(wego_data):
    """An office's seat in another language is the city's standard name recorded in names.csv
    (the same name its member has); where names.csv records none, the seat stays empty and
    the page shows the English name."""
    mediterranean = Office.objects.get(slug="mediterranean")
    beyoglu = Organization.objects.get(name="Beyoglu", country="TR")
    for code in LANGUAGES:
        assert getattr(mediterranean, f"city_{code}") == getattr(beyoglu, f"name_{code}")
    with translation.override("ko"):
        assert mediterranean.city == "Beyoglu"
    seoul = Organization.objects.get(name="Seoul", country="KR")
    secretariat = Office.objects.get(slug="secretariat")
    assert [getattr(secretariat, f"city_{c}") for c in LANGUAGES] == [
        getattr(seoul, f"name_{c}") for c in LANGUAGES
    ]


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("ko", "아프리카 지역사무소"),
        ("ar", "المكتب الإقليمي لأفريقيا"),
        ("es", "Oficina Regional de África"),
    ],
)
def test_office_pages_show_the_office_in_the_readers_language(client, wego_data, code, name):
    listing = client.get(f"/{code}/offices/")
    detail = client.get(f"/{code}/offices/africa/")

    assert name in listing.content.decode()
    page = detail.content.decode()
    assert f'<h1 lang="{code.replace("_", "-")}">{name}</h1>' in page
    description = getattr(Office.objects.get(slug="africa"), f"description_{code}")
    assert f'<div class="prose" lang="{code}"><p>{escape(description)}</p></div>' in page


def test_loading_the_office_names_again_changes_nothing(wego_data):
    out = io.StringIO()
    call_command("load_wego_data", stdout=out)

    assert "Offices in other languages: 0 updated" in out.getvalue()


def test_the_smart_city_driver_areas_are_named_in_every_language(wego_data):
    from programs.models import SmartCityArea

    areas = list(SmartCityArea.objects.order_by("position"))
    assert len(areas) == 16
    with translation.override("en"):
        assert [area.name for area in areas][:2] == ["Agriculture", "Civic Engagement"]
    for area in areas:
        for code in LANGUAGES:
            assert getattr(area, f"name_{code}"), (area.slug, code)
    water = SmartCityArea.objects.get(slug="water-management")
    assert (water.name_ko, water.name_es, water.name_ar) == (
        "물 관리",
        "Gestión del agua",
        "إدارة المياه",
    )
    with translation.override("ru"):
        assert str(water.name) == "Управление водными ресурсами"
