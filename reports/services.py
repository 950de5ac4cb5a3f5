"""Writes of the reports app: requesting an annual report PDF and recording its progress."""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wego_portal.permissions import require

from .enums import RunState
from .models import ReportRun

logger = logging.getLogger(__name__)


class ReportError(Exception):
    """A report run cannot make the move asked for."""


def report_run_request(*, year: int, requested_by, language: str = "en") -> ReportRun:
    """Record a request for the annual report of ``year`` in ``language`` and queue its
    generation (``reports.add_reportrun``: the Secretariat).

    Side effects: creates a queued ``ReportRun``; after commit, queues
    ``generate_annual_report_task`` with its id.
    """
    require(requested_by, "reports.add_reportrun")
    from .tasks import generate_annual_report_task

    with transaction.atomic():
        codes = [code for code, _name in settings.LANGUAGES]
        if language and language not in codes:
            raise ValueError(f"Unknown language: {language!r}")
        run = ReportRun.objects.create(
            year=year,
            language=language or settings.LANGUAGE_CODE,
            requested_by=requested_by,
            message=_("Waiting for a worker."),
        )
        transaction.on_commit(lambda: generate_annual_report_task.delay(run.pk))
    return run


def report_run_progress(*, run: ReportRun, progress: int, message: str) -> None:
    """Record how far the generation has got (committed at once, so pollers see it)."""
    run.state = RunState.RUNNING
    run.progress = max(0, min(progress, 99))
    run.message = message[:300]
    ReportRun.objects.filter(pk=run.pk).update(
        state=run.state, progress=run.progress, message=run.message
    )


def figures_changed() -> None:
    """After commit, the cached numbers page is rebuilt (a new figures version). Every write
    of a published figure calls it: the back office's saves and deletions, and the loader."""
    from .selectors import FIGURES_VERSION

    transaction.on_commit(FIGURES_VERSION.bump)


def annual_report_html(*, year: int, data: dict | None = None) -> str:
    """The standalone HTML document of the annual report, as printed and turned into PDF."""
    from .presentation import report_context
    from .selectors import annual_report

    data = data if data is not None else annual_report(year)
    return render_to_string("reports/annual_report_document.html", report_context(data))


def report_run_generate(*, run: ReportRun) -> ReportRun:
    """Build the PDF of ``run``'s annual report, in the run's language, and keep it in private
    storage.

    Side effects: updates ``run``'s state and progress as it goes (running → done, or failed
    with the error message), saves the PDF file, sets ``finished_at``. Idempotent: a run that
    is already done is left as it is.
    """
    from .selectors import annual_report

    if run.state == RunState.DONE:
        return run
    with translation.override(run.language):
        return _generate(run, annual_report)


def _generate(run: ReportRun, annual_report) -> ReportRun:
    try:
        report_run_progress(run=run, progress=10, message=_("Collecting the figures."))
        data = annual_report(run.year)
        report_run_progress(run=run, progress=40, message=_("Writing the report."))
        html = annual_report_html(year=run.year, data=data)
        report_run_progress(run=run, progress=60, message=_("Laying out the PDF pages."))
        document = render_document(html)
        pages = len(document.pages)
        report_run_progress(run=run, progress=80, message=_("Writing the PDF file."))
        pdf = document.write_pdf()
        report_run_progress(run=run, progress=90, message=_("Saving the PDF."))
        with transaction.atomic():
            run.pdf.save(f"wego-annual-report-{run.year}.pdf", ContentFile(pdf), save=False)
            run.state = RunState.DONE
            run.progress = 100
            run.message = _("The PDF is ready (%(pages)s pages).") % {"pages": pages}
            run.finished_at = timezone.now()
            run.save(update_fields=["pdf", "state", "progress", "message", "finished_at"])
    except Exception as error:
        logger.exception("Annual report run %s failed", run.pk)
        run.state = RunState.FAILED
        run.message = (_("The PDF could not be made: %(error)s") % {"error": error})[:300]
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "message", "finished_at"])
    return run


@transaction.atomic
def report_run_publish(*, run: ReportRun, by) -> ReportRun:
    """Make ``run``'s PDF the public annual report of its year and language.

    Refuses a run that is not done (``ReportError``). Side effects: the run of the same year
    and language published before is withdrawn, so visitors always get one report a year.
    """
    require(by, "reports.publish_reportrun", run)
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    if run.state != RunState.DONE or not run.pdf:
        raise ReportError(_("Only a finished PDF can be published."))
    ReportRun.objects.filter(
        year=run.year, language=run.language, published_at__isnull=False
    ).exclude(pk=run.pk).update(published_at=None)
    if run.published_at is None:
        run.published_at = timezone.now()
        run.save(update_fields=["published_at"])
    transaction.on_commit(_forget_published_reports)
    return run


@transaction.atomic
def report_run_unpublish(*, run: ReportRun, by) -> ReportRun:
    """Withdraw ``run`` from the portal (its PDF stays available to staff)."""
    require(by, "reports.publish_reportrun", run)
    ReportRun.objects.filter(pk=run.pk).update(published_at=None)
    run.published_at = None
    transaction.on_commit(_forget_published_reports)
    return run


def _forget_published_reports() -> None:
    from django.core.cache import cache

    from .selectors import PUBLISHED_REPORTS_CACHE_KEY

    cache.delete(PUBLISHED_REPORTS_CACHE_KEY)


def render_document(html: str):
    """The WeasyPrint document of ``html`` (its ``pages`` can be counted and inspected)."""
    from django.conf import settings
    from weasyprint import CSS, HTML

    stylesheet = settings.BASE_DIR / "static" / "css" / "report-print.css"
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static")).render(
        stylesheets=[CSS(filename=str(stylesheet))]
    )


def report_run_load(*, year: int, language: str) -> ReportRun:
    """The data set's annual report of ``year`` in ``language``, generated here and published
    when none is published yet (the loader's path: no officer asks, no worker is needed).

    Idempotent: an already published run of that year and language is returned untouched.
    Side effects: creates a run, writes its PDF (``report_run_generate``) and publishes it; a
    run that fails to render stays failed and unpublished, with the error as its message.
    """
    published = ReportRun.objects.filter(
        year=year, language=language, state=RunState.DONE, published_at__isnull=False
    ).first()
    if published is not None:
        return published
    # The loader's own earlier run (nobody requested it) is taken up again rather than piling
    # up failed runs on a machine that cannot lay out PDFs.
    run = ReportRun.objects.filter(
        year=year, language=language, requested_by=None, published_at__isnull=True
    ).first() or ReportRun(year=year, language=language)
    if run.state == RunState.FAILED:
        run.state, run.progress = RunState.QUEUED, 0
    run.message = ""
    run.save()
    run = report_run_generate(run=run)
    if run.state == RunState.DONE:
        run.published_at = timezone.now()
        run.save(update_fields=["published_at"])
        transaction.on_commit(_forget_published_reports)
    return run
