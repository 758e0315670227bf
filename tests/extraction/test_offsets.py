import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.errors import InvalidInput
from claims.extraction.cleaning import clean_text
from claims.extraction.pipeline import extract_claims
from claims.extraction.segment import segment, sentences

words = st.sampled_from(
    [
        "The",
        "mayor",
        "said",
        "12%",
        "“quoted”",
        "Dr.",
        "U.S.",
        "[…]",
        "in",
        "2019",
        "Paris",
        "?",
        "!",
        "…",
        "\u2013",
        "who",
        "and",
        ",",
        ";",
        "she",
        "the company",
        "14 stone",
        "five years ago",
        "<p>",
        "</b>",
    ]
)
texts = st.lists(
    st.one_of(words, st.text(min_size=1, max_size=8), st.sampled_from([". ", "\n", "\n\n", "  ", "\r\n"])),
    max_size=60,
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(texts)
def test_it_keeps_offsets_exact_for_any_text(body):
    if not body.strip():
        with pytest.raises(InvalidInput):
            extract_claims(body)
        return
    for claim in extract_claims(body):
        assert 0 <= claim.start < claim.end <= len(body)
        assert body[claim.start : claim.end] == claim.quote
        assert 0 <= claim.checkworthiness <= 1


@settings(max_examples=50, deadline=None)
@given(texts)
def test_it_keeps_offsets_exact_in_cleaned_html(raw):
    body = clean_text(f"<article><h1>Title</h1><p>{raw}</p><p>Second &amp; last.</p></article>")
    for claim in extract_claims(body):
        assert body[claim.start : claim.end] == claim.quote


def test_it_splits_sentences_without_breaking_abbreviations():
    body = "Dr. Smith arrived in the U.S. on Monday. He left on 3.5 days' notice.\nPhoto: Reuters"
    assert [span.text for span in sentences(body)] == [
        "Dr. Smith arrived in the U.S. on Monday.",
        "He left on 3.5 days' notice.",
        "Photo: Reuters",
    ]


def test_it_segments_at_semicolons_and_omission_marks_with_exact_offsets():
    body = "“Their roof fell in.” […] “We slept outside,” he said. Prices rose; wages fell."
    pieces = segment(body)
    assert [piece.text for piece in pieces] == [
        "“Their roof fell in.”",
        "“We slept outside,” he said.",
        "Prices rose",
        "wages fell.",
    ]
    for piece in pieces:
        assert body[piece.start : piece.end] == piece.text


def test_it_gives_html_input_offsets_into_the_cleaned_text():
    raw = (
        "<html><body><h1>Port grows</h1>"
        "<p>The port handled <b>3.1 million</b> containers in 2023.</p></body></html>"
    )
    body = clean_text(raw)
    assert body == "Port grows\n\nThe port handled 3.1 million containers in 2023."
    claim = next(claim for claim in extract_claims(body) if "containers" in claim.quote)
    assert body[claim.start : claim.end] == claim.quote == "The port handled 3.1 million containers in 2023"


@pytest.mark.parametrize("body", ["", "   ", "\n\t\n"])
def test_it_refuses_empty_or_whitespace_text(body):
    with pytest.raises(InvalidInput, match="empty"):
        extract_claims(body)
