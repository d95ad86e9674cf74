from django import forms

from incidents.models import Source
from incidents.widgets import IsoDateInput

MAX_FILES_PER_UPLOAD = 50


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files; empty ones pass, so the upload reports them by name with the rest."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ArticleUploadForm(forms.Form):
    """Paste an article or choose files (.txt, .html, .pdf, .docx); the date and publisher apply to all."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), required=False, strip=False)
    files = MultipleFileField(
        required=False,
        label="Files",
        help_text="One or more .txt, .html, .pdf or .docx files, at most 5 MB each: one article per file.",
    )
    published = forms.DateField(
        widget=IsoDateInput(),
        label="Publication date",
        required=False,
        help_text="Required for text and files. For a URL alone, leave it empty to use the page's date.",
    )
    publisher = forms.CharField(max_length=200, required=False)
    title = forms.CharField(max_length=500, required=False, help_text="For a single article.")
    url = forms.URLField(
        max_length=1000,
        required=False,
        label="URL",
        assume_scheme="https",
        help_text="For a single article. Given alone (no text, no file), the page is fetched and read.",
    )

    def clean(self):
        cleaned = super().clean()
        has_text = bool(cleaned.get("text", "").strip())
        files = cleaned.get("files") or []
        if not has_text and not files and cleaned.get("url"):
            return cleaned  # import by URL: the worker fetches the page
        if has_text == bool(files):
            raise forms.ValidationError(
                "Paste the article's text, choose files, or give only its URL to fetch it (one of them)."
            )
        if not cleaned.get("published") and "published" not in self.errors:
            self.add_error("published", "Give the publication date of the text or files.")
        if len(files) > MAX_FILES_PER_UPLOAD:
            raise forms.ValidationError(f"Choose at most {MAX_FILES_PER_UPLOAD} files at a time.")
        if len(files) > 1 and (cleaned.get("title") or cleaned.get("url")):
            # one title or URL for several articles would mislabel all but one of them
            raise forms.ValidationError(
                "A title and a URL describe one article: leave them empty when uploading several files."
            )
        return cleaned


class AliasForm(forms.Form):
    """Another name for an actor or place; the service trims and checks it."""

    alias = forms.CharField(max_length=200, label="New alias")


class FeedForm(forms.Form):
    """A feed to watch; incidents.services.feeds.feed_save checks and stores it."""

    url = forms.URLField(max_length=1000, label="Feed URL", assume_scheme="https", help_text="RSS or Atom.")
    name = forms.CharField(max_length=200, required=False, help_text="Default: the publisher or the site.")
    publisher = forms.CharField(max_length=200, required=False)
    scale = forms.ChoiceField(
        label="Source scale (ACLED)", required=False, choices=[("", "—"), *Source.Scale.choices]
    )
    words = forms.CharField(
        label="Only items mentioning",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "e.g. attack, clashes, killed"}),
        help_text="Optional: words or phrases, comma-separated; leave empty to take every item.",
    )
    interval = forms.IntegerField(label="Poll every (minutes)", min_value=1, max_value=10080, initial=15)
    enabled = forms.BooleanField(label="On", required=False, initial=True)
