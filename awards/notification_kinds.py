"""The notifications the awards app sends (registered at start-up by the notifications app)."""

from django.utils.translation import gettext_lazy as _

from notifications.digest import register_digest_provider
from notifications.kinds import NotificationKind, register

register(
    NotificationKind(
        key="awards.entry_submitted",
        label=_("WeGO Awards entry submitted"),
        description=_("Confirms that your city's entry to the WeGO Awards was submitted."),
        mandatory=True,
    )
)
register(
    NotificationKind(
        key="awards.results_published",
        label=_("WeGO Awards results"),
        description=_("The results of a WeGO Awards edition your city entered."),
        mandatory=True,
    )
)
register(
    NotificationKind(
        key="awards.judge_assigned",
        label=_("WeGO Awards judging"),
        description=_("You were asked to judge entries of the WeGO Awards."),
        mandatory=True,
    )
)


@register_digest_provider(key="awards.judging")
def awards_awaiting_results(user):
    """The staff digest's and admin dashboard's line: submitted entries of editions whose
    results are not yet published (secretariat only)."""
    from django.urls import reverse

    from members.rules import is_secretariat

    from .enums import EntryStatus
    from .models import Entry

    if not is_secretariat(user):
        return []
    count = Entry.objects.filter(
        status=EntryStatus.SUBMITTED, edition__results_published=False
    ).count()
    url = reverse("admin:awards_entry_changelist") + "?status__exact=submitted"
    return [(_("WeGO Awards entries awaiting judging and results"), count, url)]
