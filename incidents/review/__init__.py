"""Read-side helpers for the review and history pages: forms, highlighted text, history, lookups."""
