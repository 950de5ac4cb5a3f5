"""News: the workflow by office, scheduled publishing, public pages, feeds, API, seed data."""

import datetime
import json
import re
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from members.enums import Region
from news import services
from news.models import Article, DatePrecision
from news.selectors import public_articles
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory
from tests.factories.members import OrganizationFactory
from tests.factories.news import ArticleFactory, CategoryFactory
from wego_portal.moderation.enums import ModerationStatus

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _parse(content: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(content)  # noqa: S314 (the portal's own response)


# --- who may write and publish ---------------------------------------------------------------


def test_office_staff_publish_their_own_office_articles(chengdu_staff, east_asia):
    article = ArticleFactory(office=east_asia)

    services.article_publish(article=article, published_by=chengdu_staff)

    article.refresh_from_db()
    assert article.status == ModerationStatus.PUBLISHED
    assert article in public_articles()


def test_office_staff_cannot_publish_for_another_office(chengdu_staff, eurasia):
    article = ArticleFactory(office=eurasia)

    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, published_by=chengdu_staff)
    with pytest.raises(PermissionDenied):
        services.article_submit(article=article, submitted_by=chengdu_staff)
    article.refresh_from_db()
    assert article.status == ModerationStatus.DRAFT


def test_the_secretariat_publishes_anywhere(secretariat, eurasia):
    article = ArticleFactory(office=eurasia)

    services.article_publish(article=article, published_by=secretariat)

    assert Article.objects.get(pk=article.pk).is_published


def test_a_member_user_cannot_publish(eurasia):
    from tests.factories.accounts import UserFactory

    article = ArticleFactory(office=eurasia)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, published_by=UserFactory())


def test_submitting_tells_the_secretariat(chengdu_staff, secretariat, east_asia):
    from notifications.models import Notification

    article = ArticleFactory(office=east_asia)

    services.article_submit(article=article, submitted_by=chengdu_staff)

    article.refresh_from_db()
    assert article.status == ModerationStatus.SUBMITTED
    notices = Notification.objects.filter(kind="news.article.submitted")
    assert list(notices.values_list("recipient__email", flat=True)) == ["officer@wego.test"]


def test_returning_takes_a_published_article_off_the_site(secretariat, east_asia, client):
    article = ArticleFactory(office=east_asia, published=True)

    services.article_return(article=article, returned_by=secretariat, note="Check the figures.")

    assert client.get(article.get_absolute_url()).status_code == 404


# --- scheduled publishing --------------------------------------------------------------------


def test_an_article_scheduled_later_is_published_when_its_time_comes(secretariat, east_asia):
    at = timezone.now() + datetime.timedelta(hours=2)
    article = ArticleFactory(office=east_asia, publish_at=at)

    services.article_publish(article=article, published_by=secretariat)

    article.refresh_from_db()
    assert article.status == ModerationStatus.SUBMITTED
    assert article not in public_articles()
    assert services.articles_publish_due(now=at - datetime.timedelta(minutes=1)) == 0
    assert services.articles_publish_due(now=at + datetime.timedelta(minutes=1)) == 1
    article.refresh_from_db()
    assert article.status == ModerationStatus.PUBLISHED
    assert article.published_at == at
    assert services.articles_publish_due(now=at + datetime.timedelta(minutes=2)) == 0


