"""REST API v1: incidents to read, articles to upload and poll."""

from django.conf import settings
from django.db.models import Prefetch
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from incidents.api.permissions import is_analyst
from incidents.api.serializers import (
    ArticleSerializer,
    ArticleUploadSerializer,
    IncidentDetailSerializer,
    IncidentSerializer,
)
from incidents.filters import IncidentFilter
from incidents.models import Article, Incident, IncidentActor, IncidentSource
from incidents.services import ArticleRejected, article_ingest


class IncidentViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = IncidentFilter

    def get_queryset(self):
        queryset = Incident.objects.select_related("location").prefetch_related(
            Prefetch("incident_actors", queryset=IncidentActor.objects.select_related("actor")),
            Prefetch("incident_sources", queryset=IncidentSource.objects.select_related("source")),
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("evidence")
        if not is_analyst(self.request.user):
            queryset = queryset.filter(status=Incident.Status.PUBLISHED)  # drafts are for analysts
        return queryset

    def get_serializer_class(self):
        return IncidentDetailSerializer if self.action == "retrieve" else IncidentSerializer


class ArticleViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    queryset = Article.objects.select_related("publisher").prefetch_related("incidents")
    serializer_class = ArticleSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def create(self, request, *args, **kwargs):
        upload = ArticleUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        file = data.get("file")
        try:
            result = article_ingest(
                published=data["published"],
                text=data.get("text") if file is None else None,
                file_name=file.name if file else "",
                # Read one byte past the limit: enough to refuse, never the whole of a huge file.
                file_data=file.read(settings.ARTICLE_MAX_BYTES + 1) if file else None,
                title=data.get("title", ""),
                url=data.get("url", ""),
                publisher=data.get("publisher", ""),
                user=request.user,
            )
        except ArticleRejected as exc:
            code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE if exc.too_large else status.HTTP_400_BAD_REQUEST
            return Response({"detail": str(exc)}, status=code)
        body = ArticleSerializer(result.article, context=self.get_serializer_context()).data
        body["duplicate"] = not result.created
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED if result.created else status.HTTP_200_OK,
            headers={"Location": str(body["url"])},
        )
