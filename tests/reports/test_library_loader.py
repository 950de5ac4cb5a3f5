"""`load_wego_library`: the 2020 annual report rendered from the data set and published, so the
library is not empty after `make run`; idempotent, and a machine that cannot lay out PDFs keeps
one failed run that the next load takes up again."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports import services
from reports.enums import RunState
from reports.models import ReportRun
from tests.module_data import load_wego_data


def load(*languages: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = [f"--language={language}" for language in languages]
    call_command("load_wego_library", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_loader_publishes_the_report_once_and_the_library_offers_it(client):
    load_wego_data()  # in this test: it commits, so the module's data set is not for it
    out, err = load("en")

    assert out.strip() == "Annual report 2020 (en): published"
    assert err == ""
    run = ReportRun.objects.get()
    assert (run.year, run.language, run.state) == (2020, "en", RunState.DONE)
    assert run.published_at is not None and run.requested_by is None
    assert run.pdf.open("rb").read(5) == b"%PDF-"

    page = client.get("/publications/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="{reverse("reports:published_pdf", args=[run.pk])}" hreflang="en"' in html
    assert "WeGO annual report 2020 (English, PDF)" in html
    assert "1 publication<" in html

    load("en")
    assert ReportRun.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_render_is_reported_and_retried_on_the_same_run(wego_data, monkeypatch):
    def broken(html):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(services, "render_document", broken)
    out, err = load("ko")

    assert out == ""
    assert "Annual report 2020 (ko) not rendered" in err
    assert "libpango" in err
    failed = ReportRun.objects.get()
    assert (failed.state, failed.published_at) == (RunState.FAILED, None)

    monkeypatch.undo()
    out, _err = load("ko")

    assert out.strip() == "Annual report 2020 (ko): published"
    run = ReportRun.objects.get()
    assert run.pk == failed.pk
    assert run.state == RunState.DONE and run.published_at is not None


@pytest.mark.django_db
def test_a_run_the_secretariat_unpublished_is_left_alone(wego_data, monkeypatch):
    from tests.factories.accounts import UserFactory

    officer = UserFactory(is_staff=True, is_superuser=True)
    withdrawn = ReportRun.objects.create(
        year=2020, language="en", requested_by=officer, state=RunState.DONE, progress=100
    )

    def broken(html):
        raise OSError("no Pango here")

    monkeypatch.setattr(services, "render_document", broken)

    load("en")

    withdrawn.refresh_from_db()
    assert withdrawn.published_at is None
    assert ReportRun.objects.count() == 2
