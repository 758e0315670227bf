import hashlib
import re
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from pgvector.django import HnswIndex

from claims.encryption import EncryptedTextField
from claims.errors import Conflict
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
    # The title's words for "checked before?" (a fact-check's title often has the words a post
    # uses); stored, so ranking reads them instead of parsing every matching title again.
    title_search = models.GeneratedField(
        expression=SearchVector("title", config="english"), output_field=SearchVectorField(), db_persist=True
    )
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
        indexes = [GinIndex(fields=["title_search"], name="article_title_search_gin")]

    def __str__(self) -> str:
        return self.title


# The keys of one stored rewrite (Claim.rewrites), as extraction hands them over.
REWRITE_KEYS = ("start", "end", "original", "replacement", "antecedent_start", "antecedent_end")


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

    class ScoreSource(models.TextChoices):
        MODEL = "model", "Learned model"
        CUES = "cues", "Hand-written cues"

    checkworthiness = models.FloatField(default=0.0)
    checkworthiness_source = models.CharField(
        max_length=8,
        choices=ScoreSource.choices,
        default=ScoreSource.CUES,
        help_text="What gave the score: the learned model (once embedded) or extraction's cues.",
    )
    reason = models.CharField(max_length=300, blank=True, help_text="The reasons, joined.")
    reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="What raised or lowered the score most, in words, strongest first.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    embedding = EmbeddingField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    quantities = models.JSONField(default=list, blank=True)
    dates = models.JSONField(default=list, blank=True)
    # The text's words for keyword search, stored so that ranking candidates reads them instead
    # of parsing each matching text again.
    text_search = models.GeneratedField(
        expression=SearchVector("text", config="english"), output_field=SearchVectorField(), db_persist=True
    )
    facts = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The numbers, dates, names and words duplicate detection compares, parsed from the "
        "text, quantities and dates when they are stored, so that no search parses them again "
        "(claims.similarity.facts.facts_to_json). Null: parsed when needed.",
    )
    flags = models.JSONField(default=list, blank=True)
    rewrites = models.JSONField(
        default=list,
        blank=True,
        help_text="Each reference the text rewrote, in text order, with offsets into the article body: "
        "{start, end, original, replacement, antecedent_start, antecedent_end}.",
    )
    needs_context = models.BooleanField(
        default=False, help_text="A reference could not be resolved with certainty and was kept as written."
    )
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
            # Keyword candidates for similar claims and "checked before?".
            GinIndex(fields=["text_search"], name="claim_text_search_gin"),
            # Few claims are flagged: a partial index finds them without indexing the rest.
            models.Index(
                fields=["needs_context"], condition=Q(needs_context=True), name="claim_needs_context"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def canonical(self) -> "Claim":
        """The claim whose verdict this one shares: itself, or the claim it duplicates."""
        return self.duplicate_of if self.duplicate_of is not None else self

    def text_without_rewrite(self, index: int) -> str:
        """The text with rewrite `index` back in the article's words.

        Where the replacement appears more than once, the place is the one whose neighbouring
        words agree most with the article's around the rewrite; on a tie, the k-th place, k being
        how many earlier rewrites share the replacement. Conflict when the text (reworded by an
        editor) no longer holds the replacement."""
        rewrite = self.rewrites[index]
        replacement, original = rewrite["replacement"], rewrite["original"]
        found = list(_mentions(replacement).finditer(self.text))
        if not found:
            raise Conflict(
                f"The claim no longer says “{replacement}” (its wording was edited), so the rewrite "
                f"cannot be undone here: edit the wording to say “{original}” instead.",
                fields={"text": [f"“{replacement}” is not in the text."]},
            )
        body = self.article.body
        before, after = body[: rewrite["start"]], body[rewrite["end"] :]
        k = sum(1 for r in self.rewrites[:index] if r["replacement"].lower() == replacement.lower())

        def agreement(place: int) -> tuple[int, int]:
            match = found[place]
            context = _common_prefix(self.text[match.end() :], after) + _common_prefix(
                self.text[: match.start()][::-1], before[::-1]
            )
            return context, -abs(place - k)

        match = found[max(range(len(found)), key=agreement)]
        head = self.text[: match.start()]
        return head + _cased(original, head) + self.text[match.end() :]


# Words that start a sentence in the article but are lower case inside one.
_LOWER_CASE_INSIDE = frozenset(
    {"he", "she", "it", "they", "we", "him", "her", "them", "us", "his", "hers", "its", "their"}
    | {"theirs", "our", "this", "that", "these", "those", "the", "a", "an"}
)
_CONTEXT = 40  # characters either side of a rewrite compared with the claim text


def _mentions(words: str) -> re.Pattern[str]:
    """`words` as a whole phrase, not part of a longer word; its first letter in either case."""
    first, rest = words[:1], re.escape(words[1:])
    pattern = f"[{re.escape(first.lower())}{re.escape(first.upper())}]{rest}"
    start = r"(?<!\w)" if first.isalnum() else ""
    end = r"(?!\w)" if words[-1:].isalnum() else ""
    return re.compile(start + pattern + end)


def _common_prefix(one: str, other: str) -> int:
    length = 0
    for a, b in zip(one[:_CONTEXT], other[:_CONTEXT], strict=False):
        if a != b:
            break
        length += 1
    return length


def _cased(original: str, head: str) -> str:
    """The article's words as they read after `head`: capitalised at the start of a sentence, lower
    case for a pronoun or determiner that only began a sentence in the article."""
    if not any(char.isalnum() for char in head) or head.rstrip()[-1:] in {".", "!", "?"}:
        return original[:1].upper() + original[1:]
    if original.split(" ", 1)[0].lower() in _LOWER_CASE_INSIDE:
        return original[:1].lower() + original[1:]
    return original


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
    # Encrypted in the database (claims/encryption.py); shown to whoever registers it, once.
    secret = EncryptedTextField(help_text="Signs each payload with HMAC-SHA256.")
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
