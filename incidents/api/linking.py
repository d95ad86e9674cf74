"""Reports, merges, splits, undo and the "possible same event" queue over the API.

The rules live in incidents.services.merging; these views only read the request, call the
service and say what it did. A refusal (ReviewRefused: merging into a merged incident, splitting
an only report, undoing after a later change...) is a 400 with its message; a stale `version` a
409 naming what changed, as for every other incident write.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from incidents.access import published_only
from incidents.api.permissions import AnalystsOnly
from incidents.api.preconditions import conflict_response
from incidents.api.serializers import (
    DecideSerializer,
    IncidentDetailSerializer,
    LinkActionSerializer,
    PossibleDuplicateSerializer,
    ReportSerializer,
    SplitSerializer,
)
from incidents.filters import ID_MAX, IntegerFilter
from incidents.models import Incident, LinkAction, PossibleDuplicate, Report
from incidents.services import VersionConflict, link_action_undo, possible_duplicate_decide, report_split

CONFLICT = OpenApiResponse(description="The `version` sent is stale: the body says what changed since.")
REFUSED = OpenApiResponse(
    description="Refused: the body's `detail` says why (e.g. already merged or undone)."
)


class ListFiltersOnly:
    """Query filters choose the rows of a list; a record named by its id is found whatever they
    would default to (a merged incident, a decided pair), then shown, redirected or refused."""

    def filter_queryset(self, queryset):
        return queryset if getattr(self, "detail", False) else super().filter_queryset(queryset)


def api_visible(user) -> QuerySet[Incident]:
    """The incidents `user` may read through the API: analysts all; others published ones, and
    merged ones whose reports went to a published incident (so a change feed can say where an
    incident it showed went)."""
    if not published_only(user):
        return Incident.objects.all()
    # Exists, not a join: only merged rows evaluate it, and the lists' keyset indexes still serve
    published_target = Incident.objects.filter(
        pk=OuterRef("merged_into_id"), status=Incident.Status.PUBLISHED
    )
    into_published = Q(status=Incident.Status.MERGED) & Exists(published_target)
    return Incident.objects.filter(Q(status=Incident.Status.PUBLISHED) | into_published)


def reports_in_order() -> QuerySet[Report]:
    """Reports with their articles (never the articles' texts) in publication order."""
    return (
        Report.objects.select_related("article__publisher")
        .defer("article__text")
        .order_by("article__published", "pk")
    )


def incident_body(request: Request, pk: int) -> dict:
    """An incident's detail representation, read afresh after a write."""
    incident = Incident.objects.select_related("location").prefetch_related(
        "evidence", Prefetch("reports", reports_in_order())
    )
    return IncidentDetailSerializer(incident.get(pk=pk), context={"request": request}).data


def _action_result(incident_field: str):
    """The schema of a merge's or split's answer: what was done, and the incident it left."""
    return inline_serializer(
        f"{incident_field.title()}Result",
        fields={"action": LinkActionSerializer(), "incident": IncidentDetailSerializer()},
    )


class ReportFilter(django_filters.FilterSet):
    incident = IntegerFilter(field_name="incident_id", max_value=ID_MAX, label="The reports of this incident")
    article = IntegerFilter(
        field_name="article_id", max_value=ID_MAX, label="The reports drafted from this article"
    )

    class Meta:
        model = Report
        fields: list[str] = []


class ReportViewSet(
    ListFiltersOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Reports: each one article's draft of an incident, with the values it drafted."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self) -> QuerySet[Report]:
        return reports_in_order().filter(incident__in=api_visible(self.request.user))

    @extend_schema(
        request=SplitSerializer,
        responses={201: _action_result("split"), 400: REFUSED, 409: CONFLICT},
        description="Move this report out of its incident into a new draft incident of its own "
        "(refused for an incident's only report). Undo with the action's `undo`.",
    )
    @action(detail=True, methods=["post"])
    def split(self, request: Request, pk=None) -> Response:
        report = self.get_object()
        body = SplitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            done = report_split(
                report, user=request.user, expected_version=body.validated_data.get("version")
            )
        except VersionConflict as conflict:
            return conflict_response(conflict, None)
        url = request.build_absolute_uri(reverse("api:incident-detail", args=[done.other_id]))
        answer = {
            "action": LinkActionSerializer(done).data,
            "incident": incident_body(request, done.other_id),
        }
        return Response(answer, status=status.HTTP_201_CREATED, headers={"Location": url})


class LinkActionFilter(django_filters.FilterSet):
    incident = IntegerFilter(
        method="filter_incident", max_value=ID_MAX, label="Actions on this incident (either side)"
    )
    kind = django_filters.ChoiceFilter(choices=LinkAction.Kind.choices, label="link, merge or split")

    class Meta:
        model = LinkAction
        fields: list[str] = []

    def filter_incident(self, queryset, name, value):
        return queryset.filter(Q(incident_id=value) | Q(other_id=value))


class LinkActionViewSet(
    ListFiltersOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The history of links, merges and splits, newest first (analysts only)."""

    serializer_class = LinkActionSerializer
    filterset_class = LinkActionFilter
    permission_classes = [AnalystsOnly]
    analysts_only = True  # documented: a 403 for readers (incidents.api.schema)
    queryset = LinkAction.objects.select_related("user", "undone_by").order_by("-at", "-id")

    @extend_schema(
        request=None,
        responses={200: LinkActionSerializer, 400: REFUSED},
        description="Undo a link, merge or split: what it replaced is put back. Refused (400) when "
        "it was undone already or either incident changed since (then merge or split again).",
    )
    @action(detail=True, methods=["post"])
    def undo(self, request: Request, pk=None) -> Response:
        done = self.get_object()
        link_action_undo(done, user=request.user)
        done.refresh_from_db()
        return Response(LinkActionSerializer(done).data)


class PossibleDuplicateFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=PossibleDuplicate.State.choices,
        method="filter_state",
        label="`open` (the default: the pairs still to decide), `merged` or `rejected`",
    )
    incident = IntegerFilter(
        method="filter_incident", max_value=ID_MAX, label="Pairs with this incident (either side)"
    )

    class Meta:
        model = PossibleDuplicate
        fields: list[str] = []

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.filter(state=PossibleDuplicate.State.OPEN)
        return super().filter_queryset(queryset)

    def filter_state(self, queryset, name, value):
        return queryset.filter(state=value)

    def filter_incident(self, queryset, name, value):
        return queryset.filter(Q(incident_id=value) | Q(candidate_id=value))


class PossibleDuplicateViewSet(
    ListFiltersOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The "possible same event" queue: pairs the linker was unsure of, best score first, with its
    reasons (analysts only)."""

    serializer_class = PossibleDuplicateSerializer
    filterset_class = PossibleDuplicateFilter
    permission_classes = [AnalystsOnly]
    analysts_only = True  # documented: a 403 for readers (incidents.api.schema)
    queryset = PossibleDuplicate.objects.select_related("decided_by").order_by("-score", "id")

    @extend_schema(
        request=DecideSerializer,
        responses={
            200: inline_serializer(
                "DecideResult",
                fields={
                    "pair": PossibleDuplicateSerializer(),
                    "action": LinkActionSerializer(allow_null=True),
                },
            ),
            400: REFUSED,
        },
        description="Decide an open pair: `same: true` merges the newer incident into the older "
        "(undoable through the action), `same: false` closes the pair for good.",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk=None) -> Response:
        pair = self.get_object()
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = possible_duplicate_decide(pair, body.validated_data["same"], user=request.user)
        pair.refresh_from_db()
        return Response(
            {
                "pair": PossibleDuplicateSerializer(pair).data,
                "action": LinkActionSerializer(done).data if done is not None else None,
            }
        )
