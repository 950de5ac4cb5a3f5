"""The notifications the project catalog sends, and its lines of the staff digest."""

from django.utils.translation import gettext_lazy as _

from notifications.digest import register_digest_provider
from notifications.kinds import NotificationKind, register

register(
    NotificationKind(
        key="catalog.project.proposed",
        label=_("Catalog project to review"),
        description=_(
            "A member proposed a project for the Smart Sustainable City Projects Catalog."
        ),
        staff_only=True,
    )
)
register(
    NotificationKind(
        key="catalog.project.published",
        label=_("Project published in the catalog"),
        description=_("A project of your organization is now in the public project catalog."),
    )
)
register(
    NotificationKind(
        key="catalog.project.returned",
        label=_("Catalog project returned"),
        description=_("The secretariat asks for changes to a project you proposed."),
        mandatory=True,
    )
)


@register_digest_provider(key="catalog.awaiting_attention")
def catalog_awaiting_attention(user):
    """Proposals awaiting moderation, and winners or completed projects ready to publish."""
    from django.urls import reverse

    from members.rules import is_secretariat

    from .selectors import (
        award_entries_not_in_catalog,
        completed_projects_not_in_catalog,
        projects_awaiting_review,
    )

    if not is_secretariat(user):
        return []
    candidates = (
        award_entries_not_in_catalog().count() + completed_projects_not_in_catalog().count()
    )
    return [
        (
            _("Catalog projects awaiting review"),
            projects_awaiting_review().count(),
            reverse("admin:catalog_project_changelist") + "?status=proposed",
        ),
        (
            _("Award winners and completed projects not yet in the catalog"),
            candidates,
            reverse("admin:catalog_project_candidates"),
        ),
    ]
