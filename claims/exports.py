"""Verdicts leaving the building: ClaimReview JSON-LD, CSV, JSON, HTML and PDF.

Exporters are a registry of small classes, each with `render() -> (filename, content_type, body)`
where the body is bytes or an iterator of bytes (streamed). Adding a format is one class
decorated with `@register`.

Every output carries *published* verdicts only: a draft or a verdict in review never leaves
the building, whoever asks. Each claim shows the latest published revision of its canonical
claim's verdict (a duplicate shows the verdict of the claim it duplicates).

Two scopes: one article (all its claims, rated or not), or a period (the canonical claims
whose current published verdict was published in the date range, among what the caller may see).
"""

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import slugify

from claims import access
from claims.models import Article, Claim, Rating, Verdict
from factcheck.errors import InvalidInput, NotFound
from sources.models import Evidence

CHUNK_SIZE = 500
# HTML and PDF list at most this many verdicts; the CSV and JSON exports carry them all.
REPORT_LIST_LIMIT = 500
# The chart shows the publishers with most verdicts; the table lists them all.
PUBLISHER_CHART_LIMIT = 15
SCHEMA_ORG = "https://schema.org"
RATING_COLOURS: dict[str, str] = {
    Rating.TRUE: "#1a7f37",
    Rating.MOSTLY_TRUE: "#57a05a",
    Rating.MIXED: "#bf8700",
    Rating.MOSTLY_FALSE: "#d1581f",
    Rating.FALSE: "#b42318",
    Rating.UNVERIFIABLE: "#6b7280",
}

Body = bytes | Iterator[bytes]


# --- scopes: which claims a report covers ---


@dataclass(frozen=True)
class ReportFilters:
    rating: str | None = None
    status: str | None = None

    @classmethod
    def parse(cls, params: Any) -> "ReportFilters":
        rating = params.get("rating") or None
        status = params.get("status") or None
        if rating is not None and rating not in Rating.values:
            raise InvalidInput(
                f"Unknown rating {rating!r}.", fields={"rating": [f"One of: {', '.join(Rating.values)}."]}
            )
        if status is not None and status not in Claim.Status.values:
            raise InvalidInput(
                f"Unknown claim status {status!r}.",
                fields={"status": [f"One of: {', '.join(Claim.Status.values)}."]},
            )
        return cls(rating=rating, status=status)


@dataclass(frozen=True)
class ReportScope:
    # Claims annotated by `with_report_verdict`.
    claims: QuerySet[Claim]
    title: str
    slug: str
    filters: ReportFilters = field(default_factory=ReportFilters)
    article: Article | None = None
    date_from: date | None = None
    date_to: date | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "article" if self.article is not None else "period",
            "article_id": self.article.pk if self.article is not None else None,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "rating": self.filters.rating,
            "status": self.filters.status,
        }


