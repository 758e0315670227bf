"""The article report, as an HTML page and as a PDF."""

import io
import json
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory, VerdictFactory

pytestmark = pytest.mark.django_db

HOSTILE = 'Mayor said "never" </script><script>alert(1)</script>'
BODY = (
    "The council approved four new bus lines on Monday. "
    "The project will cost $4 million over two years. "
    "Ridership fell by 12% in 2025. "
    "The mayor thanked the drivers."
)


def span(body: str, sentence: str) -> dict:
    start = body.index(sentence)
    return {"start": start, "end": start + len(sentence)}


@pytest.fixture
def article(team, alice, bob):
    article = ArticleFactory(
        team=team,
        title="Council approves bus lines",
        body=BODY,
        url="https://news.example.org/bus",
        publisher="Example News",
        published_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    lines = ClaimFactory(article=article, **span(BODY, "The council approved four new bus lines on Monday."))
    cost = ClaimFactory(article=article, **span(BODY, "The project will cost $4 million over two years."))
    ridership = ClaimFactory(article=article, **span(BODY, "Ridership fell by 12% in 2025."))
    ClaimFactory(article=article, checkworthiness=0.1, **span(BODY, "The mayor thanked the drivers."))
    EvidenceFactory(
        claim=lines,
        stance="refutes",
        quote="Two lines approved.",
        source=SourceFactory(url="https://records.example.org/minutes/3", title="Council minutes 3 March"),
    )
    VerdictFactory(
        claim=lines,
        author=alice,
        reviewer=bob,
        rating="false",
        summary="Only two lines were approved.",
        published=True,
    )
    VerdictFactory(
        claim=cost,
        author=alice,
        reviewer=bob,
        rating="true",
        summary="The budget line says $4 million.",
        published=True,
    )
    VerdictFactory(claim=ridership, author=alice, state="draft", summary="UNPUBLISHED DRAFT")
    return article


def report(user, article, name):
    return api_client_for(user).get(f"/api/v1/articles/{article.pk}/reports/{name}/")


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def test_it_renders_the_article_report_as_html(article, alice):
    response = report(alice, article, "html")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "Council approves bus lines" in page
    assert '<a href="https://news.example.org/bus">' in page
    assert "The council approved four new bus lines on Monday." in page
    assert "Only two lines were approved." in page
    assert "The budget line says $4 million." in page
    assert '<a href="https://records.example.org/minutes/3">Council minutes 3 March</a>' in page
    assert "Two lines approved." in page
    figures = re.findall(r"<strong>(\d+)</strong>(claims found|check-worthy|with a published verdict)", page)
    assert figures == [("4", "claims found"), ("3", "check-worthy"), ("2", "with a published verdict")]
    assert "<svg" in page


def test_it_leaves_out_unpublished_verdicts(article, alice):
    html = report(alice, article, "html").content.decode()
    text, _ = pdf_text(report(alice, article, "pdf").content)

    assert "UNPUBLISHED DRAFT" not in html
    assert "UNPUBLISHED DRAFT" not in text
    assert "Ridership fell by 12% in 2025." not in html


def test_it_renders_the_article_report_as_a_pdf(article, alice):
    response = report(alice, article, "pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="article-')
    assert response.content.startswith(b"%PDF-")
    text, pages = pdf_text(response.content)
    assert 1 <= pages <= 3
    assert "Council approves bus lines" in text
    assert "The council approved four new bus lines on Monday." in text
    assert "Only two lines were approved." in text
    assert "The project will cost $4 million over two years." in text
    assert "False" in text and "True" in text
    assert "Council minutes 3 March" in text


def test_it_links_sources_in_the_pdf(article, alice):
    reader = PdfReader(io.BytesIO(report(alice, article, "pdf").content))

    uris = {
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    }

    assert "https://records.example.org/minutes/3" in uris
    assert "https://news.example.org/bus" in uris


def test_it_keeps_a_hostile_claim_inert_in_html_and_pdf(team, alice, bob):
    body = HOSTILE + " Then it ended."
    article = ArticleFactory(team=team, body=body, title="<b>Headline</b>")
    claim = ClaimFactory(article=article, start=0, end=len(HOSTILE), text=HOSTILE)
    VerdictFactory(
        claim=claim,
        author=alice,
        reviewer=bob,
        rating="false",
        summary="<img src=x onerror=alert(2)>",
        published=True,
    )

    html = report(alice, article, "html").content.decode()
    text, _ = pdf_text(report(alice, article, "pdf").content)

    assert "<script" not in html
    assert "<img src=x" not in html
    assert "<b>Headline</b>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # In the PDF the markup is printed as text, not interpreted.
    assert HOSTILE in text
    assert "<img src=x onerror=alert(2)>" in text
    assert "<b>Headline</b>" in text


def test_it_lists_the_article_claimreviews(article, alice):
    response = report(alice, article, "claimreview")

    reviews = json.loads(b"".join(response.streaming_content))
    assert response["Content-Type"] == "application/ld+json"
    assert sorted(review["reviewRating"]["alternateName"] for review in reviews) == ["False", "True"]


def test_it_does_not_let_an_outsider_see_the_report(article, charlie):
    for name in ("html", "pdf", "csv", "json", "claimreview"):
        assert report(charlie, article, name).status_code == 404


def test_it_serves_a_signed_in_browser_session(article, alice, client):
    client.force_login(alice)

    response = client.get(f"/api/v1/articles/{article.pk}/reports/html/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert "Only two lines were approved." in response.content.decode()


def test_it_ignores_an_accept_header_it_cannot_negotiate(article, alice):
    response = api_client_for(alice).get(
        f"/api/v1/articles/{article.pk}/reports/pdf/", HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_it_gives_a_repeated_claim_the_canonical_claimreview_with_its_first_appearance(team, alice, bob):
    origin = ArticleFactory(
        team=team, url="https://blog.example.net/origin", published_at=datetime(2026, 2, 1, tzinfo=UTC)
    )
    repeat = ArticleFactory(
        team=team, url="https://news.example.org/later", published_at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    canonical = ClaimFactory(article=origin)
    ClaimFactory(article=repeat, duplicate_of=canonical)
    verdict = VerdictFactory(
        claim=canonical, author=alice, reviewer=bob, rating="false", summary="No.", published=True
    )

    response = report(alice, repeat, "claimreview")

    (review,) = json.loads(b"".join(response.streaming_content))
    assert review["url"] == f"http://testserver/verdicts/{verdict.pk}/"
    assert review["itemReviewed"]["appearance"]["url"] == "https://blog.example.net/origin"
    assert review["itemReviewed"]["firstAppearance"]["url"] == "https://blog.example.net/origin"
