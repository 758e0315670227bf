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


class ClaimOutputSerializer(serializers.ModelSerializer):
    verdict = serializers.SerializerMethodField()

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
            "reason",
            "status",
            "duplicate_of",
            "quantities",
            "dates",
            "flags",
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
    "text": "The mayor cut the transit budget by 12% in 2025.",
    "quote": "cut the transit budget by 12%",
    "start": 31,
    "end": 60,
    "checkworthiness": 0.86,
    "reason": "a quantity",
    "status": "in_review",
    "duplicate_of": None,
    "quantities": [{"text": "12%", "value": 12, "unit": "percent"}],
    "dates": [],
    "flags": [],
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
