"""Template filters of the staff area: Vietnamese numbers, the dispatch body, the place-date line."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from loa.web.dispatches.document import body_parts, date_line

register = template.Library()


@register.filter
def number(value: object) -> str:
    """Return 10145 as "10.145" (Vietnamese thousands separator)."""
    try:
        return f"{int(str(value)):,}".replace(",", ".")
    except ValueError:
        return str(value)


@register.filter
def dispatch_body(text: str) -> SafeString:
    """Return the body as paragraphs, with "**…**" spans in bold, everything else escaped."""
    html = []
    for _kind, part in body_parts(text):
        pieces = escape(part).split("**")
        html.append(
            "<p>" + "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(pieces)) + "</p>"
        )
    return mark_safe("".join(html))  # escaped above


@register.simple_tag
def place_date(place: str, day: date) -> str:
    return date_line(place, day)
