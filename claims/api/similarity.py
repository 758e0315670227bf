"""REST API for similar claims: a claim's duplicates and related claims, "has this been checked
before?" for free text, and the editor's confirm / reject of suggested duplicates."""

from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from claims import access, selectors, services
from claims.api.serializers import VerdictBriefSerializer
from claims.models import ClaimSuggestion, Verdict
from claims.similarity.matching import match_text
from claims.similarity.search import SimilarClaim, similar_claims

MAX_LIMIT = 50


class SimilarClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    article_id = serializers.IntegerField()
    text = serializers.CharField()
    score = serializers.FloatField(help_text="Cosine similarity of the sentence embeddings, 0..1.")
    relation = serializers.ChoiceField(choices=ClaimSuggestion.Relation.choices)
    verdict = VerdictBriefSerializer(allow_null=True)


class SimilarResultsSerializer(serializers.Serializer):
    results = SimilarClaimSerializer(many=True)


class MatchScoresSerializer(serializers.Serializer):
    cosine = serializers.FloatField(help_text="Cosine similarity of the sentence embeddings.")
    nearest_rank = serializers.IntegerField(
        allow_null=True, help_text="Rank in the search by meaning (null: not among its candidates)."
    )
    keyword_rank = serializers.IntegerField(
        allow_null=True, help_text="Rank in the full-text search of claims."
    )
    title_rank = serializers.IntegerField(
        allow_null=True, help_text="Rank in the full-text search of article (fact-check) titles."
    )
    fusion = serializers.FloatField(help_text="Weighted reciprocal-rank fusion of the three ranks.")
    rerank = serializers.FloatField(
        allow_null=True, help_text="The re-ranker's probability that this is the claim (null: no re-ranker)."
    )


class MatchedClaimSerializer(SimilarClaimSerializer):
    why = MatchScoresSerializer(help_text="The scores that placed this result.")


class MatchResultsSerializer(serializers.Serializer):
    results = MatchedClaimSerializer(many=True)


class SimilarQuerySerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["all", "article"], default="all")
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=10)


class MatchInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=settings.FACTCHECK_MATCH_MAX_CHARS)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=10)


class SuggestionSerializer(serializers.ModelSerializer):
    candidate_text = serializers.CharField(source="candidate.text")
    candidate_article_id = serializers.IntegerField(source="candidate.article_id")

    class Meta:
        model = ClaimSuggestion
        fields = [
            "id",
            "claim",
            "candidate",
            "candidate_text",
            "candidate_article_id",
            "score",
            "relation",
            "status",
            "decided_by",
            "decided_at",
        ]


def results_body(found: list[SimilarClaim], *, published_first: bool = False) -> dict[str, Any]:
    verdicts = selectors.current_verdicts([item.claim for item in found])

    def is_published(item: SimilarClaim) -> bool:
        verdict = verdicts.get(item.claim.pk)
        return verdict is not None and verdict.state == Verdict.State.PUBLISHED

    if published_first:
        found = sorted(found, key=lambda item: not is_published(item))
    results = [
        {
            "id": item.claim.pk,
            "article_id": item.claim.article_id,
            "text": item.claim.text,
            "score": item.score,
            "relation": item.relation,
            "verdict": VerdictBriefSerializer(verdicts[item.claim.pk]).data
            if item.claim.pk in verdicts
            else None,
            **({"why": item.why} if item.why is not None else {}),
        }
        for item in found
    ]
    return {"results": results}