def test_the_beat_task_publishes_due_articles(secretariat, east_asia):
    from news.tasks import publish_due_articles_task

    article = ArticleFactory(
        office=east_asia, publish_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    services.article_publish(article=article, published_by=secretariat)
    Article.objects.filter(pk=article.pk).update(
        publish_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert publish_due_articles_task.delay().get() == 1
    assert Article.objects.get(pk=article.pk).is_published


def test_a_draft_with_a_publish_time_is_not_published_by_the_clock(east_asia):
    ArticleFactory(office=east_asia, publish_at=timezone.now() - datetime.timedelta(hours=1))

    assert services.articles_publish_due() == 0


# --- lead image ------------------------------------------------------------------------------


def _png(size=(2400, 1200)) -> SimpleUploadedFile:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 75, 140)).save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_the_lead_image_is_re_encoded_and_needs_a_description(east_asia, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    article = ArticleFactory(office=east_asia)

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.lead_image_set(article=article, upload=_png(), alt="  ")
    services.lead_image_set(article=article, upload=_png(), alt="Delegates at EXCOM 2020")
    article.save()

    with Image.open(article.lead_image.path) as stored:
        assert stored.format == "PNG"
        assert max(stored.size) == 1600


def test_the_database_refuses_an_image_without_a_description(east_asia):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ArticleFactory(office=east_asia, lead_image="news/x.png", lead_image_alt="")


# --- public pages ----------------------------------------------------------------------------


def test_the_list_shows_public_articles_only_and_filters(client, east_asia):
    health = CategoryFactory(slug="health", name="Health")
    shown = ArticleFactory(
        office=east_asia, published=True, region=Region.AFRICA, title="Abuja opens"
    )
    shown.categories.add(health)
    ArticleFactory(
        office=east_asia,
        published=True,
        title="Older news",
        published_at=timezone.now().replace(year=2019),
    )
    ArticleFactory(office=east_asia, title="Draft news")
    ArticleFactory(
        office=east_asia,
        published=True,
        title="Future news",
        published_at=timezone.now() + datetime.timedelta(days=1),
    )

    everything = client.get("/news/").content.decode()
    by_category = client.get("/news/", {"category": "health"}).content.decode()
    by_region = client.get("/news/", {"region": "africa"}).content.decode()
    by_year = client.get("/news/", {"year": "2019"}).content.decode()

    assert "Abuja opens" in everything and "Older news" in everything
    assert "Draft news" not in everything and "Future news" not in everything
    assert "Abuja opens" in by_category and "Older news" not in by_category
    assert "Abuja opens" in by_region and "Older news" not in by_region
    assert "Older news" in by_year and "Abuja opens" not in by_year


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_runs_the_same_queries_for_any_number_of_articles(
    client, east_asia, count, django_assert_num_queries
):
    category = CategoryFactory()
    for _ in range(count):
        ArticleFactory(office=east_asia, published=True).categories.add(category)
    client.get("/news/")  # warm-up (caches)

    # the visitors' page is shared: no query
    with django_assert_num_queries(0):
        client.get("/news/")

    # signed in, rendered: the session, the user, the page of articles and their categories
    # (the total and the facets come from the cache)
    client.force_login(UserFactory())
    client.get("/news/")
    with django_assert_num_queries(4):
        response = client.get("/news/")
    assert response.content.decode().count('class="card news-card"') == count


def test_the_list_is_paginated(client, east_asia):
    ArticleFactory.create_batch(13, office=east_asia, published=True)

    second = client.get("/news/", {"page": 2}).content.decode()

    assert second.count('class="card news-card"') == 1


def test_the_detail_page_describes_a_news_article(client, east_asia):
    event = EventFactory(title="EXCOM 2020", slug="excom-2020")
    article = ArticleFactory(
        office=east_asia,
        published=True,
        title="EXCOM meets online",
        published_at=datetime.datetime(2020, 11, 1, 3, tzinfo=datetime.UTC),
        date_precision=DatePrecision.MONTH,
    )
    article.events.add(event)

    html = client.get(article.get_absolute_url()).content.decode()

    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "EXCOM meets online"
    assert data["datePublished"] == "2020-11"
    assert data["publisher"]["name"] == "World Smart Sustainable Cities Organization"
    assert '<meta property="og:type" content="article">' in html
    assert "November 2020" in html
    assert 'href="/events/excom-2020/"' in html


def test_pages_an_article_is_about_show_it(client, east_asia):
    seoul = OrganizationFactory(name="Seoul", slug="seoul")
    event = EventFactory(slug="webinar")
    article = ArticleFactory(office=east_asia, published=True, title="Seoul hosts a webinar")
    article.organizations.add(seoul)
    article.events.add(event)
    draft = ArticleFactory(office=east_asia, title="Unpublished about Seoul")
    draft.organizations.add(seoul)

    profile = client.get("/members/seoul/").content.decode()
    event_page = client.get("/events/webinar/").content.decode()

    assert "Seoul hosts a webinar" in profile and "Unpublished about Seoul" not in profile
    assert "Seoul hosts a webinar" in event_page


def test_the_search_finds_news(client, east_asia):
    ArticleFactory(office=east_asia, published=True, title="The 2030 Masterplan is launched")

    html = client.get("/search/", {"q": "masterplan"}).content.decode()

    assert 'id="group-news"' in html
    assert "2030 <mark>Masterplan</mark> is launched" in html


def test_the_sitemap_lists_public_news(client, east_asia):
    article = ArticleFactory(office=east_asia, published=True)
    draft = ArticleFactory(office=east_asia)

    content = client.get("/sitemap-news.xml").content.decode()

    assert f"http://testserver{article.get_absolute_url()}" in content
    assert draft.get_absolute_url() not in content


# --- feeds -----------------------------------------------------------------------------------


def test_the_news_feeds_are_atom_and_linked_from_every_page(client, east_asia):
    governance = CategoryFactory(slug="governance", name="Governance")
    first = ArticleFactory(office=east_asia, published=True, title="EXCOM", region=Region.EUROPE)
    first.categories.add(governance)
    ArticleFactory(office=east_asia, published=True, title="Awards")

    everything = _parse(client.get("/news/feed/").content)
    by_category = _parse(client.get("/news/feed/category/governance/").content)
    by_region = _parse(client.get("/news/feed/region/europe/").content)

    assert everything.tag == f"{ATOM}feed"
    assert sorted(e.findtext(f"{ATOM}title") for e in everything.iter(f"{ATOM}entry")) == [
        "Awards",
        "EXCOM",
    ]
    assert [e.findtext(f"{ATOM}title") for e in by_category.iter(f"{ATOM}entry")] == ["EXCOM"]
    assert [e.findtext(f"{ATOM}title") for e in by_region.iter(f"{ATOM}entry")] == ["EXCOM"]
    assert client.get("/news/feed/region/atlantis/").status_code == 404
    home = client.get("/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="WeGO news" href="/news/feed/">'
        in home
    )


def test_events_and_calls_have_atom_feeds(client):
    from tests.factories.programs import CallFactory

    EventFactory(title="Smart Health webinar")
    CallFactory(title="Solution Finder 2030")

    events = _parse(client.get("/events/feed/").content)
    calls = _parse(client.get("/programs/calls/feed/").content)

    assert [e.findtext(f"{ATOM}title") for e in events.iter(f"{ATOM}entry")] == [
        "Smart Health webinar"
    ]
    assert [e.findtext(f"{ATOM}title") for e in calls.iter(f"{ATOM}entry")] == [
        "Solution Finder 2030"
    ]
    assert 'href="/events/feed/"' in client.get("/events/").content.decode()


# --- API -------------------------------------------------------------------------------------


def test_the_api_lists_public_news_read_only(client, east_asia, secretariat):
    article = ArticleFactory(office=east_asia, published=True, title="Public")
    ArticleFactory(office=east_asia, title="Draft")

    listing = client.get("/api/v1/news/").json()
    detail = client.get(f"/api/v1/news/{article.slug}/").json()

    assert [item["title"] for item in listing["results"]] == ["Public"]
    assert detail["url"] == article.get_absolute_url()
    assert client.get("/api/v1/news/smart-city-news-does-not-exist/").status_code == 404
    client.force_login(secretariat)
    assert client.post("/api/v1/news/", {"title": "x"}).status_code in (403, 405)


# --- the WeGO data set -----------------------------------------------------------------------


def test_the_wego_data_set_has_its_2020_news_at_the_report_precision(client):
    call_command("load_wego_data", verbosity=0)
    call_command("load_wego_news", verbosity=0)  # idempotent

    articles = {a.import_key: a for a in public_articles()}
    assert len(articles) == 8
    excom = articles["2020-excom"]
    assert excom.date_precision == DatePrecision.MONTH
    assert excom.date_iso == "2020-11"
    assert set(excom.organizations.values_list("slug", flat=True)) == {"abuja", "moscow"}
    president = articles["2020-greetings-president"]
    assert list(president.organizations.values_list("slug", flat=True)) == ["seoul"]
    awarded = set(articles["2020-4th-wego-awards"].organizations.values_list("slug", flat=True))
    assert "makati" in awarded and "seoul" not in awarded  # the cities with a 2020 result
    assert articles["2020-greetings"].date_iso == "2020"
    cauayan = client.get("/members/cauayan/").content.decode()
    assert "Cauayan City selected for the Project Implementer 2020" in cauayan


# --- the home page ---------------------------------------------------------------------------


def test_the_home_page_shows_live_news_events_calls_and_winners(client, east_asia):
    from tests.factories.awards import CategoryFactory as AwardCategoryFactory
    from tests.factories.awards import EditionFactory, EntryFactory
    from tests.factories.programs import CallFactory

    ArticleFactory(office=east_asia, published=True, title="EXCOM meets online")
    ArticleFactory(office=east_asia, title="A draft nobody sees")
    EventFactory(title="Smart Health webinar")
    CallFactory(title="Solution Finder 2031")
    edition = EditionFactory(published=True, year=2020, number=4)
    EntryFactory(
        category=AwardCategoryFactory(edition=edition, name="Mobility"),
        project_title="Smart bus stops",
        winner=True,
    )

    html = client.get("/").content.decode()

    assert "EXCOM meets online" in html and "A draft nobody sees" not in html
    assert "Smart Health webinar" in html
    assert "Solution Finder 2031" in html
    assert "Winners of the 4th WeGO Awards 2020" in html and "Smart bus stops" in html


@pytest.mark.parametrize("count", [1, 3])
def test_the_api_list_runs_the_same_queries_for_any_number_of_articles(
    client, east_asia, count, django_assert_num_queries
):
    category = CategoryFactory()
    for _ in range(count):
        ArticleFactory(office=east_asia, published=True).categories.add(category)
    client.get("/api/v1/news/")  # warm-up: the total is counted once and kept a minute

    # the page of articles, their categories, organizations and events
    with django_assert_num_queries(4):
        listing = client.get("/api/v1/news/").json()
    assert listing["count"] == count
    assert len(listing["results"]) == count


def test_the_list_total_follows_the_articles_within_a_minute(client, east_asia):
    ArticleFactory(office=east_asia, published=True)
    assert client.get("/api/v1/news/").json()["count"] == 1
    ArticleFactory(office=east_asia, published=True)
    cache.clear()  # what the minute's expiry does
    assert client.get("/api/v1/news/").json()["count"] == 2
