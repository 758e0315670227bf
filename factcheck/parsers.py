"""Request parsers that refuse an oversize body with 413 before reading it."""

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework.parsers import JSONParser


class SizeLimitedJSONParser(JSONParser):
    """DRF streams JSON past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check; this applies it."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        if limit is not None and length > limit:
            raise RequestDataTooBig(f"The request body is {length:,} bytes; the limit is {limit:,} bytes.")
        return super().parse(stream, media_type, parser_context)
