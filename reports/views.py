"""The public "WeGO in numbers" page, the annual report (HTML) and its PDF runs (staff)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wego_portal.files import private_file_response
from wego_portal.permissions import get_permitted_object_or_404

from . import selectors, services
from .enums import RunState
from .forms import FIRST_REPORT_YEAR, ReportRunRequestForm
from .models import ReportRun
from .presentation import numbers_context, report_context


def numbers(request: HttpRequest) -> HttpResponse:
    from django.utils.safestring import mark_safe

    context = dict(numbers_context())
    context["map"] = mark_safe(context["map"])  # noqa: S308  # nosec B308 B703 (built escaped)
    context["published_reports"] = selectors.published_reports_for_page()
    return render(request, "reports/numbers.html", context)


def published_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """A published annual report PDF, for anyone (withdrawn or unfinished runs are 404)."""
    run = get_object_or_404(selectors.published_report_runs(), pk=pk)
    return private_file_response(
        run.pdf, download_name=f"wego-annual-report-{run.year}-{run.language}.pdf"
    )


@login_required
@require_http_methods(["GET", "POST"])
def run_new(request: HttpRequest) -> HttpResponse:
    """Generate an annual report PDF: choose the year and language, then follow its progress."""
    if not request.user.has_perm("reports.add_reportrun"):
        raise Http404
    form = ReportRunRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run = services.report_run_request(
            year=form.cleaned_data["year"],
            language=form.cleaned_data["language"],
            requested_by=request.user,
        )
        return redirect(run.get_absolute_url())
    recent = ReportRun.objects.select_related("requested_by")[:10]
    return render(request, "reports/run_new.html", {"form": form, "recent": recent})


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a finished run on "WeGO in numbers", or withdraw it."""
    run = get_permitted_object_or_404(
        request.user, "reports.publish_reportrun", ReportRun.objects.all(), pk=pk
    )
    try:
        if request.POST.get("action") == "unpublish":
            services.report_run_unpublish(run=run, by=request.user)
            messages.success(request, _("The report is no longer offered to visitors."))
        else:
            services.report_run_publish(run=run, by=request.user)
            messages.success(
                request,
                _("The %(year)s report is now offered to visitors on “WeGO in numbers”.")
                % {"year": run.year},
            )
    except services.ReportError as error:
        messages.error(request, str(error))
    return redirect(run.get_absolute_url())


# --- The annual report -------------------------------------------------------------------------


def _report_year(year: int) -> int:
    if not FIRST_REPORT_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


@login_required
def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    """The annual report of ``year`` as a printable page (Secretariat staff only)."""
    if not request.user.has_perm("reports.view_annual_report"):
        raise Http404
    data = selectors.annual_report(_report_year(year))
    return render(request, "reports/annual_report.html", report_context(data))


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_permitted_object_or_404(
        request.user,
        "reports.view_reportrun",
        ReportRun.objects.select_related("requested_by"),
        pk=pk,
    )
    return render(request, "reports/run.html", {"run": run})


@login_required
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The run's progress as JSON, for the progress page's polling script."""
    run = get_permitted_object_or_404(
        request.user, "reports.view_reportrun", ReportRun.objects.all(), pk=pk
    )
    response = JsonResponse(
        {
            "state": run.state,
            "state_label": run.get_state_display(),
            "progress": run.progress,
            "message": run.message,
            "finished": run.is_finished,
            "download_url": run.get_download_url() if run.state == RunState.DONE else "",
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def run_download(request: HttpRequest, pk: int) -> FileResponse:
    run = get_permitted_object_or_404(
        request.user, "reports.view_reportrun", ReportRun.objects.all(), pk=pk
    )
    if run.state != RunState.DONE or not run.pdf:
        raise Http404
    return private_file_response(run.pdf, download_name=f"wego-annual-report-{run.year}.pdf")
