"""Login throttling (django-axes): who the client is, and a lock per address as well as per account.

Axes counts failures per (username, IP address) pair, so one forgetful user locks only themselves.
An address trying many usernames is stopped too: past AXES_IP_FAILURE_LIMIT failures in the
cool-off period, every login from it is refused.
"""

from __future__ import annotations

import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless DJANGO_PROXY_COUNT trusted proxies stand in front.

    Each proxy appends the address it saw to X-Forwarded-For, so with N proxies the client is the
    N-th entry from the right; anything further left was written by the client and is not trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.DJANGO_PROXY_COUNT
    if proxies < 1:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote  # not the proxy chain we were told of: trust only the socket
    return forwarded[-proxies]


def _ip_failures(request: HttpRequest) -> int:
    """Failures from this request's address, over every username, within the cool-off period."""
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class DeskAxesHandler(AxesDatabaseHandler):
    """Axes' database handler, plus the per-address limit."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return settings.AXES_LOCK_OUT_AT_FAILURE and _ip_failures(request) >= settings.AXES_IP_FAILURE_LIMIT

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if _ip_failures(request) >= settings.AXES_IP_FAILURE_LIMIT:
            request.axes_locked_out = True  # AxesMiddleware answers with the lockout page
            request.axes_credentials = credentials


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """The login page's lockout message (429), saying how many minutes to wait, for desk and admin."""
    minutes = math.ceil(get_cool_off(request).total_seconds() / 60)
    context = {"cooloff_minutes": minutes, "username": get_client_username(request, credentials) or ""}
    return render(request, "registration/locked_out.html", context, status=429)
