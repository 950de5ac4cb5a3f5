from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("WeGO in numbers and annual reports")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the permissions)
