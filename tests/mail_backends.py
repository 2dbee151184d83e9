"""Email backends for tests that run a real worker in another process: they
keep their state in files under ``IOP_TEST_MAILBOX`` so the test can read it.

- every message sent is one JSON line in ``sent.jsonl`` (key = Message-ID);
- ``fail_first`` holds N: the first N sends raise an SMTP error;
- while ``hang`` exists, a send writes ``started`` and then waits (to be killed).
"""

import fcntl
import json
import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend


def mailbox():
    return Path(os.environ["IOP_TEST_MAILBOX"])


def sent_messages(folder):
    path = Path(folder) / "sent.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]


class FlakyFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = mailbox()
        for message in email_messages:
            self._maybe_hang(folder)
            if self._next_attempt_fails(folder):
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed (test)")
            record = {"message_id": message.extra_headers.get("Message-ID"), "to": message.to, "body": message.body}
            with open(folder / "sent.jsonl", "a") as out:
                fcntl.flock(out, fcntl.LOCK_EX)
                out.write(json.dumps(record) + "\n")
        return len(email_messages)

    def _maybe_hang(self, folder):
        if (folder / "hang").exists():
            (folder / "started").write_text(str(os.getpid()))
            while True:
                time.sleep(0.1)

    def _next_attempt_fails(self, folder):
        limit_file = folder / "fail_first"
        if not limit_file.exists():
            return False
        with open(folder / "attempts", "a+") as counter:
            fcntl.flock(counter, fcntl.LOCK_EX)
            counter.seek(0)
            attempts = int(counter.read() or 0) + 1
            counter.seek(0)
            counter.truncate()
            counter.write(str(attempts))
        return attempts <= int(limit_file.read_text())


class CountingBackend(locmem.EmailBackend):
    """Django's in-memory backend that counts how often a connection is opened and closed."""

    opened = 0
    closed = 0

    def open(self):
        type(self).opened += 1
        return super().open()

    def close(self):
        type(self).closed += 1
        return super().close()
