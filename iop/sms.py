"""A small pluggable SMS backend, modelled on Django's EMAIL_BACKEND.

``SMS_BACKEND`` names a class with ``send(to, body)``: FileBackend (development:
one file per text in SMS_FILE_PATH), LocmemBackend (tests: ``iop.sms.outbox``),
TwilioBackend (production; the ``sms-twilio`` extra and TWILIO_* variables)."""

import datetime
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

outbox = []


class FileBackend:
    def send(self, to, body):
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.txt"
        path.write_text(f"To: {to}\n\n{body}\n", encoding="utf-8")
        return path.name


class LocmemBackend:
    def send(self, to, body):
        outbox.append({"to": to, "body": body})
        return str(len(outbox))


class TwilioBackend:
    """Twilio's API, waiting at most ``SMS_TIMEOUT_SECONDS`` for each request: a
    provider that hangs fails this attempt, which is retried with backoff, rather
    than holding a worker until the delivery task's time limit."""

    def send(self, to, body):
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client as TwilioClient

        client = TwilioClient(
            os.environ["TWILIO_ACCOUNT_SID"],
            os.environ["TWILIO_AUTH_TOKEN"],
            http_client=TwilioHttpClient(timeout=settings.SMS_TIMEOUT_SECONDS),
        )
        return client.messages.create(to=to, from_=settings.SMS_FROM_NUMBER, body=body).sid


def send_sms(to, body):
    return import_string(settings.SMS_BACKEND)().send(to, body)
