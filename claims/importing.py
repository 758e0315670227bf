"""Bulk import: many articles through the same pipeline as one, with embeddings encoded in
batches across articles (the encoder is the slow part, and it is fastest on large batches).

Each article is written in its own transaction, so an interruption loses at most the batch
in flight; a second run skips articles that are already done (matched by content hash) and
finishes any left pending.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from claims import cleaning, embeddings, extraction, services, similarity
from claims.models import Article, Team, content_hash
from factcheck.errors import DomainError


@dataclass
class ImportItem:
    label: str  # where it came from, for messages: a path or "FILE:LINE"
    body: str
    title: str = ""
    url: str = ""
    publisher: str = ""
    published_at: datetime | None = None


@dataclass
class ImportSummary:
    imported: int = 0
    skipped: int = 0
    claims: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def seen(self) -> int:
        return self.imported + self.skipped + len(self.failed)


@dataclass
class _Row:
    item: ImportItem
    article: Article


@dataclass
class _Extracted:
    language: str
    claims: list[extraction.ExtractedClaim] | None  # None: a language the extractor does not handle


@dataclass
class _Prepared:
    item: ImportItem
    article: Article
    language: str
    extracted: list[extraction.ExtractedClaim]


def items_from_paths(paths: Iterable[Path]) -> Iterator[ImportItem]:
    """Text or HTML files; a folder contributes its .txt, .html and .htm files in name order."""
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in {".txt", ".html", ".htm"})
        for file in files if path.is_dir() else [path]:
            yield ImportItem(label=str(file), body=file.read_text(encoding="utf-8"), title=_title_of(file))


def items_from_jsonl(path: Path) -> Iterator[ImportItem | tuple[str, str]]:
    """One JSON object a line: {body, title?, url?, publisher?, published_at?}. A bad line
    yields (label, message) instead of an item, so one typo does not stop the import."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            label = f"{path}:{number}"
            if not line.strip():
                continue
            try:
                yield _item_from_record(label, json.loads(line))
            except (ValueError, TypeError, AttributeError) as error:
                yield label, f"not a valid article record: {error}"


def _item_from_record(label: str, record: dict[str, Any]) -> ImportItem:
    body = record["body"] if "body" in record else record.get("text")
    if not isinstance(body, str):
        raise ValueError('"body" must be a string')
    return ImportItem(
        label=label,
        body=body,
        title=str(record.get("title") or ""),
        url=str(record.get("url") or ""),
        publisher=str(record.get("publisher") or ""),
        published_at=parse_moment(record.get("published_at")),
    )


def parse_moment(value: Any) -> datetime | None:
    if not value:
        return None
    moment = parse_datetime(str(value))
    if moment is None:
        day = parse_date(str(value))
        if day is None:
            raise ValueError(f"published_at {value!r} is not a date")
        moment = datetime(day.year, day.month, day.day)
    return (
        moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.get_default_timezone())
    )


def _title_of(path: Path) -> str:
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize()


def articles_import(
    *,
    team: Team,
    items: Iterable[ImportItem | tuple[str, str]],
    batch_size: int = 16,
    on_progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import in batches. While one batch is encoded and stored (the encoder leaves the
    interpreter lock while it computes), a second thread extracts the claims of the next."""
    summary = ImportSummary()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract") as extractor:
        in_flight: list[tuple[_Row, Future[_Extracted]]] = []
        for batch in _batches(items, batch_size, summary):
            # Database work stays on this thread; the extractor thread only computes.
            rows = _rows(team=team, batch=batch, summary=summary)
            submitted = [(row, extractor.submit(_extract, row.article)) for row in rows]
            _finish(in_flight, summary)
            in_flight = submitted
            if on_progress is not None:
                on_progress(summary)
        _finish(in_flight, summary)
    if on_progress is not None:
        on_progress(summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _batches(
    items: Iterable[ImportItem | tuple[str, str]], size: int, summary: ImportSummary
) -> Iterator[list[ImportItem]]:
    batch: list[ImportItem] = []
    for item in items:
        if isinstance(item, tuple):  # a record that could not be read
            summary.failed.append(item)
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _rows(*, team: Team, batch: list[ImportItem], summary: ImportSummary) -> list[_Row]:
    """The article rows to process: new ones, or ones an interrupted run left pending."""
    rows = []
    for item in batch:
        try:
            body = services.article_body_validate(item.body)
        except DomainError as error:
            summary.failed.append((item.label, error.message))
            continue
        existing = Article.objects.filter(team=team, content_hash=content_hash(body)).first()
        if existing is not None and existing.status == Article.Status.DONE:
            summary.skipped += 1
            continue
        article = (
            existing
            or services.article_submit(
                team=team,
                submitted_by=None,
                title=item.title,
                body=body,
                url=item.url,
                publisher=item.publisher,
                published_at=item.published_at,
                process=False,
            )[0]
        )
        rows.append(_Row(item=item, article=article))
    return rows


def _extract(article: Article) -> _Extracted:
    language = cleaning.detect_language(article.body)
    if not services.extraction_supported(language):
        return _Extracted(language=language, claims=None)
    return _Extracted(
        language=language, claims=extraction.extract_claims(article.body, published_at=article.published_at)
    )


def _finish(in_flight: list[tuple[_Row, Future[_Extracted]]], summary: ImportSummary) -> None:
    """Wait for a batch's claims, encode them all in one call, and store each article."""
    ready: list[_Prepared] = []
    for row, future in in_flight:
        try:
            result = future.result()
        except Exception as error:  # one bad article must not stop the import
            _failed(row, summary, str(error))
            continue
        if result.claims is None:
            services.article_language_unsupported(article_id=row.article.pk, language=result.language)
            summary.failed.append((row.item.label, extraction.unsupported_language_message(result.language)))
            continue
        ready.append(
            _Prepared(item=row.item, article=row.article, language=result.language, extracted=result.claims)
        )
    for prepared, vectors in zip(ready, _encode(ready), strict=True):
        _store(prepared, vectors, summary)


def _store(ready: _Prepared, vectors: np.ndarray | None, summary: ImportSummary) -> None:
    vectors = similarity.ingest_vectors(ready.extracted, vectors=vectors) if vectors is not None else None
    try:
        services.article_store(
            article_id=ready.article.pk, language=ready.language, extracted=ready.extracted, vectors=vectors
        )
    except Exception as error:  # one bad article must not stop the import
        _failed(ready, summary, str(error))
        return
    summary.imported += 1
    summary.claims += len(ready.extracted)


def _failed(row: _Row | _Prepared, summary: ImportSummary, message: str) -> None:
    Article.objects.filter(pk=row.article.pk).update(status=Article.Status.FAILED, error=message)
    summary.failed.append((row.item.label, message))


def _encode(prepared: list[_Prepared]) -> list[np.ndarray | None]:
    """All claims of the batch in one encoder call, split back per article."""
    texts = [claim.text for ready in prepared for claim in ready.extracted]
    try:
        vectors = embeddings.embed_texts(texts)
    except embeddings.EmbeddingModelUnavailable:
        return [None] * len(prepared)
    bounds = np.cumsum([0, *(len(ready.extracted) for ready in prepared)])
    return [vectors[start:end] for start, end in itertools.pairwise(bounds)]
