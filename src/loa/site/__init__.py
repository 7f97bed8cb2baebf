"""The portal: a static Vietnamese site built from the campaign and the products' manifest."""

from loa.site.portal import render_site
from loa.site.search import index_search

__all__ = ["index_search", "render_site"]
