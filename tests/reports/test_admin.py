from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from reports.enums import RunState
from reports.models import ReportRun
from tests.factories.accounts import UserFactory
from tests.factories.reports import ReportRunFactory


def test_generate_page_makes_the_pdf_and_redirects_to_progress(
    client, secretariat, wego_data, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)

    form = client.get(reverse("reports:run_new"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:run_new"), {"year": "2020", "language": "en"})

    run = ReportRun.objects.get()
    assert form.context["form"]["year"].value() == timezone.localdate().year - 1
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run", args=[run.pk])
    assert (run.year, run.language, run.requested_by, run.state, run.progress) == (
        2020,
        "en",
        secretariat,
        RunState.DONE,
        100,
    )
    assert run.pdf.read(5) == b"%PDF-"


def test_generate_page_refuses_a_year_before_wego_and_an_unknown_language(client, secretariat):
    client.force_login(secretariat)

    response = client.post(reverse("reports:run_new"), {"year": "2009", "language": "xx"})

    assert set(response.context["form"].errors) == {"year", "language"}
    assert not ReportRun.objects.exists()


def test_admin_add_goes_to_the_generate_page(client, secretariat):
    client.force_login(secretariat)

    response = client.get(reverse("admin:reports_reportrun_add"))

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run_new")


def test_admin_run_page_is_read_only_with_download_link(client, secretariat):
    run = ReportRunFactory(state=RunState.DONE, progress=100)
    run.pdf.save("report.pdf", ContentFile(b"%PDF"))
    client.force_login(secretariat)

    response = client.get(reverse("admin:reports_reportrun_change", args=[run.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/numbers/report-runs/{run.pk}/pdf/"' in html
    assert 'name="year"' not in html


def test_admin_refuses_staff_outside_secretariat(client, db):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("admin:reports_reportrun_changelist"))

    assert response.status_code == 403


def test_admin_index_shows_numbers_block(client, secretariat):
    client.force_login(secretariat)

    html = client.get(reverse("admin:index")).content.decode()

    assert '<a href="/numbers/">WeGO in numbers (public page)</a>' in html
    assert f'<a href="{reverse("reports:run_new")}">' in html
