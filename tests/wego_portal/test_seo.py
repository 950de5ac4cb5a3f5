"""Search engines and sharing: sitemap.xml (checked against the rules of the sitemaps.org schemas),
robots.txt, canonical links, OpenGraph/Twitter tags and schema.org JSON-LD."""

import datetime
import json
import re
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from events.enums import Attendance, DatePrecision, EventStatus
from members.enums import OrganizationStatus, Relationship
from tests.factories.awards import CategoryFactory, EditionFactory, EntryFactory
from tests.factories.catalog import ProjectFactory
from tests.factories.events import EventFactory
from tests.factories.members import OfficeFactory, OrganizationFactory
from tests.factories.news import ArticleFactory
from tests.factories.programs import CallFactory
from tests.factories.publications import PublicationFactory
from wego_portal import seo

pytestmark = pytest.mark.django_db

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NS = {"sm": SITEMAP_NS}
CHANGEFREQS = {"always", "hourly", "daily", "weekly", "monthly", "yearly", "never"}
# xsd:date or xsd:dateTime (the schema's tLastmod), as W3C Datetime writes them.
LASTMOD = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")


def _parse(content: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(content)  # noqa: S314 (the portal's own response)


def _tag(name: str) -> str:
    return f"{{{SITEMAP_NS}}}{name}"


def _check_loc(loc) -> None:
    assert loc is not None and loc.text == loc.text.strip()
    assert 12 <= len(loc.text) <= 2048
    assert re.match(r"^https?://[^/\s]+/\S*$", loc.text), loc.text


def _check_lastmod(text: str) -> None:
    assert LASTMOD.match(text), text
    datetime.datetime.fromisoformat(text)


def _validated(content: bytes, schema: str):
    """The document checked against the sitemaps.org 0.9 schemas (sitemap.xsd, siteindex.xsd),
    rule by rule: root and namespace, the children allowed and their order, each value's type
    (anyURI of 12 to 2048 characters, date or dateTime, the changefreq enumeration, a priority
    from 0.0 to 1.0), at most 50,000 entries and 50 MB."""
    assert content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert len(content) <= 50 * 1024 * 1024
    document = _parse(content)
    if schema == "siteindex.xsd":
        assert document.tag == _tag("sitemapindex")
        entries = list(document)
        assert 1 <= len(entries) <= 50_000
        for entry in entries:
            assert entry.tag == _tag("sitemap")
            children = [child.tag for child in entry]
            assert children in ([_tag("loc")], [_tag("loc"), _tag("lastmod")]), children
            _check_loc(entry.find("sm:loc", NS))
            if entry.find("sm:lastmod", NS) is not None:
                _check_lastmod(entry.findtext("sm:lastmod", namespaces=NS))
        return document
    assert document.tag == _tag("urlset")
    entries = list(document)
    assert 1 <= len(entries) <= 50_000
    order = ["loc", "lastmod", "changefreq", "priority"]
    for entry in entries:
        assert entry.tag == _tag("url")
        names = [child.tag.removeprefix(f"{{{SITEMAP_NS}}}") for child in entry]
        assert names[0] == "loc" and names == sorted(names, key=order.index), names
        assert len(set(names)) == len(names)
        _check_loc(entry.find("sm:loc", NS))
        if "lastmod" in names:
            _check_lastmod(entry.findtext("sm:lastmod", namespaces=NS))
        if "changefreq" in names:
            assert entry.findtext("sm:changefreq", namespaces=NS) in CHANGEFREQS
        if "priority" in names:
            assert 0.0 <= float(entry.findtext("sm:priority", namespaces=NS)) <= 1.0
    return document


@pytest.fixture
def public_site():
    """One public object of each section, and private ones that must stay out."""
    office = OfficeFactory(slug="east-asia", name="East Asia Regional Office")
    seoul = OrganizationFactory(name="Seoul", slug="seoul", office=office)
    OrganizationFactory(name="Gone City", slug="gone-city", status=OrganizationStatus.FORMER)
    partner = OrganizationFactory(
        name="Smart City Institute Japan", slug="scij", relationship=Relationship.MOU_PARTNER
    )
    event = EventFactory(title="Smart Health webinar", slug="smart-health-webinar")
    draft = EventFactory(title="Secret meeting", slug="secret-meeting", status=EventStatus.DRAFT)
    call = CallFactory(title="Solution Finder 2021", slug="solution-finder-2021")
    edition = EditionFactory(published=True, year=2020)
    winner = EntryFactory(
        category=CategoryFactory(edition=edition), organization=seoul, winner=True
    )
    project = ProjectFactory(organization=seoul, published=True, title="Seoul Talk")
    hidden_project = ProjectFactory(organization=seoul, title="Unfinished")
    article = ArticleFactory(office=office, published=True, title="EXCOM 2020 meets online")
    draft_article = ArticleFactory(office=office, title="Unpublished article")
    publication = PublicationFactory(title="WeGO 2030 Masterplan", slug="masterplan")
    hidden_publication = PublicationFactory(slug="hidden-report", is_published=False)
    return {
        "public": [
            seoul,
            partner,
            office,
            event,
            call,
            call.program,
            edition,
            winner,
            project,
            article,
            publication,
        ],
        "private": [draft, hidden_project, draft_article, hidden_publication],
        "former_path": "/members/gone-city/",
    }


def _sitemap_locations(client) -> list[str]:
    index = _validated(client.get("/sitemap.xml").content, "siteindex.xsd")
    locations = []
    for loc in index.findall("sm:sitemap/sm:loc", NS):
        path = loc.text.removeprefix("http://testserver")
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/xml"
        urlset = _parse(response.content)
        if urlset.findall("sm:url", NS):  # the schema wants at least one <url>
            _validated(response.content, "sitemap.xsd")
        locations += [el.text for el in urlset.findall("sm:url/sm:loc", NS)]
    return locations


def test_sitemap_validates_and_lists_every_public_object(client, public_site):
    locations = _sitemap_locations(client)

    for obj in public_site["public"]:
        assert f"http://testserver{obj.get_absolute_url()}" in locations, obj
    for obj in public_site["private"]:
        assert f"http://testserver{obj.get_absolute_url()}" not in locations, obj
    assert f"http://testserver{public_site['former_path']}" not in locations
    assert "http://testserver/" in locations
    assert "http://testserver/members/" in locations
    assert len(locations) == len(set(locations))


def test_sitemap_sections_carry_lastmod_of_their_objects(client, public_site):
    seoul = public_site["public"][0]
    urlset = _parse(client.get("/sitemap-members.xml").content)
    entries = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in urlset.findall("sm:url", NS)
    }
    expected = timezone.localdate(seoul.updated_at).isoformat()
    assert entries["http://testserver/members/seoul/"] == expected
    index = _parse(client.get("/sitemap.xml").content)
    lastmods = {
        s.findtext("sm:loc", namespaces=NS): s.findtext("sm:lastmod", namespaces=NS)
        for s in index.findall("sm:sitemap", NS)
    }
    assert lastmods["http://testserver/sitemap-members.xml"] is not None
    assert lastmods["http://testserver/sitemap-pages.xml"] is None


