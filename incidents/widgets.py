"""Form widgets shared by the desk's forms."""

from django import forms


class IsoDateInput(forms.DateInput):
    """A date typed as YYYY-MM-DD, whatever the browser's locale.

    A browser's own date box shows the operating system's format (mm/dd/yyyy in an American
    locale), which an ISO-minded desk misreads; a text box with the ISO pattern reads the same for
    everyone, and the keyboard never leaves it.
    """

    input_type = "text"

    def __init__(self, attrs: dict | None = None) -> None:
        base = {
            "placeholder": "YYYY-MM-DD",
            "pattern": r"\d{4}-\d{2}-\d{2}",
            "inputmode": "numeric",
            "maxlength": "10",
            "size": "10",
            "autocomplete": "off",
            "title": "A date as YYYY-MM-DD",
        }
        super().__init__(attrs={**base, **(attrs or {})}, format="%Y-%m-%d")
