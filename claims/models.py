import hashlib
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from pgvector.django import HnswIndex

from claims.fields import EmbeddingField

EMBEDDING_DIMENSIONS = 384


class Team(models.Model):
    """A newsroom desk. Articles belong to a team; only its members see them."""

    name = models.CharField(max_length=200, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)

    def __str__(self) -> str:
        return self.name


def normalise_body(text: str) -> str:
    """The stored body, which every claim offset refers to: unified newlines, no outer blank space."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def content_hash(body: str) -> str:
    return hashlib.sha256(normalise_body(body).encode("utf-8")).hexdigest()


class Article(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=500)
    body = models.TextField()
    url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    content_hash = models.CharField(max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="articles"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "content_hash"], name="article_unique_text_per_team"),
        ]

    def __str__(self) -> str:
        return self.title


class Claim(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        CHECKED = "checked", "Checked"
        DISMISSED = "dismissed", "Dismissed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    text = models.TextField(help_text="Self-contained wording, readable without the article.")
    quote = models.TextField(help_text="The exact span of the article body: body[start:end].")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    checkworthiness = models.FloatField(default=0.0)
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    embedding = EmbeddingField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    quantities = models.JSONField(default=list, blank=True)
    dates = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_claims",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="claim_start_not_negative"),
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="claim_start_before_end"),
            models.CheckConstraint(
                condition=Q(checkworthiness__gte=0) & Q(checkworthiness__lte=1),
                name="claim_checkworthiness_0_to_1",
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=models.F("id")), name="claim_not_own_duplicate"),
        ]
        indexes = [
            HnswIndex(
                name="claim_embedding_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
            # Keyword candidates for similar claims; queries must use the same expression.
            GinIndex(SearchVector("text", config="english"), name="claim_text_search_gin"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def canonical(self) -> "Claim":
        """The claim whose verdict this one shares: itself, or the claim it duplicates."""
        return self.duplicate_of if self.duplicate_of is not None else self


class ClaimSuggestion(models.Model):
    """A possible duplicate in another article, waiting for an editor to confirm or reject it.

    A rejected pair stays stored, so it is never suggested again.
    """

    class Relation(models.TextChoices):
        DUPLICATE = "duplicate", "Duplicate"
        RELATED = "related", "Related"

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="suggestions")
    candidate = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="suggested_for")
    score = models.FloatField()
    relation = models.CharField(max_length=16, choices=Relation.choices, default=Relation.DUPLICATE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUGGESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "candidate"], name="claim_suggestion_unique_pair"),
            models.CheckConstraint(
                condition=~Q(claim=models.F("candidate")), name="claim_suggestion_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} ~ {self.candidate_id} ({self.relation}, {self.status})"


class Rating(models.TextChoices):
    """One fixed scale. ClaimReview ratingValue 5..1; `unverifiable` has no numeric value."""

    TRUE = "true", "True"
    MOSTLY_TRUE = "mostly_true", "Mostly true"
    MIXED = "mixed", "Mixed"
    MOSTLY_FALSE = "mostly_false", "Mostly false"
    FALSE = "false", "False"
    UNVERIFIABLE = "unverifiable", "Unverifiable"

    @property
    def rating_value(self) -> int | None:
        return RATING_VALUES.get(self.value)


RATING_VALUES: dict[str, int] = {
    Rating.TRUE: 5,
    Rating.MOSTLY_TRUE: 4,
    Rating.MIXED: 3,
    Rating.MOSTLY_FALSE: 2,
    Rating.FALSE: 1,
}


class Verdict(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    revision = models.PositiveIntegerField(default=1)
    rating = models.CharField(max_length=16, choices=Rating.choices)
    summary = models.CharField(max_length=1000)
    explanation = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_verdicts"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_verdicts",
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    review_comment = models.TextField(blank=True, help_text="Why a reviewer sent it back to draft.")
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="When it last went to review.")
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-revision", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "revision"], name="verdict_unique_revision"),
            models.CheckConstraint(
                condition=Q(state="published", published_at__isnull=False, reviewer__isnull=False)
                | ~Q(state="published"),
                name="verdict_published_has_reviewer_and_date",
            ),
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | ~Q(reviewer=models.F("author")),
                name="verdict_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()}: {self.summary[:60]}"

    @property
    def rating_value(self) -> int | None:
        return RATING_VALUES.get(self.rating)


class AuditRecord(models.Model):
    """Who changed what, when: one row per change to a claim, its evidence or its verdicts.

    A small model of our own rather than django-simple-history: we need one trail per
    claim across three models, with domain actions ("published", "merged") that a
    row-copy history table cannot name.
    """

    # The trail outlives what it describes: deleting an article or a claim only unlinks its records.
    claim = models.ForeignKey(Claim, on_delete=models.SET_NULL, related_name="audit_records", null=True)
    article = models.ForeignKey(Article, on_delete=models.SET_NULL, related_name="audit_records", null=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.BigIntegerField(null=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}#{self.target_id}"


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """A JSON-safe picture of some fields, for audit before/after."""
    result: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        result[name] = value
    return result


class Webhook(models.Model):
    """A team's endpoint that hears about published verdicts, signed with the team's secret."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=2000)
    secret = models.CharField(max_length=200, help_text="Signs each payload with HMAC-SHA256.")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.team}: {self.url}"


class WebhookDelivery(models.Model):
    """One attempt to deliver one event to one webhook; retries share a `delivery_id`."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.UUIDField(db_index=True)
    event = models.CharField(max_length=64)
    attempt = models.PositiveIntegerField(default=1)
    succeeded = models.BooleanField(default=False)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="Set when a retry is scheduled.")

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} #{self.attempt} -> {self.status_code or self.error[:40]}"
