"""Authentication of API clients by hashed, expiring, revocable tokens."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from incidents.models import ApiToken
from incidents.services.tokens import api_token_lookup

# last_used_at is written at most this often per token, not on every request
_TOUCH_EVERY = timedelta(minutes=1)


def authenticate_token(raw: str) -> ApiToken:
    """The active token for `raw`, or AuthenticationFailed saying why not."""
    token = api_token_lookup(raw)
    if token is None:
        raise exceptions.AuthenticationFailed("Invalid API token.")
    if token.state == "revoked":
        raise exceptions.AuthenticationFailed("This API token has been revoked.")
    if token.state == "expired":
        raise exceptions.AuthenticationFailed("This API token has expired.")
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed("The account this API token belongs to is disabled.")
    now = timezone.now()
    if not token.last_used_at or now - token.last_used_at > _TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` (or `Token <token>`)."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: use 'Bearer <token>'.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The API token contains invalid characters.") from None
        token = authenticate_token(raw)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
