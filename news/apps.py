from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from search.sources import register

        from . import notification_kinds  # noqa: F401
        from .search import news_source

        register(news_source())