def with_report_verdict(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Annotate each claim with the latest published verdict of its canonical claim."""
    latest = Verdict.objects.filter(
        claim_id=OuterRef("canonical_id"), state=Verdict.State.PUBLISHED
    ).order_by("-revision", "-id")
    return claims.annotate(canonical_id=Coalesce(F("duplicate_of_id"), F("id"))).annotate(
        report_verdict_id=Subquery(latest.values("id")[:1]),
        report_rating=Subquery(latest.values("rating")[:1]),
        report_published_at=Subquery(latest.values("published_at")[:1]),
    )


def _filtered(claims: QuerySet[Claim], filters: ReportFilters) -> QuerySet[Claim]:
    if filters.rating is not None:
        claims = claims.filter(Q(report_rating=filters.rating))
    if filters.status is not None:
        claims = claims.filter(status=filters.status)
    return claims


def article_scope(*, article: Article, filters: ReportFilters | None = None) -> ReportScope:
    filters = filters or ReportFilters()
    claims = _filtered(with_report_verdict(article.claims.all()), filters).order_by("start", "id")
    slug = f"article-{article.pk}-{slugify(article.title)[:60]}".rstrip("-")
    return ReportScope(claims=claims, title=article.title, slug=slug, filters=filters, article=article)


def parse_period(params: Any) -> tuple[date, date]:
    """`from` and `to` as YYYY-MM-DD, both inclusive; `to` defaults to today, `from` to 30 days before."""
    date_to = _parse_date(params, "to") or timezone.localdate()
    date_from = _parse_date(params, "from") or date_to - timedelta(days=29)
    if date_from > date_to:
        raise InvalidInput("`from` must not be after `to`.", fields={"from": ["Must be on or before `to`."]})
    return date_from, date_to


def _parse_date(params: Any, name: str) -> date | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            f"`{name}` must be a date like 2026-03-31.", fields={name: ["A date as YYYY-MM-DD."]}
        ) from None


def period_scope(
    *, user: access.AnyUser, date_from: date, date_to: date, filters: ReportFilters | None = None
) -> ReportScope:
    filters = filters or ReportFilters()
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    # Canonical claims only: one row per verdict, not one per repetition of the claim.
    claims = with_report_verdict(access.visible_claims(user).filter(duplicate_of__isnull=True))
    claims = claims.filter(Q(report_published_at__gte=start) & Q(report_published_at__lt=end))
    claims = _filtered(claims, filters).order_by(F("report_published_at").asc(), "id")
    title = f"Verdicts published {date_from.isoformat()} to {date_to.isoformat()}"
    return ReportScope(
        claims=claims,
        title=title,
        slug=f"verdicts-{date_from.isoformat()}-{date_to.isoformat()}",
        filters=filters,
        date_from=date_from,
        date_to=date_to,
    )


# --- rows: claims with their verdict and evidence, read in chunks ---


@dataclass(frozen=True)
class ReportRow:
    claim: Claim
    verdict: Verdict | None
    evidence: list[Evidence]


def report_rows(
    scope: ReportScope, *, chunk_size: int | None = None, limit: int | None = None, appearances: bool = False
) -> Iterator[ReportRow]:
    """Rows from a server-side cursor, a chunk at a time: memory stays flat however many claims.

    `appearances` also loads what ClaimReview's firstAppearance needs.
    """
    chunk_size = chunk_size or CHUNK_SIZE
    claims = scope.claims.defer("embedding")
    if limit is not None:
        claims = claims[:limit]
    for batch in _batched(claims.iterator(chunk_size=chunk_size), chunk_size):
        yield from _rows_for(batch, appearances=appearances)


def _batched(items: Iterator[Claim], size: int) -> Iterator[list[Claim]]:
    batch: list[Claim] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _rows_for(batch: list[Claim], *, appearances: bool) -> Iterator[ReportRow]:
    # One instance per article, without its body: 100k claims of one article stay 100k small rows.
    articles = Article.objects.defer("body").in_bulk({claim.article_id for claim in batch})
    claims_by_id = {claim.pk: claim for claim in batch}
    for claim in batch:
        claim.article = articles[claim.article_id]
    verdict_ids = [getattr(claim, "report_verdict_id", None) for claim in batch]
    verdicts = Verdict.objects.in_bulk([pk for pk in verdict_ids if pk is not None])
    for verdict in verdicts.values():
        if verdict.claim_id in claims_by_id:
            verdict.claim = claims_by_id[verdict.claim_id]
    if appearances:
        elsewhere = [verdict for verdict in verdicts.values() if verdict.claim_id not in claims_by_id]
        prefetch_related_objects(elsewhere, "claim__article")
        prefetch_related_objects([verdict.claim for verdict in verdicts.values()], "duplicates__article")
    claim_ids = {claim.pk for claim in batch} | {claim.duplicate_of_id or claim.pk for claim in batch}
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for item in Evidence.objects.filter(claim_id__in=claim_ids).select_related("source"):
        evidence[item.claim_id].append(item)
    for claim, verdict_id in zip(batch, verdict_ids, strict=True):
        # A duplicate shows the evidence of the claim it duplicates, then any of its own.
        shared = evidence[claim.duplicate_of_id] if claim.duplicate_of_id else []
        yield ReportRow(
            claim=claim,
            verdict=verdicts.get(verdict_id) if verdict_id is not None else None,
            evidence=[*shared, *evidence[claim.pk]],
        )


# --- ClaimReview (schema.org, Google's Fact Check markup) ---


def verdict_public_url(request: HttpRequest, verdict: Verdict) -> str:
    return request.build_absolute_uri(reverse("verdict-public", args=[verdict.pk]))


def review_rating(rating: str) -> dict[str, Any]:
    """A numeric rating carries its scale; `unverifiable` has none, so only its name (Google's
    guidance: bestRating and worstRating are required only for numeric ratings)."""
    result: dict[str, Any] = {"@type": "Rating", "alternateName": Rating(rating).label}
    value = Rating(rating).rating_value
    if value is not None:
        result.update({"ratingValue": value, "bestRating": 5, "worstRating": 1})
    return result


def claim_review(*, verdict: Verdict, url: str) -> dict[str, Any]:
    claim = verdict.claim
    article = claim.article
    item: dict[str, Any] = {"@type": "Claim"}
    if article.publisher:
        item["author"] = {"@type": "Organization", "name": article.publisher}
    if article.published_at:
        item["datePublished"] = article.published_at.date().isoformat()
    if article.url:
        item["appearance"] = _creative_work(article)
    first = first_appearance(claim)
    if first is not None:
        item["firstAppearance"] = _creative_work(first)
    assert verdict.published_at is not None
    return {
        "@context": SCHEMA_ORG,
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.text,
        "datePublished": verdict.published_at.date().isoformat(),
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_ORGANISATION_NAME,
            "url": settings.FACTCHECK_ORGANISATION_URL,
        },
        "reviewRating": review_rating(verdict.rating),
        "itemReviewed": item,
    }


def _creative_work(article: Article) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "NewsArticle", "url": article.url, "headline": article.title}
    if article.published_at:
        work["datePublished"] = article.published_at.date().isoformat()
    if article.publisher:
        work["publisher"] = {"@type": "Organization", "name": article.publisher}
    return work


def first_appearance(claim: Claim) -> Article | None:
    """The earliest dated article, with a url, among this claim and its known repetitions.

    Known only when the claim was seen in at least two such articles; one appearance alone
    says nothing about where the claim started.
    """
    articles = {claim.article, *(duplicate.article for duplicate in claim.duplicates.all())}
    dated = [article for article in articles if article.url and article.published_at]
    if len({article.url for article in dated}) < 2:
        return None
    return min(dated, key=lambda article: (article.published_at, article.pk))


def ld_json(data: Any) -> str:
    """JSON for a <script> element: `<`, `>` and `&` escaped, so no text can close the element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return text.translate({ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"})


# --- the registry ---


class Exporter:
    name: ClassVar[str]
    content_type: ClassVar[str]
    extension: ClassVar[str]
    # Shown in the browser rather than saved.
    inline: ClassVar[bool] = False

    def __init__(self, *, scope: ReportScope, request: HttpRequest) -> None:
        self.scope = scope
        self.request = request

    @property
    def filename(self) -> str:
        return f"{self.scope.slug}.{self.extension}"

    def render(self) -> tuple[str, str, Body]:
        raise NotImplementedError


EXPORTERS: dict[str, type[Exporter]] = {}


def register(exporter: type[Exporter]) -> type[Exporter]:
    EXPORTERS[exporter.name] = exporter
    return exporter


def exporter_for(name: str) -> type[Exporter]:
    if name not in EXPORTERS:
        raise NotFound(f"No report named {name!r}. Available: {', '.join(sorted(EXPORTERS))}.")
    return EXPORTERS[name]


def _json_array(items: Iterable[Any], *, prefix: str = "", suffix: str = "") -> Iterator[bytes]:
    yield (prefix + "[").encode()
    for index, item in enumerate(items):
        separator = "," if index else ""
        yield (separator + json.dumps(item, cls=DjangoJSONEncoder, ensure_ascii=False)).encode()
    yield ("]" + suffix).encode()


@register
class ClaimReviewExporter(Exporter):
    name = "claimreview"
    content_type = "application/ld+json"
    extension = "jsonld"
    inline = True

    def render(self) -> tuple[str, str, Body]:
        return self.filename, self.content_type, _json_array(self._reviews())

    def _reviews(self) -> Iterator[dict[str, Any]]:
        seen: set[int] = set()
        for row in report_rows(self.scope, appearances=True):
            if row.verdict is None or row.verdict.pk in seen:
                continue
            seen.add(row.verdict.pk)
            yield claim_review(verdict=row.verdict, url=verdict_public_url(self.request, row.verdict))


CSV_COLUMNS = [
    "claim_id",
    "article_id",
    "article_title",
    "article_url",
    "publisher",
    "article_published_at",
    "claim_text",
    "quote",
    "checkworthiness",
    "claim_status",
    "duplicate_of",
    "verdict_id",
    "rating",
    "rating_value",
    "verdict_summary",
    "verdict_explanation",
    "verdict_published_at",
    "verdict_url",
    "evidence_stance",
    "evidence_quote",
    "evidence_note",
    "source_url",
    "source_title",
    "source_publisher",
]
# A cell starting like this is a formula to a spreadsheet; a leading apostrophe keeps it text.
_FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def spreadsheet_safe(value: Any) -> Any:
    if isinstance(value, str) and (
        value.startswith(_FORMULA_STARTS) or (value[:1] == "-" and value[1:2] not in "0123456789 .")
    ):
        return "'" + value
    return value


@register
class CsvExporter(Exporter):
    """One line per claim and evidence item (claim columns repeated); a claim without
    evidence is one line with empty evidence columns. UTF-8 with a BOM, for Excel."""

    name = "csv"
    content_type = "text/csv; charset=utf-8"
    extension = "csv"

    def render(self) -> tuple[str, str, Body]:
        return self.filename, self.content_type, self._lines()

    def _lines(self) -> Iterator[bytes]:
        writer = csv.writer(_Echo())
        yield ("\ufeff" + writer.writerow(CSV_COLUMNS)).encode()
        for row in report_rows(self.scope):
            for record in self._records(row):
                yield writer.writerow([spreadsheet_safe(value) for value in record]).encode()

    def _records(self, row: ReportRow) -> Iterator[list[Any]]:
        claim, verdict, article = row.claim, row.verdict, row.claim.article
        head = [
            claim.pk,
            article.pk,
            article.title,
            article.url,
            article.publisher,
            _iso(article.published_at),
            claim.text,
            claim.quote,
            claim.checkworthiness,
            claim.status,
            claim.duplicate_of_id or "",
        ]
        if verdict is not None:
            head += [
                verdict.pk,
                verdict.rating,
                verdict.rating_value if verdict.rating_value is not None else "",
                verdict.summary,
                verdict.explanation,
                _iso(verdict.published_at),
                verdict_public_url(self.request, verdict),
            ]
        else:
            head += [""] * 7
        if not row.evidence:
            yield head + [""] * 6
        for item in row.evidence:
            source = item.source
            yield [*head, item.stance, item.quote, item.note, source.url, source.title, source.publisher]


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


@register
class JsonExporter(Exporter):
    """The shape is documented by claims/schemas/claims-export.schema.json."""

    name = "json"
    content_type = "application/json"
    extension = "json"

    def render(self) -> tuple[str, str, Body]:
        head = {"generated_at": timezone.now().isoformat(), "scope": self.scope.describe()}
        prefix = json.dumps(head, ensure_ascii=False)[:-1] + ', "claims": '
        body = _json_array((self._claim(row) for row in report_rows(self.scope)), prefix=prefix, suffix="}")
        return self.filename, self.content_type, body

    def _claim(self, row: ReportRow) -> dict[str, Any]:
        claim, article = row.claim, row.claim.article
        return {
            "id": claim.pk,
            "article": {
                "id": article.pk,
                "title": article.title,
                "url": article.url,
                "publisher": article.publisher,
                "published_at": article.published_at,
            },
            "text": claim.text,
            "quote": claim.quote,
            "start": claim.start,
            "end": claim.end,
            "checkworthiness": claim.checkworthiness,
            "status": claim.status,
            "duplicate_of": claim.duplicate_of_id,
            "verdict": self._verdict(row.verdict) if row.verdict is not None else None,
            "evidence": [_evidence(item) for item in row.evidence],
        }

    def _verdict(self, verdict: Verdict) -> dict[str, Any]:
        return {
            "id": verdict.pk,
            "rating": verdict.rating,
            "rating_label": verdict.get_rating_display(),
            "rating_value": verdict.rating_value,
            "summary": verdict.summary,
            "explanation": verdict.explanation,
            "published_at": verdict.published_at,
            "url": verdict_public_url(self.request, verdict),
        }


def _evidence(item: Evidence) -> dict[str, Any]:
    source = item.source
    return {
        "stance": item.stance,
        "quote": item.quote,
        "note": item.note,
        "source": {
            "url": source.url,
            "title": source.title,
            "publisher": source.publisher,
            "published_at": source.published_at,
        },
    }


@register
class HtmlExporter(Exporter):
    name = "html"
    content_type = "text/html; charset=utf-8"
    extension = "html"
    inline = True

    def render(self) -> tuple[str, str, Body]:
        return self.filename, self.content_type, self.html().encode()

    def html(self) -> str:
        if self.scope.article is not None:
            template, context = "reports/article.html", article_report_context(self.scope)
        else:
            template, context = "reports/period.html", period_report_context(self.scope)
        context.update({"scope": self.scope, "organisation": settings.FACTCHECK_ORGANISATION_NAME})
        return render_to_string(template, context, request=self.request)


@register
class PdfExporter(HtmlExporter):
    name = "pdf"
    content_type = "application/pdf"
    extension = "pdf"
    inline = False

    def render(self) -> tuple[str, str, Body]:
        # Imported here: WeasyPrint loads Pango at import, which only PDF requests need.
        from weasyprint import HTML

        pdf = HTML(string=self.html(), base_url=self.request.build_absolute_uri("/")).write_pdf()
        assert pdf is not None
        return self.filename, self.content_type, pdf


# --- report contents ---


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
    return {
        "article": scope.article,
        "rows": rows,
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
