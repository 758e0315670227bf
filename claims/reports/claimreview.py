"""schema.org ClaimReview JSON-LD for a published verdict."""

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.urls import reverse

from claims.models import Article, Rating, Verdict
from claims.reports.scopes import first_appearance

SCHEMA_ORG = "https://schema.org"


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


def ld_json(data: Any) -> str:
    """JSON for a <script> element: `<`, `>` and `&` escaped, so no text can close the element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return text.translate({ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"})
