"""htmx and the login redirect: a polling fragment must not swap the login page into a table row."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRedirectMiddleware:
    """When a session ends under an htmx request, send the whole page to the login form, with
    `next` the page the analyst was on (not the fragment's URL)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or response.status_code != 302:
            return response
        login = resolve_url(settings.LOGIN_URL)
        if urlsplit(response["Location"]).path != login:
            return response
        current = urlsplit(request.htmx.current_url or "")
        page = current.path + (f"?{current.query}" if current.query else "") if current.path else "/"
        return HttpResponseClientRedirect(f"{login}?{urlencode({'next': page})}")
