"""Benchmark uploads: the web's answer, the worker's outcome, and the old in-request reading.

    .venv/bin/python bench/uploads.py

For a normal PDF and .docx and each hostile file of tests/fixtures/hostile.py it prints: the web
response time of the upload (Django's test client, API, on a scratch SQLite database), the
worker's outcome and reason (`article_parse`, the real path), the extraction time and the peak RSS
of the process doing the extraction (the reader child's VmHWM, polled every 10 ms), and beside them
the old path (the in-request reader of commit 104e8fe) run in a child with RLIMIT_AS 3 GB and a
30 s timeout. Targets: web under 1 s, the reader under 600 MB, every hostile file failed with a reason.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BASELINE = "104e8fe"
GB = 1 << 30

_OLD_CHILD = """
import io, sys, resource
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
class ArticleRejected(ValueError):
    def __init__(self, message, *, too_large=False):
        super().__init__(message)
source = open(sys.argv[1]).read().replace(
    "from incidents.services.uploads import ArticleRejected", "")
exec(compile(source, "old_documents.py", "exec"))
try:
    title, text = read_document(sys.argv[2], sys.stdin.buffer.read(), 5 * 1024 * 1024)
    print("read", len(text), "characters")
except ArticleRejected as exc:
    print("refused:", exc)
except MemoryError:
    print("MemoryError at 3 GB")
"""


def _wait(proc: subprocess.Popen, data: bytes, timeout: float) -> tuple[float, int, bytes, str]:
    """Feed `data`, wait (killing at `timeout`); return (seconds, peak RSS in MB, stdout, note)."""
    started = time.monotonic()
    proc.stdin.write(data)
    proc.stdin.close()
    deadline = started + timeout
    peak = 0
    while True:
        peak = max(peak, _high_water_mb(proc.pid))
        pid, _, _ = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return time.monotonic() - started, peak, proc.stdout.read(), ""
        if time.monotonic() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return timeout, peak, b"", f"killed at {timeout:.0f} s"
        time.sleep(0.01)


def _high_water_mb(pid: int) -> int:
    """The process's peak RSS (VmHWM) so far. Not ru_maxrss: a child forked from a big process
    inherits its parent's high-water mark in ru_maxrss, even after exec."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return 0


def old_path(name: str, data: bytes, source: Path) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-c", _OLD_CHILD, str(source), name],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    seconds, rss, out, note = _wait(proc, data, 30)
    outcome = note or out.decode().strip()[:60]
    return f"{seconds:5.1f} s {rss:5d} MB  {outcome}"


def reader_child(name: str, data: bytes) -> tuple[float, int]:
    """The new reader, as the worker runs it, measured per process."""
    from incidents.services.documents import document_limits

    limits = json.dumps(document_limits().as_dict())
    proc = subprocess.Popen(
        [sys.executable, "-m", "incidents.docread", name, limits],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    seconds, rss, _, _ = _wait(proc, data, 60)
    return seconds, rss


def write_cases(folder: Path) -> None:
    """Build the files (it takes hundreds of MB to make them) and write them to `folder`."""
    from tests.fixtures import hostile
    from tests.fixtures.documents import DOCX_SAMPLE_TEXT, PDF_SAMPLE_TEXT, docx_bytes, pdf_bytes

    for name, data in [
        ("normal.pdf", pdf_bytes(PDF_SAMPLE_TEXT)),
        ("normal.docx", docx_bytes(DOCX_SAMPLE_TEXT)),
        ("understated.docx", hostile.docx_understated()),
        ("xml-64MB.docx", hostile.docx_huge_xml()),
        ("media-60MB.docx", hostile.docx_many_media()),
        ("1517-parts.docx", hostile.docx_many_members()),
        ("500-pages-shared.pdf", hostile.pdf_shared_stream()),
        ("deflate-96MB.pdf", hostile.pdf_deflate_bomb()),
    ]:
        (folder / name).write_bytes(data)
        (folder / "order").open("a").write(name + "\n")


def cases(folder: Path) -> list[tuple[str, bytes]]:
    """The files, built in a child process so that this one (and the children it starts) stay small."""
    subprocess.run(
        [sys.executable, __file__, "--build", str(folder)], check=True, cwd=ROOT, env={**os.environ}
    )
    names = (folder / "order").read_text().split()
    return [(name, (folder / name).read_bytes()) for name in names]


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{scratch / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(scratch / "media"),
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from incidents.models import Article
    from incidents.services import article_parse

    call_command("migrate", verbosity=0)
    client = Client()
    client.force_login(get_user_model().objects.create_user("bench", is_staff=True))
    client.get("/api/v1/articles/")  # warm up: URLs, serializers, imports
    files = scratch / "files"
    files.mkdir()
    old_source = scratch / "old_documents.py"
    old_source.write_bytes(
        subprocess.check_output(["git", "show", f"{BASELINE}:incidents/services/documents.py"], cwd=ROOT)
    )
    print(
        f"{'file':22} {'size':>8}  {'web':>7}  {'worker outcome':52} {'read':>6} {'peak RSS':>8}  | old path"
    )
    for name, data in cases(files):
        upload = io.BytesIO(data)
        upload.name = name
        started = time.monotonic()
        response = client.post("/api/v1/articles/", {"file": upload, "published": "2024-05-01"})
        web = time.monotonic() - started
        article = Article.objects.get(pk=response.json()["id"])
        article_parse(article.pk)
        article.refresh_from_db()
        outcome = article.status if article.status == "parsed" else f"failed: {article.error}"
        seconds, rss = reader_child(name, data)
        print(
            f"{name:22} {len(data) / 1024:6.0f}KB  {web * 1000:5.0f}ms  {outcome[:52]:52} "
            f"{seconds:5.2f}s {rss:6d}MB  | {old_path(name, data, old_source)}"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak RSS of this process (web + worker side, all cases): {own} MB")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        write_cases(Path(sys.argv[2]))
    else:
        main()
