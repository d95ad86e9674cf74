"""The desk's own pages, in the `incidents` URL namespace: the dashboard, the live status of an
upload, and the actor and location pages."""

from django.urls import path

from incidents.views import articles, dashboard, reference

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("articles/uploaded/", articles.article_batch, name="article_batch"),
    path("articles/<int:pk>/row/", articles.article_row, name="article_row"),
    path("actors/", reference.actor_list, name="actor_list"),
    path("actors/<int:pk>/", reference.actor_detail, name="actor_detail"),
    path("actors/<int:pk>/aliases/", reference.actor_alias_add, name="actor_alias_add"),
    path("locations/", reference.location_list, name="location_list"),
    path("locations/<int:pk>/", reference.location_detail, name="location_detail"),
    path("locations/<int:pk>/aliases/", reference.location_alias_add, name="location_alias_add"),
]
