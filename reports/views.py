"""The public "WeGO in numbers" page, the annual report (HTML) and its PDF runs (staff)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.enums import MemberType
from members.selectors import directory_version
from wego_portal.files import private_file_response
from wego_portal.permissions import get_permitted_object_or_404
from wego_portal.worldmap import world_map_svg

from . import charts, selectors, services
from .enums import RunState
from .forms import FIRST_REPORT_YEAR, ReportRunRequestForm
from .models import ReportRun

#: The page's figures also come from events and awards, which do not bump the directory
#: version: a short lifetime bounds how stale those can be.
NUMBERS_CACHE_SECONDS = 300
# WeGO was founded in 2010


def _chart_label(line: dict) -> str:
    """A region's label under its bar: short enough for six bars side by side."""
    return str(line["label"]) if line["region"] else _("Not recorded")


def numbers_cache_key() -> str:
    return f"reports:numbers:v{directory_version()}:{get_language()}"


def numbers_context() -> dict:
    """The figures and charts of the numbers page, cached (a few aggregate queries when not)."""
    key = numbers_cache_key()
    context = cache.get(key)
    if context is not None:
        return context
    data = selectors.numbers_page()
    overview = data["overview"]
    data["published"] = selectors.numbers_published(selectors.records_of({"overview": overview}))
    regions = [line for line in overview["lines"] if line["total"]]
    context = {
        **data,
        "growth_chart": charts.growth_chart(
            data["growth"],
            title=_("Members at the end of each year"),
            series=_("Members"),
        ).data_uri
        if data["growth"]
        else "",
        "region_chart": charts.stacked_chart(
            [_chart_label(line) for line in regions],
            {
                label: [line["counts"][index] for line in regions]
                for index, label in enumerate(overview["types"])
            },
            title=_("Members by region and type"),
        ).data_uri
        if regions
        else "",
        "quarters_chart": charts.bar_chart(
            [row["label"] for row in data["quarters"]],
            [row["events"] for row in data["quarters"]],
            title=_("Events per quarter"),
            series=_("Events"),
        ).data_uri
        if data["quarters"]
        else "",
        "awards_chart": charts.stacked_chart(
            [row["label"] for row in data["awards"]],
            {
                _("Winners"): [row["winners"] for row in data["awards"]],
                _("Special mentions"): [row["special_mentions"] for row in data["awards"]],
            },
            title=_("Award winners and special mentions by region"),
        ).data_uri
        if data["awards"]
        else "",
        "map": str(
            world_map_svg(
                data["country_counts"],
                title=_("Map of WeGO members by country"),
                noun=_("members"),
            )
        ),
        "type_totals": [
            (str(selectors.TYPE_PLURALS[value]).lower(), count)
            for value, count in zip(MemberType.values, overview["type_totals"], strict=True)
        ],
    }
    cache.set(key, context, NUMBERS_CACHE_SECONDS)
    return context


def numbers(request: HttpRequest) -> HttpResponse:
    from django.utils.safestring import mark_safe

    context = dict(numbers_context())
    context["map"] = mark_safe(context["map"])  # noqa: S308  # nosec B308 B703 (built escaped)

    context["published_reports"] = selectors.published_reports_for_page()
    return render(request, "reports/numbers.html", context)


def published_pdf(request: HttpRequest, pk: int) -> HttpResponse:
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


def report_context(data: dict) -> dict:
    """Template context of the annual report (HTML page and PDF share it)."""
    growth_points = data["growth_points"]
    overview = data["overview"]
    regions = [line for line in overview["lines"] if line["total"]]
    words = not get_language_bidi()  # see charts.stacked_chart
    return {
        **data,
        "member_types": MemberType,
        "growth_chart": charts.growth_chart(
            growth_points,
            title=_("Members at the end of each year"),
            series=_("Members"),
            words=words,
        ).data_uri
        if growth_points
        else "",
        "region_chart": charts.stacked_chart(
            [_chart_label(line) for line in regions],
            {
                label: [line["counts"][index] for line in regions]
                for index, label in enumerate(overview["types"])
            },
            title=_("Members by region and type"),
            words=words,
        ).data_uri
        if regions
        else "",
        "generated_at": timezone.now(),
    }


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
def run_download(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_permitted_object_or_404(
        request.user, "reports.view_reportrun", ReportRun.objects.all(), pk=pk
    )
    if run.state != RunState.DONE or not run.pdf:
        raise Http404
    return private_file_response(run.pdf, download_name=f"wego-annual-report-{run.year}.pdf")
