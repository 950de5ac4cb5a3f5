from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from members.enums import Region
from wego_portal.caching import anonymous_page_cache

from . import selectors
from .models import Article

PAGE_SIZE = 12


@require_GET
@anonymous_page_cache(version=selectors.list_version, prefix="news-list", timeout=60)
def article_list(request: HttpRequest) -> HttpResponse:
    """Published news, newest first, filtered by category, region and year. Visitors share
    the rendered page for at most a minute (``selectors.list_version``)."""
    chosen = {key: request.GET.get(key, "")[:40] for key in ("category", "region", "year")}
    paginator = Paginator(selectors.article_list(**chosen), PAGE_SIZE)
    paginator.count = selectors.article_count(**chosen)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "news/list.html",
        {
            "page": page,
            "facets": selectors.list_facets(),
            "chosen": chosen,
            "selected": {key: value for key, value in chosen.items() if value},
            "selected_values": {key: [value] if value else [] for key, value in chosen.items()},
            "any_selected": any(chosen.values()),
            "region_label": dict(Region.choices).get(chosen["region"], ""),
        },
    )


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        article = selectors.article_for_page(slug)
    except Article.DoesNotExist:
        raise Http404 from None
    return render(request, "news/detail.html", {"article": article})
