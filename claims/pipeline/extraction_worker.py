"""What the bulk importer's extractor runs: on a thread, or in a second process of its own.

Nothing here imports Django, so that process starts without it: it only computes, and
sends the claims back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from threadpoolctl import threadpool_limits

from claims.extraction.claim import ExtractedClaim
from claims.extraction.parse import nlp
from claims.extraction.pipeline import language_and_claims


@dataclass
class Extracted:
    language: str
    claims: list[ExtractedClaim] | None  # None: a language the extractor does not handle
    error: str = ""


def start() -> None:
    """The process's initializer: one BLAS thread (see `importing.articles_import`), spaCy loaded."""
    threadpool_limits(limits=1, user_api="blas")
    nlp()


def extract(body: str, published_at: datetime | None) -> Extracted:
    """An article's language and claims. Errors come back as text, which always pickles."""
    try:
        language, claims = language_and_claims(body, published_at=published_at)
        return Extracted(language=language, claims=claims)
    except Exception as error:  # one bad article must not stop the import
        return Extracted(language="", claims=None, error=str(error) or type(error).__name__)
