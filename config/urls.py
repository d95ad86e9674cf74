from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("incidents.api.urls")),
    path("api/acled/read", include("incidents.api.acled")),
    path("", include("incidents.urls")),
]

handler404 = "incidents.api.errors.not_found"
handler500 = "incidents.api.errors.server_error"
