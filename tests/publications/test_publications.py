"""The library: public documents, filters, counted downloads with the right headers, the
portal's own published annual reports, PDFs checked by content."""

import json
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from publications.admin import PublicationForm
from publications.models import Kind, Publication
from reports.enums import RunState
from tests.factories.publications import PDF_BYTES, PublicationFactory
from tests.factories.reports import ReportRunFactory

pytestmark = pytest.mark.django_db


def test_the_library_lists_published_documents_and_filters(client):
    PublicationFactory(title="Smart parking guide", year=2019, languages=["en", "ko"])
    PublicationFactory(title="Health slides", kind=Kind.SLIDES, topic="health", year=2020)
    PublicationFactory(title="Hidden draft", is_published=False)

    everything = client.get("/publications/").content.decode()
    slides = client.get("/publications/", {"kind": "slides"}).content.decode()
    korean = client.get("/publications/", {"language": "ko"}).content.decode()
    by_year = client.get("/publications/", {"year": "2019"}).content.decode()

    assert "Smart parking guide" in everything and "Health slides" in everything
    assert "Hidden draft" not in everything
    assert "Health slides" in slides and "Smart parking guide" not in slides
    assert "Smart parking guide" in korean and "Health slides" not in korean
    assert "Smart parking guide" in by_year and "Health slides" not in by_year
    assert client.get("/publications/", {"kind": "\x00", "year": "²"}).status_code == 200


def test_an_empty_library_says_why_instead_of_offering_filters(client):
    PublicationFactory(title="Hidden draft", is_published=False)

    empty = client.get("/publications/").content.decode()
    filtered = client.get("/publications/", {"kind": "slides"}).content.decode()

    assert "The library has no documents yet." in empty
    assert 'class="filter"' not in empty
    assert "No publication matches these filters." in filtered  # a filter that finds nothing
    assert 'class="filter"' in filtered


def test_a_download_is_a_counted_pdf_attachment(client):
    publication = PublicationFactory(slug="masterplan")

    response = client.get("/publications/masterplan/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="masterplan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    publication.refresh_from_db()
    assert publication.download_count == 1


def test_unpublished_documents_are_not_found(client):
    PublicationFactory(slug="draft", is_published=False)

    assert client.get("/publications/draft/").status_code == 404
    assert client.get("/publications/draft/download/").status_code == 404


def test_published_annual_report_runs_join_the_library(client, settings, tmp_path):
    run = ReportRunFactory(year=2020, language="en", state=RunState.DONE)
    run.pdf.save("report.pdf", ContentFile(PDF_BYTES))
    unpublished = ReportRunFactory(year=2019, language="en", state=RunState.DONE)
    unpublished.pdf.save("report-2019.pdf", ContentFile(PDF_BYTES))
    run.published_at = timezone.now()
    run.save()

    html = client.get("/publications/").content.decode()

    assert f'href="/numbers/annual-reports/{run.pk}.pdf" hreflang="en"' in html
    assert f'href="/numbers/annual-reports/{unpublished.pk}.pdf"' not in html
    assert "WeGO annual report 2020 (English, PDF)" in html
    assert "1 publication<" in html
    korean = client.get("/ko/publications/").content.decode()
    assert "(영어, PDF)" in korean
    guidelines = client.get("/publications/", {"kind": "guidelines"}).content.decode()
    assert "annual-reports" not in guidelines


def test_the_page_describes_a_report(client):
    publication = PublicationFactory(slug="masterplan", title="WeGO 2030 Masterplan")

    html = client.get(publication.get_absolute_url()).content.decode()

    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    assert data["@type"] == "Report"
    assert data["name"] == "WeGO 2030 Masterplan"
    assert data["datePublished"] == "2020"
    assert data["encoding"]["contentUrl"] == "http://testserver/publications/masterplan/download/"


def test_the_admin_form_checks_the_pdf_by_its_content():
    def form(content):
        return PublicationForm(
            data={
                "title": "Guide",
                "slug": "guide",
                "kind": "guidelines",
                "topic": "smart_city",
                "year": 2020,
                "languages": ["en"],
                "is_published": True,
            },
            files={"file": SimpleUploadedFile("guide.pdf", content, "application/pdf")},
        )

    assert not form(b"<html><script>alert(1)</script></html>").is_valid()
    assert form(PDF_BYTES).is_valid()


def test_search_sitemap_feed_and_api_include_publications(client):
    PublicationFactory(title="Smart Health guidelines", slug="health-guidelines")
    Publication.objects.create(
        title="Hidden", slug="hidden", kind="other", topic="health", year=2020, is_published=False
    )

    search = client.get("/search/", {"q": "guidelines"}).content.decode()
    sitemap = client.get("/sitemap-publications.xml").content.decode()
    feed = client.get("/publications/feed/").content.decode()
    api = client.get("/api/v1/publications/").json()

    assert 'id="group-publications"' in search
    assert "http://testserver/publications/health-guidelines/" in sitemap
    assert "/publications/hidden/" not in sitemap
    assert "Smart Health guidelines" in feed
    assert [item["slug"] for item in api["results"]] == ["health-guidelines"]
