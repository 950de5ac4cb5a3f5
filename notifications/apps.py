from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.core import checks
        from django.utils.module_loading import autodiscover_modules

        from .checks import check_kind_templates

        # Each app's notification_kinds.py registers its kinds (and staff-digest providers).
        autodiscover_modules("notification_kinds")
        checks.register(check_kind_templates, checks.Tags.templates)
