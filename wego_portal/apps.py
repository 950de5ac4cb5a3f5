from django.apps import AppConfig


class WegoPortalConfig(AppConfig):
    name = "wego_portal"
    verbose_name = "WeGO Portal"
