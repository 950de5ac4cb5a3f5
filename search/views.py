from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .sources import SOURCES

PAGE_SIZE = 20


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """``/search/?q=…`` grouped by type; ``&type=members`` lists one type, paginated."""
    query = selectors.clean_query(request.GET.get("q"))
    kind = request.GET.get("type", "")
    source = SOURCES.get(kind)
    context = {"query": query, "kind": kind if source else "", "groups": [], "page": None}
    if query:
        if source is None:
            context["groups"] = selectors.site_search(query)
            context["total"] = sum(group.total for group in context["groups"])
            context["more"] = any(group.more for group in context["groups"])
        else:
            found = selectors.search_source(source, query)
            total, more = selectors.capped(found.count())
            page = Paginator(found[:total], PAGE_SIZE).get_page(request.GET.get("page"))
            page.hits = selectors.hits(source, page.object_list, query)
            context.update(page=page, source=source, total=total, more=more)
    context["window"] = selectors.RANK_WINDOW
    context["types"] = [(key, s.label) for key, s in SOURCES.items()]
    return render(request, "search/results.html", context)
