from django.http import HttpRequest, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from members.selectors import network_figures


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        figures = network_figures()
        stats = [
            {"value": figures["members"], "label": _("members")},
            {"value": figures["local_governments"], "label": _("cities and local governments")},
            {"value": figures["countries"], "label": _("countries")},
            {"value": figures["offices"], "label": _("offices, with the Secretariat in Seoul")},
        ]
        return {**super().get_context_data(**kwargs), "stats": stats if figures["members"] else []}


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on every page (the admin's too): the site's SVG mark."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
