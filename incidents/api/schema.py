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


class AcledKeyScheme(OpenApiAuthenticationExtension):
    target_class = "incidents.api.acled.AcledKeyAuthentication"
    name = "AcledKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "query",
            "name": "key",
            "description": "An API token as ACLED's `key`, with its owner's e-mail as `email`; "
            "`Authorization: Bearer <token>` works too.",
        }


def plain_enum_descriptions(result, generator, request, public):
    """Postprocessing hook: a blank choice is listed as "* `` - " by drf-spectacular, and Swagger UI
    shows an empty code span as two raw backticks; say "(empty)" instead."""

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    node[key] = value.replace("* `` - ", "* (empty) - not given")
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(result)
    return result


_ERROR = {
    "type": "object",
    "description": "`detail` says what was wrong; a 400 names each bad field or parameter.",
    "additionalProperties": True,
}
_REASONS = {
    "400": "A parameter or field is invalid; the body names it.",
    "401": "No credentials, or a token that is invalid, revoked or expired.",
    "403": "Writing (and reading the desk's history and queue) needs an analyst and, for tokens to "
    "write, the write scope.",
    "404": (
        "No such record (or not visible to this client), a `page` past the last one, or a `format` "
        "this operation does not serve."
    ),
    "409": "The record is still used by incidents and cannot be deleted.",
    "413": "The request body is larger than ARTICLE_MAX_BYTES.",
    "415": "The body's content type is not accepted here.",
    "429": "Too many requests for this token; see Retry-After.",
}


_FEATURE_COLLECTION = {
    "type": "object",
    "description": "Every matching incident as a Point feature (null geometry when it has no coordinates); "
    "the properties are the ACLED columns plus `id` and `status`.",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"type": "object"}},
    },
}


def _whole_number(parameter: dict, filter_) -> None:
    """An IntegerFilter's parameter is a whole number within the column's range, not any number."""
    from incidents.filters import IntegerFilter

    if isinstance(filter_, IntegerFilter):
        bounds = {k: filter_.extra[k] for k in ("min_value", "max_value") if filter_.extra.get(k) is not None}
        parameter["schema"] = {
            "type": "integer",
            **({"minimum": bounds["min_value"]} if "min_value" in bounds else {}),
            **({"maximum": bounds["max_value"]} if "max_value" in bounds else {}),
        }


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the error answers each kind of operation really gives."""

    def _error_codes(self) -> list[str]:
        method = self.method.upper()
        # 404 everywhere: DRF's answer to an unknown `?format=`, and page-numbered lists' past the end
        codes = ["400", "401", "404", "429"]
        if method not in ("GET", "HEAD", "OPTIONS"):
            codes += ["403", "415"]
        elif getattr(self.view, "analysts_only", False):
            codes.append("403")
        if method == "DELETE":
            codes.append("409")
        if method == "POST" and self.path.endswith("/articles/"):
            codes.append("413")
        return codes

    def _get_filter_parameters(self) -> list[dict]:
        """A choice filter sent empty (`?kind=`, as an HTML form sends it) means no filter: say so."""
        parameters = super()._get_filter_parameters()
        filters = getattr(getattr(self.view, "filterset_class", None), "base_filters", {})
        for parameter in parameters:
            _whole_number(parameter, filters.get(parameter["name"]))
            schema = parameter.get("schema", {})
            target = schema.get("items", schema)
            if "enum" in target and "" not in target["enum"]:
                target["enum"] = [*target["enum"], ""]
        return parameters

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        content = response.get("content", {})
        # The exports are not the JSON page: a CSV file (ACLED columns) and a GeoJSON FeatureCollection.
        if "text/csv" in content:
            content["text/csv"] = {
                "schema": {"type": "string", "description": "ACLED columns, one row per incident."}
            }
        if "application/geo+json" in content:
            content["application/geo+json"] = {"schema": _FEATURE_COLLECTION}
        return response

    def _get_response_bodies(self, direction: str = "response") -> dict:
        bodies = super()._get_response_bodies(direction)
        for code in self._error_codes():
            bodies.setdefault(
                code, {"description": _REASONS[code], "content": {"application/json": {"schema": _ERROR}}}
            )
        return bodies
