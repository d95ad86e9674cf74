"""kombu's filesystem transport with atomic message files: the default broker of `make run`.

kombu (5.7) writes a message straight into its final file name, so a worker polling the folder
at that moment can move the file away and read it empty: the worker then stops ("Unrecoverable
error: JSONDecodeError"). Here a message is written under a name the reader ignores and renamed
into place when complete (a rename within one folder is atomic), so a reader sees a whole message
or none. `config.celery` registers this class for `filesystem://` URLs.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".partial-{name}")  # not "<n>_<id>.<queue>.msg"
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
