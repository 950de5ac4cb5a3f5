"""A scripted e-mail backend standing in for a remote SMTP server (outside our control).

Configure it through ``MAILERS`` (see the ``scripted_mailer`` fixture). Each message sent
consumes the next entry of ``ScriptedBackend.script``: an exception to raise, or ``None`` to
deliver into ``django.core.mail.outbox`` like the locmem backend. ``always`` (an exception)
fails every message once the script is used up; ``open_errors`` are consumed one per
``open()`` (an exception to raise, or ``None`` to open normally).
"""

import copy
import threading
from typing import ClassVar

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


class ScriptedBackend(BaseEmailBackend):
    script: ClassVar[list[BaseException | None]] = []
    always: ClassVar[BaseException | None] = None
    open_errors: ClassVar[list[BaseException | None]] = []
    opened: ClassVar[int] = 0
    attempts: ClassVar[int] = 0
    threads: ClassVar[set[str]] = set()
    lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        cls.script = []
        cls.always = None
        cls.open_errors = []
        cls.opened = 0
        cls.attempts = 0
        cls.threads = set()

    def open(self):
        with self.lock:
            error = self.open_errors.pop(0) if self.open_errors else None
            if error is not None:
                raise error
            type(self).opened += 1
        return True

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            with self.lock:
                type(self).attempts += 1
                self.threads.add(threading.current_thread().name)
                action = self.script.pop(0) if self.script else self.always
            if action is not None:
                raise action
            message.message()
            if not hasattr(mail, "outbox"):
                mail.outbox = []
            mail.outbox.append(copy.deepcopy(message))
            count += 1
        return count
