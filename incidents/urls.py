from django.urls import path

from incidents.views import articles, dashboard, incidents

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
]
