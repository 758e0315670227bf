"""Webhook delivery: one signed POST per attempt, logged, with a guard against private hosts and
exponential backoff between attempts.

The guard cannot be turned inward: the host is resolved once, every address it resolves to is
checked, and the connection goes to a checked address (DNS is not asked again, so a name cannot
change its answer in between); redirects are never followed; connecting and each read have a
timeout, and of the answer only the status line, the headers and 1 KB of a failure's body are read.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from claims.models import Webhook, WebhookDelivery

logger = logging.getLogger(__name__)


EVENT_VERDICT_PUBLISHED = "verdict.published"


SIGNATURE_HEADER = "X-Factcheck-Signature"


CONNECT_TIMEOUT_SECONDS = 3


# Each read of the answer, not the whole exchange: a receiver gets this long between bytes.
READ_TIMEOUT_SECONDS = 5


# Of a failed attempt's answer, this much body is kept in the log; a success's body is not read.
MAX_ERROR_BODY_BYTES = 1024


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


class Refused(Exception):
    """A webhook URL that may not be called: its host is, or resolves to, an address inside our network."""


LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


def _inside_network(address: str) -> bool:
    """Loopback, private, link-local, shared (carrier NAT), reserved or multicast: not the Internet."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return not ip.is_global or ip.is_multicast


def _literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None  # a name


def _local_name(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host in LOCAL_NAMES or host.endswith(".localhost")


def registration_refusal(url: str) -> str | None:
    """Why a webhook URL may not be registered, or None, judged without DNS.

    Only what the URL itself shows is judged here (a loopback or private address, a local name), so
    a request never waits on a resolver. A name is resolved at each delivery, and refused there if it
    leads inside our network.
    """
    if settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return None
    host = urllib.parse.urlsplit(url).hostname or ""
    address = _literal_address(host)
    if _local_name(host) or (address is not None and _inside_network(address)):
        return "Webhooks may not call private or loopback addresses (FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS)."
    return None


@dataclass(frozen=True)
class Target:
    """Where one attempt goes: the URL's parts and the addresses its host resolved to, all checked."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def resolve_target(url: str) -> Target:
    """Resolve the URL's host once and check every address. Raises Refused, or OSError from DNS."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Refused(f"Not an http(s) URL: {url!r}.")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    allow_private = settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS
    if _local_name(host) and not allow_private:
        raise Refused(f"Refused: {host} is a private address (FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS is off).")
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    inside = [address for address in addresses if _inside_network(address)]
    if inside and not allow_private:
        raise Refused(
            f"Refused: {host} resolves to the private address {inside[0]} "
            "(FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS is off)."
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port, path, addresses)


def _connect_to_checked_address(addresses: tuple[str, ...], port: int) -> socket.socket:
    error: OSError = OSError("The host resolved to no address.")
    for address in addresses:
        try:
            sock = socket.create_connection((address, port), timeout=CONNECT_TIMEOUT_SECONDS)
        except OSError as failure:
            error = failure
            continue
        sock.settimeout(READ_TIMEOUT_SECONDS)
        return sock
    raise error


class PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the addresses of a Target: the Host header names the host, the socket goes to an
    address that was checked, never to a new DNS answer."""

    def __init__(self, target: Target) -> None:
        super().__init__(target.host, target.port, timeout=READ_TIMEOUT_SECONDS)
        self.target = target

    def connect(self) -> None:
        self.sock = _connect_to_checked_address(self.target.addresses, self.target.port)


class PinnedHTTPSConnection(PinnedHTTPConnection):
    """The same over TLS; the certificate is verified against the host name, as usual."""

    default_port = 443

    def connect(self) -> None:
        super().connect()
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.target.host)


def _post(target: Target, *, headers: dict[str, str], body: bytes) -> AttemptResult:
    connection_class = PinnedHTTPSConnection if target.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(target)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        if 200 <= response.status < 300:
            return AttemptResult(True, response.status, "")
        return AttemptResult(False, response.status, _failure_message(response))
    except (OSError, http.client.HTTPException) as error:
        return AttemptResult(False, None, f"{type(error).__name__}: {error}"[:2000])
    finally:
        connection.close()


def _failure_message(response: http.client.HTTPResponse) -> str:
    message = f"HTTP {response.status} {response.reason}"
    if 300 <= response.status < 400:
        location = response.getheader("Location", "")
        return f"{message}: redirects are not followed (Location: {location})"[:2000]
    try:
        excerpt = response.read(MAX_ERROR_BODY_BYTES).decode("utf-8", "replace").strip()
    except (OSError, http.client.HTTPException):
        excerpt = ""  # the status is the answer; a body that stalls adds nothing
    return f"{message}: {excerpt}"[:2000] if excerpt else message


def _attempt(hook: Webhook, *, delivery_id: str, event: str, body: bytes) -> AttemptResult:
    try:
        target = resolve_target(hook.url)
    except Refused as refusal:
        return AttemptResult(False, None, str(refusal))
    except (OSError, UnicodeError) as error:
        return AttemptResult(False, None, f"The host could not be resolved: {error}"[:2000])
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "factcheck-webhooks/1",
        SIGNATURE_HEADER: sign(body, hook.secret),
        "X-Factcheck-Event": event,
        "X-Factcheck-Delivery": delivery_id,
    }
    return _post(target, headers=headers, body=body)


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
    result = _attempt(hook, delivery_id=delivery_id, event=event, body=body)
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
