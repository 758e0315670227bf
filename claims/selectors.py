"""Reads that join: what views and API endpoints list."""

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from claims import access
from claims.models import Article, AuditRecord, Claim, ClaimSuggestion, Verdict

if TYPE_CHECKING:
    from sources.models import Evidence

# A claim's current verdict, the rule written once: the newest revision (then the newest row) among
# the verdicts of its canonical claim (a duplicate shows the verdict of the claim it duplicates).
# `published` narrows it to published revisions, which is what reports and the public see.
NEWEST_FIRST = ("-revision", "-id")
NEWEST_FIRST_SQL = "verdict.revision DESC, verdict.id DESC"


def article_claims(*, article: Article, min_checkworthiness: float | None = None) -> QuerySet[Claim]:
    # Vectors are not shown, and decoding 384 floats a claim is most of a list's cost.
    claims = article.claims.defer("embedding").order_by("start", "id")
    if min_checkworthiness is not None:
        claims = claims.filter(checkworthiness__gte=min_checkworthiness)
    return claims


# One JSON document per page, built by PostgreSQL: Django turning 50 rows into dicts and decoding
# each JSON field on the way cost six times as much. Keys are model field names (a foreign key
# gives its id); `verdict` is the one current_verdicts picks, as {rating, summary, state}.
CLAIM_LIST_PAGE_SQL = f"""
SELECT COALESCE(json_agg(page.item ORDER BY page.start, page.id), '[]')::text
FROM (
    SELECT claim.start, claim.id, json_build_object(
        'id', claim.id, 'article', claim.article_id, 'text', claim.text, 'quote', claim.quote,
        'start', claim.start, 'end', claim."end", 'checkworthiness', claim.checkworthiness,
        'checkworthiness_source', claim.checkworthiness_source, 'reason', claim.reason,
        'reasons', claim.reasons, 'status', claim.status, 'duplicate_of', claim.duplicate_of_id,
        'quantities', claim.quantities, 'dates', claim.dates, 'flags', claim.flags,
        'rewrites', claim.rewrites, 'needs_context', claim.needs_context,
        'verdict', (
            SELECT json_build_object(
                'rating', verdict.rating, 'summary', verdict.summary, 'state', verdict.state
            )
            FROM claims_verdict verdict
            WHERE verdict.claim_id = COALESCE(claim.duplicate_of_id, claim.id)
            ORDER BY {NEWEST_FIRST_SQL}
            LIMIT 1
        ),
        'version', claim.version
    ) AS item
    FROM claims_claim claim
    WHERE claim.article_id = %(article)s AND claim.checkworthiness >= %(threshold)s
    ORDER BY claim.start, claim.id
    LIMIT %(limit)s OFFSET %(offset)s
) page
"""  # noqa: S608 (formatted with a constant)  # nosec B608
CLAIM_LIST_COUNT_SQL = """
SELECT count(*) FROM claims_claim claim
WHERE claim.article_id = %(article)s AND claim.checkworthiness >= %(threshold)s
"""


class ClaimList:
    """An article's claims as article_claims filters and orders them, as dicts, for a paginator:
    count() and a slice are a query each. The caller has checked access to the article."""

    def __init__(self, *, article: Article, min_checkworthiness: float) -> None:
        self.params = {"article": article.pk, "threshold": min_checkworthiness}

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(CLAIM_LIST_COUNT_SQL, self.params)
            return int(cursor.fetchone()[0])

    def __getitem__(self, rows: slice) -> list[dict[str, Any]]:
        start, stop = rows.start or 0, rows.stop
        if stop <= start:
            return []
        with connection.cursor() as cursor:
            cursor.execute(CLAIM_LIST_PAGE_SQL, {**self.params, "limit": stop - start, "offset": start})
            claims: list[dict[str, Any]] = json.loads(cursor.fetchone()[0])
        for claim in claims:
            # JSON writes a float column's 0.0 as 0.
            claim["checkworthiness"] = float(claim["checkworthiness"])
        return claims


def _verdicts(*, published: bool) -> QuerySet[Verdict]:
    return access.public_verdicts() if published else Verdict.objects.all()


