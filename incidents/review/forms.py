"""The review form: every field of a draft, its actors (name + role) and its sources (names)."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from django import forms

from incidents.access import analyst_users
from incidents.models import Actor, Country, Incident, IncidentActor
from incidents.widgets import IsoDateInput

# The drafted field each form field comes from: hovering a field lights up its evidence.
EVIDENCE_OF = {
    "start_date": "date",
    "end_date": "date",
    "date_precision": "date",
    "event_type": "event_type",
    "sub_event_type": "event_type",
    "country": "location",
    "admin1": "location",
    "location_name": "location",
    "latitude": "location",
    "longitude": "location",
    "geo_precision": "location",
    "fatalities_low": "fatalities",
    "fatalities_best": "fatalities",
    "fatalities_high": "fatalities",
    "injured_low": "injured",
    "injured_best": "injured",
    "injured_high": "injured",
    "sources": "source",
}


class AssigneeField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class IncidentReviewForm(forms.ModelForm):
    """Bound to a copy of the incident: the form's own validation (the model's clean and
    constraints) must not touch the instance the services then compare and save."""

    sources = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One per line; a new name adds a source.",
    )
    # the version the analyst started from: a save based on an older one is refused, not applied
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    class Meta:
        model = Incident
        fields = [
            "start_date",
            "end_date",
            "date_precision",
            "event_type",
            "sub_event_type",
            "location_name",
            "location",
            "country",
            "admin1",
            "latitude",
            "longitude",
            "geo_precision",
            "fatalities_low",
            "fatalities_best",
            "fatalities_high",
            "injured_low",
            "injured_best",
            "injured_high",
            "summary",
            "assigned_to",
        ]
        field_classes = {"assigned_to": AssigneeField}
        widgets = {
            "start_date": IsoDateInput(),
            "end_date": IsoDateInput(),
            "location": forms.HiddenInput,
            "location_name": forms.TextInput(
                attrs={"list": "place-suggestions", "autocomplete": "off", "data-lookup": "places"}
            ),
            "latitude": forms.NumberInput(attrs={"step": "any"}),
            "longitude": forms.NumberInput(attrs={"step": "any"}),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"location_name": "Place", "admin1": "Admin1", "assigned_to": "Assignee"}

    def __init__(self, *args, instance: Incident, source_names: Iterable[str] = (), **kwargs) -> None:
        kwargs.setdefault("initial", {})["sources"] = "\n".join(source_names)
        kwargs["initial"]["version"] = instance.version
        super().__init__(*args, instance=copy.copy(instance), **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("name")
        self.fields["assigned_to"].queryset = analyst_users()
        for name, field in self.fields.items():
            if name in EVIDENCE_OF:
                field.widget.attrs["data-evidence"] = EVIDENCE_OF[name]

    def clean_sources(self) -> list[str]:
        lines = (" ".join(line.split()) for line in self.cleaned_data["sources"].splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def changes(self) -> dict:
        """The model fields as cleaned, for `incident_update`."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


def posted_version(data) -> int | None:
    """The version a posted review form was based on; None when absent (no check)."""
    raw = str(data.get("version", "")).strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


class ActorLinkForm(forms.Form):
    """One actor link; a blank name is a row the analyst left empty and is ignored."""

    actor = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "actor-suggestions", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(choices=IncidentActor.Role.choices)

    def clean_actor(self) -> Actor | None:
        name = " ".join(self.cleaned_data["actor"].split())
        if not name:
            return None
        actor = Actor.objects.filter(name__iexact=name).first()
        if actor is None:  # an alias typed in full names its actor when only one has it
            folded = name.casefold()
            hits = [
                a
                for a in Actor.objects.filter(aliases__icontains=name)[:20]
                if folded in (alias.casefold() for alias in a.aliases)
            ]
            actor = hits[0] if len(hits) == 1 else None
        if actor is None:
            raise forms.ValidationError(f"No actor is called “{name}”; choose one from the suggestions.")
        return actor


ActorFormSet = forms.formset_factory(ActorLinkForm, extra=0, can_delete=True)


def actor_formset(data=None, incident: Incident | None = None) -> forms.BaseFormSet:
    """The actor rows; bound, the posted rows alone count (each one validated unless left blank)."""
    if data is not None:
        return ActorFormSet(data, prefix="actors")
    links = incident.incident_actors.all() if incident is not None else []
    initial = [{"actor": link.actor.name, "role": link.role} for link in links]
    return ActorFormSet(initial=initial, prefix="actors")


def actor_links(formset: forms.BaseFormSet) -> list[dict]:
    """The links a valid formset asks for: deleted and blank rows left out."""
    return [
        {"actor": form.cleaned_data["actor"], "role": form.cleaned_data["role"]}
        for form in formset.forms
        if form.cleaned_data.get("actor") and not form.cleaned_data.get("DELETE")
    ]
