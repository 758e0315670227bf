"""What extraction hands to embedding: one claim found in an article, before it is stored.

Its own module, free of spaCy, so an embedding worker can read the claims an extraction
worker sent it (as JSON, through the broker) without loading the extraction pipeline.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ExtractedClaim:
    text: str
    quote: str
    start: int
    end: int
    checkworthiness: float = 0.0
    reason: str = ""
    # The same reasons as a list; "cues" until the embedding stage scores the claim with the model.
    reasons: list[str] = field(default_factory=list)
    checkworthiness_source: str = "cues"
    quantities: list[dict[str, Any]] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    # Index, in the returned list, of an earlier claim this one repeats (e.g. a photo caption).
    duplicate_of: int | None = None
    # Each reference the text rewrote, in text order, with offsets into the article body:
    # {start, end, original, replacement, antecedent_start, antecedent_end}; the antecedent span is
    # the mention that justified the rewrite.
    rewrites: list[dict[str, Any]] = field(default_factory=list)
    # A reference extraction could not resolve with certainty was kept as written.
    needs_context: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe: quantities, dates and flags already hold only JSON values (they are stored as JSON)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExtractedClaim:
        # A key this version does not know (sent by a newer extraction worker mid-deploy) is dropped.
        names = {item.name for item in dataclasses.fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in names})
