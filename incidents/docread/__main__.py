"""The child process: file bytes on stdin, limits as JSON in argv, one JSON answer on stdout.

`{"title": ..., "text": ...}` or `{"error": reason}`. The address space is capped before the
file is read, so a file that needs more memory fails here, not in the worker.
"""

from __future__ import annotations

import json
import resource
import sys

from incidents.docread import MB, DocumentRejected, Limits, read_document


def main() -> int:
    name, limits_json = sys.argv[1], sys.argv[2]
    limits = Limits(**json.loads(limits_json))
    data = sys.stdin.buffer.read()
    import docx  # noqa: F401 - the readers' libraries are loaded before the cap, which is for the file
    import pypdf  # noqa: F401

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    try:
        title, text = read_document(name, data, limits)
        answer = {"title": title, "text": text}
    except DocumentRejected as exc:
        answer = {"error": str(exc)}
    except MemoryError:
        answer = {"error": f"“{name}” needs more than {limits.memory_bytes / MB:.0f} MB of memory to read."}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
