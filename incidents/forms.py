from django import forms


class ArticleUploadForm(forms.Form):
    """Paste an article or choose a .txt/.html file, with its publication date and publisher."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), required=False, strip=False)
    file = forms.FileField(required=False, help_text="A .txt or .html file, at most 5 MB.")
    published = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Publication date")
    publisher = forms.CharField(max_length=200, required=False)
    title = forms.CharField(max_length=500, required=False)
    url = forms.URLField(max_length=1000, required=False, label="URL", assume_scheme="https")

    def clean(self):
        cleaned = super().clean()
        has_text = bool(cleaned.get("text", "").strip())
        has_file = cleaned.get("file") is not None
        if has_text == has_file:
            raise forms.ValidationError("Paste the article's text or choose a file (one of them).")
        return cleaned