def test_robots_txt_keeps_crawlers_out_of_private_paths(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/portal/", "/api/", "/accounts/", "/ko/portal/", "/ar/admin/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /members/" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


HEAD_TAGS = {
    "canonical": re.compile(r'<link rel="canonical" href="([^"]+)">'),
    "title": re.compile(r"<title>([^<]+)</title>"),
    "description": re.compile(r'<meta name="description" content="([^"]*)">'),
    "og:title": re.compile(r'<meta property="og:title" content="([^"]+)">'),
    "og:image": re.compile(r'<meta property="og:image" content="([^"]+)">'),
    "og:url": re.compile(r'<meta property="og:url" content="([^"]+)">'),
    "twitter:card": re.compile(r'<meta name="twitter:card" content="([^"]+)">'),
}
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def head_of(response) -> dict:
    html = response.content.decode()
    html = html[: html.index("</head>")]
    found = {}
    for name, pattern in HEAD_TAGS.items():
        matches = pattern.findall(html)
        assert len(matches) == 1, (name, response.request["PATH_INFO"])
        found[name] = matches[0]
    found["json_ld"] = [json.loads(block) for block in JSON_LD.findall(html)]
    return found


def test_every_public_page_has_canonical_sharing_tags_and_a_unique_title(client, public_site):
    titles, descriptions, types = {}, {}, set()
    for location in _sitemap_locations(client):
        path = location.removeprefix("http://testserver")
        response = client.get(path)
        assert response.status_code == 200, path
        head = head_of(response)
        assert head["canonical"] == location
        assert head["og:url"] == location
        assert head["og:image"].startswith("http://testserver/")
        assert head["twitter:card"] == "summary_large_image"
        assert head["title"] not in titles, (path, titles.get(head["title"]))
        assert head["description"] not in descriptions, (
            path,
            descriptions.get(head["description"]),
        )
        titles[head["title"]] = descriptions[head["description"]] = path
        for data in head["json_ld"]:
            assert data["@context"] == "https://schema.org"
            types.add(data["@type"])
    assert {"Organization", "GovernmentOrganization", "Event", "NewsArticle", "Report"} <= types


def test_later_list_pages_have_their_own_title_and_canonical(client):
    OrganizationFactory.create_batch(30)
    first = head_of(client.get("/members/"))
    second = head_of(client.get("/members/?page=2&region=asia_pacific"))

    assert second["canonical"] == "http://testserver/members/?page=2"
    assert second["title"] != first["title"]
    assert "2" in second["title"]


def test_home_describes_wego_as_an_organization(client):
    data = head_of(client.get("/"))["json_ld"]

    assert data == [seo.wego_json_ld()]
    assert data[0]["@type"] == "Organization"
    assert data[0]["name"] == "World Smart Sustainable Cities Organization"
    assert data[0]["url"] == "http://testserver/"


def test_member_profile_shares_its_logo_and_describes_the_member(client, public_site):
    seoul = public_site["public"][0]
    seoul.logo.name = "logos/seoul.png"
    seoul.description = "The capital of Korea & home of the Secretariat."
    seoul.save()

    head = head_of(client.get("/members/seoul/"))

    assert head["og:image"] == "http://testserver/media/logos/seoul.png"
    assert head["description"] == "The capital of Korea &amp; home of the Secretariat."
    (data,) = head["json_ld"]
    assert data["@type"] == "GovernmentOrganization"
    assert data["name"] == "Seoul"
    assert data["logo"] == "http://testserver/media/logos/seoul.png"
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "KR",
        "addressLocality": "Seoul",
    }
    assert data["memberOf"]["@id"] == "http://testserver/#wego"


