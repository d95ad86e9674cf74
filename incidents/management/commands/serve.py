"""The web server, a Celery worker and Celery beat (the outbox's and the feeds' clock) together: one
command, one Ctrl-C stops all."""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Ctrl-C asks the worker to finish its task (a warm stop) for this long, then stops it cold. Nothing
# is lost by that: the parse message is acknowledged only after the parse, and the outbox sends the
# article again (incidents.services.outbox).
STOP_WAIT = 1.0


class Command(BaseCommand):
    help = "Run the development web server, a Celery worker and Celery beat (the outbox's and feeds' clock)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=1, help="Worker processes (default 1).")

    def handle(self, *args, addrport, concurrency, **options):
        # Ctrl-C and `kill` (SIGTERM) both stop the server and then the others, even where a
        # shell started us with SIGINT ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        # fresh uploads' queue first, then the bulk re-extraction's (incidents.services.reextract)
        queues = f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.REEXTRACT_QUEUE}"
        worker = self._start("worker", "-Q", queues, "--loglevel=INFO", f"--concurrency={concurrency}")
        beat = self._start("beat", "--loglevel=INFO", f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}")
        broker = settings.CELERY_BROKER_URL.split("@")[-1]
        self.stdout.write(
            f"Celery worker started (pid {worker.pid}); broker {broker}; queues {queues} "
            "(uploads first, then re-extraction)"
        )
        self.stdout.write(
            f"Celery beat started (pid {beat.pid}); outbox every {settings.OUTBOX_INTERVAL} s, "
            f"feeds due checked every {settings.FEEDS_INTERVAL} s"
        )
        self.stdout.flush()  # a log file sees it now, not when the buffer fills
        try:
            call_command("runserver", addrport, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            _stop([worker, beat])
            self.stdout.write("Web server, worker and beat stopped.")

    def _start(self, *args: str) -> subprocess.Popen:
        # a session of their own: the terminal's Ctrl-C reaches this command only, which stops
        # them in order (the worker gets one SIGTERM, not a SIGINT storm)
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=settings.BASE_DIR,
            start_new_session=True,
        )


def _stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM (warm stop), then SIGKILL after STOP_WAIT seconds for whatever still runs."""
    running = [p for p in processes if p.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + STOP_WAIT
    for process in running:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.01))
        except subprocess.TimeoutExpired:
            _kill_group(process)


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the process and its pool children (they share its session's process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=5)
