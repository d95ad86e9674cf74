"""The Django admin: every model listed, searchable and filterable; actions call services."""

from django.contrib import admin, messages

from incidents.models import (
    Actor,
    ApiToken,
    Article,
    Country,
    Evidence,
    Feed,
    Incident,
    IncidentActor,
    IncidentSource,
    Location,
    Source,
)
from incidents.services import article_requeue, incident_set_status, incident_update
from incidents.services.reextract import reextract_request
from incidents.services.tokens import api_token_revoke

# More articles than this chosen for "parse again" are queued as a bulk re-extraction.
ADMIN_REQUEUE_NOW = 100


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "scale"]
    list_filter = ["scale"]
    search_fields = ["name", "domain", "url"]


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "actor_type", "country", "in_dictionary"]
    list_filter = ["in_dictionary", "actor_type", "country"]
    search_fields = ["name", "aliases"]
    autocomplete_fields = ["country"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "admin1", "admin2", "country", "latitude", "longitude"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "aliases", "admin1", "admin2"]
    autocomplete_fields = ["country"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "publisher", "published", "status", "extractor_version", "created_at"]
    list_filter = ["status", "origin", "published", "publisher"]
    search_fields = ["title", "text", "url"]
    date_hierarchy = "published"
    readonly_fields = [
        "content_hash",
        "status",
        "error",
        "extractor_version",
        "parse_started_at",
        "parsed_at",
        "origin",
        "canonical_url",
        "fetched_at",
    ]
    autocomplete_fields = ["publisher"]
    actions = ["requeue"]

    @admin.action(description="Parse the selected articles again")
    def requeue(self, request, queryset):
        """A few articles now, in the fresh lane; more (a "select all") as a bulk re-extraction,
        which never holds up fresh uploads."""
        if queryset.count() > ADMIN_REQUEUE_NOW:
            report = reextract_request(queryset, user=request.user)
            message = f"{report.queued} article(s) queued for re-extraction (`manage.py reextract --status`)."
        else:
            count = sum(article_requeue(article) for article in queryset.defer("text"))
            message = f"{count} article(s) queued."
        self.message_user(request, message, messages.SUCCESS)


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    """Feeds are managed on the desk's feeds page (and the API); the admin lists them and their state."""

    list_display = ["name", "url", "enabled", "last_status", "last_polled_at", "failures", "next_poll_at"]
    list_filter = ["enabled", "last_status"]
    search_fields = ["name", "url"]
    readonly_fields = [
        "last_polled_at",
        "last_status",
        "last_error",
        "failures",
        "error_count",
        "disabled_reason",
        "next_poll_at",
        "etag",
        "last_modified",
    ]
    fields = ["name", "url", "publisher", "words", "enabled", "interval", *readonly_fields]
    autocomplete_fields = ["publisher"]

    def save_model(self, request, obj, form, change):
        """Through the service, as the desk and the API save feeds (its checks, due at once when on)."""
        from incidents.services.feeds import FeedRefused, feed_save

        current = Feed.objects.get(pk=obj.pk) if change else None
        try:
            saved = feed_save(
                url=obj.url,
                name=obj.name,
                publisher=obj.publisher.name if obj.publisher else "",
                words=obj.words,
                interval=obj.interval,
                enabled=obj.enabled,
                user=request.user,
                feed=current,
            )
        except FeedRefused as exc:
            self.message_user(request, f"Not saved: {exc}", messages.ERROR)
            return
        obj.pk = saved.pk


class IncidentActorInline(admin.TabularInline):
    model = IncidentActor
    extra = 0
    autocomplete_fields = ["actor"]


class IncidentSourceInline(admin.TabularInline):
    model = IncidentSource
    extra = 0
    autocomplete_fields = ["source"]
    raw_id_fields = ["article"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["field", "start", "end", "text", "confidence"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "start_date",
        "event_type",
        "sub_event_type",
        "country",
        "admin1",
        "location_name",
        "fatalities_best",
        "status",
    ]
    list_filter = ["status", "event_type", "sub_event_type", "country", "date_precision", "is_background"]
    search_fields = ["summary", "location_name", "admin1", "incident_actors__actor__name"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["country", "location"]
    raw_id_fields = ["article"]
    inlines = [IncidentActorInline, IncidentSourceInline, EvidenceInline]
    actions = ["publish", "reject"]

    def save_model(self, request, obj, form, change) -> None:
        """An edit here is an analyst's edit like any other: through the service, so a draft
        becomes reviewed (a re-parse keeps it) and the version moves on."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        fields = {f.name for f in Incident._meta.concrete_fields}
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in fields}
        incident_update(obj, user=request.user, **changes)

    @admin.action(description="Publish the selected incidents")
    def publish(self, request, queryset):
        count = incident_set_status(queryset, Incident.Status.PUBLISHED, user=request.user)
        self.message_user(request, f"{count} incident(s) published.", messages.SUCCESS)

    @admin.action(description="Reject the selected incidents")
    def reject(self, request, queryset):
        count = incident_set_status(queryset, Incident.Status.REJECTED, user=request.user)
        self.message_user(request, f"{count} incident(s) rejected.", messages.SUCCESS)


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["incident", "field", "start", "end", "text"]
    list_filter = ["field"]
    search_fields = ["text"]
    raw_id_fields = ["incident", "article"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py create_api_token` (shown once); here they are listed and revoked."""

    list_display = ["prefix", "user", "name", "scope", "state", "created_at", "expires_at", "last_used_at"]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["prefix", "name", "user__username"]
    readonly_fields = ["user", "prefix", "scope", "created_at", "expires_at", "revoked_at", "last_used_at"]
    fields = ["name", *readonly_fields]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token)
        self.message_user(request, f"{queryset.count()} token(s) revoked.", messages.SUCCESS)
