from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from incidents.api.feeds import FeedViewSet
from incidents.api.linking import LinkActionViewSet, PossibleDuplicateViewSet, ReportViewSet
from incidents.api.views import ActorViewSet, ArticleViewSet, IncidentViewSet, LocationViewSet, SourceViewSet

app_name = "api"

router = DefaultRouter()
router.register("incidents", IncidentViewSet, basename="incident")
router.register("articles", ArticleViewSet, basename="article")
router.register("actors", ActorViewSet, basename="actor")
router.register("locations", LocationViewSet, basename="location")
router.register("sources", SourceViewSet, basename="source")
router.register("feeds", FeedViewSet, basename="feed")
router.register("reports", ReportViewSet, basename="report")
router.register("link-actions", LinkActionViewSet, basename="link-action")
router.register("possible-duplicates", PossibleDuplicateViewSet, basename="possible-duplicate")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's script comes from a URL of its own (the split view), so scripts stay 'self'
    # only; its page and widgets carry inline styles, allowed on this page alone.
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
    *router.urls,
]
