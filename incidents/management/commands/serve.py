"""The web server and a Celery worker together: one command, one Ctrl-C stops both."""

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development web server and a Celery worker process side by side."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=1, help="Worker processes (default 1).")

    def handle(self, *args, addrport, concurrency, **options):
        # Ctrl-C and `kill` (SIGTERM) both stop the server and then the worker, even where a
        # shell started us with SIGINT ignored.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
            ],
            cwd=settings.BASE_DIR,
        )
        self.stdout.write(
            f"Celery worker started (pid {worker.pid}); broker {settings.CELERY_BROKER_URL.split('@')[-1]}"
        )
        self.stdout.flush()  # a log file sees it now, not when the buffer fills
        try:
            call_command("runserver", addrport, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
            self.stdout.write("Web server and worker stopped.")
