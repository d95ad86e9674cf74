"""Analysts' additions to the actor and place dictionaries the extractor reads."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from incidents.models import Actor, Location, Source
from incidents.services.incidents import record_save

ALIAS_MAX_LENGTH = 200
NAME_MAX_LENGTH = 200

Named = TypeVar("Named", Actor, Source)


def named_get_or_create(model: type[Named], name: str, **defaults) -> Named:
    """The actor or source called `name` (any case), created with `defaults` when there is none.

    Two parses may meet the same new name at once: the second insert then hits the unique name
    and, inside its own savepoint, gives way to the row the first one committed (PostgreSQL's
    read-committed reads see it once the conflicting insert is resolved).
    """
    name = " ".join(name.split())[:NAME_MAX_LENGTH]
    found = model.objects.filter(name__iexact=name).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return model.objects.create(name=name, **defaults)
    except IntegrityError:
        found = model.objects.filter(name__iexact=name).first()
        if found is None:
            raise
        return found


def actor_add_alias(actor: Actor, alias: str) -> Actor:
    """Add another name the news uses for `actor`; the next parse recognises it."""
    return _add_alias(actor, alias)


def location_add_alias(location: Location, alias: str) -> Location:
    """Add another spelling of `location`; the next parse places incidents there by it."""
    return _add_alias(location, alias)


def _add_alias(record: Actor | Location, alias: str) -> Actor | Location:
    """Append a trimmed alias, refusing blanks and names the record already has.

    The row is locked so two analysts adding aliases at once both keep theirs. The save is logged
    for the workers (incidents.signals): each applies the new name before its next parse.
    django-simple-history keeps the change.
    """
    alias = " ".join((alias or "").split())
    if not alias:
        raise ValidationError("Enter an alias.", code="blank")
    if len(alias) > ALIAS_MAX_LENGTH:
        raise ValidationError(f"An alias has at most {ALIAS_MAX_LENGTH} characters.", code="too_long")
    model = type(record)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=record.pk)
        taken = {locked.name.casefold(), *(str(a).casefold() for a in locked.aliases)}
        if alias.casefold() in taken:
            raise ValidationError(f"“{alias}” is already a name of {locked.name}.", code="duplicate")
        locked.aliases = [*locked.aliases, alias]
        if isinstance(locked, Actor):
            locked.in_dictionary = True  # an analyst named it: the extractor reads it from now on
        locked._change_reason = f"Alias added: {alias}"
        record_save(locked)
    record.aliases, record.updated_at = locked.aliases, locked.updated_at
    if isinstance(record, Actor):
        record.in_dictionary = True
    return record
