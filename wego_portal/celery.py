"""The Celery application: configured from Django settings (``CELERY_`` namespace)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wego_portal.settings")

app = Celery("wego_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
