"""Extraction wired into storage, the API and the extract_claims command."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from claims import services
from claims.extraction.claim import ExtractedClaim
from claims.models import Article, content_hash
from claims.pipeline.processing import article_process
from tests.conftest import api_client_for
from tests.factories import rewrite_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/articles/"
HTML = (
    "<html><head><script>var tracking = 1;</script></head><body>"
    "<h1>Port&nbsp;traffic grows</h1>"
    "<p>The port, which opened in 1907, handled <b>3.1 million</b> containers in 2023.</p>"
    "<p>Its director, Maria Lopez, said she expects 12% growth.</p>"
    "</body></html>"
)
GERMAN = (
    "Der Stadtrat hat am Dienstag beschlossen, zwei Bibliotheken im Norden der Stadt zu schließen. "
    "Die Bürgermeisterin sagte, die Stadt spare dadurch 1,2 Millionen Euro im Jahr."
)


def test_it_stores_pasted_html_as_clean_text_with_exact_offsets(alice):
    response = api_client_for(alice).post(URL, {"body": HTML}, format="json")
    assert response.status_code == 201
    article = Article.objects.get(pk=response.json()["id"])
    assert "<" not in article.body and "tracking" not in article.body
    assert article.body.startswith("Port traffic grows\n\nThe port, which opened in 1907")
    assert article.content_hash == content_hash(article.body)
    claims = list(article.claims.all())
    assert "The port opened in 1907." in [claim.text for claim in claims]
    for claim in claims:
        assert article.body[claim.start : claim.end] == claim.quote


def test_it_treats_the_same_text_pasted_as_html_or_plain_as_one_article(alice):
    client = api_client_for(alice)
    first = client.post(URL, {"body": "<p>The port handled 3.1 million containers.</p>"}, format="json")
    again = client.post(URL, {"body": "The port handled 3.1 million containers.\n"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]


def test_it_refuses_html_without_readable_text(alice):
    response = api_client_for(alice).post(URL, {"body": "<div><script>x()</script></div>"}, format="json")
    assert response.status_code == 400
    assert "no text" in response.json()["error"]["message"]
    assert Article.objects.count() == 0


@override_settings(FACTCHECK_MAX_ARTICLE_BYTES=500)
def test_it_checks_the_size_limit_before_cleaning(alice):
    body = "<p>" + "The port grew. " * 40 + "</p>"
    response = api_client_for(alice).post(URL, {"body": body}, format="json")
    assert response.status_code == 413
    assert "500 bytes" in response.json()["error"]["message"]


def test_it_records_a_language_it_cannot_extract_and_says_so(alice):
    response = api_client_for(alice).post(URL, {"body": GERMAN}, format="json")
    assert response.status_code == 201
    data = api_client_for(alice).get(f"{URL}{response.json()['id']}/").json()
    assert data["status"] == "done"
    assert data["language"] == "de"
    assert "English only" in data["error"] and "German" in data["error"]
    assert data["claim_count"] == 0


def test_it_records_english_and_returns_normalised_fields(alice):
    body = (
        "Maria Lopez, 41, was elected mayor of Lisbon on June 8. "
        "She promised to cut bus fares by 12% and to plant three million trees."
    )
    client = api_client_for(alice)
    created = client.post(URL, {"body": body, "published_at": "2024-06-20T00:00:00Z"}, format="json").json()
    assert Article.objects.get(pk=created["id"]).language == "en"
    claims = client.get(f"{URL}{created['id']}/claims/?min_checkworthiness=0").json()["results"]
    elected = next(claim for claim in claims if "elected" in claim["text"])
    june_8 = {"text": "June 8", "date": "2024-06-08", "precision": "day"}
    assert elected["dates"] == [june_8 | {"start": "2024-06-08", "end": "2024-06-08"}]
    trees = next(claim for claim in claims if "trees" in claim["text"])
    assert trees["text"] == "Maria Lopez promised to plant three million trees."
    assert trees["quantities"][0]["value"] == 3_000_000
    assert all(claim["reason"] for claim in claims)


def test_it_reprocesses_without_duplicating_claims(alice, team):
    article, _ = services.article_submit(team=team, submitted_by=alice, title="", body=HTML)
    count = article.claims.count()
    article_process(article_id=article.pk)
    assert Article.objects.get(pk=article.pk).claims.count() == count > 0


# ---------------------------------------------------------------- the command


@pytest.fixture
def article_file(tmp_path):
    path = tmp_path / "article.html"
    path.write_text(HTML)
    return path


@pytest.mark.slow  # loads the embedding model, as the command does when it is installed
def test_it_prints_claims_as_json_without_storing_them(article_file, capsys):
    call_command("extract_claims", str(article_file), published_at="2024-01-15", format="json")
    rows = json.loads(capsys.readouterr().out)
    assert Article.objects.count() == 0
    assert set(rows[0]) == {
        "text", "quote", "start", "end", "checkworthiness", "checkworthiness_source", "reason", "reasons",
        "quantities", "dates", "flags", "duplicate_of", "rewrites", "needs_context",
    }  # fmt: skip
    # The embedding model is installed here: the command prints the scores an ingest would store.
    assert {row["checkworthiness_source"] for row in rows} == {"model"}
    assert all(row["reasons"] and 0 <= row["checkworthiness"] <= 1 for row in rows)
    assert all(isinstance(row["rewrites"], list) and isinstance(row["needs_context"], bool) for row in rows)
    containers = next(row for row in rows if "containers" in row["text"])
    assert containers["quantities"][0]["si_value"] == 3_100_000
    assert containers["dates"][0]["date"] == "2023-01-01"


def test_it_prints_claims_as_a_table(article_file, capsys):
    call_command("extract_claims", str(article_file), format="table")
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["score", "start", "end", "claim"]
    assert "The port opened in 1907." in out
    assert "why (model): " in out
    assert "Maria Lopez said Maria Lopez expects 12% growth." in out or "expects 12% growth" in out


def test_it_prints_rewrites_and_marks_needs_context(article_file, capsys, monkeypatch):
    body = "Maria Lopez runs the port. She expects 12% growth. It grew."
    she = body.index("She")
    claims = [
        ExtractedClaim(
            text="Maria Lopez expects 12% growth.",
            quote=body[she : body.index(" It")],
            start=she,
            end=body.index(" It"),
            rewrites=[rewrite_of(body, "She", "Maria Lopez", "Maria Lopez")],
        ),
        ExtractedClaim(
            text="It grew.", quote="It grew.", start=body.index("It"), end=len(body), needs_context=True
        ),
    ]
    monkeypatch.setattr(
        "claims.management.commands.extract_claims.extract_claims", lambda *args, **kwargs: claims
    )
    call_command("extract_claims", str(article_file), format="json")
    rows = json.loads(capsys.readouterr().out)
    assert [(row["rewrites"], row["needs_context"]) for row in rows] == [
        (claims[0].rewrites, False),
        ([], True),
    ]
    call_command("extract_claims", str(article_file), format="table")
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].endswith("Maria Lopez expects 12% growth.")
    assert lines[2].strip() == "~ She → Maria Lopez"
    # Then why the score is what it is: the model's reasons, as an ingest would store them.
    assert lines[3].strip() == f"why (model): {'; '.join(claims[0].reasons)}"
    assert lines[4].endswith("It grew.  (needs context)")


def test_it_explains_bad_command_input(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("extract_claims", str(tmp_path / "missing.txt"))
    empty = tmp_path / "empty.txt"
    empty.write_text(" \n ")
    with pytest.raises(CommandError, match="empty"):
        call_command("extract_claims", str(empty))
    german = tmp_path / "german.txt"
    german.write_text(GERMAN)
    with pytest.raises(CommandError, match="English only"):
        call_command("extract_claims", str(german))
    with pytest.raises(CommandError, match="not a date"):
        call_command("extract_claims", str(german), published_at="soon")
