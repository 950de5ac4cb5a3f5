"""Errors of the governance app. Their message is written for the person who caused them."""

from wego_portal.stale_decisions import ChangedMeanwhile


class GovernanceError(Exception):
    """An operation the state of the meeting, vote or decision does not allow."""


class TransitionNotAllowed(GovernanceError):
    """An illegal status change; the message says what the current status allows instead."""


class StaleStatus(GovernanceError, ChangedMeanwhile):
    """The record changed after the person looked at it (another officer, or the clock)."""


class VoteClosed(GovernanceError):
    """The vote is not open for ballots now."""


class NotEligible(GovernanceError):
    """The organization is not on this vote's roll, or the person may not vote for it."""


class AlreadyVoted(GovernanceError):
    """The organization's ballot has already been cast."""


class InvalidBallot(GovernanceError):
    """The ballot's choice does not fit the resolution."""
