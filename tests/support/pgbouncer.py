"""A real PgBouncer in transaction pooling mode in front of the test database, for tests of the
workers' route in docker-compose.yml (Debian's `pgbouncer` package; `.ci/run` installs it)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(folder: Path, port: int, server: dict) -> Path:
    login = f" user={server['USER']}" if server.get("USER") else ""
    login += f" password={server['PASSWORD']}" if server.get("PASSWORD") else ""
    (folder / "userlist.txt").write_text(f'"{server.get("USER") or "postgres"}" ""\n')
    ini = folder / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"* = host={server.get('HOST') or '127.0.0.1'} port={server.get('PORT') or 5432}{login}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'userlist.txt'}\n"
        # two server connections for every client: each transaction takes whichever is free
        "pool_mode = transaction\ndefault_pool_size = 2\nmax_client_conn = 200\n"
        "ignore_startup_parameters = extra_float_digits\n"
    )
    for path in (folder, *folder.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)  # readable by the user it drops to as root
    return ini


@contextlib.contextmanager
def pgbouncer(server: dict, log_path: Path) -> Iterator[int]:
    """Run PgBouncer for the server in `server` (a Django settings_dict); yields its port."""
    assert Path(PGBOUNCER).exists(), f"PgBouncer is not at {PGBOUNCER}; .ci/run installs Debian's pgbouncer"
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="pgbouncer-") as tmp, open(log_path, "w") as log:
        ini = _config(Path(tmp), port, server)
        as_user = ["-u", "postgres"] if os.geteuid() == 0 else []  # it refuses to run as root
        proc = subprocess.Popen([PGBOUNCER, *as_user, str(ini)], stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 20
            while "listening on" not in log_path.read_text():
                assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.1)
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=10)
