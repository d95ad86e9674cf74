"""DRF permission classes; who is an analyst and what they see is decided in incidents.access."""

from __future__ import annotations

from rest_framework import permissions

from incidents.access import ANALYSTS_GROUP, is_analyst
from incidents.models import ApiToken

__all__ = ["ANALYSTS_GROUP", "AnalystsOnly", "ReadOrAnalystWrite", "can_write", "is_analyst"]


def can_write(request) -> bool:
    """An analyst, through the browser session or a read-write token."""
    if not is_analyst(request.user):
        return False
    token = request.auth
    return not isinstance(token, ApiToken) or token.scope == ApiToken.Scope.WRITE


class ReadOrAnalystWrite(permissions.BasePermission):
    """Any authenticated client reads; only analysts with write access change anything."""

    message = "Changing data needs an analyst account and, for API tokens, the write scope."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_write(request)


class AnalystsOnly(ReadOrAnalystWrite):
    """The desk's own records (history, the possible-duplicate queue): analysts read them too."""

    message = "This needs an analyst account and, to change anything, for API tokens the write scope."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and is_analyst(request.user)
