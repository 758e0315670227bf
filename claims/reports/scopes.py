"""What a report covers: one article or a period, with filters, and the rows it lists."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.text import slugify

from claims import access, selectors
from claims.errors import InvalidInput
from claims.models import Article, Claim, Rating, Verdict
from sources.models import Evidence

CHUNK_SIZE = 500


# HTML and PDF list at most this many verdicts; the CSV and JSON exports carry them all.
REPORT_LIST_LIMIT = 500


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


def _with_report_verdict(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Reports show each claim's current published verdict."""
    return selectors.with_current_verdict(claims, published=True, prefix="report")


def _filtered(claims: QuerySet[Claim], filters: ReportFilters) -> QuerySet[Claim]:
    if filters.rating is not None:
        claims = claims.filter(Q(report_rating=filters.rating))
    if filters.status is not None:
        claims = claims.filter(status=filters.status)
    return claims


def article_scope(*, article: Article, filters: ReportFilters | None = None) -> ReportScope:
    filters = filters or ReportFilters()
    claims = _filtered(_with_report_verdict(article.claims.all()), filters).order_by("start", "id")
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
    claims = _with_report_verdict(access.visible_claims(user).filter(duplicate_of__isnull=True))
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
