"""The analyst pages, one module per area; URLs name the module's views directly."""
