"""Readers turn a campaign folder into the frozen model, collecting located diagnostics."""

from loa.readers.campaign import read_campaign

__all__ = ["read_campaign"]
