import pytest

from reports import services, tasks
from reports.enums import RunState
from reports.models import ReportRun
from tests.factories.reports import ReportRunFactory


def test_report_run_request_queues_generation_after_commit(
    secretariat, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks.generate_annual_report_task, "delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_request(year=2020, requested_by=secretariat)

    assert (run.state, run.progress, run.requested_by) == (RunState.QUEUED, 0, secretariat)
    assert queued == [run.pk]


def test_generate_task_makes_the_2020_pdf_from_the_report_html(wego_data, secretariat):
    run = ReportRunFactory(year=2020, requested_by=secretariat)

    tasks.generate_annual_report_task(run.pk)

    run.refresh_from_db()
    pdf = run.pdf.read()
    assert run.state == RunState.DONE
    assert run.progress == 100
    assert run.finished_at is not None
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 20_000
    assert run.message.startswith("The PDF is ready (")


def test_annual_report_document_pages_and_key_figures(wego_data):
    html = services.annual_report_html(year=2020)

    document = services.render_document(html)

    assert len(document.pages) >= 4
    # WeGO's published figures lead; the portal's own counts are labelled as such.
    assert "209 members as of December 2020" in html
    assert "Up 39% since 2018" in html
    assert "In the portal's records: 166 members." in html
    assert "In the portal's records: up 19% since 2018." in html
    assert "166 members as of December 2020" not in html
    assert "331 participants" in html
    assert "24 speakers" in html
    assert "924 viewers" in html
    assert "Local governments | 14" in html
    assert "Corporations | 7" in html
    assert "Institutions | 5" in html
    assert "4th WeGO Awards 2020: 18 results" in html
    assert "<script" not in html


def test_generate_records_failure(secretariat, monkeypatch):
    run = ReportRunFactory(year=2020, requested_by=secretariat)

    def broken(html):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(services, "render_document", broken)
    services.report_run_generate(run=run)

    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert run.message == "The PDF could not be made: no fonts"
    assert run.finished_at is not None
    assert not run.pdf


def test_generate_leaves_a_done_run_alone(secretariat):
    run = ReportRunFactory(state=RunState.DONE, progress=100, message="Done before.")

    services.report_run_generate(run=run)

    run.refresh_from_db()
    assert (run.state, run.message) == (RunState.DONE, "Done before.")


def test_generate_task_missing_run_logs_and_returns(db, caplog):
    tasks.generate_annual_report_task(999_999)

    assert "Annual report run 999999 no longer exists" in caplog.text
    assert ReportRun.objects.count() == 0


@pytest.mark.parametrize("progress, expected", [(-5, 0), (40, 40), (150, 99)])
def test_report_run_progress_clamped_and_saved(db, progress, expected):
    run = ReportRunFactory()

    services.report_run_progress(run=run, progress=progress, message="Working.")

    run.refresh_from_db()
    assert (run.state, run.progress, run.message) == (RunState.RUNNING, expected, "Working.")
