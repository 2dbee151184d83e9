"""The embedded broker (files in a folder), with messages that appear whole.

kombu's filesystem transport creates a message's file and then writes into it.
A worker listing the folder in that instant takes the still empty file, cannot
decode it and stops, and the task is gone with it. Here a message is written
under a name no worker takes and then renamed into place, which on one
filesystem is atomic: a worker sees the whole message or none of it."""

import os
import time
import uuid

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        # Workers take files in name order, so a name starts with the time on
        # the system-wide monotonic clock, in nanoseconds (kombu's own names
        # have milliseconds, and messages sent in one millisecond came out
        # in random order).
        name = f"{time.monotonic_ns():020d}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # A leading dot: kombu reads everything after a name's first dot as
        # "<queue>.msg", which this name can never match.
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as out:
                out.write(dumps(payload).encode())
            os.replace(partial, final)
        except OSError as exc:
            if os.path.exists(partial):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {final!r} to the broker folder") from exc


class Transport(filesystem.Transport):
    Channel = Channel
