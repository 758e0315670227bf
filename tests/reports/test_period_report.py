"""The period report: verdicts published in a date range, counted by rating and by publisher."""

import io
import json
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory

pytestmark = pytest.mark.django_db

MARCH = "?from=2026-03-01&to=2026-03-31"


def verdict_on(*, team, alice, bob, publisher, rating, day, text=None):
    article = ArticleFactory(team=team, publisher=publisher)
    claim = ClaimFactory(article=article, **({"text": text} if text else {}))
    return VerdictFactory(
        claim=claim,
        rating=rating,
        author=alice,
        reviewer=bob,
        published=True,
        published_at=datetime(2026, 3, day, 12, tzinfo=UTC) if day else datetime(2026, 4, 2, tzinfo=UTC),
        summary=f"Summary of a {rating} verdict",
    )


@pytest.fixture
def march(team, alice, bob):
    verdicts = [
        verdict_on(team=team, alice=alice, bob=bob, publisher="Daily Planet", rating="false", day=3),
        verdict_on(team=team, alice=alice, bob=bob, publisher="Daily Planet", rating="false", day=9),
        verdict_on(team=team, alice=alice, bob=bob, publisher="Daily Planet", rating="true", day=31),
        verdict_on(team=team, alice=alice, bob=bob, publisher="Gotham Gazette", rating="mixed", day=1),
    ]
    # April: outside the period.
    verdict_on(team=team, alice=alice, bob=bob, publisher="Gotham Gazette", rating="true", day=None)
    VerdictFactory(claim=ClaimFactory(article=ArticleFactory(team=team)), author=alice, state="in_review")
    return verdicts


def table_counts(page: str, heading: str) -> dict[str, int]:
    section = page.split(f"<h2>{heading}</h2>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"number\">(\d+)</td></tr>", section)
    return {label: int(count) for label, count in rows}


def test_it_counts_verdicts_by_rating_and_by_publisher(march, alice):
    response = api_client_for(alice).get(f"/api/v1/reports/html/{MARCH}")

    assert response.status_code == 200
    page = response.content.decode()
    assert table_counts(page, "By rating") == {
        "True": 1,
        "Mostly true": 0,
        "Mixed": 1,
        "Mostly false": 0,
        "False": 2,
        "Unverifiable": 0,
    }
    assert table_counts(page, "By publisher") == {"Daily Planet": 3, "Gotham Gazette": 1}
    assert "<strong>4</strong>verdicts published" in page


def test_it_draws_the_charts_as_inline_svg(march, alice):
    page = api_client_for(alice).get(f"/api/v1/reports/html/{MARCH}").content.decode()

    charts = re.findall(r"<svg .*?</svg>", page, re.DOTALL)
    assert len(charts) == 2
    rating_chart, publisher_chart = charts
    assert "Verdicts by rating" in rating_chart
    assert "Daily Planet" in publisher_chart
    # Bars are proportional: False (2) is twice as wide as Mixed (1).
    widths = [int(width) for width in re.findall(r'<rect x="\d+" y="\d+" width="(\d+)"', rating_chart)]
    assert widths == [150, 0, 150, 0, 300, 0]


def test_it_lists_the_verdicts_of_the_period_in_order(march, alice):
    page = api_client_for(alice).get(f"/api/v1/reports/html/{MARCH}").content.decode()

    listed = re.findall(r'<a href="http://testserver/verdicts/(\d+)/">', page)
    assert listed == [str(march[3].pk), str(march[0].pk), str(march[1].pk), str(march[2].pk)]
    assert "Summary of a in_review verdict" not in page


def test_it_renders_the_period_report_and_its_charts_in_the_pdf(march, alice):
    response = api_client_for(alice).get(f"/api/v1/reports/pdf/{MARCH}")

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert 1 <= len(reader.pages) <= 3
    assert "Verdicts published 1 March 2026 \u2013 31 March 2026" in text
    # Chart titles and labels are SVG text: present only if WeasyPrint drew the SVG.
    assert text.count("Verdicts by rating") == 1
    assert text.count("Verdicts by publisher") == 1
    assert "Gotham Gazette" in text
    assert "Summary of a false verdict" in text


def test_it_escapes_labels_in_the_svg(team, alice, bob):
    verdict_on(team=team, alice=alice, bob=bob, publisher="<script>x</script> & Co", rating="false", day=5)

    page = api_client_for(alice).get(f"/api/v1/reports/html/{MARCH}").content.decode()

    assert "<script" not in page
    assert "&lt;script&gt;x&lt;/script&gt; &amp; Co" in page


def test_it_covers_only_what_the_caller_may_see(march, charlie):
    page = api_client_for(charlie).get(f"/api/v1/reports/html/{MARCH}").content.decode()

    assert "No verdict was published in this period." in page
    assert "Daily Planet" not in page


def test_it_serves_the_period_as_claimreviews(march, alice):
    response = api_client_for(alice).get(f"/api/v1/reports/claimreview/{MARCH}")

    reviews = json.loads(b"".join(response.streaming_content))
    assert [review["url"] for review in reviews] == [
        f"http://testserver/verdicts/{verdict.pk}/" for verdict in (march[3], march[0], march[1], march[2])
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?from=2026-13-01&to=2026-03-31", "from"),
        ("?from=2026-03-01&to=yesterday", "to"),
        ("?from=2026-04-01&to=2026-03-01", "from"),
    ],
)
def test_it_refuses_bad_dates(alice, query, field):
    response = api_client_for(alice).get(f"/api/v1/reports/csv/{query}")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_it_404s_an_unknown_report_name(alice):
    response = api_client_for(alice).get(f"/api/v1/reports/docx/{MARCH}")

    assert response.status_code == 404
    assert "Available: claimreview, csv, html, json, pdf" in response.json()["error"]["message"]


def test_it_requires_signing_in():
    assert api_client_for().get(f"/api/v1/reports/html/{MARCH}").status_code == 401


def test_it_caps_the_listed_verdicts_and_says_how_many_more(team, alice, bob, monkeypatch):
    monkeypatch.setattr("claims.reports.charts.REPORT_LIST_LIMIT", 2)
    for day in (2, 3, 4):
        verdict_on(team=team, alice=alice, bob=bob, publisher="Daily Planet", rating="false", day=day)

    page = api_client_for(alice).get(f"/api/v1/reports/html/{MARCH}").content.decode()

    assert len(re.findall(r'<a href="http://testserver/verdicts/\d+/">', page)) == 2
    assert "1 more verdict not listed here" in page
    assert "<strong>3</strong>verdicts published" in page
