"""Loa: one campaign source to every awareness product, and a portal to serve them."""

__version__ = "0.1.0"
