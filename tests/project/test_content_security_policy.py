"""A Content-Security-Policy without inline script or style on every page; the pages comply."""

import re
from pathlib import Path

import pytest

from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory

TEMPLATES = [
    Path(__file__).resolve().parents[2] / app / "templates" for app in ("claims", "sources", "factcheck")
]


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/api/docs/", "/health/?format=json"])
def test_it_forbids_inline_script_and_style(client, path):
    policy = directives(client.get(path))
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


@pytest.mark.django_db
def test_it_lets_swagger_uis_style_block_through_by_nonce(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", " ".join(directives(response)["style-src"])).group(1)
    page = response.content.decode()
    assert page.count("<style") == 1 and f'<style nonce="{nonce}">' in page
    assert re.search(r"<script(?![^>]*\bsrc=)", page) is None


@pytest.mark.django_db
def test_it_lets_only_the_public_verdict_pages_style_block_through_by_nonce(client):
    verdict = VerdictFactory(claim=ClaimFactory(article=ArticleFactory()), published=True)
    response = client.get(f"/verdicts/{verdict.pk}/")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", " ".join(directives(response)["style-src"])).group(1)
    page = response.content.decode()
    assert page.count("<style") == 1 and f'<style nonce="{nonce}">' in page
    assert f"rating-{verdict.rating}" in page and " style=" not in page


def test_its_templates_have_no_inline_script_handler_or_style():
    for directory in TEMPLATES:
        for template in directory.rglob("*.html"):
            text = template.read_text()
            assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", text), template
            assert not re.search(r"\son[a-z]+\s*=", text), template
            assert not re.search(r"\sstyle\s*=", text), template
            assert "hx-on" not in text and "javascript:" not in text, template


@pytest.mark.django_db
def test_it_answers_the_browsers_favicon_request_without_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 204 and not response.content
    assert "max-age=86400" in response["Cache-Control"]
    assert client.post("/favicon.ico").status_code == 405
