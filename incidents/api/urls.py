from rest_framework.routers import DefaultRouter

from incidents.api.views import ActorViewSet, ArticleViewSet, IncidentViewSet, LocationViewSet, SourceViewSet

app_name = "api"

router = DefaultRouter()
router.register("incidents", IncidentViewSet, basename="incident")
router.register("articles", ArticleViewSet, basename="article")
router.register("actors", ActorViewSet, basename="actor")
router.register("locations", LocationViewSet, basename="location")
router.register("sources", SourceViewSet, basename="source")

urlpatterns = router.urls
