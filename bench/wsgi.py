"""The benchmark's WSGI application: the portal (bench.settings), and at /_bench/bare a bare
WSGI response that skips Django entirely (the server's own floor)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.wsgi import get_wsgi_application

portal = get_wsgi_application()


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/_bench/bare":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    return portal(environ, start_response)
