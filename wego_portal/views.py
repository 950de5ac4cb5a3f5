import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.generic import TemplateView

from members.selectors import network_figures
from reports.selectors import published_member_count

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        figures = network_figures()
        stats = [
            {"value": figures["members"], "label": _("members in the directory")},
            {"value": figures["local_governments"], "label": _("cities and local governments")},
            {"value": figures["countries"], "label": _("countries")},
            {"value": figures["offices"], "label": _("offices, with the Secretariat in Seoul")},
        ]
        published = published_member_count()
        if published is not None:
            # WeGO's own count (its annual report) first: the directory lists fewer members.
            stats.insert(
                0,
                {
                    "value": published.display_value,
                    "label": _("members as of %(as_of)s (WeGO annual report)")
                    % {"as_of": published.as_of or published.year},
                },
            )
        return {
            **super().get_context_data(**kwargs),
            "stats": stats if figures["members"] else [],
            **home_sections(),
        }


def home_sections() -> dict:
    """What the home page shows from live data: the latest news, the next events, the calls
    open now and the latest award winners (one query each)."""
    from awards.selectors import latest_winners
    from events.selectors import event_list_queryset, events_in_period
    from news.selectors import latest_news
    from programs.selectors import open_calls

    return {
        "latest_news": latest_news(limit=3),
        "upcoming_events": list(events_in_period(event_list_queryset(), "upcoming")[:3]),
        "open_calls": list(open_calls()[:3]),
        "latest_winners": latest_winners(limit=3),
    }


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on every page (the admin's too): the site's SVG mark."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


#: Seconds a client is asked to wait when the database is unreachable.
UNAVAILABLE_RETRY_AFTER = 30


def _database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is the database being unreachable."""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request, template_name: str = "500.html"):
    """``handler500``: a styled 503 with ``Retry-After`` when the database is unreachable.

    Rendered without the request's context processors (they would query the database), so
    the page needs nothing but templates and static files.
    """
    if not _database_unavailable(sys.exc_info()[1]):
        return defaults.server_error(request, template_name)
    try:
        content: str = render_to_string("503.html", {"retry_after": UNAVAILABLE_RETRY_AFTER})
    except Exception:  # the page of last resort must not fail in turn
        logger.exception("Rendering 503.html failed")
        content = "<!DOCTYPE html><title>Service unavailable</title><h1>Service unavailable</h1>"
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
