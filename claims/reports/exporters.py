"""The exporter registry: each format a small class whose `render()` returns (filename, mimetype, body)."""

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, ClassVar

from defusedcsv import csv
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from claims.errors import NotFound
from claims.models import Verdict
from claims.reports.charts import article_report_context, period_report_context
from claims.reports.claimreview import claim_review, verdict_public_url
from claims.reports.scopes import ReportRow, ReportScope, report_rows
from sources.models import Evidence

Body = bytes | Iterator[bytes]


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


class _Echo:
    def write(self, value: str) -> str:
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
        # defusedcsv: a cell a spreadsheet would run as a formula (=, +, -, @, |, %, not a plain
        # number) gets a leading apostrophe and stays text.
        writer = csv.writer(_Echo())
        yield ("\ufeff" + writer.writerow(CSV_COLUMNS)).encode()
        for row in report_rows(self.scope):
            for record in self._records(row):
                yield writer.writerow(record).encode()

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
