from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from incidents.api import schema  # noqa: F401 - registers the OpenAPI extensions
