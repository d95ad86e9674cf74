"""Two writers in two threads whose transactions overlap, for PostgreSQL race tests."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections, transaction


def overlapping_writes(first: Callable[[], object], second: Callable[[], object]) -> tuple[object, object]:
    """Run `first` in a transaction that writes and then holds its commit; once it has written, run
    `second` in a transaction of its own, which meets first's uncommitted rows and waits on them;
    first commits a second later. Returns both results; an error in either thread is raised here."""
    first_wrote, first_may_commit = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def run(name: str, write: Callable[[], object], before: Callable[[], None], after: Callable[[], None]):
        def target() -> None:
            try:
                before()
                with transaction.atomic():
                    results[name] = write()
                    after()
            except Exception as exc:  # noqa: BLE001 - raised in the test's thread below
                results.setdefault("error", exc)
            finally:
                connections.close_all()

        return threading.Thread(target=target)

    def hold() -> None:
        first_wrote.set()
        first_may_commit.wait(10)

    def wait_for_first() -> None:
        first_wrote.wait(10)
        threading.Timer(1.0, first_may_commit.set).start()  # commit while the second one waits

    threads = [run("first", first, lambda: None, hold), run("second", second, wait_for_first, lambda: None)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    if "error" in results:
        raise results["error"]  # type: ignore[misc]
    return results["first"], results["second"]
