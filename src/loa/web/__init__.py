"""Loa's tracking web app (Django): units, dispatches, delivery, activity reports and indicators.

Nothing outside this package imports Django; the app reads a build's `manifest.json` to know the
products of a campaign pack.
"""
