"""Marks shown beside an incident wherever the desk shows one to an analyst."""

from django import template

register = template.Library()


@register.inclusion_tag("incidents/_background_badge.html")
def background_badge(is_background: bool) -> dict:
    """The "background" badge: an older event the article only recalls, not what it reports.

    One tag for every page (list rows, review and history headers, the article page, and the
    map's popups through a <template> copy), so the badge reads the same everywhere.
    """
    return {"is_background": bool(is_background)}
