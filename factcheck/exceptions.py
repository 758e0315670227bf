"""The one place API errors get their shape: {"error": {"code", "message", "fields"}}."""

import sys
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from claims.errors import DomainError
from factcheck.dbserver import DatabaseServerError

# The database went away (stopped, restarting, unreachable, or the embedded server could not
# start): a fault of the moment the caller can retry, not a bug. Django reconnects by itself on a
# later request (CONN_HEALTH_CHECKS), so nothing needs restarting once the database is back.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, DatabaseServerError)
DATABASE_UNAVAILABLE_MESSAGE = "The database cannot be reached at the moment. Try again in a minute."
RETRY_AFTER_SECONDS = "30"


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _field_messages(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def _flatten(value: Any) -> Any:
    if isinstance(value, list):
        return [_flatten(item) if isinstance(item, dict | list) else str(item) for item in value]
    if isinstance(value, dict):
        return {key: _flatten(item) for key, item in value.items()}
    return [str(value)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("payload_too_large", "The request body is too large."),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        fields = _field_messages(exc.detail)
        message = "Some fields are invalid: " + ", ".join(sorted(fields)) + "."
        response.data = error_body("invalid", message, fields)
    else:
        detail = exc.detail
        message = str(detail) if not isinstance(detail, dict | list) else str(exc.default_detail)
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        response.data = error_body(code, message)
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """URLs no route matches (e.g. /api/v1/articles/-1/): JSON under /api/, Django's page elsewhere."""
    if _is_api(request):
        body = error_body("not_found", f"No API endpoint at {request.path}.")
        return JsonResponse(body, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this handler inside the `except` block of whatever the view or a middleware
    # raised (the API's handler passes non-API exceptions on), so the exception is at hand.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    if _is_api(request):
        body = error_body("server_error", "Something went wrong on our side; it has been logged.")
        return JsonResponse(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with a message saying what happened: JSON under /api/, a plain page elsewhere (no base
    template, whose user menu would need the database)."""
    if _is_api(request):
        body = error_body("database_unavailable", DATABASE_UNAVAILABLE_MESSAGE)
        response: HttpResponse = JsonResponse(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    else:
        page = loader.render_to_string("database_unavailable.html", {"message": DATABASE_UNAVAILABLE_MESSAGE})
        response = HttpResponse(page, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response
