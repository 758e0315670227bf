from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from pgvector.django import HnswIndex

from claims.fields import EmbeddingField
from claims.models import EMBEDDING_DIMENSIONS, Claim

# Query parameters that only track the reader; two links differing only in these are one source.
TRACKING_PARAMETERS = {"fbclid", "gclid", "mc_cid", "mc_eid", "ref", "igshid"}


def normalise_url(url: str) -> str:
    """One spelling per web page: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, sorted query, no trailing slash on paths."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = host if port is None or (scheme, port) in {("http", 80), ("https", 443)} else f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMETERS and not key.lower().startswith("utm_")
    )
    path = parts.path.rstrip("/") or ""
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


class Source(models.Model):
    url = models.URLField(max_length=2000, unique=True, help_text="Stored normalised.")
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.url

    def save(self, *args: object, **kwargs: object) -> None:
        self.url = normalise_url(self.url)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Evidence(models.Model):
    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        REFUTES = "refutes", "Refutes"
        CONTEXT = "context", "Context"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    quote = models.TextField(blank=True)
    stance = models.CharField(max_length=16, choices=Stance.choices)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source}"


class ReferenceTable(models.Model):
    """A table of official figures a newsroom uploaded (a CSV or XLSX file), to compare quantity
    claims with. A team's tables are seen by its members only; a table without a team is shared
    with every team (`claims.access.visible_reference_tables`)."""

    class Recheck(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    team = models.ForeignKey(
        "claims.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reference_tables",
        help_text="Empty: shared with all teams.",
    )
    name = models.CharField(max_length=300)
    publisher = models.CharField(max_length=300)
    source_url = models.URLField(max_length=2000)
    retrieved_at = models.DateField(help_text="When the figures were taken from the source.")
    tolerance = models.FloatField(
        default=0.05, help_text="Relative difference up to which a claim's figure is consistent (0.05: ±5%)."
    )
    filename = models.CharField(max_length=300, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Re-checking the existing claims against the new table, in the background.
    recheck_status = models.CharField(max_length=16, choices=Recheck.choices, default=Recheck.PENDING)
    recheck_total = models.PositiveIntegerField(default=0)
    recheck_done = models.PositiveIntegerField(default=0)
    recheck_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tolerance__gte=0) & Q(tolerance__lte=1), name="reference_table_tolerance_0_to_1"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def recheck_percent(self) -> int:
        if self.recheck_status == self.Recheck.DONE:
            return 100
        return round(100 * self.recheck_done / self.recheck_total) if self.recheck_total else 0


class ReferenceLabel(models.Model):
    """What a table measures for one label ("Germany" in "Population by country"), across its
    periods: embedded and searched once, however many periods the table gives it."""

    table = models.ForeignKey(ReferenceTable, on_delete=models.CASCADE, related_name="labels")
    label = models.CharField(max_length=500)
    # What is embedded and searched: the table's name and the label ("Population by country: Germany").
    text = models.TextField()
    text_search = models.GeneratedField(
        expression=SearchVector("text", config="english"), output_field=SearchVectorField(), db_persist=True
    )
    embedding = EmbeddingField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)

    class Meta:
        ordering = ["table_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["table", "label"], name="reference_label_unique_per_table"),
        ]
        indexes = [
            HnswIndex(
                name="reference_label_vector_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
            GinIndex(fields=["text_search"], name="reference_label_search_gin"),
        ]

    def __str__(self) -> str:
        return self.text


class ReferenceRow(models.Model):
    """One figure of a reference table: its label, period, value and unit, with the value
    normalised as claims' quantities are (`si_value` in `dimension`)."""

    table = models.ForeignKey(ReferenceTable, on_delete=models.CASCADE, related_name="rows")
    series = models.ForeignKey(ReferenceLabel, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(help_text="The line in the uploaded file (the header is 1).")
    label = models.CharField(max_length=500)
    period = models.CharField(max_length=100, help_text="As written in the file.")
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.FloatField()
    unit = models.CharField(max_length=100, blank=True, help_text="As written in the file.")
    si_value = models.FloatField()
    dimension = models.CharField(
        max_length=32, help_text="What the value measures: count, percent, percentage_point, kg…"
    )

    class Meta:
        ordering = ["table_id", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["table", "row_number"], name="reference_row_unique_line"),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="reference_row_period_ordered"
            ),
        ]
        # A label's rows in a span of periods.
        indexes = [models.Index(fields=["series", "period_start"], name="reference_row_series_period")]

    def __str__(self) -> str:
        return f"{self.label}, {self.period}: {self.value:g} {self.unit}".strip()

    @property
    def value_text(self) -> str:
        return f"{self.value:,.10g}"

    def quote(self) -> str:
        """The row as evidence quotes it."""
        unit = f" {self.unit}" if self.unit else ""
        where = f"row {self.row_number} of “{self.table.name}”"
        return f"{self.label} ({self.period}): {self.value:g}{unit}, {where}"


class FigureCheck(models.Model):
    """A claim's figure compared with a reference row, stored by the background re-check so the
    queue can filter and reports can cite it. The API and the claim panel compute them afresh."""

    class Hint(models.TextChoices):
        CONSISTENT = "consistent", "Consistent"
        DIFFERS = "differs", "Differs"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="figure_checks")
    row = models.ForeignKey(ReferenceRow, on_delete=models.CASCADE, related_name="figure_checks")
    rank = models.PositiveSmallIntegerField(help_text="1: the best match.")
    hint = models.CharField(max_length=16, choices=Hint.choices)
    claim_value = models.FloatField(help_text="In the row's unit.")
    difference = models.FloatField()
    relative_difference = models.FloatField(null=True)
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["claim_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "row"], name="figure_check_unique_pair"),
        ]
        indexes = [models.Index(fields=["hint", "claim"], name="figure_check_hint")]

    def __str__(self) -> str:
        return f"claim {self.claim_id} ~ row {self.row_id}: {self.hint}"

    @property
    def claim_value_text(self) -> str:
        return f"{self.claim_value:,.10g}"
