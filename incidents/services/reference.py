"""Analysts' additions to the actor and place dictionaries the extractor reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from simple_history.utils import bulk_create_with_history

from incidents.models import Actor, Location, Source
from incidents.services.incidents import record_save

ALIAS_MAX_LENGTH = 200
NAME_MAX_LENGTH = 200
LOOKUP_CHUNK = 500  # names per lookup query: well under SQLite's 999 parameters

Named = TypeVar("Named", Actor, Source)


def named_get_or_create(model: type[Named], name: str, **defaults) -> Named:
    """The actor or source called `name` (any case), created with `defaults` when there is none.

    Two parses may meet the same new name at once: the second insert then hits the unique name
    and, inside its own savepoint, gives way to the row the first one committed (PostgreSQL's
    read-committed reads see it once the conflicting insert is resolved).
    """
    name = name_clean(name)
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


def name_clean(name: str) -> str:
    """A name as it is stored and looked up: runs of spaces made one, cut to the column."""
    return " ".join(name.split())[:NAME_MAX_LENGTH]


def named_ids(model: type[Named], wanted: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """{name: id} of the actor or source called each name of `wanted` (any case), as
    named_get_or_create finds or makes it, in a fixed number of queries: one lookup, and for the
    names no row has, one insert (with their history records) of `wanted[name]` as defaults.

    Names that differ only in case or spacing share one row, made with the first one's defaults.
    Another transaction may insert one of the new names at the same moment: the insert, in a
    savepoint, then waits for it and fails on the unique name, and the new names are made one
    by one by named_get_or_create, which takes the row the other transaction committed.
    """
    clean = {name: name_clean(name) for name in wanted}
    defaults: dict[str, Mapping[str, Any]] = {}
    for name, cleaned in clean.items():
        defaults.setdefault(cleaned, wanted[name])
    found, keys = _ids_by_name(model, list(defaults))
    first_of_key: dict[str, str] = {}
    for cleaned in defaults:
        if cleaned not in found:
            first_of_key.setdefault(keys[cleaned], cleaned)
    new = list(first_of_key.values())
    if new:
        found.update(_insert_named(model, {cleaned: defaults[cleaned] for cleaned in new}))
    for cleaned in defaults:
        if cleaned not in found:  # a case variant of a name made just now
            found[cleaned] = found[first_of_key[keys[cleaned]]]
    return {name: found[cleaned] for name, cleaned in clean.items()}


def _insert_named(model: type[Named], new: dict[str, Mapping[str, Any]]) -> dict[str, int]:
    """{name: id} of rows made for names no row has: one insert, else one by one (see named_ids)."""
    rows = [model(name=name, **defaults) for name, defaults in new.items()]
    try:
        with transaction.atomic():
            if hasattr(model, "history"):  # the "+" records a save would write
                rows = bulk_create_with_history(rows, model, default_change_reason=None)
            else:
                rows = model.objects.bulk_create(rows)
    except IntegrityError:
        rows = [named_get_or_create(model, name, **defaults) for name, defaults in new.items()]
    if any(row.pk is None for row in rows):  # a database that returns no ids from a bulk insert
        return _ids_by_name(model, list(new))[0]
    return {name: row.pk for name, row in zip(new, rows, strict=True)}


def _ids_by_name(model: type[Named], names: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """({name: id of the first row by name called that in any case}, {name: its case-folded key}).

    The database compares, as `name__iexact` does (UPPER on PostgreSQL; on SQLite, UPPER and LIKE
    both fold ASCII letters only), and folds the names for the caller to group the new ones.
    """
    qn = connection.ops.quote_name
    table, pk, column = qn(model._meta.db_table), qn(model._meta.pk.column), qn("name")
    found: dict[str, int] = {}
    keys: dict[str, str] = {}
    for start in range(0, len(names), LOOKUP_CHUNK):
        chunk = names[start : start + LOOKUP_CHUNK]
        values = ", ".join(["(%s)"] * len(chunk))
        sql = (
            f"WITH wanted (name) AS (VALUES {values}) "
            f"SELECT wanted.name, UPPER(wanted.name), named.{pk} FROM wanted "
            f"LEFT JOIN {table} named ON UPPER(named.{column}) = UPPER(wanted.name) "
            f"ORDER BY named.{column}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, chunk)
            for name, key, pk_value in cursor.fetchall():
                keys[name] = key
                if pk_value is not None:
                    found.setdefault(name, pk_value)
    return found, keys


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