def current_verdicts(claims: Iterable[Claim], *, published: bool = False) -> dict[int, Verdict]:
    """Claim id -> its current verdict (see NEWEST_FIRST), in one query; claims without one are left out."""
    canonical_of = {claim.pk: claim.duplicate_of_id or claim.pk for claim in claims}
    latest = (
        _verdicts(published=published)
        .filter(claim_id__in=set(canonical_of.values()))
        .order_by("claim_id", *NEWEST_FIRST)
        .distinct("claim_id")
    )
    by_canonical = {verdict.claim_id: verdict for verdict in latest}
    return {
        claim_id: by_canonical[canonical]
        for claim_id, canonical in canonical_of.items()
        if canonical in by_canonical
    }


def current_verdict(claim: Claim, *, published: bool = False) -> Verdict | None:
    return current_verdicts([claim], published=published).get(claim.pk)


def with_current_verdict(claims: QuerySet[Claim], *, published: bool = False, prefix: str) -> QuerySet[Claim]:
    """Annotate each claim with its current verdict's `<prefix>_verdict_id`, `<prefix>_rating` and
    `<prefix>_published_at`, for filtering and ordering in SQL."""
    latest = _verdicts(published=published).filter(claim_id=OuterRef("canonical_id")).order_by(*NEWEST_FIRST)
    return claims.annotate(canonical_id=Coalesce(F("duplicate_of_id"), F("id"))).annotate(
        **{
            f"{prefix}_verdict_id": Subquery(latest.values("id")[:1]),
            f"{prefix}_rating": Subquery(latest.values("rating")[:1]),
            f"{prefix}_published_at": Subquery(latest.values("published_at")[:1]),
        }
    )


def public_verdicts() -> QuerySet[Verdict]:
    """Published verdicts with what their public page and ClaimReview show."""
    return (
        access.public_verdicts()
        .select_related("claim__article")
        .prefetch_related("claim__duplicates__article")
    )


def current_public_verdicts() -> QuerySet[Verdict]:
    """The public feed: each claim's latest published revision (a revision replaces the one before),
    newest first. Claims here are the verdicts' own: a duplicate has no verdict of its own to list."""
    latest = access.public_verdicts().order_by("claim_id", *NEWEST_FIRST).distinct("claim_id").values("id")
    feed = public_verdicts().filter(pk__in=latest).defer("claim__embedding", "claim__article__body")
    return feed.order_by("-published_at", "-id")


def newer_published_revision(verdict: Verdict) -> Verdict | None:
    return (
        access.public_verdicts()
        .filter(claim_id=verdict.claim_id, revision__gt=verdict.revision)
        .order_by(*NEWEST_FIRST)
        .first()
    )


# --- the review queue ---

NEEDS_WORK = (Claim.Status.NEW, Claim.Status.IN_REVIEW)


def queue_claims(
    *,
    user: access.AnyUser,
    statuses: Collection[str] | None = NEEDS_WORK,
    article: Article | None = None,
    assigned_to_me: bool = False,
    flagged: bool = False,
    needs_context: bool = False,
    with_pending_suggestions: bool = False,
    differs_from_reference: bool = False,
) -> QuerySet[Claim]:
    """The claims `user` may see that match every filter given, most check-worthy first.
    `statuses` None means any status."""
    claims = access.visible_claims(user).select_related("article", "assigned_to")
    if statuses is not None:
        claims = claims.filter(status__in=statuses)
    if article is not None:
        claims = claims.filter(article=article)
    if assigned_to_me:
        claims = claims.filter(assigned_to_id=user.pk)
    if flagged:
        claims = claims.exclude(flags=[])
    if needs_context:
        claims = claims.filter(needs_context=True)
    if with_pending_suggestions:
        pending = access.visible_suggestions(user).filter(status=ClaimSuggestion.Status.SUGGESTED)
        claims = claims.filter(Exists(pending.filter(Q(claim=OuterRef("pk")) | Q(candidate=OuterRef("pk")))))
    if differs_from_reference:
        from sources.models import FigureCheck

        # The best reference figure (stored by the re-check) differs from the claim's.
        differing = FigureCheck.objects.filter(claim=OuterRef("pk"), rank=1, hint=FigureCheck.Hint.DIFFERS)
        claims = claims.filter(Exists(differing))
    return claims.order_by("-checkworthiness", "article_id", "start")


