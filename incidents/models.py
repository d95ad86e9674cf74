"""The incident database: reference data, articles, and the incidents drafted from them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, FloatField, JSONField, Q, Value
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from incidents.access import published_only
from incidents.extraction.taxonomy import ACTOR_TYPES, EVENT_TYPES, SUB_EVENT_TYPES


class Country(models.Model):
    """An ISO 3166-1 country; loaded as reference data."""

    code = models.CharField("ISO 3166-1 alpha-2", max_length=2, primary_key=True)
    name = models.CharField(max_length=100, unique=True)
    aliases = models.JSONField(default=list, blank=True)
    demonyms = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """A publisher of articles, or an organisation an article cites for its figures."""

    class Scale(models.TextChoices):
        LOCAL = "local", "Local"
        NATIONAL = "national", "National"
        REGIONAL = "regional", "Regional"
        INTERNATIONAL = "international", "International"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    url = models.URLField(blank=True)
    domain = models.CharField(max_length=200, blank=True, db_index=True)
    scale = models.CharField(max_length=20, choices=Scale.choices, default=Scale.OTHER)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Actor(models.Model):
    """A named party to incidents, with the aliases the news uses for it."""

    ACTOR_TYPE_CHOICES = list(ACTOR_TYPES.items())  # stored value: the key ("rebel_group")

    name = models.CharField(max_length=200, unique=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Other names, one per list item.")
    actor_type = models.CharField(max_length=30, choices=ACTOR_TYPE_CHOICES)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT)
    in_dictionary = models.BooleanField(
        default=True,
        help_text="Read by the extractor. Names first met in a draft are not, until an analyst "
        "edits the actor or ticks this.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A place incidents happen in, curated by analysts."""

    class Kind(models.TextChoices):
        PLACE = "place", "Town, village or site"
        ADMIN1 = "admin1", "First-level division"
        ADMIN2 = "admin2", "Second-level division"
        ADMIN3 = "admin3", "Third-level division"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PLACE)
    aliases = models.JSONField(default=list, blank=True, help_text="Other spellings, one per list item.")
    country = models.ForeignKey(Country, on_delete=models.PROTECT)
    admin1 = models.CharField(max_length=200, blank=True)
    admin2 = models.CharField(max_length=200, blank=True)
    admin3 = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["country", "admin1", "name"]
        constraints = [
            # a province and its capital share a name ("Kandahar"): both are kept, by kind
            models.UniqueConstraint(
                fields=["name", "country", "admin1", "admin2", "kind"], name="location_unique_place"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        parts = [self.name, self.admin1, self.country_id]
        return ", ".join(p for p in parts if p)


class Article(models.Model):
    """An uploaded news article; the worker drafts incidents from its text."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        PARSED = "parsed", "Parsed"
        FAILED = "failed", "Failed"
        DUPLICATE = "duplicate", "Same as another article"

    class Origin(models.TextChoices):
        UPLOAD = "upload", "Uploaded"
        URL = "url", "Fetched from its URL"
        FEED = "feed", "Found in a feed"

    class DateBasis(models.TextChoices):
        GIVEN = "given", "Given at upload"
        FEED = "feed", "The feed's date"
        PAGE = "page", "The page's date"
        FETCHED = "fetched", "Unknown: the day it was fetched"

    title = models.CharField(max_length=500, blank=True)
    # Empty until the worker has read an uploaded PDF or Word file (incidents.services.documents).
    text = models.TextField(blank=True)
    original_file = models.FileField(upload_to="articles/%Y/%m/", blank=True)
    file_name = models.CharField("uploaded file's name", max_length=255, blank=True)
    file_hash = models.CharField(  # noqa: DJ001 - NULL for "no file": unique among files only
        "SHA-256 of the uploaded PDF or Word file", max_length=64, unique=True, null=True, editable=False
    )
    url = models.URLField(max_length=1000, blank=True)
    publisher = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    published = models.DateField("publication date")
    published_basis = models.CharField(
        "where the publication date comes from", max_length=10, choices=DateBasis.choices, default="given"
    )
    # Articles fetched from the web (incidents.services.fetching): where from, and the keys that make
    # the same page one article however it arrives (a SHA-256 of the normalised URL; NULL for none).
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.UPLOAD)
    feed = models.ForeignKey(
        "Feed", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles", editable=False
    )
    url_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)  # noqa: DJ001
    canonical_url = models.URLField(max_length=1000, blank=True)
    canonical_key = models.CharField(  # noqa: DJ001 - NULL for "none": unique among pages
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    fetch_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # NULL while a file's text is unknown (before the worker reads it, or when it could not).
    content_hash = models.CharField(  # noqa: DJ001 - NULL for "not known yet": unique among texts
        "SHA-256 of the normalised text", max_length=64, unique=True, null=True, editable=False
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    error = models.TextField(blank=True)
    extractor_version = models.CharField(max_length=40, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    parse_started_at = models.DateTimeField(null=True, blank=True)
    parsed_at = models.DateTimeField(null=True, blank=True)
    # The outbox (incidents.services.outbox): a queued article is its own "to parse" message, sent
    # to the broker when due and sent again, later and later, until a worker claims it.
    dispatch_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    dispatch_count = models.PositiveIntegerField(default=0, editable=False)
    # Which worker process holds the claim ("host:pid"), and how many claims died with their worker.
    claimed_by = models.CharField(max_length=200, blank=True, editable=False)
    lost_parses = models.PositiveSmallIntegerField(default=0, editable=False)
    # The lane: set while the article is part of a bulk re-extraction (incidents.services.reextract):
    # queued in the re-extraction's lane (sent to its own Celery queue, a bounded window at a time),
    # then counted into the run's progress and cleared by the dispatcher once parsed or failed.
    # NULL: the fresh lane (uploads, an analyst's "parse again"), sent at once to the default queue.
    reextract_run = models.ForeignKey(
        "ReextractRun", null=True, blank=True, on_delete=models.SET_NULL, db_index=False, editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        # Partial indexes, so that a million articles waiting for a re-extraction cost the fresh lane
        # nothing and each question of the dispatcher reads only the rows it is about.
        indexes = [
            models.Index(
                fields=["dispatch_due_at"],
                condition=Q(status="queued", reextract_run__isnull=True),
                name="article_outbox_due",
            ),
            # re-extraction: waiting to be sent (in id order), sent and not yet claimed, finished
            models.Index(
                fields=["id"],
                condition=Q(status="queued", reextract_run__isnull=False, dispatch_due_at__isnull=True),
                name="article_reextract_next",
            ),
            models.Index(
                fields=["dispatch_due_at"],
                condition=Q(status="queued", reextract_run__isnull=False, dispatch_due_at__isnull=False),
                name="article_reextract_sent",
            ),
            models.Index(
                fields=["reextract_run"],
                condition=Q(status__in=["parsed", "failed"], reextract_run__isnull=False),
                name="article_reextract_finished",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.file_name or f"Article {self.pk}"

    @property
    def awaits_fetch(self) -> bool:
        """Its page has not been fetched yet (it is read at the start of its parse)."""
        return self.origin != self.Origin.UPLOAD and self.fetched_at is None and not self.content_hash

    @property
    def extracting_text(self) -> bool:
        """Waiting for the worker to read the text out of its uploaded PDF or Word file."""
        waiting = self.status in (self.Status.QUEUED, self.Status.PROCESSING)
        return self.content_hash is None and waiting and self.origin == self.Origin.UPLOAD

    @property
    def fetching_page(self) -> bool:
        """Waiting for the worker to fetch and read its page (imported by URL or from a feed)."""
        waiting = self.status in (self.Status.QUEUED, self.Status.PROCESSING)
        return waiting and self.awaits_fetch

    @property
    def date_unknown(self) -> bool:
        """Neither the uploader, the feed nor the page gave a date: the day it was fetched is used."""
        return self.published_basis == self.DateBasis.FETCHED and self.fetched_at is not None


# Confidence as the lists sort it: an incident without one (entered by hand, not drafted) counts as
# surer than any draft, so "least sure first" ends with them (and "most sure first" starts with them).
# The keyset index below is on this very expression, and CONFIDENCE_SORT_SQL spells it for the list
# engines' row comparisons (incidents/views/keyset.py, incidents/api/pagination.py).
CONFIDENCE_UNKNOWN = 2.0
CONFIDENCE_SORT_SQL = f'COALESCE("incidents_incident"."confidence", {CONFIDENCE_UNKNOWN})'


def confidence_sort() -> Coalesce:
    """The confidence sort key as an expression: annotate with it, order by it."""
    return Coalesce(F("confidence"), Value(CONFIDENCE_UNKNOWN), output_field=FloatField())


_VALID_PAIRS = Q()
for _sub, _event in SUB_EVENT_TYPES.items():
    _VALID_PAIRS |= Q(event_type=_event, sub_event_type=_sub)


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user) -> IncidentQuerySet:
        """What `user` may see: analysts every incident, everyone else published ones only."""
        return self.filter(status=Incident.Status.PUBLISHED) if published_only(user) else self.all()


class Incident(models.Model):
    """One coded event: what happened, when, where, to whom, and how many were hurt."""

    EventType = models.TextChoices("EventType", [(name, name) for name in EVENT_TYPES])
    SubEventType = models.TextChoices("SubEventType", [(name, name) for name in SUB_EVENT_TYPES])

    class DatePrecision(models.TextChoices):
        DAY = "day", "Day"
        WEEK = "week", "Week"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    class GeoPrecision(models.TextChoices):
        EXACT = "exact", "Exact place"
        NEAR = "near", "Near a place"
        REGION = "region", "Region only"
        COUNTRY = "country", "Country only"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEWED = "reviewed", "Reviewed"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        MERGED = "merged", "Merged"  # its reports moved to another incident (merged_into)

    # The article of its first report (shown first on the review page); every report: `reports`.
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    date_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    sub_event_type = models.CharField(max_length=50, choices=SubEventType.choices)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT)
    admin1 = models.CharField(max_length=200, blank=True)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    location_name = models.CharField("place as named", max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geo_precision = models.CharField(max_length=10, choices=GeoPrecision.choices, default=GeoPrecision.EXACT)
    fatalities_low = models.PositiveIntegerField(null=True, blank=True)
    fatalities_best = models.PositiveIntegerField(null=True, blank=True)
    fatalities_high = models.PositiveIntegerField(null=True, blank=True)
    injured_low = models.PositiveIntegerField(null=True, blank=True)
    injured_best = models.PositiveIntegerField(null=True, blank=True)
    injured_high = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    is_background = models.BooleanField(
        default=False, help_text="An older incident the article recalls in passing."
    )
    confidence = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # Set on an incident merged into another (status merged): where its reports went.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    # What newer reports say of fields an analyst has reviewed, to accept or ignore on the review
    # page ({field: {"value": ..., "was": ..., "report": id, "publisher": name}}): a reviewed field
    # is never overwritten by a report (incidents.services.linking).
    proposals = models.JSONField(default=dict, db_default=Value({}, JSONField()), blank=True, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_incidents",
        help_text="The analyst who is to review it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency: every write through the services adds one (incidents.services.versions);
    # a write based on an older version is refused, never applied over someone else's change.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    # Who changed which field from what to what: one historical row per save (with its version).
    history = HistoricalRecords(excluded_fields=["updated_at"])
    actors = models.ManyToManyField(Actor, through="IncidentActor", related_name="incidents")
    sources = models.ManyToManyField(Source, through="IncidentSource", related_name="incidents")

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=_VALID_PAIRS, name="incident_valid_event_pair"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="incident_end_after_start",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="incident_version_positive"),
        ]
        indexes = [
            # the list's keyset pages: newest first, alone or within a country; the change feed
            models.Index(fields=["-start_date", "-id"], name="incident_date_keyset"),
            models.Index(fields=["country", "-start_date", "-id"], name="incident_country_date_keyset"),
            models.Index(fields=["updated_at", "id"], name="incident_updated_keyset"),
            # sorting by confidence, least sure first or most sure first (the index read backwards)
            models.Index(confidence_sort(), F("id"), name="incident_confidence_keyset"),
            # the review queue (drafts and analyst-saved drafts, not background ones), oldest first:
            # next/previous draft (incidents.review.queue)
            models.Index(
                fields=["id"],
                condition=Q(status__in=["draft", "reviewed"], is_background=False),
                name="incident_review_queue",
            ),
        ]

    def __str__(self) -> str:
        where = self.location_name or self.admin1 or (self.country_id or "")
        return f"{self.start_date} {self.sub_event_type} {where}".strip()

    def clean(self) -> None:
        if SUB_EVENT_TYPES.get(self.sub_event_type) != self.event_type:
            raise ValidationError(
                {"sub_event_type": f"“{self.sub_event_type}” is not a sub-event type of “{self.event_type}”."}
            )
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date is before the start date."})
        for kind in ("fatalities", "injured"):
            low, best, high = (getattr(self, f"{kind}_{part}") for part in ("low", "best", "high"))
            if low is not None and high is not None and low > high:
                raise ValidationError({f"{kind}_low": f"The low {kind} figure is above the high one."})
            # "over 120" is stored as low 121, best 120: best may sit one under low by design.
            if best is not None and (
                (high is not None and best > high) or (low is not None and best < low - 1)
            ):
                raise ValidationError({f"{kind}_best": f"The best {kind} figure is outside low–high."})


class Report(models.Model):
    """One article's draft of an incident: what that article said, kept as drafted.

    An incident (the event, one ACLED row) has one report per article that reports it; its own
    fields are reconciled from them (incidents.linking.reconcile). Merging moves reports, splitting
    moves one out: the drafted values and evidence travel with the report.
    """

    class LinkedBy(models.TextChoices):
        DRAFTED = "drafted", "Started the incident"
        LINKER = "linker", "Linked by the worker"
        ANALYST = "analyst", "Moved by an analyst"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reports")
    # Position among the drafts of its article: re-parsing replaces drafts, never duplicates them.
    sequence = models.PositiveSmallIntegerField()
    facts = models.JSONField(default=dict, help_text="The drafted values (incidents.linking ReportFacts).")
    confidence = models.FloatField(null=True, blank=True)
    linked_by = models.CharField(max_length=10, choices=LinkedBy.choices, default=LinkedBy.DRAFTED)
    link_score = models.FloatField(null=True, blank=True)
    link_reasons = models.JSONField(default=list, blank=True)  # [[name, weight, says], ...]
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incident", "article__published", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "sequence"], name="report_unique_draft_per_article")
        ]

    def __str__(self) -> str:
        return f"Report {self.pk}: article {self.article_id} #{self.sequence} of incident {self.incident_id}"


class PossibleDuplicate(models.Model):
    """A pair the linker was unsure of: `incident` (started by a newer report) may be `candidate`.

    Listed in the desk's "possible same event" queue, best score first, until an analyst merges
    the two or says they differ (and then the linker never asks about the pair again).
    """

    class State(models.TextChoices):
        OPEN = "open", "Open"
        MERGED = "merged", "Merged"
        REJECTED = "rejected", "Not the same event"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="possible_duplicates")
    candidate = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="possible_duplicate_of")
    score = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)  # [[name, weight, says], ...]
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "candidate"], name="possible_duplicate_unique_pair"),
            models.CheckConstraint(condition=~Q(incident=F("candidate")), name="possible_duplicate_two"),
        ]
        indexes = [
            models.Index(fields=["-score", "id"], condition=Q(state="open"), name="possible_duplicate_open"),
            models.Index(fields=["candidate"], name="possible_duplicate_candidate"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} ~ {self.candidate_id} ({self.score:.2f}, {self.state})"


class LinkAction(models.Model):
    """A link, merge or split: what moved, what it replaced, and whether it was undone.

    `incident` is the one that stands (that received reports, or lost one to a split); `other` the
    merged-away or split-off one. `before` keeps what undoing needs (statuses, fields, links).
    """

    class Kind(models.TextChoices):
        LINK = "link", "Report linked by the worker"
        MERGE = "merge", "Merged"
        SPLIT = "split", "Report split out"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="link_actions")
    other = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="link_actions_other"
    )
    reports = models.JSONField(default=list)  # the ids of the reports moved
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    before = models.JSONField(default=dict, blank=True)
    versions = models.JSONField(default=dict, blank=True)  # {incident id: version the action left}
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["other"], name="link_action_other")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.incident_id} / {self.other_id}"


class IncidentActor(models.Model):
    class Role(models.TextChoices):
        ACTOR1 = "actor1", "Perpetrator (actor 1)"
        ACTOR2 = "actor2", "Target (actor 2)"
        ASSOCIATED = "associated", "Associated"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="incident_actors")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="incident_roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    history = HistoricalRecords()  # actors added to or removed from an incident

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "actor", "role"], name="incident_actor_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"


class IncidentSource(models.Model):
    """Who reported an incident: the article's publisher or an organisation it cites."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="incident_sources")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="incident_citations")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "source"], name="incident_source_unique")]

    def __str__(self) -> str:
        return str(self.source)


class Evidence(models.Model):
    """The span of an article's text that supports one drafted field of an incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="evidence")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="evidence")
    # The report whose draft it supports (moves with it on a merge or split); NULL for older rows.
    report = models.ForeignKey(
        "Report", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    field = models.CharField(max_length=40)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    confidence = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["incident", "start"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="evidence_span_order")
        ]

    def __str__(self) -> str:
        return f"{self.field}: {self.text[:60]}"


class ApiToken(models.Model):
    """A client's API token. Only its SHA-256 is stored; the token itself is shown once."""

    class Scope(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for.")
    prefix = models.CharField(max_length=12, editable=False, help_text="The token's first characters.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user}, {self.scope})"

    @property
    def state(self) -> str:
        """'active', 'revoked' or 'expired'."""
        from django.utils import timezone

        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"


class BulkAction(models.Model):
    """An analyst's publish, reject or assign over every incident a filter matches.

    The filter is kept as the list's query string and re-read chunk by chunk (in id order, after
    `last_pk`): each chunk and the progress it adds commit together, so a failure or a lost worker
    leaves the progress saying exactly what was done, and a rerun goes on from there.
    """

    class Action(models.TextChoices):
        PUBLISH = "publish", "Publish"
        REJECT = "reject", "Reject"
        ASSIGN = "assign", "Assign"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    action = models.CharField(max_length=10, choices=Action.choices)
    query = models.TextField(blank=True, help_text="The incident list's filter, as a query string.")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="bulk_actions"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="Incidents matching when it started.")
    processed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    last_pk = models.BigIntegerField(default=0, help_text="The last incident id done.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.query or 'all'} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class ReextractRun(models.Model):
    """A bulk re-extraction (`manage.py reextract`): its articles carry it (Article.reextract_run)
    while they wait or are parsed, and the dispatcher counts each one's outcome here as it clears it.

    The figures are counters, so progress costs the same for ten articles or a million. At most one
    run is open (`is_open` True, unique; NULL once finished): a new request joins it.
    """

    is_open = models.BooleanField(null=True, unique=True, default=True, editable=False)
    extractor_version = models.CharField(max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total = models.PositiveIntegerField(default=0, help_text="Articles queued by this re-extraction.")
    done = models.PositiveIntegerField(default=0, help_text="Parsed (and counted by the dispatcher).")
    failed = models.PositiveIntegerField(default=0)
    # the rate: finished articles counted at `sample_at`, and the rate measured up to then
    sample_at = models.DateTimeField(null=True, blank=True)
    sample_finished = models.PositiveIntegerField(default=0)
    rate = models.FloatField(null=True, blank=True, help_text="Articles a second, recently.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Re-extraction {self.pk} ({self.done + self.failed} of {self.total})"


class KnowledgeChange(models.Model):
    """A country, location or actor that changed, for every worker's extractor to apply.

    Written in the same transaction as the change (incidents.signals), so a worker that reads the
    log sees exactly the committed changes; `table` "*" asks for a full reload (bulk loads).
    """

    table = models.CharField(max_length=10)  # "country", "location", "actor" or "*"
    row = models.CharField(max_length=20, blank=True)  # the changed row's primary key
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.table} {self.row} at {self.at:%Y-%m-%d %H:%M:%S}"


class Feed(models.Model):
    """An RSS or Atom feed the desk watches: each new item becomes an article fetched from its link.

    Polled by Celery beat's `dispatch_feeds` (incidents.services.feeds) every `interval` minutes,
    with conditional requests; failures push the next poll back (doubling), and after
    FEED_MAX_FAILURES in a row the feed is turned off with the reason kept in `disabled_reason`.
    """

    class LastStatus(models.TextChoices):
        NEW = "new", "Not polled yet"
        OK = "ok", "OK"
        NOT_MODIFIED = "not_modified", "Not modified"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=200)
    url = models.URLField("feed URL", max_length=1000, unique=True)
    publisher = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="feeds"
    )
    words = models.TextField(
        "only items mentioning",
        blank=True,
        help_text="Optional: words or phrases, one per line or comma-separated; an item must mention one.",
    )
    enabled = models.BooleanField("on", default=True)
    interval = models.PositiveIntegerField("poll every (minutes)", default=15)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # what the last polls found (written by the poll only)
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status = models.CharField(max_length=20, choices=LastStatus.choices, default="new", editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_items = models.PositiveIntegerField(default=0, editable=False, help_text="Items in the last answer.")
    last_new = models.PositiveIntegerField(
        default=0, editable=False, help_text="New items in the last answer."
    )
    failures = models.PositiveSmallIntegerField(default=0, editable=False, help_text="Failed polls in a row.")
    error_count = models.PositiveIntegerField(default=0, editable=False, help_text="Failed polls in all.")
    disabled_reason = models.TextField(blank=True, editable=False)
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["next_poll_at"], condition=Q(enabled=True), name="feed_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval__gte=1, interval__lte=10080), name="feed_interval_range"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FeedItem(models.Model):
    """An item a feed has listed, kept so that an item seen before is skipped."""

    class Outcome(models.TextChoices):
        ARTICLE = "article", "New article"
        KNOWN = "known", "Article known already"
        FILTERED = "filtered", "Left out by the word filter"

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items")
    guid_key = models.CharField(max_length=64, editable=False)  # SHA-256 of the item's id
    url = models.URLField(max_length=1000)
    title = models.CharField(max_length=500, blank=True)
    published = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["feed", "guid_key"], name="feed_item_once")]

    def __str__(self) -> str:
        return self.title or self.url
