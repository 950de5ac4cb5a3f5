"""After `load_wego_data` (what `make run` loads) every public section holds the report's facts,
and a list with nothing in it says why and what to do."""

import html
import re

from django.core.management import call_command

from health.models import Material

LIST_PAGES = [
    "/members/",
    "/awards/",
    "/events/",
    "/projects/",
    "/smart-health-responder/data-portal/",
    "/smart-health-responder/knowledge-hub/",
    "/smart-health-responder/knowledge-hub/materials/",
    "/smart-health-responder/assistance/",
]


def text_of(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_no_public_list_offers_a_filter_of_zeros(client, wego_data):
    for url in LIST_PAGES:
        response = client.get(url)

        assert response.status_code == 200, url
        assert "(0)" not in text_of(response), url


def test_the_knowledge_hub_lists_the_three_webinars_with_their_participants(client, wego_data):
    page = text_of(client.get("/smart-health-responder/knowledge-hub/"))

    for part, participants in [("Part 1", 141), ("Part 2", 145), ("Part 3", 120)]:
        assert re.search(rf"Webinar {part}: [^.]*? {participants} participants", page), part
    assert "WeGO Health Feed" in page
    assert "Materials of WeGO's regional offices" in page


def test_the_reports_tools_are_materials_with_their_translations(wego_data):
    titles = set(Material.objects.values_list("title_en", flat=True))

    assert {
        "WeGO Open Data Dashboard",
        "WeGO Health Feed",
        "WeGO Health Solution Challenge",
        "WeGO-NIA-AfDB Joint Online Course",
    } <= titles
    course = Material.objects.get(title_en="WeGO-NIA-AfDB Joint Online Course")
    assert "480 registrants" in course.description_en and course.title_ko


def test_loading_again_adds_no_second_material(wego_data):
    count = Material.objects.count()

    call_command("load_wego_health", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Material.objects.count() == count == 6


def test_an_empty_supplier_directory_explains_how_suppliers_join(client, wego_data):
    response = client.get("/smart-health-responder/assistance/")
    page = text_of(response)

    assert "How a supplier joins the directory" in page
    assert "companies in Korea that manufacture medical supplies related to COVID-19" in page
    assert 'class="filter"' not in response.content.decode()
    assert 'href="/smart-health-responder/assistance/inquiry/?topic=solution_providers"' in (
        response.content.decode()
    )


def test_the_ask_to_be_listed_link_chooses_the_topic(client, db):
    response = client.get("/smart-health-responder/assistance/inquiry/?topic=solution_providers")

    assert response.context["form"].initial["topic"] == "solution_providers"


def test_an_empty_data_portal_says_why_and_how_to_share(client, wego_data):
    response = client.get("/smart-health-responder/data-portal/")
    page = text_of(response)

    assert "No city has shared an initiative here yet" in page
    assert "names no city's initiative" in page
    assert 'class="filter"' not in response.content.decode()
    assert "/portal/health/initiatives/new/" in response.content.decode()


def test_an_empty_upcoming_calendar_says_why_and_what_to_do(client, wego_data):
    page = text_of(client.get("/events/"))

    if "0 upcoming events" in page:  # every event of the data set is in the past
        assert "No upcoming event is announced yet" in page
        assert "subscribe to the calendar below" in page
    assert "Webinar archive with recordings" not in page
