from django.urls import include, path

from incidents.views import (
    articles,
    bulk,
    duplicates,
    feeds,
    history,
    incidents,
    linking,
    lookups,
    maps,
    review,
)

app_name = "incidents"

urlpatterns = [
    path("", include("incidents.urls_desk")),  # the dashboard, upload status, actors, locations
    path("articles/", articles.article_list, name="article_list"),
    path("articles/new/", articles.article_upload, name="article_upload"),
    path("articles/<int:pk>/", articles.article_detail, name="article_detail"),
    path("articles/<int:pk>/retry/", articles.article_retry, name="article_retry"),
    path("articles/<int:pk>/date/", articles.article_set_date, name="article_set_date"),
    path("articles/<int:pk>/original/", articles.article_original, name="article_original"),
    path("feeds/", feeds.feed_list, name="feed_list"),
    path("feeds/table/", feeds.feed_table, name="feed_table"),
    path("feeds/card/", feeds.feeds_card, name="feeds_card"),
    path("feeds/<int:pk>/", feeds.feed_detail, name="feed_detail"),
    path("feeds/<int:pk>/poll/", feeds.feed_poll_now, name="feed_poll_now"),
    path("feeds/<int:pk>/toggle/", feeds.feed_toggle, name="feed_toggle"),
    path("feeds/<int:pk>/delete/", feeds.feed_delete, name="feed_delete"),
    path("articles/outbox/send/", articles.outbox_send, name="outbox_send"),
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/bulk/", bulk.incident_bulk, name="incident_bulk"),
    path("incidents/bulk/<int:pk>/", bulk.incident_bulk_status, name="incident_bulk_status"),
    path("incidents/map/", maps.incident_map, name="incident_map"),
    path("incidents/map/points/", maps.incident_map_points, name="incident_map_points"),
    path("incidents/<int:pk>/", review.review, name="incident_review"),
    path("incidents/<int:pk>/history/", history.history, name="incident_history"),
    path("incidents/<int:pk>/reports/<int:report>/split/", linking.report_split, name="report_split"),
    path("incidents/<int:pk>/proposals/<slug:group>/", linking.proposal_decide, name="proposal_decide"),
    path("incidents/link-actions/<int:pk>/undo/", linking.link_action_undo, name="link_action_undo"),
    path("incidents/possible-duplicates/", duplicates.possible_duplicates, name="possible_duplicates"),
    path(
        "incidents/possible-duplicates/count/",
        duplicates.possible_duplicate_count,
        name="possible_duplicate_count",
    ),
    path(
        "incidents/possible-duplicates/<int:pk>/decide/",
        duplicates.possible_duplicate_decide,
        name="possible_duplicate_decide",
    ),
    path("lookup/places/", lookups.places, name="lookup_places"),
    path("lookup/actors/", lookups.actors, name="lookup_actors"),
]
