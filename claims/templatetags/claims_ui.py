"""Small display helpers for the web UI templates."""

from typing import Any

from django import template

from claims import access

register = template.Library()


@register.filter
def roles(user: access.AnyUser) -> list[str]:
    return access.roles_of(user)


@register.filter
def describe(item: Any) -> str:
    """One quantity, date or consistency flag as a line of text."""
    if not isinstance(item, dict):
        return str(item)
    if item.get("message"):
        return str(item["message"])
    text = str(item.get("text", ""))
    if item.get("date"):
        precision = f" ({item['precision']})" if item.get("precision") else ""
        return f"{text} → {item['date']}{precision}"
    if item.get("value") is not None:
        return f"{text} = {_number(item['value'])} {item.get('unit') or ''}".strip()
    return text or ", ".join(f"{key}: {value}" for key, value in item.items())


def _number(value: Any) -> str:
    try:
        return f"{float(value):,.10g}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def percent(value: float | None) -> str:
    return "unknown" if value is None else f"{round(value * 100)}%"


@register.filter
def words(value: object) -> str:
    """An identifier such as `verdict_published` as words."""
    return str(value).replace("_", " ")
