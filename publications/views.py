from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wego_portal.files import private_file_response

from . import selectors, services
from .models import Publication

PAGE_SIZE = 12


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    """The library: documents filtered by kind, topic, year and language, paginated; the
    portal's published annual reports first."""
    chosen = {key: request.GET.get(key, "")[:20] for key in selectors.FILTERS}
    page = Paginator(selectors.library(chosen), PAGE_SIZE).get_page(request.GET.get("page"))
    facets = selectors.facets()
    facets["language"] = [
        {"value": code, "label": name, "count": ""} for code, name in settings.LANGUAGES
    ]
    annual_reports = selectors.generated_annual_reports(chosen)
    return render(
        request,
        "publications/library.html",
        {
            "page": page,
            "total": page.paginator.count + len(annual_reports),
            "annual_reports": annual_reports if page.number == 1 else [],
            "facets": facets,
            "selected": {key: value for key, value in chosen.items() if value},
            "selected_values": {key: [value] if value else [] for key, value in chosen.items()},
        },
    )


def _publication(slug: str) -> Publication:
    try:
        return selectors.public_publications().get(slug=slug)
    except Publication.DoesNotExist:
        raise Http404 from None


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "publications/detail.html", {"publication": _publication(slug)})


@require_GET
def download(request: HttpRequest, slug: str) -> FileResponse:
    """The PDF as an attachment (application/pdf, nosniff, sandboxed), counted."""
    publication = _publication(slug)
    services.publication_download_count(publication=publication)
    response = private_file_response(publication.file, download_name=f"{publication.slug}.pdf")
    response["Content-Type"] = "application/pdf"
    response["Cache-Control"] = "public, max-age=3600"
    return response
