from hypothesis import given, settings
from hypothesis import strategies as st

from claims.extraction import extract_claims, sentences

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
    ]
)
texts = st.lists(
    st.one_of(words, st.text(min_size=1, max_size=8), st.sampled_from([". ", "\n", "\n\n", "  ", "\r\n"])),
    max_size=60,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_it_keeps_offsets_exact_for_any_text(body):
    for claim in extract_claims(body):
        assert 0 <= claim.start < claim.end <= len(body)
        assert body[claim.start : claim.end] == claim.quote


def test_it_splits_sentences_without_breaking_abbreviations():
    body = "Dr. Smith arrived in the U.S. on Monday. He left on 3.5 days' notice.\nPhoto: Reuters"
    assert [span.text for span in sentences(body)] == [
        "Dr. Smith arrived in the U.S. on Monday.",
        "He left on 3.5 days' notice.",
        "Photo: Reuters",
    ]
