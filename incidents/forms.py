from django import forms

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
    published = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Publication date")
    publisher = forms.CharField(max_length=200, required=False)
    title = forms.CharField(max_length=500, required=False, help_text="For a single article.")
    url = forms.URLField(
        max_length=1000, required=False, label="URL", assume_scheme="https", help_text="For a single article."
    )

    def clean(self):
        cleaned = super().clean()
        has_text = bool(cleaned.get("text", "").strip())
        files = cleaned.get("files") or []
        if has_text == bool(files):
            raise forms.ValidationError("Paste the article's text or choose files (one of them).")
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
