"""Benchmark settings: the production settings, unchanged, plus the benchmark's URLs.

`make bench` serves the portal with these under gunicorn, with production's environment
(DJANGO_ENV=production, DEBUG off, Redis cache and broker, PostgreSQL, persistent database
connections) and throwaway secrets (bench/environment.py). The only difference from
production is ROOT_URLCONF: bench/urls.py adds the trivial view the pages are compared to.
"""

from wego_portal.settings import *  # noqa: F403
from wego_portal.settings import DEBUG, PRODUCTION

if not PRODUCTION or DEBUG:
    raise RuntimeError("bench.settings runs only with production's environment (DJANGO_ENV).")

ROOT_URLCONF = "bench.urls"
