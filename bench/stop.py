"""How long Ctrl-C takes to stop `make run` (`manage.py serve`): this tree beside a baseline tree.

    .venv/bin/python bench/stop.py [--baseline 104e8fe|none] [--runs 3]

Each tree's `serve` runs on the embedded default (SQLite, filesystem broker) in a fresh folder;
once its web server answers and its worker is ready, SIGINT (what Ctrl-C sends) is delivered and
the time until the command has exited, with its worker (and beat) stopped, is printed. Target: 2 s.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_seconds(tree: Path, var: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_", "DJANGO_"))}
    env.update(INCIDENTS_VAR_DIR=str(var), DJANGO_DEBUG="1", LOG_LEVEL="WARNING")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=tree, env=env,
                   check=True, capture_output=True)  # fmt: skip
    port = _free_port()
    log_path = var / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "manage.py", "serve", f"127.0.0.1:{port}"], cwd=tree,
                                env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
                if " ready." in log_path.read_text():
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.3)
        else:
            proc.kill()
            raise RuntimeError(f"serve did not start:\n{log_path.read_text()[-2000:]}")
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
        return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="104e8fe", help="git ref to compare with, or 'none'")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stop-") as tmp:
        trees = {"this tree": ROOT}
        if args.baseline != "none":
            base = Path(tmp) / "baseline"
            subprocess.run(["git", "worktree", "add", "--detach", str(base), args.baseline], cwd=ROOT,
                           check=True, capture_output=True)  # fmt: skip
            (base / "node_modules").symlink_to(ROOT / "node_modules")
            trees[f"baseline {args.baseline}"] = base
        try:
            print(f"load average {os.getloadavg()[0]:.2f}; seconds from Ctrl-C to exit, {args.runs} runs")
            for name, tree in trees.items():
                times = [stop_seconds(tree, Path(tempfile.mkdtemp(dir=tmp))) for _ in range(args.runs)]
                print(f"{name:<22}" + "  ".join(f"{t:5.1f}" for t in times) + f"   max {max(times):.1f}")
        finally:
            if args.baseline != "none":
                remove = ["git", "worktree", "remove", "--force", str(Path(tmp) / "baseline")]
                subprocess.run(remove, cwd=ROOT, capture_output=True)


if __name__ == "__main__":
    main()
