"""What every page family shares: htmx detection, domain errors as form errors."""

from types import TracebackType

from django.conf import settings
from django.forms import BaseForm
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


class Refusal:
    """What `domain_errors` caught: falsy until a service refused, then `message` says why."""

    def __init__(self, form: BaseForm | None, *, message_on_form: bool) -> None:
        self.form = form
        self.message_on_form = message_on_form
        self.error: DomainError | None = None

    def __enter__(self) -> "Refusal":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> bool:
        if not isinstance(error, DomainError):
            return False
        self.error = error
        if self.form is not None:
            _put_on_form(self.form, error, message=self.message_on_form)
        return True

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def message(self) -> str:
        return self.error.message if self.error is not None else ""


def domain_errors(form: BaseForm | None = None, *, message_on_form: bool = False) -> Refusal:
    """A `with` block whose DomainError ends the block and becomes what the page shows:

        with domain_errors(form) as refused:
            if form.is_valid():
                services.claim_update(...)
                return after_write(...)
        return panel_invalid(request, claim, refused.message, text_form=form)

    The error's messages for fields `form` has go on those fields, and with `message_on_form`
    (a page without an alert of its own) its message goes on top of the form. Pages answer a
    refused write with status INVALID, as they answer an invalid form."""
    return Refusal(form, message_on_form=message_on_form)


def _put_on_form(form: BaseForm, error: DomainError, *, message: bool) -> None:
    for name, problems in error.fields.items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, problem)
    if message and error.message:
        form.add_error(None, error.message)
