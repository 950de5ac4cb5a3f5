"""The news back office: office staff see and edit their office's articles only."""

import re

import pytest

from news.models import Article
from tests.factories.news import ArticleFactory
from wego_portal.moderation.enums import ModerationStatus

pytestmark = pytest.mark.django_db


def test_office_staff_list_only_their_office_articles(client, chengdu_staff, east_asia, eurasia):
    ArticleFactory(office=east_asia, title="Chengdu story")
    ArticleFactory(office=eurasia, title="Ulyanovsk story")
    client.force_login(chengdu_staff)

    html = client.get("/admin/news/article/", {"status": "all"}).content.decode()

    assert "Chengdu story" in html
    assert "Ulyanovsk story" not in html


def test_office_staff_cannot_open_another_office_article(client, chengdu_staff, eurasia):
    other = ArticleFactory(office=eurasia)
    client.force_login(chengdu_staff)

    response = client.get(f"/admin/news/article/{other.pk}/change/")

    assert response.status_code in (302, 404)
    assert response.status_code == 404 or response["Location"] == "/admin/"


def test_the_publish_action_checks_each_row(client, chengdu_staff, east_asia, eurasia):
    own = ArticleFactory(office=east_asia)
    other = ArticleFactory(office=eurasia)
    client.force_login(chengdu_staff)

    client.post(
        "/admin/news/article/?status=all",
        {"action": "publish", "_selected_action": [own.pk, other.pk]},
    )

    assert Article.objects.get(pk=own.pk).status == ModerationStatus.PUBLISHED
    assert Article.objects.get(pk=other.pk).status == ModerationStatus.DRAFT


def test_the_editor_loads_as_a_module_file_without_inline_script(client, secretariat, east_asia):
    article = ArticleFactory(office=east_asia)
    client.force_login(secretariat)

    html = client.get(f"/admin/news/article/{article.pk}/change/").content.decode()

    assert re.search(r'<script src="/static/js/news-editor\.js"[^>]* type="module">', html)
    assert 'data-news-editor=""' in html
    inline = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and "application/json" not in tag and "ld+json" not in tag
    ]
    assert inline == []


def test_saving_in_the_admin_sanitises_the_body(client, secretariat, east_asia):
    client.force_login(secretariat)

    response = client.post(
        "/admin/news/article/add/",
        {
            "title_en": "EXCOM 2020",
            "slug": "excom-2020",
            "summary_en": "Online.",
            "body_en": '<p onclick="x()">Hello <script>alert(1)</script><a href="javascript:x">l</a></p>',
            "office": east_asia.pk,
            "region": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="excom-2020")
    assert article.body_en == '<p>Hello <a rel="noopener noreferrer nofollow">l</a></p>'
    assert article.created_by == secretariat
