"""Benchmark settings: production-like (DEBUG off, cached templates) on the bench database."""

from wego_portal.settings.test import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
