"""Webhook delivery: one signed POST per attempt, logged, with a guard against private hosts and
exponential backoff between attempts."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from claims.models import Webhook, WebhookDelivery

logger = logging.getLogger(__name__)


EVENT_VERDICT_PUBLISHED = "verdict.published"


SIGNATURE_HEADER = "X-Factcheck-Signature"


TIMEOUT_SECONDS = 5


MAX_ATTEMPTS = 5


BACKOFF_BASE_SECONDS = 30


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_matches(body: bytes, secret: str, header: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(body, secret), header)


def retry_delay(attempt: int) -> int:
    """Seconds to wait after failed attempt `attempt` (1-based): 30, 60, 120, 240..."""
    return int(BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))


@dataclass
class AttemptResult:
    succeeded: bool
    status_code: int | None
    error: str


def _post(hook: Webhook, *, delivery_id: str, event: str, body: bytes) -> AttemptResult:
    request = urllib.request.Request(  # noqa: S310 - the URL is validated as http(s) on registration
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "factcheck-webhooks/1",
            SIGNATURE_HEADER: sign(body, hook.secret),
            "X-Factcheck-Event": event,
            "X-Factcheck-Delivery": delivery_id,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return AttemptResult(200 <= response.status < 300, response.status, "")
    except urllib.error.HTTPError as error:
        return AttemptResult(False, error.code, f"HTTP {error.code} {error.reason}"[:2000])
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return AttemptResult(False, None, f"{type(error).__name__}: {reason}"[:2000])


def _private_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast


def host_is_private(host: str) -> bool:
    """Whether a host is, or resolves to, an address inside our network (SSRF guard)."""
    if host.lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return _private_address(host.strip("[]"))
    except ValueError:
        pass  # a name, not an address
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return False  # unresolvable: the POST itself fails and is logged
    return any(_private_address(str(info[4][0])) for info in infos)


def host_refused(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    return not settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS and host_is_private(host)


def deliver_attempt(
    *, webhook_id: int, delivery_id: str, event: str, payload: dict[str, Any], attempt: int
) -> WebhookDelivery | None:
    """POST once and log it. Returns the log row, or None if the webhook is gone or switched off."""
    hook = Webhook.objects.filter(pk=webhook_id, is_active=True).first()
    if hook is None:
        return None
    body = json.dumps({**payload, "delivery": delivery_id}, sort_keys=True).encode("utf-8")
    log = WebhookDelivery.objects.create(
        webhook=hook, delivery_id=delivery_id, event=event, attempt=attempt, started_at=timezone.now()
    )
    if host_refused(hook.url):
        message = "Refused: the host is a private address (FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS is off)."
        result = AttemptResult(False, None, message)
    else:
        result = _post(hook, delivery_id=delivery_id, event=event, body=body)
    log.succeeded = result.succeeded
    log.status_code = result.status_code
    log.error = result.error
    log.finished_at = timezone.now()
    if not result.succeeded and attempt < MAX_ATTEMPTS:
        log.next_attempt_at = log.finished_at + timedelta(seconds=retry_delay(attempt))
    log.save()
    return log


def deliver_now(
    *, webhook_id: int, delivery_id: str, payload: dict[str, Any], event: str = EVENT_VERDICT_PUBLISHED
) -> WebhookDelivery | None:
    """Without a broker: every attempt here and now, back to back. The backoff a worker would wait
    is still logged in `next_attempt_at`. (Celery's eager retry re-raises instead of retrying.)"""
    log = None
    for attempt in range(1, MAX_ATTEMPTS + 1):
        log = deliver_attempt(
            webhook_id=webhook_id, delivery_id=delivery_id, event=event, payload=payload, attempt=attempt
        )
        if log is None or log.succeeded:
            break
    if log is not None and not log.succeeded:
        logger.warning("Webhook %s gave up on delivery %s", webhook_id, delivery_id)
    return log
