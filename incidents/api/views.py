"""REST API v1: incidents, actors, locations, sources and articles (reports, merges, splits and
the possible-duplicate queue: incidents.api.linking)."""

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from incidents.api.acled_columns import attach_links
from incidents.api.export import CSVRenderer, GeoJSONRenderer, stream
from incidents.api.linking import (
    CONFLICT,
    REFUSED,
    ListFiltersOnly,
    api_visible,
    incident_body,
    reports_in_order,
)
from incidents.api.pagination import KeysetPagination
from incidents.api.preconditions import conflict_response, etag, expected, if_match
from incidents.api.rows import renders_in_database, with_documents
from incidents.api.serializers import (
    ActorSerializer,
    ArticleSerializer,
    ArticleUploadSerializer,
    BulkStatusSerializer,
    IncidentDetailSerializer,
    IncidentSerializer,
    IncidentWriteSerializer,
    LinkActionSerializer,
    LocationSerializer,
    MergeSerializer,
    SourceSerializer,
)
from incidents.filters import ActorFilter, IncidentFilter, LocationFilter, SourceFilter, without_merged
from incidents.models import Actor, Article, Incident, Location, Source
from incidents.services import (
    ArticleRejected,
    VersionConflict,
    article_ingest_upload,
    incident_delete,
    incident_set_status,
    incident_update,
    incidents_merge,
)
from incidents.services.incidents import record_save

MOVED = OpenApiResponse(
    description="A merged incident: `Location` is the incident its reports went to (the body gives "
    "`merged_into` and its `url`). Follow it, and drop this id."
)


