"""CSV export of claims with verdicts, evidence and sources: streamed, spreadsheet-safe."""

import csv
import io
from collections.abc import Iterator

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from claims.reports.exporters import CSV_COLUMNS
from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory, VerdictFactory

pytestmark = pytest.mark.django_db

TRICKY = 'Le maire a dit « 12 % », puis: "non, 4,5 millions" — 東京\nnouvelle ligne'


def read_csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def article_csv(user, article, query: str = ""):
    return api_client_for(user).get(f"/api/v1/articles/{article.pk}/reports/csv/{query}")


def test_it_round_trips_unicode_commas_quotes_and_newlines(team, alice, bob):
    article = ArticleFactory(team=team, body=TRICKY + ". Fin.", publisher="Le Journal, Paris")
    claim = ClaimFactory(article=article, start=0, end=len(TRICKY), text=TRICKY)
    source = SourceFactory(url="https://stats.example.org/t?a=1&b=2", title="Chiffres, 2026")
    EvidenceFactory(claim=claim, source=source, quote="« 4,5 M€ »", note='dit "non"', stance="refutes")
    verdict = VerdictFactory(
        claim=claim, author=alice, reviewer=bob, summary="Faux, c'est 4,5 M€.", rating="false", published=True
    )

    response = article_csv(alice, article)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="article-')
    (row,) = read_csv(response)
    assert row["claim_text"] == TRICKY
    assert row["quote"] == TRICKY
    assert row["publisher"] == "Le Journal, Paris"
    assert row["verdict_summary"] == "Faux, c'est 4,5 M€."
    assert row["rating"] == "false"
    assert row["rating_value"] == "1"
    assert row["verdict_url"] == f"http://testserver/verdicts/{verdict.pk}/"
    assert row["evidence_quote"] == "« 4,5 M€ »"
    assert row["evidence_note"] == 'dit "non"'
    assert row["source_url"] == "https://stats.example.org/t?a=1&b=2"
    assert row["source_title"] == "Chiffres, 2026"
    assert list(row) == CSV_COLUMNS


def test_it_writes_one_line_per_evidence_and_one_for_a_claim_without(team, alice, bob):
    article = ArticleFactory(team=team, body="First claim here. Second claim there.")
    with_evidence = ClaimFactory(article=article, start=0, end=17)
    without = ClaimFactory(article=article, start=18, end=37)
    EvidenceFactory(claim=with_evidence, stance="supports")
    EvidenceFactory(claim=with_evidence, stance="context")
    VerdictFactory(claim=with_evidence, author=alice, reviewer=bob, rating="false", published=True)

    rows = read_csv(article_csv(alice, article))

    assert [(row["claim_id"], row["evidence_stance"]) for row in rows] == [
        (str(with_evidence.pk), "supports"),
        (str(with_evidence.pk), "context"),
        (str(without.pk), ""),
    ]
    assert rows[2]["verdict_id"] == ""


def test_it_never_exports_drafts_or_verdicts_in_review(team, alice, bob):
    article = ArticleFactory(team=team, body="First claim here. Second claim there.")
    drafted = ClaimFactory(article=article, start=0, end=17)
    reviewed = ClaimFactory(article=article, start=18, end=37)
    VerdictFactory(claim=drafted, author=alice, state="draft", summary="SECRET DRAFT")
    VerdictFactory(claim=reviewed, author=alice, state="in_review", summary="SECRET REVIEW")

    response = article_csv(alice, article)
    text = b"".join(response.streaming_content).decode("utf-8-sig")

    assert "SECRET" not in text
    assert [row["verdict_id"] for row in csv.DictReader(io.StringIO(text))] == ["", ""]


def test_it_shows_the_published_revision_while_a_new_one_is_drafted(team, alice, bob):
    claim = ClaimFactory(article=ArticleFactory(team=team))
    published = VerdictFactory(
        claim=claim, author=alice, reviewer=bob, summary="Published text", rating="false", published=True
    )
    VerdictFactory(claim=claim, revision=2, author=alice, state="draft", summary="Draft text")

    (row,) = read_csv(article_csv(alice, claim.article))

    assert row["verdict_id"] == str(published.pk)
    assert row["verdict_summary"] == "Published text"


