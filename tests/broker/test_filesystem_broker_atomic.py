"""The default broker writes each message file whole before a worker can see it (a worker that
read a half-written file stopped with "Unrecoverable error: JSONDecodeError")."""

from __future__ import annotations

import contextlib
import os

import pytest
from kombu import Connection
from kombu.transport import filesystem

import config.celery  # noqa: F401 - registers the transport for filesystem://
from config import filesystem_broker


def _connection(folder) -> Connection:
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder), "store_processed": False}
    return Connection("filesystem://", transport_options=options)


def test_filesystem_urls_use_the_atomic_transport(tmp_path):
    with _connection(tmp_path) as conn:
        assert isinstance(conn.transport, filesystem_broker.Transport)


def test_a_reader_never_sees_a_message_until_it_is_complete(tmp_path, monkeypatch):
    seen_while_writing = []
    real_replace = os.replace
    with _connection(tmp_path) as writer_conn, _connection(tmp_path) as reader_conn:
        writer, reader = writer_conn.default_channel, reader_conn.default_channel

        def replace_after_a_look(src, dst):
            # the moment kombu's own transport would be exposed: the payload is written, not yet named
            with contextlib.suppress(filesystem.Empty):
                seen_while_writing.append(reader._get("q"))
            real_replace(src, dst)

        monkeypatch.setattr(filesystem_broker.os, "replace", replace_after_a_look)
        writer._put("q", {"body": "x" * 10_000})
        monkeypatch.setattr(filesystem_broker.os, "replace", real_replace)
        assert seen_while_writing == []  # nothing half-written was visible
        assert reader._get("q") == {"body": "x" * 10_000}
        with pytest.raises(filesystem.Empty):
            reader._get("q")
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".partial-")]
