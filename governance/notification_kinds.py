"""The notifications the governance app sends to voting delegates."""

from django.utils.translation import gettext_lazy as _

from notifications.digest import register_digest_provider
from notifications.kinds import NotificationKind, register

for kind in [
    NotificationKind(
        key="governance.vote.opened",
        label=_("A vote is open"),
        description=_("Your organization is on the roll of a vote that has just opened."),
        mandatory=True,
    ),
    NotificationKind(
        key="governance.vote.reminder",
        label=_("Vote reminder"),
        description=_("Your organization has not voted yet and the vote closes soon."),
        mandatory=True,
    ),
    NotificationKind(
        key="governance.vote.closed",
        label=_("Vote result"),
        description=_("The result of a vote your organization was on the roll of."),
    ),
    NotificationKind(
        key="governance.proxy.given",
        label=_("Proxy received"),
        description=_("Another member gave your organization its proxy for a vote."),
        mandatory=True,
    ),
]:
    register(kind)


@register_digest_provider(key="governance.votes_open")
def open_votes(user):
    """The staff digest's and the admin dashboard's line: online votes under way."""
    from django.urls import reverse

    from .enums import VoteStatus
    from .models import Decision, Vote

    if not user.has_perm("governance.manage"):
        return []
    waiting = Decision.objects.filter(
        outcome__in=["adopted", "elected"], action_done_at=None
    ).exclude(resolution__action="none")
    return [
        (
            _("Online votes open"),
            Vote.objects.filter(status=VoteStatus.OPEN).count(),
            reverse("admin:governance_vote_changelist") + "?status__exact=open",
        ),
        (
            _("Decisions to carry out"),
            waiting.count(),
            reverse("admin:governance_decision_changelist"),
        ),
    ]
