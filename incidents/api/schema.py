"""OpenAPI descriptions for what drf-spectacular cannot infer on its own."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "incidents.api.auth.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `manage.py create_api_token`: `Authorization: Bearer <token>`.",
        }


_ERROR = {
    "type": "object",
    "description": "`detail` says what was wrong; a 400 names each bad field or parameter.",
    "additionalProperties": True,
}
_REASONS = {
    "400": "A parameter or field is invalid; the body names it.",
    "401": "No credentials, or a token that is invalid, revoked or expired.",
    "403": "Writing needs an analyst and, for tokens, the write scope.",
    "404": "No such record (or not visible to this client).",
    "409": "The record is still used by incidents and cannot be deleted.",
    "413": "The request body is larger than ARTICLE_MAX_BYTES.",
    "415": "The body's content type is not accepted here.",
    "429": "Too many requests for this token; see Retry-After.",
}


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the error answers each kind of operation really gives."""

    def _error_codes(self) -> list[str]:
        method, detail = self.method.upper(), self._is_a_detail()
        codes = ["400", "401", "429"]
        if method not in ("GET", "HEAD", "OPTIONS"):
            codes += ["403", "415"]
        if detail:
            codes.append("404")
        if method == "DELETE":
            codes.append("409")
        if method == "POST" and self.path.endswith("/articles/"):
            codes.append("413")
        return codes

    def _is_a_detail(self) -> bool:
        return "{id}" in self.path

    def _get_response_bodies(self, direction: str = "response") -> dict:
        bodies = super()._get_response_bodies(direction)
        for code in self._error_codes():
            bodies.setdefault(
                code, {"description": _REASONS[code], "content": {"application/json": {"schema": _ERROR}}}
            )
        return bodies
