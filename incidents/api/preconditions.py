"""HTTP preconditions for incidents: `ETag` is the incident's version, `If-Match` names the
version a PUT, PATCH or DELETE is based on (RFC 9110 strong comparison; `*` matches any)."""

from __future__ import annotations

from django.utils.http import parse_etags, quote_etag
from rest_framework import status
from rest_framework.response import Response

from incidents.services import VersionConflict


def etag(version: int) -> str:
    """The entity tag of an incident at `version`: `"3"`."""
    return quote_etag(str(version))


def if_match(request) -> set[int] | None:
    """The versions `If-Match` accepts; None when absent or `*` (no check). A weak or foreign
    tag matches no version, so a request naming only such tags fails its precondition."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    tags = parse_etags(header)
    if tags == ["*"]:
        return None
    versions = set()
    for tag in tags:
        value = tag.strip('"') if not tag.startswith("W/") else ""
        if value.isdigit():
            versions.add(int(value))
    return versions


def expected(header: set[int] | None, body: int | None) -> set[int] | int | None:
    """The versions a write may apply to: both the header's and the body's when both are given."""
    if header is None:
        return body
    return header if body is None else header & {body}


def conflict_response(conflict: VersionConflict, header: set[int] | None) -> Response:
    """412 when `If-Match` failed, else 409 (a stale `version` in the body or a bulk selection);
    the body says what changed since, field by field, and by whom."""
    stale = conflict.stale[0]
    failed_header = header is not None and stale.current not in header
    code = status.HTTP_412_PRECONDITION_FAILED if failed_header else status.HTTP_409_CONFLICT
    response = Response(conflict.as_dict(), status=code)
    if len(conflict.stale) == 1 and stale.current is not None:
        response["ETag"] = etag(stale.current)
    return response
