"""Who may do what, in one place: the desk views, the API and the services all ask here.

Analysts (staff or members of the `analysts` group) see every incident and change them; every
other signed-in user reads published incidents only. This module imports no model at load time,
so `incidents.models` can use it for `Incident.objects.visible_to(user)`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

ANALYSTS_GROUP = "analysts"


def is_analyst(user) -> bool:
    """Staff and members of the 'analysts' group review and edit incidents."""
    if not user or not user.is_authenticated:
        return False
    return user.is_staff or user.groups.filter(name=ANALYSTS_GROUP).exists()


def analyst_users() -> QuerySet:
    """Who incidents may be assigned to: active staff and members of the analysts group."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(groups__name=ANALYSTS_GROUP))
        .distinct()
        .order_by("username")
    )


def published_only(user) -> bool:
    """Whether `user` is limited to published incidents (everyone but analysts)."""
    return not is_analyst(user)


def analyst_required(view: Callable) -> Callable:
    """A desk view for analysts only: anonymous users go to the login page, viewers get a 403."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not is_analyst(request.user):
            raise PermissionDenied("Only analysts do this.")
        return view(request, *args, **kwargs)

    return login_required(guarded)
