import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from reports.enums import RunState
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory
from tests.factories.members import OrganizationFactory
from tests.factories.reports import ReportRunFactory

NUMBERS_URL = "/numbers/"


def test_numbers_url_name():
    assert reverse("reports:numbers") == NUMBERS_URL


def test_numbers_page_shows_figures_charts_and_map(client, wego_data):
    response = client.get(NUMBERS_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="stat__number">166</span> members' in html
    assert '<span class="stat__number">154</span> local governments' in html
    assert html.count('src="data:image/svg+xml;base64,') == 4
    assert 'class="world-map"' in html
    assert '<th scope="row">Q4 2020</th><td class="num">7</td>' in html
    assert "451" in html  # Q4 2020 participants: EXCOM 331 + webinar 120


def test_numbers_page_has_no_inline_script_or_style(client, wego_data):
    response = client.get(NUMBERS_URL)

    html = response.content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert " style=" not in html
    assert "<style" not in html


def test_numbers_page_chart_svgs_carry_no_script(client, wego_data):
    import base64

    html = client.get(NUMBERS_URL).content.decode()
    svgs = [base64.b64decode(m) for m in re.findall(r"data:image/svg\+xml;base64,([^\"]+)", html)]

    assert len(svgs) == 4
    assert all(b"<script" not in svg for svg in svgs)
    assert all(svg.startswith(b"<?xml") for svg in svgs)


@pytest.mark.parametrize("members", [2, 20])
def test_numbers_page_query_count_constant(client, db, django_assert_num_queries, members):
    OrganizationFactory.create_batch(members, joined_on=datetime.date(2020, 3, 1))
    EventFactory.create_batch(members, participant_count=10)

    # Five for the figures, one for WeGO's published figures (none here), one for the published
    # annual reports (each cached afterwards).
    with django_assert_num_queries(7):
        response = client.get(NUMBERS_URL)

    assert response.status_code == 200


def test_numbers_page_cached_until_directory_changes(client, db, django_assert_num_queries):
    OrganizationFactory(joined_on=datetime.date(2020, 3, 1))
    client.get(NUMBERS_URL)

    with django_assert_num_queries(0):
        cached = client.get(NUMBERS_URL)
    OrganizationFactory(joined_on=datetime.date(2020, 4, 1))
    from members.selectors import bump_directory_version

    bump_directory_version()  # what Organization.save() queues on commit
    fresh = client.get(NUMBERS_URL)

    assert '<span class="stat__number">1</span> members' in cached.content.decode()
    assert '<span class="stat__number">2</span> members' in fresh.content.decode()


def test_home_and_footer_link_to_numbers(client, db):
    html = client.get("/").content.decode()

    assert html.count(f'href="{NUMBERS_URL}"') >= 1
    assert '<li><a href="/numbers/">WeGO in numbers</a></li>' in html


def test_annual_report_page_for_secretariat(client, secretariat, wego_data):
    client.force_login(secretariat)

    response = client.get(reverse("reports:annual_report", args=[2020]))

    html = response.content.decode()
    assert response.status_code == 200
    # WeGO's published figures lead; the portal's own counts are labelled as such.
    assert "209 members as of December 2020" in html
    assert "Up 39% since 2018" in html
    assert "In the portal's records: 166 members." in html
    assert "In the portal's records: up 19% since 2018." in html
    assert "166 members as of December 2020" not in html
    assert "New members 2019–2020" in html
    assert "Corporations | 7" in html
    assert "WeGO EXCOM 2020" in html
    assert "331 participants" in html
    assert "924 viewers" in html
    assert "18 results" in html
    assert "Smart City Institute Japan" in html
    assert 'href="/static/css/report-print.css" media="print"' in html


@pytest.mark.parametrize("is_staff", [False, True])
def test_annual_report_page_refused_to_others(client, db, is_staff):
    client.force_login(UserFactory(is_staff=is_staff))

    response = client.get(reverse("reports:annual_report", args=[2020]))

    assert response.status_code == 404


def test_annual_report_page_asks_anonymous_to_log_in(client, db):
    response = client.get(reverse("reports:annual_report", args=[2020]))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_annual_report_page_unknown_year_404(client, secretariat):
    client.force_login(secretariat)

    response = client.get(reverse("reports:annual_report", args=[1999]))

    assert response.status_code == 404


def test_run_status_json(client, secretariat):
    run = ReportRunFactory(state=RunState.RUNNING, progress=40, message="Writing the report.")
    client.force_login(secretariat)

    response = client.get(reverse("reports:run_status", args=[run.pk]))

    assert response.json() == {
        "state": "running",
        "state_label": "Running",
        "progress": 40,
        "message": "Writing the report.",
        "finished": False,
        "download_url": "",
    }
    assert response["Cache-Control"] == "no-store"


def test_run_page_polls_while_running(client, secretariat):
    run = ReportRunFactory(state=RunState.RUNNING, progress=40)
    client.force_login(secretariat)

    html = client.get(reverse("reports:run", args=[run.pk])).content.decode()

    assert f'data-status-url="/numbers/report-runs/{run.pk}/status/"' in html
    assert 'src="/static/js/reports-progress.js"' in html
    assert '<meta http-equiv="refresh" content="5">' in html


def test_run_download_serves_private_pdf_to_secretariat(client, secretariat):
    run = ReportRunFactory(state=RunState.DONE, progress=100)
    run.pdf.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    client.force_login(secretariat)

    response = client.get(reverse("reports:run_download", args=[run.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert response["Content-Disposition"] == 'attachment; filename="wego-annual-report-2020.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["run", "run_status", "run_download"])
def test_run_views_refuse_non_secretariat_staff(client, db, name):
    run = ReportRunFactory(state=RunState.DONE, progress=100)
    run.pdf.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse(f"reports:{name}", args=[run.pk]))

    assert response.status_code == 404


def test_run_download_404_until_done(client, secretariat):
    run = ReportRunFactory(state=RunState.RUNNING)
    client.force_login(secretariat)

    response = client.get(reverse("reports:run_download", args=[run.pk]))

    assert response.status_code == 404


# --- Publishing a run --------------------------------------------------------------------------


@pytest.fixture
def finished_run(db):
    run = ReportRunFactory(state=RunState.DONE, progress=100, year=2020)
    run.pdf.save("report.pdf", ContentFile(b"%PDF-1.7 report"))
    return run


def test_publishing_a_run_offers_it_to_visitors(client, secretariat, finished_run):
    client.force_login(secretariat)

    response = client.post(
        reverse("reports:run_publish", args=[finished_run.pk]), {"action": "publish"}
    )
    client.logout()
    numbers = client.get(NUMBERS_URL).content.decode()
    download = client.get(reverse("reports:published_pdf", args=[finished_run.pk]))

    finished_run.refresh_from_db()
    assert response.status_code == 302
    assert finished_run.published_at is not None
    assert reverse("reports:published_pdf", args=[finished_run.pk]) in numbers
    assert "WeGO annual report 2020" in numbers
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.7 report"


def test_publishing_replaces_the_report_of_the_same_year(client, secretariat, finished_run):
    newer = ReportRunFactory(state=RunState.DONE, progress=100, year=2020)
    newer.pdf.save("report.pdf", ContentFile(b"%PDF-1.7 newer"))
    client.force_login(secretariat)

    client.post(reverse("reports:run_publish", args=[finished_run.pk]), {"action": "publish"})
    client.post(reverse("reports:run_publish", args=[newer.pk]), {"action": "publish"})

    finished_run.refresh_from_db()
    newer.refresh_from_db()
    assert finished_run.published_at is None
    assert newer.published_at is not None
    assert client.get(reverse("reports:published_pdf", args=[finished_run.pk])).status_code == 404


def test_unpublished_or_unfinished_runs_are_not_public(client, secretariat, finished_run):
    queued = ReportRunFactory(state=RunState.QUEUED)
    client.force_login(secretariat)

    refused = client.post(reverse("reports:run_publish", args=[queued.pk]), {"action": "publish"})

    queued.refresh_from_db()
    assert queued.published_at is None
    assert refused.status_code == 302
    client.logout()
    assert client.get(reverse("reports:published_pdf", args=[finished_run.pk])).status_code == 404
    assert client.get(reverse("reports:published_pdf", args=[queued.pk])).status_code == 404


def test_only_the_secretariat_publishes(client, finished_run):
    client.force_login(UserFactory(is_staff=True))

    response = client.post(
        reverse("reports:run_publish", args=[finished_run.pk]), {"action": "publish"}
    )

    finished_run.refresh_from_db()
    assert response.status_code == 404
    assert finished_run.published_at is None
