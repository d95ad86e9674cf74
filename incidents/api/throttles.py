"""Request-rate limits per API token (or per user for browser sessions)."""

from rest_framework.throttling import SimpleRateThrottle

from incidents.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """One bucket per token: two tokens of one user are limited separately."""

    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"t{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = f"a{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
