from django.apps import AppConfig


class WegoPortalConfig(AppConfig):
    name = "wego_portal"
    verbose_name = "WeGO Portal"

    def ready(self) -> None:
        from . import admin_hardening

        admin_hardening.install()
