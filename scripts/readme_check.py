"""The README's copy-paste test: every command block of README.md, run as written on a fresh copy.

A newcomer copies the README's commands into a terminal beside `make run`; this does the same. It
copies the working tree (tracked and new files; `.venv` and `node_modules` linked, as `make
install` would have made them) to a temporary directory, runs the Makefile's `run` recipe there
(SQLite under the copy's own `var/`, the server on a free port instead of 8000), then runs every
code block of the README in order in one bash session, in a clean environment (no `DJANGO_*`
variables, no venv on PATH), as a reader would. `curl` fails on an HTTP error status (a 403 is a
failure here even though plain curl exits 0).

A block is not run when an HTML comment just before it says why: `<!-- readme-check: KIND -->`,
KIND one of SKIP_KINDS. A block that reads `../shared` (the evaluation sets, outside the
repository) must say `shared`: it runs only when that directory sits beside the repository.

    .venv/bin/python scripts/readme_check.py [--readme README.md] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "<!-- readme-check:"
# why a block is not run here: the commands need Docker, a site outside this machine, a PostgreSQL
# (and Redis) server, or the block is an answer shown, not a command, or it is `make run` itself,
# which the check performs (without the install step) before anything else
SKIP_KINDS = {"docker", "network", "postgresql", "output", "setup"}
SHARED = "shared"
LINKED = (".venv", "node_modules")
# the local server's settings a reader's shell does not have (the test suite sets some of them)
_DROPPED_PREFIXES = ("DJANGO_", "CELERY_", "DB_", "DATABASE_", "INCIDENTS_VAR", "VIRTUAL_ENV", "PYTEST")
_DEFAULT_ADDRESS = "127.0.0.1:8000"
_SCRIPT_HEAD = """set -Eeo pipefail
curl() { command curl --fail-with-body --silent --show-error "$@"; }
trap 'echo "readme-check: the block at README line $README_LINE failed (exit $?)" >&2' ERR
"""
_LANGS = {"", "sh", "bash", "shell", "console"}
_PID_LINE = re.compile(r"started \(pid (\d+)\)")  # linear: fixed text, one digit run


@dataclass(frozen=True)
class Block:
    """One code block: its first line's number in the README, its text, and its marker (or "")."""

    line: int
    text: str
    kind: str = ""


class ReadmeError(Exception):
    """The README cannot be checked as it stands (an unknown marker, an unmarked `../shared`)."""


def code_blocks(markdown: str) -> list[Block]:
    """Fenced (```sh) and indented (four spaces after a blank line) blocks, with their markers."""
    lines = markdown.splitlines()
    blocks: list[Block] = []
    kind, i = "", 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(MARKER):
            kind = _marker_kind(line, i + 1)
            i += 1
        elif line.startswith("```"):
            lang, start, body, i = line[3:].strip(), i + 2, [], i + 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            if lang in _LANGS or kind:
                blocks.append(_block(start, body, kind))
            kind, i = "", i + 1
        elif line.startswith("    ") and (i == 0 or not lines[i - 1].strip()):
            start, body = i, []
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                body.append(lines[i][4:])
                i += 1
            blocks.append(_block(start + 1, body, kind))
            kind = ""
        else:
            if line.strip():
                kind = ""  # a marker belongs to the block right after it (blank lines between)
            i += 1
    return blocks


def _marker_kind(line: str, number: int) -> str:
    kind = line[len(MARKER) :].strip().removesuffix("-->").strip()
    if kind not in SKIP_KINDS | {SHARED}:
        raise ReadmeError(f"README line {number}: unknown readme-check marker {kind[:40]!r}")
    return kind


def _block(first_line: int, body: list[str], kind: str) -> Block:
    text = "\n".join(body).strip("\n")
    if "../shared" in text and kind != SHARED and kind not in SKIP_KINDS:
        raise ReadmeError(
            f"README line {first_line}: the block reads ../shared, absent in a user's clone; "
            "use a file in the repository or mark it <!-- readme-check: shared -->"
        )
    return Block(first_line, text, kind)


