"""The README's copy-paste test (scripts/readme_check.py): its parts, then the whole README run as
written against a fresh copy of this tree under `make run`."""

from __future__ import annotations

import http.server
import importlib.util
import os
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("readme_check", ROOT / "scripts" / "readme_check.py")
rc = importlib.util.module_from_spec(_spec)
sys.modules["readme_check"] = rc  # dataclasses look their module up there
_spec.loader.exec_module(rc)


class _Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        code = 403 if self.path.startswith("/forbidden") else 200
        body = f"answer {code} for {self.path}".encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _run(markdown: str, tmp_path: Path, port: int = 9) -> object:
    env = rc.clean_env(ROOT)
    return rc.run_blocks(rc.code_blocks(markdown), tmp_path, env, port, run_shared=False, timeout=60)


def test_blocks_fenced_and_indented_with_their_markers():
    markdown = (
        "# Title\n\ntext\n\n    make run\n    make test\n\n<!-- readme-check: docker -->\n\n"
        "    docker compose up\n\nprose\n\n```sh\necho one\n```\n\n```json\n{}\n```\n\n"
        '<!-- readme-check: output -->\n```\n{"a": 1}\n```\n'
    )
    blocks = rc.code_blocks(markdown)
    assert [(b.line, b.kind, b.text) for b in blocks] == [
        (5, "", "make run\nmake test"),
        (10, "docker", "docker compose up"),
        (15, "", "echo one"),
        (24, "output", '{"a": 1}'),
    ]


def test_a_marker_is_for_the_next_block_only():
    blocks = rc.code_blocks(
        "<!-- readme-check: network -->\n\nA paragraph.\n\n    curl https://example.org\n"
    )
    assert blocks == [rc.Block(5, "curl https://example.org", "")]


def test_an_unknown_marker_is_refused():
    with pytest.raises(rc.ReadmeError, match="line 1: unknown readme-check marker 'later'"):
        rc.code_blocks("<!-- readme-check: later -->\n\n    make run\n")


def test_a_block_reading_shared_must_say_so():
    with pytest.raises(rc.ReadmeError, match="line 3: the block reads ../shared"):
        rc.code_blocks("text\n\n    cat ../shared/seed/a.txt\n")
    assert rc.code_blocks("<!-- readme-check: shared -->\n\n    cat ../shared/a\n")[0].kind == "shared"


def test_hostile_readme_text_is_read_in_linear_time():
    started = time.perf_counter()
    blocks = rc.code_blocks(("    " * 50_000) + "x\n" + "`" * 100_000 + "\n")
    assert len(blocks) == 1
    with pytest.raises(rc.ReadmeError, match="unknown readme-check marker"):
        rc.code_blocks("<!-- readme-check: docker " + "-" * 100_000 + "\n")
    assert rc._PID_LINE.findall("started (pid " * 50_000 + "1)") == ["1"]
    assert rc._PID_LINE.findall("started (pid " + "9" * 100_000) == []
    assert time.perf_counter() - started < 2


def test_variables_carry_from_block_to_block_and_skipped_blocks_do_not_run(tmp_path):
    markdown = 'x\n\n    WORD=kept\n\n<!-- readme-check: docker -->\n\n    exit 7\n\ny\n\n    echo "$WORD" > out.txt\n'
    done = _run(markdown, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.txt").read_text() == "kept\n"


def test_a_failing_command_names_its_readme_line(tmp_path):
    done = _run("x\n\n    echo fine\n\ny\n\n    ls does-not-exist\n    echo never\n", tmp_path)
    assert done.returncode != 0
    assert "the block at README line 7 failed" in done.stderr
    assert "never" not in done.stdout


def test_curl_fails_on_an_http_error_and_port_8000_is_the_servers(tmp_path, local_server):
    ok = _run("x\n\n    curl http://127.0.0.1:8000/fine > got.txt\n", tmp_path, local_server)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "got.txt").read_text() == "answer 200 for /fine"
    refused = _run("x\n\n    curl http://127.0.0.1:8000/forbidden\n", tmp_path, local_server)
    assert refused.returncode != 0
    assert "403" in refused.stderr and "line 3 failed" in refused.stderr


def test_a_readers_shell_has_no_server_settings_and_no_venv(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "1")
    monkeypatch.setenv("PATH", f"{ROOT / '.venv' / 'bin'}{os.pathsep}/usr/bin")
    env = rc.clean_env(ROOT)
    assert "DJANGO_DEBUG" not in env and "DJANGO_SECRET_KEY" not in env
    assert env["PATH"] == "/usr/bin"


def test_the_fresh_copy_leaves_ignored_files_out(tmp_path):
    copy = rc.fresh_copy(ROOT, tmp_path / "copy")
    assert (copy / "README.md").read_text() == (ROOT / "README.md").read_text()
    assert (copy / ".venv").is_symlink() and (copy / "manage.py").is_file()
    assert not (copy / "var").exists()


def test_make_run_is_what_the_check_starts():
    recipe = rc.make_run_recipe(ROOT)
    assert recipe[-1].endswith("manage.py serve 127.0.0.1:8000")
    assert any("create_demo_user" in step for step in recipe)


def test_every_readme_command_works_as_written():
    ok, report = rc.check_readme(ROOT)
    assert ok, report
    assert "readme-check: line " in report and "not run (docker)" in report
