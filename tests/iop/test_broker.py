"""The embedded broker (filesystem://) shows a worker each message whole or not at all."""

import os
from queue import Empty

import pytest

from iop import broker
from iop.celery import app
from tests.worker import filesystem_broker


@pytest.fixture
def channel(tmp_path):
    options, _worker_env = filesystem_broker(tmp_path)
    with app.connection_for_write("filesystem://", transport_options=options) as connection:
        assert isinstance(connection.transport, broker.Transport)
        yield connection.default_channel


def test_message_being_written_is_not_taken(channel, monkeypatch):
    rename = os.replace
    looked = []

    def rename_after_a_worker_looked(partial, final):
        with pytest.raises(Empty):  # written, not yet renamed: nothing to take
            channel._get("reminders")
        looked.append(partial)
        rename(partial, final)

    monkeypatch.setattr(broker.os, "replace", rename_after_a_worker_looked)
    channel._put("reminders", {"body": "group tonight"})
    assert looked
    assert channel._get("reminders") == {"body": "group tonight"}
    assert os.listdir(channel.data_folder_in) == []


def test_messages_are_taken_in_the_order_they_were_sent(channel):
    for number in range(5):
        channel._put("reminders", {"n": number})
    assert [channel._get("reminders")["n"] for _ in range(5)] == [0, 1, 2, 3, 4]
    assert channel._size("reminders") == 0
