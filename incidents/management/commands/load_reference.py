"""Load the shipped reference data: countries, the starter places and actors."""

from django.core.management.base import BaseCommand
from django.db import transaction

from incidents.extraction import load_reference_knowledge
from incidents.models import Actor, Country, Location
from incidents.signals import knowledge_changed


class Command(BaseCommand):
    help = (
        "Insert the reference countries, places and actors that are not in the database yet. "
        "Rows that exist (perhaps edited by analysts) are left as they are, so it is safe to rerun."
    )

    def handle(self, *args, **options):
        knowledge = load_reference_knowledge(gazetteer=False)  # rows only: no GeoNames towns
        with transaction.atomic():
            Country.objects.bulk_create(
                [
                    Country(code=c.code, name=c.name, aliases=list(c.aliases), demonyms=list(c.demonyms))
                    for c in knowledge.countries
                ],
                ignore_conflicts=True,
            )
            known = set(Country.objects.values_list("code", flat=True))
            Location.objects.bulk_create(
                [
                    Location(
                        name=p.name,
                        kind=p.kind if p.kind in Location.Kind.values else Location.Kind.PLACE,
                        aliases=list(p.aliases),
                        country_id=p.country,
                        admin1=p.admin1,
                        admin2=p.admin2,
                        admin3=p.admin3,
                        latitude=p.latitude,
                        longitude=p.longitude,
                    )
                    for p in knowledge.places
                    if p.country in known
                ],
                ignore_conflicts=True,
                batch_size=500,
            )
            Actor.objects.bulk_create(
                [
                    Actor(
                        name=a.name,
                        actor_type=a.actor_type,
                        aliases=list(a.aliases),
                        country_id=a.country if a.country in known else None,
                    )
                    for a in knowledge.actors
                ],
                ignore_conflicts=True,
            )
            knowledge_changed()  # bulk inserts send no signals: every worker reads all again
        self.stdout.write(
            f"Reference data: {Country.objects.count()} countries, {Location.objects.count()} locations, "
            f"{Actor.objects.count()} actors. The ACLED event taxonomy is built in "
            "(incidents/extraction/taxonomy.py) and enforced by a database constraint."
        )
