from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationState(models.TextChoices):
    """Where an outbox row is on its way to the recipient's mailbox.

    ``queued`` → ``sending`` (claimed by exactly one worker) → ``sent`` or ``failed``; a
    transient failure puts the row back to ``queued``. ``skipped`` marks an in-portal notice
    whose e-mail the recipient switched off: there is nothing to deliver.
    """

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("No e-mail (switched off)")
