from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self):
        from notifications.kinds import listen_to_delivery

        from . import notification_kinds
        from .services import delivery_outcomes

        # The outbox tells which issues were accepted and which refused for good (bounces).
        listen_to_delivery(notification_kinds.ISSUE.key, delivery_outcomes)
