from django.urls import reverse
from rest_framework import serializers

from incidents.api.acled_columns import actor_links, reports_count, source_links
from incidents.models import (
    Actor,
    Article,
    Evidence,
    Feed,
    Incident,
    IncidentActor,
    LinkAction,
    Location,
    PossibleDuplicate,
    Report,
    Source,
)


class IncidentActorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="actor.name")
    actor_type = serializers.CharField(source="actor.actor_type")

    class Meta:
        model = IncidentActor
        fields = ["name", "actor_type", "role"]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["field", "start", "end", "text", "confidence", "report"]


def _count(obj, kind: str) -> dict:
    return {part: getattr(obj, f"{kind}_{part}") for part in ("low", "best", "high")}


class IncidentSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country_id", allow_null=True)
    location = serializers.SerializerMethodField()
    fatalities = serializers.SerializerMethodField()
    injured = serializers.SerializerMethodField()
    actors = IncidentActorSerializer(source="incident_actors", many=True, read_only=True)
    sources = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(view_name="api:incident-detail")
    reports_count = serializers.SerializerMethodField(
        help_text="How many reports (articles' drafts) this incident is made of."
    )
    merged_into = serializers.IntegerField(
        source="merged_into_id",
        read_only=True,
        allow_null=True,
        help_text="For a merged incident (status `merged`), the incident its reports went to: drop "
        "this one and follow that one. Its detail URL redirects there (308).",
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "url",
            "status",
            "start_date",
            "end_date",
            "date_precision",
            "event_type",
            "sub_event_type",
            "country",
            "admin1",
            "location",
            "geo_precision",
            "fatalities",
            "injured",
            "actors",
            "sources",
            "summary",
            "is_background",
            "confidence",
            "article",
            "reports_count",
            "merged_into",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["version"]

    def get_reports_count(self, obj: Incident) -> int:
        return reports_count(obj)

    def get_location(self, obj: Incident) -> dict:
        return {
            "id": obj.location_id,
            "name": obj.location_name or (obj.location.name if obj.location else ""),
            "latitude": obj.latitude,
            "longitude": obj.longitude,
        }

    def get_fatalities(self, obj: Incident) -> dict:
        return _count(obj, "fatalities")

    def get_injured(self, obj: Incident) -> dict:
        return _count(obj, "injured")

    def get_sources(self, obj: Incident) -> list[str]:
        return [link.source.name for link in source_links(obj)]

    def to_representation(self, obj: Incident) -> dict:
        """The same fields as declared above, built directly: field-by-field serialization of a
        50-incident page costs more than the SQL behind it."""
        base = self.context.get("_incident_base_url")
        if base is None:
            request = self.context.get("request")
            path = reverse("api:incident-list")
            base = request.build_absolute_uri(path) if request else path
            self.context["_incident_base_url"] = base
        return {
            "id": obj.pk,
            "url": f"{base}{obj.pk}/",
            "status": obj.status,
            "start_date": _iso(obj.start_date),
            "end_date": _iso(obj.end_date),
            "date_precision": obj.date_precision,
            "event_type": obj.event_type,
            "sub_event_type": obj.sub_event_type,
            "country": obj.country_id,
            "admin1": obj.admin1,
            "location": self.get_location(obj),
            "geo_precision": obj.geo_precision,
            "fatalities": _count(obj, "fatalities"),
            "injured": _count(obj, "injured"),
            "actors": [
                {"name": link.actor.name, "actor_type": link.actor.actor_type, "role": link.role}
                for link in actor_links(obj)
            ],
            "sources": self.get_sources(obj),
            "summary": obj.summary,
            "is_background": obj.is_background,
            "confidence": obj.confidence,
            "article": obj.article_id,
            "reports_count": reports_count(obj),
            "merged_into": obj.merged_into_id,
            "created_at": _DATETIME.to_representation(obj.created_at),
            "updated_at": _DATETIME.to_representation(obj.updated_at),
            "version": obj.version,
        }


_DATETIME = serializers.DateTimeField()


def _iso(day) -> str | None:
    return day.isoformat() if day else None


class ReportArticleSerializer(serializers.ModelSerializer):
    source_url = serializers.CharField(
        source="url", read_only=True, help_text='The URL given at upload, or "".'
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:article-detail")

    class Meta:
        model = Article
        fields = ["id", "url", "title", "source_url"]


class ReportSerializer(serializers.ModelSerializer):
    """One article's draft of the incident, as that article told it."""

    article = ReportArticleSerializer(read_only=True)
    publisher = serializers.CharField(
        source="article.publisher.name", default="", read_only=True, help_text="The article's publisher."
    )
    published = serializers.DateField(source="article.published", read_only=True)
    facts = serializers.JSONField(
        read_only=True,
        help_text="The values this report drafted (dates, place, type, actors1/actors2, fatalities and "
        "injured as [low, best, high], publisher, source_scale, text...), kept as drafted.",
    )
    link_reasons = serializers.JSONField(
        read_only=True, help_text="Why the linker put it here: [[name, weight, says], ...]."
    )

    class Meta:
        model = Report
        fields = [
            "id", "incident", "article", "publisher", "published", "sequence", "confidence", "linked_by",
            "link_score", "link_reasons", "facts", "created_at",
        ]  # fmt: skip


class IncidentDetailSerializer(IncidentSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)
    reports = ReportSerializer(many=True, read_only=True, help_text="Its reports, in publication order.")

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "evidence", "reports"]

    def to_representation(self, obj: Incident) -> dict:
        body = super().to_representation(obj)
        body["evidence"] = EvidenceSerializer(obj.evidence.all(), many=True).data
        reports = obj.reports.all()
        body["reports"] = ReportSerializer(reports, many=True, context=self.context).data
        body["reports_count"] = len(body["reports"])
        return body


class LinkActionSerializer(serializers.ModelSerializer):
    """One link, merge or split in the history (what undoing restores is kept, not shown)."""

    user = serializers.CharField(source="user.username", default=None, read_only=True)
    undone_by = serializers.CharField(source="undone_by.username", default=None, read_only=True)
    reasons = serializers.JSONField(read_only=True, help_text="[[name, weight, says], ...]")
    reports = serializers.JSONField(read_only=True, help_text="The ids of the reports moved.")

    class Meta:
        model = LinkAction
        fields = ["id", "kind", "incident", "other", "reports", "score", "reasons", "user", "at",
                  "undone_at", "undone_by"]  # fmt: skip


class PossibleDuplicateSerializer(serializers.ModelSerializer):
    """A pair the linker was unsure of: `incident` (started by a newer report) may be `candidate`."""

    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True)
    reasons = serializers.JSONField(read_only=True, help_text="The scorer's [[name, weight, says], ...].")

    class Meta:
        model = PossibleDuplicate
        fields = ["id", "incident", "candidate", "score", "reasons", "state", "decided_by", "decided_at",
                  "created_at"]  # fmt: skip


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The incident to merge into.")
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="The version of the incident merged away, as read; a stale one answers 409.",
    )


class SplitSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="The version of the report's incident, as read; a stale one answers 409.",
    )


class DecideSerializer(serializers.Serializer):
    same = serializers.BooleanField(
        help_text="true: the same event (the newer incident is merged into the older); false: not."
    )


class ArticleSerializer(serializers.ModelSerializer):
    publisher = serializers.CharField(source="publisher.name", default="", read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:article-detail")
    source_url = serializers.CharField(
        source="url", read_only=True, help_text='The URL given at upload, or "".'
    )
    incidents = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "title",
            "source_url",
            "publisher",
            "published",
            "published_basis",
            "origin",
            "feed",
            "canonical_url",
            "fetched_at",
            "status",
            "error",
            "duplicate_of",
            "extractor_version",
            "content_hash",
            "created_at",
            "parsed_at",
            "incidents",
        ]


class ArticleUploadSerializer(serializers.Serializer):
    """An upload: `text` or `file`, with the publication date and optional metadata; or only `url`:
    the worker fetches the page and reads its text, title, date and site name."""

    text = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)
    file = serializers.FileField(required=False, allow_empty_file=True)
    published = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Required with `text` or `file`. With `url` alone, optional: the page's own date is "
        "used, or, if it has none, the day it is fetched (`published_basis` says which).",
    )
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    url = serializers.URLField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="The article's address. Sent alone (no `text`, no `file`), the page is fetched and parsed.",
    )

    def validate(self, attrs):
        has_text = "text" in attrs
        has_file = attrs.get("file") is not None
        if not has_text and not has_file and attrs.get("url"):
            return attrs  # import by URL
        if has_text == has_file:
            raise serializers.ValidationError(
                "Send the article as `text` or as `file` (one of them), or only its `url` to fetch it."
            )
        if not attrs.get("published"):
            raise serializers.ValidationError(
                {"published": ["This field is required with `text` or `file`."]}
            )
        return attrs


