"""Errors of the programs app. Their message is written for the person who caused them."""

from django.utils.translation import gettext_lazy as _

from wego_portal.stale_decisions import ChangedMeanwhile


class ProgramError(Exception):
    """An operation the application's state or the call does not allow."""


class TransitionNotAllowed(ProgramError):
    """An illegal status change; the message says what the current status allows instead."""


class ApplicationChangedMeanwhile(ProgramError, ChangedMeanwhile):
    """The application's status is not the one the actor saw: the move was not made."""

    default_message = _(
        "This application changed meanwhile: it is now “%(current)s”. Nothing was changed; "
        "look at it again and decide."
    )


class CallClosedError(ProgramError):
    """The call does not take submissions now (not yet open, or closed)."""


class NotEligibleError(ProgramError):
    """The organization's member type may not apply to the call."""


class AlreadyAppliedError(ProgramError):
    """The organization already has an application to the call."""

    def __init__(self, message: str, application):
        super().__init__(message)
        self.application = application


class ApplicationIncomplete(ProgramError):
    """Answers are missing; ``missing`` lists each, with its section."""

    def __init__(self, message: str, missing: list[dict]):
        super().__init__(message)
        self.missing = missing


class NotEditable(ProgramError):
    """The application is no longer a draft."""


class EditConflict(ProgramError):
    """A colleague saved the same section after this form was opened."""

    def __init__(self, message: str, *, by: str, at, revision: int):
        super().__init__(message)
        self.by = by
        self.at = at
        self.revision = revision
