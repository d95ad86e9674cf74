"""The feeds resource: analysts list, add, change, poll and remove the feeds the desk watches.

Writes go through incidents.services.feeds, as the desk's feeds page and `manage.py feeds` do.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from incidents.api.permissions import AnalystsOnly
from incidents.api.serializers import FeedSerializer
from incidents.services.feeds import FeedRefused, feed_poll_now, feed_save, feeds_with_counts


class FeedViewSet(viewsets.ModelViewSet):
    """RSS and Atom feeds: each new item becomes an article fetched from its link and parsed.
    Analysts only; the poll's state (last poll, errors, next poll) is read-only."""

    serializer_class = FeedSerializer
    permission_classes = [AnalystsOnly]
    queryset = feeds_with_counts().order_by("pk")

    def get_queryset(self):
        return feeds_with_counts().order_by("pk")

    def perform_create(self, serializer):
        serializer.instance = self._save(serializer, None)

    def perform_update(self, serializer):
        serializer.instance = self._save(serializer, serializer.instance)

    def _save(self, serializer, feed):
        data = serializer.validated_data
        publisher = data.get("publisher", {})
        current = feed.publisher if feed else None

        def pick(name, default):
            return data[name] if name in data else (getattr(feed, name) if feed else default)

        try:
            saved = feed_save(
                url=pick("url", ""),
                name=pick("name", ""),
                publisher=publisher.get("name", current.name if current else ""),
                scale=publisher.get("scale", ""),
                words=pick("words", ""),
                interval=pick("interval", 15),
                enabled=pick("enabled", True),
                user=self.request.user,
                feed=feed,
            )
        except FeedRefused as exc:
            raise ValidationError({"detail": str(exc)}) from None
        return feeds_with_counts().get(pk=saved.pk)

    @extend_schema(
        request=None,
        responses={202: OpenApiResponse(description="Sent to a worker; its outcome shows on the feed.")},
    )
    @action(detail=True, methods=["post"])
    def poll(self, request, pk=None):
        """Poll the feed now (a feed turned off is polled too, once)."""
        feed = self.get_object()
        sent = feed_poll_now(feed)
        detail = "Sent to a worker." if sent else "The broker is away: beat sends it when it is back."
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)