def test_json_ld_cannot_close_its_script_element(client):
    OrganizationFactory(name="Evil </script><script>alert(1)</script>", slug="evil")

    html = client.get("/members/evil/").content.decode()

    (block,) = JSON_LD.findall(html)
    assert json.loads(block)["name"] == "Evil </script><script>alert(1)</script>"
    assert "<script>alert" not in html


def _event_json_ld(client, event) -> dict:
    (data,) = head_of(client.get(event.get_absolute_url()))["json_ld"]
    assert data["@type"] == "Event"
    return data


def test_event_json_ld_at_exact_time_has_the_offset(client):
    start = datetime.datetime(2030, 9, 8, 14, 0, tzinfo=datetime.UTC)
    event = EventFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2))

    data = _event_json_ld(client, event)

    assert data["startDate"] == "2030-09-08T23:00:00+09:00"
    assert data["endDate"] == "2030-09-09T01:00:00+09:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": data["url"]}
    assert event.join_url not in json.dumps(data) or not event.join_url


def test_event_json_ld_of_a_quarter_names_no_day(client):
    event = EventFactory(
        date_precision=DatePrecision.QUARTER,
        starts_at=None,
        ends_at=None,
        year=2021,
        quarter=3,
        attendance=Attendance.IN_PERSON,
        city="Seoul",
        country="KR",
        title="5th General Assembly",
        slug="ga-2021",
    )

    data = _event_json_ld(client, event)

    assert data["startDate"] == "2021-07"
    assert data["endDate"] == "2021-09"
    assert data["location"]["address"]["addressCountry"] == "KR"


@pytest.mark.parametrize(
    ("fields", "start", "end"),
    [
        (
            {"date_precision": DatePrecision.DAY, "start_date": datetime.date(2020, 11, 26)},
            "2020-11-26",
            None,
        ),
        (
            {"date_precision": DatePrecision.MONTH, "start_date": datetime.date(2020, 2, 1)},
            "2020-02",
            None,
        ),
        (
            {
                "date_precision": DatePrecision.QUARTER_SPAN,
                "year": 2021,
                "quarter": 3,
                "quarter_end": 4,
            },
            "2021-07",
            "2021-12",
        ),
        ({"date_precision": DatePrecision.YEAR_ROUND, "year": 2021}, "2021", None),
        ({"date_precision": DatePrecision.TBD, "year": 2021}, "2021", None),
    ],
)
def test_event_dates_keep_their_precision(fields, start, end):
    event = EventFactory(starts_at=None, ends_at=None, **fields)

    assert seo.event_dates(event) == (start, end)


def test_cancelled_event_is_marked_cancelled(client):
    event = EventFactory(status=EventStatus.CANCELLED)

    assert _event_json_ld(client, event)["eventStatus"] == "https://schema.org/EventCancelled"
