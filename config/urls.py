from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin, the API's JSON): send them
    to the desk's icon. Not permanent: the static name carries a hash that changes with the file."""
    return HttpResponseRedirect(static("incidents/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("incidents.api.urls")),
    path("api/acled/read", include("incidents.api.acled")),
    path("", include("incidents.urls")),
]

handler404 = "incidents.api.errors.not_found"
handler500 = "incidents.api.errors.server_error"