def claim_status_counts(*, user: access.AnyUser) -> list[tuple[str, str, int]]:
    """(status, label, how many claims `user` may see have it), for every status in order."""
    counts = dict(access.visible_claims(user).values_list("status").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in Claim.Status.choices]


def team_editors(*, user: access.AnyUser) -> QuerySet[User]:
    """Whom `user` may assign claims to: the active editors and admins of their teams."""
    return (
        User.objects.filter(teams__in=access.teams_of(user), is_active=True)
        .filter(Q(groups__name=access.EDITOR) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


def recent_articles(*, user: access.AnyUser, limit: int = 8) -> QuerySet[Article]:
    """The newest articles `user` may see, each with its `claim_count` (and without its body)."""
    articles = access.visible_articles(user).defer("body").annotate(claim_count=Count("claims"))
    return articles.order_by("-created_at", "-id")[:limit]


# --- the claim panel ---


def claim_evidence(*, claim: Claim) -> "QuerySet[Evidence]":
    return claim.evidence.select_related("source", "added_by")


def claim_history(*, claim: Claim, user: access.AnyUser, limit: int = 50) -> QuerySet[AuditRecord]:
    """The newest audit records of `claim`."""
    return access.visible_audit_records(user).filter(claim=claim).select_related("actor")[:limit]


def verdict_revisions(*, claim: Claim) -> QuerySet[Verdict]:
    """Every revision of the verdict `claim` shows (a duplicate shows its canonical claim's)."""
    return claim.canonical.verdicts.select_related("author", "reviewer")


@dataclass(frozen=True)
class Related:
    """Another claim shown beside one: how it relates to that one, and its current verdict."""

    other: Claim
    relation: str
    verdict: Verdict | None


def related_claims(
    *, claim: Claim, user: access.AnyUser, similar: Iterable[tuple[Claim, str]] = ()
) -> list[Related]:
    """The confirmed duplicate links of `claim` that `user` may see, then the `similar` claims (what
    the similarity search found, with their relation), each claim once."""
    visible = access.visible_claims(user)
    linked = [(claim.duplicate_of, "this claim repeats it")] if claim.duplicate_of else []
    linked += [(other, "repeats this claim") for other in claim.duplicates.select_related("article")]
    found = [(other, relation) for other, relation in linked if visible.filter(pk=other.pk).exists()]
    seen = {claim.pk} | {other.pk for other, _ in found}
    for other, relation in similar:
        if other.pk not in seen:
            found.append((other, relation))
            seen.add(other.pk)
    verdicts = current_verdicts([other for other, _ in found])
    return [
        Related(other=other, relation=relation, verdict=verdicts.get(other.pk)) for other, relation in found
    ]


def pending_suggestions(*, claim: Claim, user: access.AnyUser) -> QuerySet[ClaimSuggestion]:
    """Undecided duplicate suggestions that pair `claim` with a claim `user` may see."""
    return (
        access.visible_suggestions(user)
        .filter(status=ClaimSuggestion.Status.SUGGESTED)
        .filter(Q(claim=claim) | Q(candidate=claim))
        .select_related("claim__article", "candidate__article")
    )


@dataclass(frozen=True)
class Suggestion:
    """A pending duplicate suggestion as one of its claims shows it: the other claim and its verdict."""

    pk: int
    other: Claim
    score: float
    relation: str
    verdict: Verdict | None


def suggested_duplicates(*, claim: Claim, user: access.AnyUser, limit: int = 20) -> list[Suggestion]:
    pending = list(pending_suggestions(claim=claim, user=user)[:limit])
    others = [
        suggestion.candidate if suggestion.claim_id == claim.pk else suggestion.claim
        for suggestion in pending
    ]
    verdicts = current_verdicts(others)
    return [
        Suggestion(pk=s.pk, other=other, score=s.score, relation=s.relation, verdict=verdicts.get(other.pk))
        for s, other in zip(pending, others, strict=True)
    ]
