from django.urls import include, path

from incidents.views import articles, incidents

app_name = "incidents"

urlpatterns = [
    path("", include("incidents.urls_desk")),  # the dashboard, upload status, actors, locations
    path("articles/", articles.article_list, name="article_list"),
    path("articles/new/", articles.article_upload, name="article_upload"),
    path("articles/<int:pk>/", articles.article_detail, name="article_detail"),
    path("articles/<int:pk>/retry/", articles.article_retry, name="article_retry"),
    path("incidents/", incidents.incident_list, name="incident_list"),
]
