"""Secrets in query strings never reach the access log.

ACLED clients send their key as `?key=...`; the dev server (`django.server`) and gunicorn log the
request line with its query string. Both go through `redact` here: a filter for Django's loggers
and a gunicorn logger class (`--logger-class config.log_redaction.RedactingGunicornLogger`).
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

# `key=`, `token=`, `api_key=`, `access_token=`, `password=`, `secret=` (any case), up to the next
# `&`, space or quote: one pass, linear (a literal alternation, then a negated class).
_SECRET_PARAM = re.compile(
    r"(?i)(?<![A-Za-z0-9_])((?:api_?key|access_token|auth_token|token|key|password|passwd|secret)=)"
    r"[^&\s\"']*"
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with the value of every secret-looking query parameter replaced by [redacted]."""
    return _SECRET_PARAM.sub(rf"\1{REDACTED}", text) if "=" in text else text


class RedactSecretsFilter(logging.Filter):
    """Rewrites a record's message and string arguments before any handler formats them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's access log with the request line, query string and referer redacted."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "q", "f"):
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        return atoms
