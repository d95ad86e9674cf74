"""Linking reports into events: which drafts of different articles report one real event.

Pure Python, no Django (like `incidents.extraction`): facts in, decisions and reconciled fields
out. The worker calls it inside the parse's transaction (incidents.services.linking).
"""
