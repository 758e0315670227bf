"""Serializers and examples that several claim endpoints share, and request helpers."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.request import Request

from claims.errors import InvalidInput
from claims.models import Claim, Verdict

# --- shared schema pieces ---


def user_or_none(request: Request) -> Any:
    return request.user if request.user.is_authenticated else None


class VerdictBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Verdict
        fields = ["rating", "summary", "state"]


class RewriteSerializer(serializers.Serializer):
    """One reference extraction rewrote in the claim text; offsets are into the article body."""

    start = serializers.IntegerField(help_text="Where the rewritten words begin in the article body.")
    end = serializers.IntegerField(help_text="Where they end (exclusive).")
    original = serializers.CharField(help_text="The article's words, e.g. `he`.")
    replacement = serializers.CharField(help_text="What the claim text says instead, e.g. `Kim Jong Un`.")
    antecedent_start = serializers.IntegerField(
        help_text="Where the mention that justified the rewrite begins in the article body."
    )
    antecedent_end = serializers.IntegerField(help_text="Where that mention ends (exclusive).")


@extend_schema_field(RewriteSerializer(many=True))
class RewritesField(serializers.JSONField):
    """The stored list as it is (claims_replace stores exactly the keys RewriteSerializer names), so
    the SQL-built article claims page and this serializer give the same JSON."""


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class ReasonsField(serializers.JSONField):
    """The stored list of words as it is, like the SQL-built article claims page gives it."""


class ClaimOutputSerializer(serializers.ModelSerializer):
    verdict = serializers.SerializerMethodField()
    checkworthiness_source = serializers.CharField(
        read_only=True,
        help_text="What gave `checkworthiness`: `model` (the learned model, once the claim is embedded) "
        "or `cues` (extraction's hand-written cues).",
    )
    reasons = ReasonsField(
        read_only=True,
        help_text="What raised or lowered the check-worthiness most, in words, strongest first; "
        "`reason` is the same, joined.",
    )
    rewrites = RewritesField(
        read_only=True,
        help_text="Each reference the claim text rewrote (a pronoun, surname or role named in full), "
        "in text order. Drop one with `POST /api/v1/claims/{id}/rewrites/{index}/drop/`.",
    )
    needs_context = serializers.BooleanField(
        read_only=True,
        help_text="A reference could not be resolved with certainty and was kept as the article wrote "
        "it (or a rewrite was dropped): the claim may need the article to be understood.",
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "article",
            "text",
            "quote",
            "start",
            "end",
            "checkworthiness",
            "checkworthiness_source",
            "reason",
            "reasons",
            "status",
            "duplicate_of",
            "quantities",
            "dates",
            "flags",
            "rewrites",
            "needs_context",
            "verdict",
            "version",
        ]

    @extend_schema_field(VerdictBriefSerializer(allow_null=True))
    def get_verdict(self, claim: Claim) -> dict[str, Any] | None:
        verdicts: dict[int, Verdict] = self.context.get("verdicts", {})
        verdict = verdicts.get(claim.pk)
        return VerdictBriefSerializer(verdict).data if verdict is not None else None


CLAIM_EXAMPLE = {
    "id": 42,
    "article": 7,
    "text": "Mayor Ana Ruiz cut the transit budget by 12% in 2025.",
    "quote": "She cut the transit budget by 12%",
    "start": 36,
    "end": 69,
    "checkworthiness": 0.86,
    "checkworthiness_source": "model",
    "reason": "a number or quantity; names a person, place or organisation",
    "reasons": ["a number or quantity", "names a person, place or organisation"],
    "status": "in_review",
    "duplicate_of": None,
    "quantities": [{"text": "12%", "value": 12, "unit": "percent"}],
    "dates": [],
    "flags": [],
    "rewrites": [
        {
            "start": 36,
            "end": 39,
            "original": "She",
            "replacement": "Mayor Ana Ruiz",
            "antecedent_start": 0,
            "antecedent_end": 14,
        }
    ],
    "needs_context": False,
    "verdict": {"rating": "false", "summary": "The cut was 2%.", "state": "draft"},
    "version": 4,
    "assigned_to": 3,
    "updated_at": "2026-03-03T10:15:00Z",
}


def pick(row: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {key: row[key] for key in keys}


def min_checkworthiness_param(request: Request) -> float:
    raw = request.query_params.get("min_checkworthiness")
    if raw is None or raw == "":
        return float(settings.FACTCHECK_CHECKWORTHINESS_THRESHOLD)
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise InvalidInput(
            "min_checkworthiness must be a number from 0 to 1.",
            fields={"min_checkworthiness": ["A number from 0 to 1."]},
        )
    return value


def version_from(request: Request, body_version: int | None) -> int:
    """The version the client read: from the body, else from If-Match ("3", W/"3" or 3)."""
    if body_version is not None:
        return body_version
    header = request.headers.get("If-Match", "").strip()
    digits = header.removeprefix("W/").strip('"')
    if digits.isdigit() and int(digits) > 0:
        return int(digits)
    raise InvalidInput(
        "Send the version you read, in the body or as an If-Match header, so no edit is lost.",
        fields={"version": ["This field is required (or send If-Match)."]},
    )