def test_it_gives_a_duplicate_the_verdict_and_evidence_of_its_canonical_claim(team, alice, bob):
    article = ArticleFactory(team=team, body="Bus fares rose 5%. Caption: Bus fares rose 5%.")
    canonical = ClaimFactory(article=article, start=0, end=18)
    duplicate = ClaimFactory(article=article, start=28, end=46, duplicate_of=canonical)
    EvidenceFactory(claim=canonical, source=SourceFactory(url="https://fares.example.org"))
    verdict = VerdictFactory(claim=canonical, author=alice, reviewer=bob, rating="false", published=True)

    rows = read_csv(article_csv(alice, article))

    assert [row["claim_id"] for row in rows] == [str(canonical.pk), str(duplicate.pk)]
    assert {row["verdict_id"] for row in rows} == {str(verdict.pk)}
    assert {row["source_url"] for row in rows} == {"https://fares.example.org"}
    assert rows[1]["duplicate_of"] == str(canonical.pk)


def test_it_keeps_formulas_from_running_in_a_spreadsheet(team, alice, bob):
    formula = '=HYPERLINK("https://evil.example","x")'
    article = ArticleFactory(team=team, body=formula + ". -5% is a drop. Rest.")
    ClaimFactory(article=article, start=0, end=len(formula), text=formula)
    ClaimFactory(article=article, start=len(formula) + 2, end=len(formula) + 16, text="-5% is a drop.")
    ClaimFactory(article=article, start=len(formula) + 17, end=len(formula) + 22, text="-12.5")
    ClaimFactory(article=article, start=len(formula) + 17, end=len(formula) + 22, text="@SUM(A1:A9)")

    rows = read_csv(article_csv(alice, article))

    assert [row["claim_text"] for row in rows] == [
        "'" + formula,
        "'-5% is a drop.",  # a spreadsheet reads "-5%..." as a formula too
        "-12.5",  # a plain number stays a number
        "'@SUM(A1:A9)",
    ]
    assert rows[0]["checkworthiness"] == "0.8"


def test_it_streams_rows_from_a_chunked_iterator(team, alice, bob, monkeypatch):
    monkeypatch.setattr("claims.reports.scopes.CHUNK_SIZE", 2)
    article = ArticleFactory(team=team, body="One. Two. Three. Four. Five.")
    for start in (0, 5, 10, 17, 23):
        claim = ClaimFactory(article=article, start=start, end=article.body.index(".", start) + 1)
        EvidenceFactory(claim=claim)

    with CaptureQueriesContext(connection) as view_queries:
        response = article_csv(alice, article)

    assert isinstance(response, StreamingHttpResponse)
    assert isinstance(response.streaming_content, Iterator)
    assert not isinstance(response.streaming_content, list | tuple)
    # The view only built the stream: no claim was read before the body was consumed.
    assert not [q for q in view_queries.captured_queries if 'FROM "claims_claim"' in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 6
    evidence_queries = [q for q in queries.captured_queries if 'FROM "sources_evidence"' in q["sql"]]
    # Five claims in chunks of two: evidence is read per chunk, never all at once.
    assert len(evidence_queries) == 3


def test_it_does_not_let_an_outsider_export_another_teams_article(alice, charlie):
    article = ArticleFactory(team=alice.teams.get())

    response = article_csv(charlie, article)

    assert response.status_code == 404


def test_it_requires_signing_in(team):
    article = ArticleFactory(team=team)

    assert article_csv(None, article).status_code == 401


def test_it_404s_an_unknown_report_name_with_the_known_ones(team, alice):
    article = ArticleFactory(team=team)

    response = api_client_for(alice).get(f"/api/v1/articles/{article.pk}/reports/xlsx/")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        "No report named 'xlsx'. Available: claimreview, csv, html, json, pdf."
    )


@pytest.mark.parametrize(("query", "field"), [("?rating=bogus", "rating"), ("?status=gone", "status")])
def test_it_refuses_unknown_filters(team, alice, query, field):
    response = article_csv(alice, ArticleFactory(team=team), query)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_it_filters_by_rating_and_status(team, alice, bob):
    article = ArticleFactory(team=team, body="First claim here. Second claim there.")
    false_claim = ClaimFactory(article=article, start=0, end=17, status="checked")
    true_claim = ClaimFactory(article=article, start=18, end=37, status="in_review")
    VerdictFactory(claim=false_claim, author=alice, reviewer=bob, rating="false", published=True)
    VerdictFactory(claim=true_claim, author=alice, reviewer=bob, rating="true", published=True)

    by_rating = read_csv(article_csv(alice, article, "?rating=true"))
    by_status = read_csv(article_csv(alice, article, "?status=checked"))

    assert [row["claim_id"] for row in by_rating] == [str(true_claim.pk)]
    assert [row["claim_id"] for row in by_status] == [str(false_claim.pk)]
