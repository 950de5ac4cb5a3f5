"""The portal's URLs plus a trivial view: the baseline that /members/ throughput is compared to."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("_bench/trivial", trivial), path("", include("wego_portal.urls"))]
