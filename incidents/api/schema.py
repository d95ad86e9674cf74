"""OpenAPI descriptions for what drf-spectacular cannot infer on its own."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "incidents.api.auth.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `manage.py create_api_token`: `Authorization: Bearer <token>`.",
        }
