"""API tokens: issued once in clear, stored hashed, expired or revoked on demand."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from incidents.models import ApiToken


def token_digest(raw: str) -> str:
    """SHA-256 of the token: tokens are long random strings, so a fast hash is enough."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(
    user, *, scope: str = ApiToken.Scope.READ, days: int | None = None, name: str = ""
) -> tuple[ApiToken, str]:
    """Issue a token; returns the row and the token itself, which is not stored anywhere."""
    if scope not in ApiToken.Scope.values:
        raise ValueError(f"Unknown scope {scope!r}; use read or write.")
    if days is not None and days <= 0:
        raise ValueError("A token must live for at least one day.")
    raw = f"idk_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:12],
        digest=token_digest(raw),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    return token, raw


def api_token_revoke(token: ApiToken) -> None:
    if not token.revoked_at:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def api_token_lookup(raw: str) -> ApiToken | None:
    """The token row for a presented token, whatever its state; None if unknown."""
    return ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
