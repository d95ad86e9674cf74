"""Links between the desk's pages that may live on other branches of the desk's work."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def incident_url(pk: int) -> str:
    """The incident's review page: its URL name once the review pages exist, else its path."""
    try:
        return reverse("incidents:incident_review", args=[pk])
    except NoReverseMatch:
        return f"/incidents/{pk}/"