@extend_schema_view(
    list=extend_schema(
        description="Incidents, newest first. Merged incidents (pointers to where their reports went) "
        "are left out, except with `status=merged` or in the change feed (`updated_since`), where "
        "they come with `merged_into` so a client can drop them and follow. `reports_count` says "
        "how many reports each has; the detail lists them."
    ),
    retrieve=extend_schema(
        responses={200: IncidentDetailSerializer, 308: MOVED},
        description="An incident with its evidence and its reports (each article's draft, in "
        "publication order). A merged incident answers 308 to the incident it was merged into.",
    ),
    create=extend_schema(responses={201: IncidentDetailSerializer}),
    update=extend_schema(responses={200: IncidentDetailSerializer}),
    partial_update=extend_schema(responses={200: IncidentDetailSerializer}),
)
class IncidentViewSet(ListFiltersOnly, viewsets.ModelViewSet):
    """Incidents; `?format=csv` (ACLED columns) or `?format=geojson` streams the whole filtered list."""

    filterset_class = IncidentFilter
    pagination_class = KeysetPagination
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, GeoJSONRenderer]

    def visible(self):
        """The incidents this client may see: drafts are for analysts."""
        return api_visible(self.request.user)

    def get_queryset(self):
        queryset = self.visible().select_related("location")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("evidence", Prefetch("reports", reports_in_order()))
        return queryset

    def finalize_response(self, request, response, *args, **kwargs):
        # An error or a redirect asked for as CSV or GeoJSON still answers in JSON, labelled as JSON.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 300 and getattr(renderer, "format", None) in ("csv", "geojson"):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    page_as_documents = False  # set per request when PostgreSQL renders the page (see list)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is None or self.page_as_documents:
            return page
        return attach_links(page)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return IncidentWriteSerializer
        return IncidentDetailSerializer if self.action == "retrieve" else IncidentSerializer

    def list(self, request, *args, **kwargs):
        fmt = request.accepted_renderer.format
        if fmt in ("csv", "geojson"):
            # one row per event: merged incidents are pointers, never rows, even in a change feed
            queryset = without_merged(self.filter_queryset(self.visible())).order_by("-start_date", "-pk")
            return stream(queryset, fmt)
        queryset = self.filter_queryset(self.get_queryset())
        if fmt == "json" and renders_in_database(queryset):
            self.page_as_documents = True
            base_url = request.build_absolute_uri(reverse("api:incident-list"))
            documents = self.paginate_queryset(with_documents(queryset, base_url))
            return self.paginator.get_documents_response(documents)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        fmt = request.accepted_renderer.format
        incident = self.get_object()
        if incident.status == Incident.Status.MERGED and incident.merged_into_id:
            return self._moved(request, incident)
        if fmt in ("csv", "geojson"):
            return stream(self.visible().filter(pk=incident.pk), fmt, filename=f"incident-{incident.pk}")
        response = Response(self.get_serializer(incident).data)
        response["ETag"] = etag(incident.version)
        return response

    def _moved(self, request, incident: Incident) -> Response:
        """308 to the incident a merged one went to (its query string kept, e.g. `?format=csv`).
        Not cached: a merge can be undone."""
        path = reverse("api:incident-detail", args=[incident.merged_into_id])
        query = request.META.get("QUERY_STRING", "")
        url = request.build_absolute_uri(f"{path}?{query}" if query else path)
        body = {
            "detail": f"Incident {incident.pk} was merged into incident {incident.merged_into_id}.",
            "merged_into": incident.merged_into_id,
            "url": url,
        }
        response = Response(body, status=status.HTTP_308_PERMANENT_REDIRECT, headers={"Location": url})
        response["Cache-Control"] = "no-cache"
        return response

    def create(self, request, *args, **kwargs):
        return self._save(Incident(), request, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        return self._save(self.get_object(), request, status.HTTP_200_OK, partial=partial)

    def destroy(self, request, *args, **kwargs):
        header = if_match(request)
        try:
            incident_delete(self.get_object(), user=request.user, expected_version=header)
        except VersionConflict as conflict:
            return conflict_response(conflict, header)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _save(self, incident: Incident, request, code: int, partial: bool = False) -> Response:
        """Create or change through the services: the analyst's edit rules and version checks
        (`If-Match` answers 412 when stale, a stale `version` in the body 409) live there."""
        body = IncidentWriteSerializer(
            incident if incident.pk else None,
            data=request.data,
            partial=partial,
            context=self.get_serializer_context(),
        )
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        header = if_match(request) if incident.pk else None
        try:
            incident = incident_update(
                incident,
                actors=data.pop("incident_actors", None),
                user=request.user,
                expected_version=expected(header, data.pop("version", None)),
                **data,
            )
        except VersionConflict as conflict:
            return conflict_response(conflict, header)
        fresh = (
            self.get_queryset()
            .prefetch_related("evidence", Prefetch("reports", reports_in_order()))
            .get(pk=incident.pk)
        )
        response = Response(
            IncidentDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )
        response["ETag"] = etag(fresh.version)
        return response

    @extend_schema(
        request=MergeSerializer,
        responses={
            200: inline_serializer(
                "MergeResult",
                fields={"action": LinkActionSerializer(), "incident": IncidentDetailSerializer()},
            ),
            400: REFUSED,
            409: CONFLICT,
        },
        description="Merge this incident into `into`: its reports (with their evidence) move there and "
        "it becomes a pointer (status `merged`, `merged_into`). Answers the action (undo it with "
        "`POST /api/v1/link-actions/{id}/undo/`) and the incident merged into.",
    )
    @action(detail=True, methods=["post"], serializer_class=MergeSerializer)
    def merge(self, request, pk=None):
        incident = self.get_object()
        body = MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            done = incidents_merge(
                incident, data["into"], user=request.user, expected_version=data.get("version")
            )
        except VersionConflict as conflict:
            return conflict_response(conflict, None)
        return Response(
            {"action": LinkActionSerializer(done).data, "incident": incident_body(request, done.incident_id)}
        )

    @action(detail=False, methods=["post"], url_path="bulk-status", serializer_class=BulkStatusSerializer)
    def bulk_status(self, request):
        """Publish, reject or otherwise move many incidents at once. With `versions`, a selection
        in which any incident changed since it was read is refused whole: 409, nothing changed."""
        body = BulkStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        found = Incident.objects.filter(pk__in=data["ids"])
        try:
            count = incident_set_status(
                found, data["status"], user=request.user, expected_versions=data.get("versions")
            )
        except VersionConflict as conflict:
            return conflict_response(conflict, None)
        return Response({"updated": count, "status": data["status"]})


class _ReferenceViewSet(viewsets.ModelViewSet):
    """Actors, locations and sources: everyone reads, analysts with write access change them."""

    def perform_create(self, serializer):
        serializer.instance = record_save(serializer.Meta.model(**serializer.validated_data))

    def perform_update(self, serializer):
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        record_save(instance)


class ActorViewSet(_ReferenceViewSet):
    queryset = Actor.objects.order_by("name")
    serializer_class = ActorSerializer
    filterset_class = ActorFilter


class LocationViewSet(_ReferenceViewSet):
    queryset = Location.objects.order_by("country", "admin1", "name")
    serializer_class = LocationSerializer
    filterset_class = LocationFilter


class SourceViewSet(_ReferenceViewSet):
    queryset = Source.objects.order_by("name")
    serializer_class = SourceSerializer
    filterset_class = SourceFilter


class ArticleViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ArticleSerializer

    def get_queryset(self):
        # readers learn of an article's published incidents only, not that drafts exist
        incidents = Incident.objects.visible_to(self.request.user).order_by("pk")
        return Article.objects.select_related("publisher").prefetch_related(Prefetch("incidents", incidents))

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def create(self, request, *args, **kwargs):
        upload = ArticleUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            result = article_ingest_upload(upload.validated_data, user=request.user)
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
