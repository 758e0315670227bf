"""Bulk import: many articles through the same pipeline as one, with embeddings encoded in
batches across articles (the encoder is the slow part, and it is fastest on large batches).

Each article is written in its own transaction, so an interruption loses at most the batch
in flight; a second run skips articles that are already done (matched by content hash) and
finishes any left pending.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from threadpoolctl import threadpool_limits

from claims.errors import DomainError
from claims.extraction.claim import ExtractedClaim
from claims.extraction.language import unsupported_language_message
from claims.models import Article, Team, content_hash
from claims.pipeline import extraction_worker
from claims.pipeline.processing import article_language_unsupported, article_store
from claims.services.articles import article_body_validate, article_submit
from claims.similarity import embeddings
from claims.similarity.duplicates import ingest_vectors


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
class _Prepared:
    item: ImportItem
    article: Article
    language: str
    extracted: list[ExtractedClaim]


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


# Starting the extraction process costs about 2 s (Python, spaCy and its model load there): worth
# it from a few batches on, where extraction in a thread would slow the encoder by holding the GIL.
EXTRACTION_PROCESS_MIN_ARTICLES = 48


def articles_import(
    *,
    team: Team,
    items: Iterable[ImportItem | tuple[str, str]],
    batch_size: int = 16,
    on_progress: Callable[[ImportSummary], None] | None = None,
    extract_in_process: bool | None = None,
) -> ImportSummary:
    """Import in batches, three stages overlapping one batch apart: while batch k is encoded on
    a thread (the encoder leaves the interpreter lock while it computes), the claims of batch
    k+1 are extracted and batch k-1 is stored.

    Extraction is Python code that holds the interpreter lock, so a large import runs it in a
    second process (`extract_in_process`, by default from the number of items). Database work
    stays on the caller's thread and connection, so it sees the caller's transaction.

    BLAS gets one thread: its matrices here are small (spaCy's layers, an article's claims
    against each other), and a second OpenBLAS thread spins between calls, taking CPU from
    the encoder (measured: 6 s of a 40 s import).
    """
    summary = ImportSummary()
    started = time.perf_counter()
    if extract_in_process is None:
        extract_in_process = not isinstance(items, Sized) or len(items) >= EXTRACTION_PROCESS_MIN_ARTICLES
    with (
        threadpool_limits(limits=1, user_api="blas"),
        _extractor(in_process=extract_in_process) as extractor,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode") as encoder,
    ):
        extracting: deque[_Extracting] = deque()
        encoding: _Encoding | None = None
        for batch in _batches(items, batch_size, summary):
            rows = _rows(team=team, batch=batch, summary=summary)
            extracting.append(extractor.submit_batch(rows))
            # One batch waits in the extractor's queue, so it never idles while this one is collected.
            if len(extracting) > 1:
                encoding = _advance(extracting.popleft(), encoding, encoder, summary)
            if on_progress is not None:
                on_progress(summary)
        while extracting:
            encoding = _advance(extracting.popleft(), encoding, encoder, summary)
        if encoding is not None:
            _store_batch(encoding, summary)
    if on_progress is not None:
        on_progress(summary)
    if summary.imported:
        _refresh_statistics()
    summary.seconds = time.perf_counter() - started
    return summary


def _refresh_statistics() -> None:
    """Fresh planner statistics after a bulk import. Autovacuum waits for enough changed rows per
    table, and until it runs the planner judges the visible articles from the counts before the
    import: after importing 14k articles into a new team it guessed 668 and compared a search's
    probe with every claim instead of walking the HNSW index (556 ms instead of 13 ms)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_article, claims_claim, claims_team, claims_team_members")


_Extracting = list[tuple[_Row, "Future[extraction_worker.Extracted]"]]
_Encoding = tuple[list[_Prepared], "Future[list[np.ndarray | None]]"]


def _advance(
    extracting: _Extracting,
    encoding: _Encoding | None,
    encoder: ThreadPoolExecutor,
    summary: ImportSummary,
) -> _Encoding:
    """Queue this batch for encoding, then store the batch before it while this one encodes."""
    ready = _collect(extracting, summary)
    queued = (ready, encoder.submit(_encode, ready))
    if encoding is not None:
        _store_batch(encoding, summary)
    return queued


class _Extractor:
    """Extracts articles' claims on a thread, or, for a large import, in a second process.

    Starting that process takes about 2 s (Python, spaCy and its model load there): the first batch is
    extracted on the thread meanwhile, while the encoder has nothing to do anyway.
    """

    def __init__(self, *, in_process: bool) -> None:
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
        self.process: ProcessPoolExecutor | None = None
        if in_process:
            # "spawn": forking a process that holds database connections and model threads is unsafe.
            context = multiprocessing.get_context("spawn")
            self.process = ProcessPoolExecutor(
                max_workers=1, mp_context=context, initializer=extraction_worker.start
            )
            self.process.submit(int)  # starts the process now, while the first batch is read
        self.batches = 0

    def submit_batch(self, rows: list[_Row]) -> _Extracting:
        executor: Executor = self.thread if self.process is None or self.batches == 0 else self.process
        self.batches += 1
        return [
            (row, executor.submit(extraction_worker.extract, row.article.body, row.article.published_at))
            for row in rows
        ]

    def shutdown(self, *, cancel: bool) -> None:
        for executor in (self.thread, self.process):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=cancel)


@contextmanager
def _extractor(*, in_process: bool) -> Iterator[_Extractor]:
    extractor = _Extractor(in_process=in_process)
    try:
        yield extractor
    except BaseException:
        extractor.shutdown(cancel=True)  # an interrupted import stops promptly
        raise
    extractor.shutdown(cancel=False)


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
            body = article_body_validate(item.body)
        except DomainError as error:
            summary.failed.append((item.label, error.message))
            continue
        existing = Article.objects.filter(team=team, content_hash=content_hash(body)).first()
        if existing is not None and existing.status == Article.Status.DONE:
            summary.skipped += 1
            continue
        article = (
            existing
            or article_submit(
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


def _collect(extracting: _Extracting, summary: ImportSummary) -> list[_Prepared]:
    """A batch's extracted claims; articles that cannot go on are marked, and counted as failed."""
    ready: list[_Prepared] = []
    for row, future in extracting:
        try:
            result = future.result()
        except Exception as error:  # the extraction process itself died
            _failed(row, summary, f"extraction failed: {error}")
            continue
        if result.error:
            _failed(row, summary, result.error)
        elif result.claims is None:
            article_language_unsupported(article_id=row.article.pk, language=result.language)
            summary.failed.append((row.item.label, unsupported_language_message(result.language)))
        else:
            ready.append(
                _Prepared(
                    item=row.item, article=row.article, language=result.language, extracted=result.claims
                )
            )
    return ready


def _store_batch(encoding: _Encoding, summary: ImportSummary) -> None:
    ready, vectors = encoding
    for prepared, article_vectors in zip(ready, vectors.result(), strict=True):
        _store(prepared, article_vectors, summary)


def _store(ready: _Prepared, vectors: np.ndarray | None, summary: ImportSummary) -> None:
    vectors = ingest_vectors(ready.extracted, vectors=vectors) if vectors is not None else None
    try:
        article_store(
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
