"""Charts and page context for the HTML and PDF reports: rating bars drawn as inline SVG."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from claims.models import Claim, Rating
from claims.reports.scopes import REPORT_LIST_LIMIT, ReportScope, report_rows
from sources.figure_checks import differing_checks

# The chart shows the publishers with most verdicts; the table lists them all.
PUBLISHER_CHART_LIMIT = 15


RATING_COLOURS: dict[str, str] = {
    Rating.TRUE: "#1a7f37",
    Rating.MOSTLY_TRUE: "#57a05a",
    Rating.MIXED: "#bf8700",
    Rating.MOSTLY_FALSE: "#d1581f",
    Rating.FALSE: "#b42318",
    Rating.UNVERIFIABLE: "#6b7280",
}


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    colour: str


def rating_bars(counts: dict[str, int]) -> list[Bar]:
    """Every rating of the scale, in order, zeros included: charts stay comparable."""
    return [Bar(rating.label, counts.get(rating.value, 0), RATING_COLOURS[rating.value]) for rating in Rating]


def bar_chart_svg(bars: list[Bar], *, title: str) -> SafeString:
    """A horizontal bar chart as inline SVG, drawn here so the HTML and the PDF show the same."""
    label_width, bar_width, row_height, top = 170, 300, 26, 30
    height = top + row_height * max(len(bars), 1) + 10
    largest = max((bar.count for bar in bars), default=0) or 1
    rows = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="16" fill="{}"/>'
        '<text x="{}" y="{}" font-size="12">{}</text>',
        (
            (
                label_width - 8,
                top + index * row_height + 13,
                _shorten(bar.label, 26),
                label_width,
                top + index * row_height,
                round(bar_width * bar.count / largest),
                bar.colour,
                label_width + round(bar_width * bar.count / largest) + 6,
                top + index * row_height + 13,
                bar.count,
            )
            for index, bar in enumerate(bars)
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{}" height="{}" '
        'viewBox="0 0 {} {}" font-family="DejaVu Sans, sans-serif"><title>{}</title>'
        '<text x="0" y="16" font-size="13" font-weight="bold">{}</text>{}</svg>',
        label_width + bar_width + 50,
        height,
        label_width + bar_width + 50,
        height,
        title,
        title,
        rows,
    )


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _rating_counts(claims: QuerySet[Claim]) -> dict[str, int]:
    counted = (
        claims.exclude(Q(report_rating=None)).values(rating=F("report_rating")).annotate(total=Count("id"))
    )
    return {row["rating"]: row["total"] for row in counted.order_by()}


def article_report_context(scope: ReportScope) -> dict[str, Any]:
    assert scope.article is not None
    rows = [row for row in report_rows(scope) if row.verdict is not None]
    counts = _rating_counts(scope.claims)
    threshold = float(settings.FACTCHECK_CHECKWORTHINESS_THRESHOLD)
    differing = differing_checks(scope.claims)
    return {
        "article": scope.article,
        "rows": rows,
        "differing": differing,
        "claim_count": scope.claims.count(),
        "checkworthy_count": scope.claims.filter(checkworthiness__gte=threshold).count(),
        "checked_count": len(rows),
        "rating_bars": rating_bars(counts),
        "rating_chart": bar_chart_svg(rating_bars(counts), title="Claims by rating"),
    }


def period_report_context(scope: ReportScope) -> dict[str, Any]:
    counts = _rating_counts(scope.claims)
    publishers = scope.claims.values("article__publisher").annotate(total=Count("id"))
    publisher_bars = [
        Bar(row["article__publisher"] or "(unknown publisher)", row["total"], "#3b5b92")
        for row in publishers.order_by("-total", "article__publisher")
    ]
    total = sum(counts.values())
    rows = list(report_rows(scope, limit=REPORT_LIST_LIMIT))
    return {
        "rows": rows,
        "total": total,
        "omitted": max(total - len(rows), 0),
        "rating_bars": rating_bars(counts),
        "publisher_bars": publisher_bars,
        "rating_chart": bar_chart_svg(rating_bars(counts), title="Verdicts by rating"),
        "publisher_chart": bar_chart_svg(
            publisher_bars[:PUBLISHER_CHART_LIMIT], title="Verdicts by publisher"
        ),
    }
