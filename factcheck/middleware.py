"""Refuse oversize API requests with 413 before any view runs, whether or not the view reads the body."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from factcheck.exceptions import error_body


class ApiRequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = _content_length(request)
        if request.path.startswith("/api/") and limit is not None and length > limit:
            message = f"The request body is {length:,} bytes; the limit is {limit:,} bytes."
            return JsonResponse(error_body("payload_too_large", message), status=413)
        return self.get_response(request)


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0
