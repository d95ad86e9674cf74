from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from incidents.api.views import ActorViewSet, ArticleViewSet, IncidentViewSet, LocationViewSet, SourceViewSet

app_name = "api"

router = DefaultRouter()
router.register("incidents", IncidentViewSet, basename="incident")
router.register("articles", ArticleViewSet, basename="article")
router.register("actors", ActorViewSet, basename="actor")
router.register("locations", LocationViewSet, basename="location")
router.register("sources", SourceViewSet, basename="source")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
