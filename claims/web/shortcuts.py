"""What every page family shares: htmx detection, domain errors as form errors."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from claims.errors import DomainError

INVALID = 422


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants a partial; restoring history needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def checkworthiness_threshold() -> float:
    return float(settings.FACTCHECK_CHECKWORTHINESS_THRESHOLD)


def reverse_or_none(name: str, *args: object) -> str | None:
    """A link to a page another engineer owns, or None while its route does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def with_field_errors(form: Any, error: DomainError) -> Any:
    """The form with a domain error's field messages on its fields (the panel shows the message)."""
    for name, problems in error.fields.items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, problem)
    return form


def form_errors_from(form: Any, error: DomainError) -> None:
    """Show a domain error on the form: on its fields when it names them, else on top."""
    placed = False
    for name, problems in error.fields.items():
        target = "body" if name == "body" and "body" in form.fields else name
        if target in form.fields:
            for problem in problems:
                form.add_error(target, problem)
            placed = True
    if not placed or error.message:
        form.add_error(None, error.message)