def clean_env(source: Path) -> dict[str, str]:
    """A reader's shell: this process's environment without the server's settings or a venv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_PREFIXES)}
    venvs = {
        str(source / ".venv"),
        str((source / ".venv").resolve()),
        sys.prefix,
        str(Path(sys.prefix).resolve()),
    }
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not any(p.startswith(v) for v in venvs)
    )
    return env


def fresh_copy(source: Path, dest: Path) -> Path:
    """The working tree as a clone would have it (ignored files left out), with the venv linked."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=source,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if name.split("/", 1)[0] in LINKED or not os.path.lexists(source / name):
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, dest / name, follow_symlinks=False)
    for name in LINKED:
        if (source / name).exists():
            (dest / name).symlink_to((source / name).resolve())
    return dest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_run_recipe(repo: Path) -> list[str]:
    """The Makefile's `run` commands as make would run them, the install step taken as done."""
    # --no-print-directory: under `make test` this make is nested and would print "make[1]: ..."
    command = ["make", "--no-print-directory", "-n", "-o", ".venv/.installed", "run"]
    printed = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=True).stdout
    commands = [line for line in printed.splitlines() if line.strip() and not line.startswith("make")]
    if not commands or " serve " not in f"{commands[-1]} ":
        raise ReadmeError(f"`make run` no longer ends by serving: {commands}")
    return commands


def start_server(repo: Path, env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """`make run`'s steps (DJANGO_DEBUG=1, as it exports), the server on `port`; waits until it answers."""
    env = {**env, "DJANGO_DEBUG": "1"}
    *steps, serve = make_run_recipe(repo)
    for step in steps:
        subprocess.run(step, shell=True, cwd=repo, env=env, check=True, timeout=600, capture_output=True)
    serve = serve.replace(_DEFAULT_ADDRESS, f"127.0.0.1:{port}")
    with log.open("w") as out:
        server = subprocess.Popen(serve, shell=True, cwd=repo, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ReadmeError(f"the server stopped at start: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    stop_server(server, log)
    raise ReadmeError(f"the server did not answer within 120 s: {log.read_text()[-2000:]}")


def stop_server(server: subprocess.Popen, log: Path) -> None:
    """Ctrl-C, as a reader stops `make run`; then its worker and beat by pid if any is left."""
    if server.poll() is None:
        os.kill(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    for pid in _PID_LINE.findall(log.read_text() if log.exists() else ""):
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGKILL)


def shell_script(blocks: list[Block], port: int, run_shared: bool) -> str:
    """One bash session for the blocks to run, in order (a variable set in one is seen by the next)."""
    parts = [_SCRIPT_HEAD]
    for block in blocks:
        if block.kind in SKIP_KINDS or (block.kind == SHARED and not run_shared):
            continue
        text = block.text.replace(_DEFAULT_ADDRESS, f"127.0.0.1:{port}").replace(
            "localhost:8000", f"localhost:{port}"
        )
        parts.append(f"README_LINE={block.line}\n{text}\nprintf '\\nreadme-check: line {block.line} ok\\n'\n")
    return "\n".join(parts)


def run_blocks(
    blocks: list[Block], cwd: Path, env: dict[str, str], port: int, *, run_shared: bool, timeout: float = 900
) -> subprocess.CompletedProcess:
    """Run the blocks in one bash in `cwd`; its exit status says whether all of them worked."""
    script = shell_script(blocks, port, run_shared)
    return subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def check_readme(source: Path = ROOT, readme: Path | None = None, *, keep: bool = False) -> tuple[bool, str]:
    """Run the README's blocks against a fresh copy of `source` under `make run`; (ok, a report)."""
    blocks = code_blocks((readme or source / "README.md").read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="readme-check-"))
    repo = fresh_copy(source, work / source.name)
    shared = source.parent / "shared"
    if shared.is_dir():
        (work / "shared").symlink_to(shared.resolve())
    env, port, log = clean_env(source), free_port(), work / "server.log"
    server = start_server(repo, env, port, log)
    try:
        done = run_blocks(blocks, repo, env, port, run_shared=shared.is_dir())
    finally:
        stop_server(server, log)
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    lines = [f"block at line {b.line}: not run ({b.kind})" for b in blocks if b.kind in SKIP_KINDS]
    if not shared.is_dir():
        lines += [f"block at line {b.line}: not run (no ../shared)" for b in blocks if b.kind == SHARED]
    if keep:
        lines.append(f"the copy and the server's log are kept in {work}")
    report = "\n".join([*lines, done.stdout[-4000:], done.stderr[-4000:]])
    return done.returncode == 0, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readme", type=Path, default=None, help="default: the repository's README.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy (its path is printed)")
    args = parser.parse_args(argv)
    ok, report = check_readme(readme=args.readme, keep=args.keep)
    print(report)
    print("readme-check: every command worked" if ok else "readme-check: FAILED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
