"""Messages on an application, from the city or from the staff."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .. import workflow
from ..enums import (
    MessageKind,
    MessageVisibility,
)
from ..errors import (
    ProgramError,
)
from ..models import (
    Application,
    ApplicationMessage,
)
from .base import S, _notify_city, _notify_staff, _require

# --- Messages ----------------------------------------------------------------------------------


@transaction.atomic
def message_send_from_city(
    *, application: Application, author: User, body: str
) -> ApplicationMessage:
    """A message from the city to WeGO (always shared) on a submitted, undecided application.

    Side effects: a notice to the assigned reviewers and office staff (or the Secretariat).
    """
    _require(author, "programs.act_on_application", application)
    if application.status == S.DRAFT or application.status in workflow.FINAL_STATUSES:
        raise ProgramError(
            _("Messages can be sent once the application is submitted and until it is closed.")
        )
    if not (body or "").strip():
        raise ProgramError(_("Enter your message."))
    message = ApplicationMessage.objects.create(
        application=application,
        author=author,
        visibility=MessageVisibility.SHARED,
        kind=MessageKind.MESSAGE,
        body=body.strip(),
        from_city=True,
    )
    _notify_staff(
        application,
        kind="programs.application.city_message",
        key=f"programs-message-{message.pk}",
        context={"message": message, "author": author},
    )
    return message


@transaction.atomic
def message_send_from_staff(
    *, application: Application, author: User, body: str, visibility: str
) -> ApplicationMessage:
    """A staff message: shared with the city, or an internal note for staff only.

    Side effects: a shared message is e-mailed to every person of the city; an internal note
    notifies nobody outside WeGO (it never appears on the portal or in a city's e-mail).
    """
    _require(author, "programs.write_staff_message", application)
    if visibility not in MessageVisibility.values:
        raise ProgramError(_("Choose who sees the message."))
    if not (body or "").strip():
        raise ProgramError(_("Enter the message."))
    message = ApplicationMessage.objects.create(
        application=application,
        author=author,
        visibility=visibility,
        kind=MessageKind.MESSAGE if visibility == MessageVisibility.SHARED else MessageKind.NOTE,
        body=body.strip(),
    )
    if visibility == MessageVisibility.SHARED:
        _notify_city(
            application,
            kind="programs.application.message",
            key=f"programs-message-{message.pk}",
            context={"message": message},
        )
    return message
