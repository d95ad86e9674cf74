from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/new/", views.article_upload, name="article_upload"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/retry/", views.article_retry, name="article_retry"),
    path("incidents/", views.incident_list, name="incident_list"),
]
