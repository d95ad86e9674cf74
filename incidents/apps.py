from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from incidents import signals  # noqa: F401 - logs dictionary changes for the workers
        from incidents.api import schema  # noqa: F401 - registers the OpenAPI extensions
