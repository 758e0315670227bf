"""The client's IP address for the sign-in throttle (django-axes).

Behind FACTCHECK_PROXY_COUNT reverse proxies, REMOTE_ADDR is the nearest proxy's address, shared by
everyone: throttling by it would lock every user out at once. Each proxy appends the address it
got the request from to X-Forwarded-For, so the client's is that many entries from the right; the
entries left of it are whatever the client sent, and are never trusted.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    proxies = settings.FACTCHECK_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # not sent through the expected proxies
    return forwarded[-proxies]
