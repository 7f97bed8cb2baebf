"""Dispatches (công văn) with their official fields, recipients, delivery and acknowledgement."""
