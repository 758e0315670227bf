"""Template helpers for reports and the public verdict page."""

from typing import Any
from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from claims.reports.charts import RATING_COLOURS
from claims.reports.claimreview import ld_json, verdict_public_url

register = template.Library()


@register.filter
def ld_json_script(data: Any) -> SafeString:
    """A JSON-LD <script> element that no value inside can close or break out of."""
    # ld_json escapes <, > and &, so the text is safe inside <script> as-is.
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(ld_json(data)),  # noqa: S308 # nosec B308 B703
    )


@register.filter
def safe_url(url: str | None) -> str:
    """The url if it is a web address, else empty: stored urls never become `javascript:` links."""
    if not url:
        return ""
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in {"http", "https"} else ""


@register.simple_tag
def rating_colour_rules() -> SafeString:
    """`.rating-<rating>` rules for the stylesheet: the Content-Security-Policy forbids style attributes."""
    # Ratings and colours are constants of the code, never user input.
    rules = (f".rating-{rating} {{ background: {colour}; }}" for rating, colour in RATING_COLOURS.items())
    return mark_safe("\n    ".join(rules))  # noqa: S308 # nosec B308 B703


@register.simple_tag(takes_context=True)
def verdict_url(context: template.Context, verdict: Any) -> str:
    """The absolute address of a verdict's public page: links must work in a saved PDF too."""
    return verdict_public_url(context["request"], verdict)
