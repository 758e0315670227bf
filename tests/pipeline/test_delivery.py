"""Webhooks against a real HTTP receiver on 127.0.0.1."""

import json
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from claims import services
from claims.models import Webhook, WebhookDelivery
from claims.pipeline import delivery
from claims.pipeline.delivery import MAX_ATTEMPTS, deliver_attempt, retry_delay, signature_matches
from claims.services.webhooks import webhooks_notify_published
from claims.tasks import deliver_webhook
from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

SECRET = "a-long-random-secret-for-tests"


class Receiver:
    """A local endpoint that answers with the next queued status code and records what it got."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/factcheck"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def local_receivers_allowed(settings):
    settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS = True


@pytest.fixture
def in_review(team, alice):
    claim = ClaimFactory(article=ArticleFactory(team=team, title="Transit"))
    verdict = services.verdict_create(claim=claim, author=alice, rating="false", summary="It was 2%.")
    return services.verdict_submit(verdict=verdict, by=alice)


def register(user, url):
    response = api_client_for(user).post("/api/v1/webhooks/", {"url": url, "secret": SECRET}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["secret"] == SECRET  # shown at registration, never again
    return Webhook.objects.get(pk=response.json()["id"])


def test_it_posts_a_signed_payload_when_a_verdict_is_published(
    in_review, alice, bob, django_capture_on_commit_callbacks
):
    with Receiver([200]) as receiver:
        hook = register(alice, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client_for(bob).post(f"/api/v1/verdicts/{in_review.pk}/publish/")
        assert response.status_code == 200
    [request] = receiver.requests
    signature = request["headers"]["X-Factcheck-Signature"]
    assert signature_matches(request["body"], SECRET, signature)
    assert not signature_matches(request["body"], "wrong-secret-wrong-secret", signature)
    payload = json.loads(request["body"])
    assert payload["event"] == "verdict.published"
    assert payload["verdict"]["id"] == in_review.pk and payload["verdict"]["rating"] == "false"
    assert payload["article"]["title"] == "Transit"
    assert payload["delivery"] == request["headers"]["X-Factcheck-Delivery"]
    log = WebhookDelivery.objects.get(webhook=hook)
    assert (log.attempt, log.succeeded, log.status_code) == (1, True, 200)


def test_it_retries_with_backoff_until_the_receiver_accepts(
    in_review, alice, bob, django_capture_on_commit_callbacks
):
    with Receiver([500, 503, 200]) as receiver:
        hook = register(alice, receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            services.verdict_publish(verdict=in_review, by=bob)
    assert len(receiver.requests) == 3
    assert len({request["headers"]["X-Factcheck-Delivery"] for request in receiver.requests}) == 1
    log = list(WebhookDelivery.objects.filter(webhook=hook).order_by("attempt"))
    assert [(row.attempt, row.status_code, row.succeeded) for row in log] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]
    delays = [(row.next_attempt_at - row.finished_at).total_seconds() for row in log[:2]]
    assert delays == [retry_delay(1), retry_delay(2)]
    assert delays[1] == 2 * delays[0]
    assert log[2].next_attempt_at is None


def test_it_gives_up_after_the_last_attempt_and_logs_connection_errors(in_review, alice, bob):
    with Receiver([]) as receiver:
        dead_url = receiver.url
    hook = Webhook.objects.create(team=in_review.claim.article.team, url=dead_url, secret=SECRET)
    services.verdict_publish(verdict=in_review, by=bob)
    webhooks_notify_published(verdict_id=in_review.pk)
    log = list(WebhookDelivery.objects.filter(webhook=hook).order_by("attempt"))
    assert [row.attempt for row in log] == list(range(1, MAX_ATTEMPTS + 1))
    assert all(not row.succeeded and row.status_code is None and row.error for row in log)
    assert log[-1].next_attempt_at is None


def test_it_uses_celery_retry_with_a_countdown(monkeypatch):
    from celery.exceptions import Retry

    captured = {}

    def fake_retry(**kwargs):
        captured.update(kwargs)
        return Retry()

    failing = WebhookDelivery(succeeded=False)
    monkeypatch.setattr("claims.tasks.deliver_attempt", lambda **kwargs: failing)
    monkeypatch.setattr(deliver_webhook, "retry", fake_retry)
    with pytest.raises(Retry):
        deliver_webhook.run(1, "d", "verdict.published", {})
    assert captured == {"countdown": retry_delay(1)}


def test_it_shows_the_delivery_log_to_the_team_only(in_review, alice, bob, charlie):
    with Receiver([200]) as receiver:
        hook = register(alice, receiver.url)
        services.verdict_publish(verdict=in_review, by=bob)
        webhooks_notify_published(verdict_id=in_review.pk)
    url = f"/api/v1/webhooks/{hook.pk}/deliveries/"
    rows = api_client_for(alice).get(url).json()["results"]
    assert [(row["attempt"], row["status_code"], row["succeeded"]) for row in rows] == [(1, 200, True)]
    assert api_client_for(charlie).get(url).status_code == 404
    assert api_client_for(bob).get(url).status_code == 404  # reviewers do not manage webhooks


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "ftp://example.org/x", "secret": SECRET}, "url"),
        ({"url": "not a url", "secret": SECRET}, "url"),
        ({"url": "https://example.org/x", "secret": "short"}, "secret"),
        ({"url": "https://example.org/x", "secret": ""}, "secret"),
    ],
)
def test_it_rejects_bad_webhooks_with_field_messages(alice, payload, field):
    response = api_client_for(alice).post("/api/v1/webhooks/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_it_refuses_webhooks_for_other_teams(alice, charlie, bob):
    other_team = charlie.teams.get()
    payload = {"url": "https://example.org/x", "secret": SECRET, "team": other_team.pk}
    assert api_client_for(alice).post("/api/v1/webhooks/", payload, format="json").status_code == 403
    assert (
        api_client_for(bob).post("/api/v1/webhooks/", {**payload, "team": None}, format="json").status_code
        == 400
    )
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://[::1]/x",
        "http://169.254.169.254/",
    ],
)
def test_it_refuses_private_hosts_unless_allowed(alice, settings, url):
    settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    response = api_client_for(alice).post("/api/v1/webhooks/", {"url": url, "secret": SECRET}, format="json")
    assert response.status_code == 400
    assert "private" in response.json()["error"]["fields"]["url"][0]


def test_it_does_not_deliver_to_a_private_host_when_not_allowed(in_review, bob, settings):
    with Receiver([200]) as receiver:
        hook = Webhook.objects.create(team=in_review.claim.article.team, url=receiver.url, secret=SECRET)
        settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS = False
        services.verdict_publish(verdict=in_review, by=bob)
        webhooks_notify_published(verdict_id=in_review.pk)
    assert receiver.requests == []
    assert all("private address" in row.error for row in WebhookDelivery.objects.filter(webhook=hook))


# --- the guard cannot be turned inward: redirects, DNS answers, slow or endless answers ---


class LocalServer:
    """A server on 127.0.0.1 whose every POST is answered by `respond(handler)`; counts the requests."""

    def __init__(self, respond) -> None:
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                server.requests.append(dict(self.headers))
                respond(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def __enter__(self) -> "LocalServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def answer(status: int, headers: dict[str, str] | None = None):
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return respond


def endless_body(status: int):
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"x" * 65536
        try:
            for _ in range(2000):  # 128 MB, far more than anyone should read
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass  # the client hung up, as it should

    return respond


@pytest.fixture
def fake_dns(monkeypatch):
    """Answers for names only these tests know, in turn; every other name resolves as usual."""
    real_getaddrinfo = socket.getaddrinfo
    answers: dict[str, list[str]] = {}
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real_getaddrinfo(host, port, *args, **kwargs)
        asked.append(host)
        address = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return SimpleNamespace(answers=answers, asked=asked)


def attempt_to(team, url: str) -> WebhookDelivery:
    hook = Webhook.objects.create(team=team, url=url, secret=SECRET)
    log = deliver_attempt(
        webhook_id=hook.pk, delivery_id=str(uuid.uuid4()), event="verdict.published", payload={}, attempt=1
    )
    assert log is not None
    return log


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_it_never_follows_a_redirect(team, status):
    with (
        LocalServer(answer(200)) as inside,
        LocalServer(answer(status, {"Location": f"http://127.0.0.1:{inside.port}/admin"})) as outside,
    ):
        log = attempt_to(team, f"http://127.0.0.1:{outside.port}/hook")

    assert len(outside.requests) == 1 and inside.requests == []
    assert (log.succeeded, log.status_code) == (False, status)
    assert "redirects are not followed" in log.error and f":{inside.port}/admin" in log.error


def test_it_refuses_a_name_that_resolves_to_a_private_address(team, alice, settings, fake_dns):
    settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    with LocalServer(answer(200)) as receiver:
        fake_dns.answers["hooks.example.org"] = ["127.0.0.1"]
        url = f"http://hooks.example.org:{receiver.port}/hook"
        # Registering does not ask DNS: the request never waits on a resolver.
        response = api_client_for(alice).post("/api/v1/webhooks/", {"url": url}, format="json")
        assert response.status_code == 201 and fake_dns.asked == []

        log = attempt_to(team, url)

    assert receiver.requests == []
    assert not log.succeeded and log.status_code is None
    assert "hooks.example.org resolves to the private address 127.0.0.1" in log.error


def test_it_connects_to_the_address_it_checked_without_asking_dns_again(team, fake_dns):
    with LocalServer(answer(204)) as receiver:
        # A second lookup would land on an address where nothing listens.
        fake_dns.answers["hooks.example.org"] = ["127.0.0.1", "127.0.0.2"]
        log = attempt_to(team, f"http://hooks.example.org:{receiver.port}/hook?team=metro")

    assert fake_dns.asked == ["hooks.example.org"]
    assert (log.succeeded, log.status_code) == (True, 204)
    [request] = receiver.requests
    assert request["Host"] == f"hooks.example.org:{receiver.port}"


def test_a_name_that_changes_its_answer_after_the_check_cannot_reach_inside(
    team, settings, fake_dns, monkeypatch
):
    # DNS rebinding: public when checked, loopback a moment later. The connection goes to the
    # public address that was checked (unreachable here), never to the loopback one.
    settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    monkeypatch.setattr(delivery, "CONNECT_TIMEOUT_SECONDS", 0.5)
    with LocalServer(answer(200)) as receiver:
        fake_dns.answers["rebind.example.org"] = ["93.184.216.34", "127.0.0.1"]
        log = attempt_to(team, f"http://rebind.example.org:{receiver.port}/hook")

    assert receiver.requests == []
    assert fake_dns.asked == ["rebind.example.org"]
    assert not log.succeeded and log.status_code is None and log.error


def test_it_gives_up_on_a_receiver_that_never_answers(team, monkeypatch):
    monkeypatch.setattr(delivery, "READ_TIMEOUT_SECONDS", 0.5)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # connections are accepted by the kernel, and nothing is ever said
    try:
        started = time.monotonic()
        log = attempt_to(team, f"http://127.0.0.1:{silent.getsockname()[1]}/hook")
        elapsed = time.monotonic() - started
    finally:
        silent.close()

    assert not log.succeeded and log.status_code is None
    assert "timed out" in log.error
    assert elapsed < 3


@pytest.mark.parametrize(("status", "succeeded"), [(200, True), (500, False)])
def test_it_reads_a_bounded_part_of_an_endless_answer(team, status, succeeded):
    with LocalServer(endless_body(status)) as receiver:
        started = time.monotonic()
        log = attempt_to(team, f"http://127.0.0.1:{receiver.port}/hook")
        elapsed = time.monotonic() - started

    assert (log.succeeded, log.status_code) == (succeeded, status)
    assert len(log.error) <= delivery.MAX_ERROR_BODY_BYTES + 100
    assert elapsed < 5


def test_it_refuses_literal_private_addresses_without_dns(alice, settings, fake_dns, monkeypatch):
    settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE_HOSTS = False

    def no_dns(*args, **kwargs):
        raise AssertionError("DNS asked during request validation")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    for url in (
        "http://[::ffff:127.0.0.1]/x",
        "http://0.0.0.0/x",
        "http://100.64.0.1/x",
        "http://db.localhost/x",
    ):
        response = api_client_for(alice).post("/api/v1/webhooks/", {"url": url}, format="json")
        assert response.status_code == 400, url
    assert (
        api_client_for(alice)
        .post("/api/v1/webhooks/", {"url": "https://cms.example.org/x"}, format="json")
        .status_code
        == 201
    )
