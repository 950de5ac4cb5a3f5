"""The portal's URLs plus a trivial view, served through the whole middleware stack: the
baseline that the pages' throughput is compared to. Used only by bench.settings."""

from django.http import HttpResponse
from django.urls import path

from wego_portal.urls import handler500
from wego_portal.urls import urlpatterns as portal_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("_bench/trivial", trivial), *portal_urlpatterns]
__all__ = ["handler500", "urlpatterns"]
