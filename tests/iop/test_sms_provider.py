"""The production text backend (Twilio's own library) gives up on a provider that
does not answer within ``SMS_TIMEOUT_SECONDS``: the delivery records the failure
and retries with backoff instead of holding a worker until the task's time limit.
Twilio's API is reached through a loopback proxy that takes the connection and
never answers, so nothing leaves the machine."""

import socket
import threading

import pytest
from django.conf import settings

from iop import delivery
from iop.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_proxy():
    """A proxy that accepts connections, reads what it is asked, and says nothing."""
    server = socket.create_server(("127.0.0.1", 0))
    asked, held = [], []

    def serve():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            held.append(connection)
            asked.append(connection.recv(4096).decode(errors="replace"))
            # Hang up after a while, so a client without a timeout fails the test
            # (with a dropped connection, not a timeout) instead of hanging it.
            threading.Timer(20, connection.close).start()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", asked
    server.close()
    for connection in held:
        connection.close()


@pytest.fixture
def twilio(settings, monkeypatch, silent_proxy):
    settings.SMS_BACKEND = "iop.sms.TwilioBackend"
    settings.SMS_FROM_NUMBER = "+15555550199"
    settings.SMS_TIMEOUT_SECONDS = 1.0
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "not-a-real-token")
    proxy, asked = silent_proxy
    for variable in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(variable, proxy)
    for variable in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(variable, raising=False)
    return asked


def test_a_provider_that_does_not_answer_fails_the_attempt_and_it_is_retried(clinic, twilio, quiet_hours_off):
    family = clinic.family_a
    family.phone = "+15555550101"
    family.give_sms_consent()
    family.save()
    message = factories.OutboxMessageFactory(
        recipient=family, channel=OutboxMessage.Channel.SMS, to_address=family.phone
    )

    outcome = delivery.deliver(message.pk)
    assert twilio and twilio[0].startswith("CONNECT api.twilio.com:443"), "the request went through the library"
    assert outcome.status == "will retry" and outcome.retry_in == settings.OUTBOX_RETRY_BASE_SECONDS
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 1)
    assert "timed out" in message.last_error.lower() or "timeout" in message.last_error.lower(), message.last_error
