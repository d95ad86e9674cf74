from django.urls import path

from incidents.views import articles, dashboard, incidents, reference

app_name = "incidents"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("articles/", articles.article_list, name="article_list"),
    path("articles/new/", articles.article_upload, name="article_upload"),
    path("articles/uploaded/", articles.article_batch, name="article_batch"),
    path("articles/<int:pk>/", articles.article_detail, name="article_detail"),
    path("articles/<int:pk>/row/", articles.article_row, name="article_row"),
    path("articles/<int:pk>/retry/", articles.article_retry, name="article_retry"),
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("actors/", reference.actor_list, name="actor_list"),
    path("actors/<int:pk>/", reference.actor_detail, name="actor_detail"),
    path("actors/<int:pk>/aliases/", reference.actor_alias_add, name="actor_alias_add"),
    path("locations/", reference.location_list, name="location_list"),
    path("locations/<int:pk>/", reference.location_detail, name="location_detail"),
    path("locations/<int:pk>/aliases/", reference.location_alias_add, name="location_alias_add"),
]
