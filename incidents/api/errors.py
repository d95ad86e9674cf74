"""JSON errors that say what was wrong, for every API failure."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        limit = settings.ARTICLE_MAX_BYTES / 1_048_576
        return Response(
            {"detail": f"The request body is too large; an article may be at most {limit:.0f} MB."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, ProtectedError | RestrictedError):
        return Response({"detail": _still_used(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        # model validation (event/sub-event pairs, date order, unique names) speaks as a 400
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    return drf_exception_handler(exc, context)


def _still_used(exc: ProtectedError | RestrictedError) -> str:
    """Why a delete was refused: what still refers to the record, counted by kind."""
    kinds: dict[str, int] = {}
    for obj in exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects:
        label = "incident" if obj._meta.model_name.startswith("incident") else obj._meta.verbose_name
        kinds[label] = kinds.get(label, 0) + 1
    uses = ", ".join(f"{n} {label}{'s' if n > 1 else ''}" for label, n in kinds.items())
    return f"Not deleted: still used by {uses}. Remove it from them first."


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    """A JSON 404 for API paths (Django's own page elsewhere)."""
    if _wants_json(request):
        return JsonResponse({"detail": f"Not found: {request.path} is not an API endpoint."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """A JSON 500 for API paths, so clients always get something they can parse."""
    if _wants_json(request):
        return JsonResponse({"detail": "Internal server error; it has been logged."}, status=500)
    return defaults.server_error(request)
