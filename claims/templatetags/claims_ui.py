"""Small display helpers for the web UI templates."""

from typing import Any

from django import template

from claims import access

register = template.Library()

# Keys shown first, and not repeated, when a quantity, date or flag is described.
_HEADLINE_KEYS = ("message", "text")


@register.filter
def roles(user: access.AnyUser) -> list[str]:
    return access.roles_of(user)


@register.filter
def describe(item: Any) -> str:
    """One quantity, date or consistency flag as a line of text: its headline, then the details."""
    if not isinstance(item, dict):
        return str(item)
    headline = next((str(item[key]) for key in _HEADLINE_KEYS if item.get(key)), "")
    details = ", ".join(
        f"{key.replace('_', ' ')}: {value}"
        for key, value in item.items()
        if key not in _HEADLINE_KEYS and value not in (None, "", [], {})
    )
    if headline and details:
        return f"{headline} ({details})"
    return headline or details


@register.filter
def percent(value: float | None) -> str:
    return "unknown" if value is None else f"{round(value * 100)}%"


@register.filter
def words(value: object) -> str:
    """An identifier such as `verdict_published` as words."""
    return str(value).replace("_", " ")
