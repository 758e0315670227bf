"""Fixtures shared by the similarity tests."""

import pytest

from claims.similarity import keywords


@pytest.fixture
def fresh_statistics():
    """Each test reads the lexeme statistics of its own database, not a cached copy."""
    keywords.CLAIM_TEXT.forget()
    keywords.ARTICLE_TITLE.forget()
    yield
    keywords.CLAIM_TEXT.forget()
    keywords.ARTICLE_TITLE.forget()