RESULTS_EXAMPLE = OpenApiExample(
    "Similar claims",
    response_only=True,
    value={
        "results": [
            {
                "id": 412,
                "article_id": 37,
                "text": "The council approved two new bus lines on Monday.",
                "score": 0.93,
                "relation": "duplicate",
                "verdict": {"rating": "true", "summary": "Council minutes confirm it.", "state": "published"},
            },
            {
                "id": 95,
                "article_id": 12,
                "text": "The council approved five new bus lines in 2023.",
                "score": 0.81,
                "relation": "related",
                "verdict": None,
            },
        ]
    },
)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "scope", enum=["all", "article"], default="all", description="all articles or this one"
        ),
        OpenApiParameter("limit", int, default=10, description=f"1..{MAX_LIMIT}"),
    ],
    responses={200: SimilarResultsSerializer},
    examples=[RESULTS_EXAMPLE],
    description="Duplicates (the same checkable claim: close meaning, same numbers, dates and names) "
    "and related claims (same subject, a different fact), best first, among the claims you may see. "
    "A claim in a language the embedding model does not cover has no matches.",
)
@api_view(["GET"])
def claim_similar(request: Request, pk: int) -> Response:
    claim = get_object_or_404(access.visible_claims(request.user).select_related("article"), pk=pk)
    query = SimilarQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    found = similar_claims(claim=claim, user=request.user, **query.validated_data)
    return Response(results_body(found))


@extend_schema(
    request=MatchInputSerializer,
    responses={200: MatchResultsSerializer},
    examples=[
        OpenApiExample(
            "Has this been checked?",
            request_only=True,
            value={"text": "The council approved two new bus lines on Monday.", "limit": 5},
        ),
        RESULTS_EXAMPLE,
    ],
    description="Claims like a free text, among those you may see; claims with a published verdict "
    f"first. Empty text, or text over {settings.FACTCHECK_MATCH_MAX_CHARS} characters, is refused with 400.",
)
@api_view(["POST"])
def claim_match(request: Request) -> Response:
    data = MatchInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    found = match_text(user=request.user, **data.validated_data)
    return Response(results_body(found, published_first=True))


SUGGESTION_EXAMPLE = {
    "id": 12,
    "claim": 481,
    "candidate": 97,
    "candidate_text": "The council cut the transit budget by 12% in 2024.",
    "candidate_article_id": 8,
    "score": 0.93,
    "relation": "duplicate",
    "status": "suggested",
    "decided_by": None,
    "decided_at": None,
}


def _suggestion_example(**changes: Any) -> list[OpenApiExample]:
    return [OpenApiExample("Suggestion", value={**SUGGESTION_EXAMPLE, **changes}, response_only=True)]


@extend_schema(
    responses={200: inline_serializer("SuggestionList", {"results": SuggestionSerializer(many=True)})},
    examples=[OpenApiExample("Suggestions", value={"results": [SUGGESTION_EXAMPLE]}, response_only=True)],
    description="Duplicates in the team's other articles, suggested at ingest, waiting for an editor.",
)
@api_view(["GET"])
def claim_suggestions(request: Request, pk: int) -> Response:
    claim = get_object_or_404(access.visible_claims(request.user), pk=pk)
    suggestions = (
        access.visible_suggestions(request.user)
        .filter(claim=claim, status=ClaimSuggestion.Status.SUGGESTED)
        .select_related("candidate")
    )
    return Response({"results": SuggestionSerializer(suggestions, many=True).data})


def _visible_suggestion(request: Request, pk: int) -> ClaimSuggestion:
    visible = access.visible_suggestions(request.user)
    return get_object_or_404(visible.select_related("claim__article", "candidate__article"), pk=pk)


@extend_schema(
    request=None,
    responses={200: SuggestionSerializer},
    examples=_suggestion_example(status="confirmed", decided_by=3, decided_at="2026-11-27T10:02:00Z"),
    description="Confirm: the claim becomes a duplicate of the candidate and shows its verdict.",
)
@api_view(["POST"])
def suggestion_confirm(request: Request, pk: int) -> Response:
    suggestion = services.suggestion_confirm(suggestion=_visible_suggestion(request, pk), by=request.user)
    return Response(SuggestionSerializer(suggestion).data)


@extend_schema(
    request=None,
    responses={200: SuggestionSerializer},
    examples=_suggestion_example(status="rejected", decided_by=3, decided_at="2026-11-27T10:02:00Z"),
    description="Reject: the pair is remembered and never suggested again.",
)
@api_view(["POST"])
def suggestion_reject(request: Request, pk: int) -> Response:
    suggestion = services.suggestion_reject(suggestion=_visible_suggestion(request, pk), by=request.user)
    return Response(SuggestionSerializer(suggestion).data)
