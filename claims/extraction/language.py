"""Which languages the extractor handles, and what an editor is told about the others."""

from __future__ import annotations

from claims.extraction.cleaning import language_name

SUPPORTED_LANGUAGES = {"en"}


def language_supported(language: str) -> bool:
    """Languages the extractor handles; undetermined text ("und") gets the benefit."""
    return language in SUPPORTED_LANGUAGES | {"und"}


def unsupported_language_message(language: str) -> str:
    return (
        f"Claim extraction supports English only; this text looks {language_name(language)} "
        f"({language}). The article is stored, but no claims were extracted."
    )
