"""Article bodies are sanitised on save: whatever saves them, nothing active is stored."""

import pytest

from news.html import clean_html
from tests.factories.news import ArticleFactory


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>"),
        ('<p onclick="alert(1)" onmouseover="x()">Hi</p>', "<p>Hi</p>"),
        (
            '<a href="javascript:alert(1)">x</a>',
            '<a rel="noopener noreferrer nofollow">x</a>',
        ),
        (
            '<a href="JaVaScRiPt:alert(1)" title="t">x</a>',
            '<a title="t" rel="noopener noreferrer nofollow">x</a>',
        ),
        ('<p style="color:red">x</p><style>p{}</style>', "<p>x</p>"),
        ('<img src="x" onerror="alert(1)"><iframe src="//evil"></iframe>', ""),
        ("<svg><script>alert(1)</script></svg><object data=x></object>", ""),
        (
            '<a href="https://wego-cities.org/" target="_blank">WeGO</a>',
            '<a href="https://wego-cities.org/" rel="noopener noreferrer nofollow">WeGO</a>',
        ),
        (
            "<h2>Title</h2><ul><li><strong>a</strong></li></ul><blockquote>q</blockquote>",
            "<h2>Title</h2><ul><li><strong>a</strong></li></ul><blockquote>q</blockquote>",
        ),
        ("<!-- secret --><p>x</p>", "<p>x</p>"),
    ],
)
def test_clean_html_keeps_structure_and_removes_everything_active(dirty, clean):
    assert clean_html(dirty) == clean


@pytest.mark.django_db
def test_every_language_of_the_body_is_sanitised_on_save():
    article = ArticleFactory(body='<p onclick="x()">Hello<script>alert(1)</script></p>')
    article.body_ko = '<p style="x">안녕</p><a href="javascript:alert(1)">x</a>'
    article.save()

    article.refresh_from_db()
    assert article.body == "<p>Hello</p>"
    assert article.body_en == "<p>Hello</p>"
    assert article.body_ko == '<p>안녕</p><a rel="noopener noreferrer nofollow">x</a>'


@pytest.mark.django_db
def test_queryset_update_cannot_be_read_unsanitised_by_the_page(client):
    """The page shows the stored (sanitised) body: a raw update is cleaned at the next save,
    and the page escapes nothing the sanitiser kept."""
    article = ArticleFactory(published=True, body="<p>ok</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<p>ok</p>" in html
