"""What every page's template needs to know about the user: may they change things?"""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from incidents.access import is_analyst


def desk(request: HttpRequest) -> dict:
    # lazy: pages that never ask (and anonymous ones) cost no group query
    return {"user_is_analyst": SimpleLazyObject(lambda: is_analyst(getattr(request, "user", None)))}
