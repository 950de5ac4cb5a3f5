"""The notifications news sends."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind, register

register(
    NotificationKind(
        key="news.article.submitted",
        label=_("News article to review"),
        description=_("A regional office sent a news article for review."),
        staff_only=True,
    )
)
