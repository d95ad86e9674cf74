"""Every change to what the extractor reads is logged for the workers (KnowledgeChange).

Signals rather than service calls because the dictionaries are written from many doors (the
admin, the API, services, the shell); bulk writes, which send no signals, log a full reload
themselves (`knowledge_changed`).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from incidents.models import Actor, Country, KnowledgeChange, Location

_TABLES = {Country: "country", Location: "location", Actor: "actor"}


def knowledge_changed(table: str = "*", row: str = "") -> None:
    """Log a change; the default asks every worker to read the dictionaries afresh."""
    KnowledgeChange.objects.create(table=table, row=row)


@receiver(post_save, sender=Country)
@receiver(post_save, sender=Location)
@receiver(post_save, sender=Actor)
def _saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return  # loaddata: the fixture's rows are read by the next full load
    if sender is Actor and created and not instance.in_dictionary:
        return  # a name drafted from an article: linked to its incident, not read by the extractor
    knowledge_changed(_TABLES[sender], str(instance.pk))


@receiver(post_delete, sender=Country)
@receiver(post_delete, sender=Location)
@receiver(post_delete, sender=Actor)
def _deleted(sender, instance, **kwargs) -> None:
    knowledge_changed(_TABLES[sender], str(instance.pk))