class _AliasesMixin:
    def validate_aliases(self, value) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise serializers.ValidationError("A list of names.")
        if any("\x00" in v for v in value):
            raise serializers.ValidationError("A name may not contain a NUL character.")
        return [" ".join(v.split()) for v in value if v.strip()]


class ActorSerializer(_AliasesMixin, serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ["id", "name", "aliases", "actor_type", "country", "in_dictionary", "updated_at"]
        read_only_fields = ["updated_at"]

    def update(self, instance, validated_data):
        # an analyst's edit curates the actor: the extractor reads it from then on, unless told not to
        validated_data.setdefault("in_dictionary", True)
        return super().update(instance, validated_data)


class LocationSerializer(_AliasesMixin, serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = [
            "id", "name", "kind", "aliases", "country", "admin1", "admin2", "admin3",
            "latitude", "longitude", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["updated_at"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "name", "url", "domain", "scale"]


class IncidentActorWriteSerializer(serializers.Serializer):
    """One link as written: the actor's id and its role (read back from an IncidentActor)."""

    actor = serializers.PrimaryKeyRelatedField(queryset=Actor.objects.all())
    role = serializers.ChoiceField(choices=IncidentActor.Role.choices)


class IncidentWriteSerializer(serializers.ModelSerializer):
    """What analysts and read-write clients send to create or change an incident."""

    # read from (and shown as) the incident's links, so the browsable API's forms can render it
    actors = IncidentActorWriteSerializer(many=True, required=False, source="incident_actors")
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version this change is based on (as read); a stale one answers 409.",
    )

    class Meta:
        model = Incident
        fields = [
            "start_date", "end_date", "date_precision", "event_type", "sub_event_type", "country",
            "admin1", "location", "location_name", "latitude", "longitude", "geo_precision",
            "fatalities_low", "fatalities_best", "fatalities_high", "injured_low", "injured_best",
            "injured_high", "summary", "status", "actors", "version",
        ]  # fmt: skip


class BulkStatusSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=1000)
    status = serializers.ChoiceField(choices=Incident.Status.choices)
    versions = serializers.DictField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="{id: version as read} for some or all ids: if any of them changed since, "
        "nothing is changed and the answer is 409 naming them.",
    )

    def validate_versions(self, value: dict) -> dict[int, int]:
        versions = {}
        for key, version in value.items():
            if not str(key).isdigit():
                raise serializers.ValidationError(f"{key!r} is not an incident id.")
            versions[int(key)] = version
        return versions

    def validate(self, attrs: dict) -> dict:
        extra = sorted(set(attrs.get("versions", {})) - set(attrs["ids"]))
        if extra:
            raise serializers.ValidationError({"versions": f"Not among ids: {extra}."})
        return attrs


class FeedSerializer(serializers.ModelSerializer):
    """A watched feed: what an analyst sets, and what its polls found (read-only)."""

    publisher = serializers.CharField(
        source="publisher.name", default="", required=False, allow_blank=True, max_length=200
    )
    scale = serializers.ChoiceField(
        source="publisher.scale",
        choices=[("", "")] + list(Source.Scale.choices),
        default="",
        required=False,
        help_text="ACLED source scale of the publisher.",
    )
    interval = serializers.IntegerField(
        min_value=1, max_value=10080, default=15, help_text="Minutes between polls (1 to 10080)."
    )
    url = serializers.URLField(
        max_length=1000,
        help_text="The feed's http(s) address; one feed per address (400 if watched already).",
    )
    items_found = serializers.IntegerField(read_only=True, default=0)
    articles_made = serializers.IntegerField(read_only=True, default=0)
    incidents_drafted = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Feed
        fields = [
            "id", "name", "url", "publisher", "scale", "words", "enabled", "interval",
            "last_polled_at", "last_status", "last_error", "last_items", "last_new",
            "failures", "error_count", "disabled_reason", "next_poll_at",
            "items_found", "articles_made", "incidents_drafted", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "last_polled_at", "last_status", "last_error", "last_items", "last_new",
            "failures", "error_count", "disabled_reason", "next_poll_at", "created_at",
        ]  # fmt: skip
        extra_kwargs = {"name": {"required": False, "allow_blank": True}}
