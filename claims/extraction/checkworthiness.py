"""Stage 4 of extraction: how worth checking a claim is, 0..1, and why.

A transparent additive score over linguistic signals from spaCy's tags and entities: specific,
verifiable detail (numbers, dates, named people, places and organisations, attribution) raises
it; feelings, opinions, hopes, speculation, questions, quotes without a checkable detail and
photo credits lower it. Each signal adds its words to the reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Token

from claims.extraction.atoms import inside_quotation
from claims.extraction.captions import PHOTO_CREDIT

_NUMERIC_ENTITIES = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"}
_NAMED_ENTITIES = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
_ATTRIBUTION = {
    "say", "tell", "announce", "report", "estimate", "confirm", "state", "claim", "deny", "add",
    "admit", "testify", "rule", "find", "show", "reveal", "according",
}  # fmt: skip
_FEELINGS = {
    "hope", "wish", "feel", "believe", "think", "love", "hate", "fear", "afraid", "sad", "happy",
    "proud", "glad", "sorry", "excited", "worried", "terrible", "amazing", "wonderful", "awful",
    "horrible", "beautiful", "great", "heartbreaking", "incredible", "unbelievable", "shocking",
    "chilling", "harrowing", "gripping", "brave", "devastated", "thrilled", "delighted", "pray",
    "dream", "disgusting", "outrageous", "shameful", "tragic", "deserve", "best", "worst",
    "furious", "angry", "terrified", "scared", "nightmare", "disaster", "outraged", "upset",
    "heartbroken", "fantastic", "excellent", "awesome", "justice", "shame", "disgrace", "ashamed",
    "grateful", "thankful", "blessed", "miracle", "lucky", "fair", "unfair",
}  # fmt: skip
_SPECULATION = {"may", "might", "could", "perhaps", "maybe", "possibly", "probably", "should", "must"}
_RECORDS = {"record", "unprecedented", "ever"}
_FIRST_PERSON = {"i", "we", "me", "us", "my", "our"}


def score(
    tokens: Iterable[Token], text: str, quote: str, *, headline: bool = False, has_quantity: bool = False
) -> tuple[float, str]:
    """`headline`: the claim is a whole line without a closing full stop (a headline or caption).
    `has_quantity`: normalisation found a quantity (durations such as "12 days" are DATE entities)."""
    words = [token for token in tokens if not token.is_space]
    if PHOTO_CREDIT.search(quote):
        return 0.05, "photo or source credit"
    quoted = [token for token in words if inside_quotation(token) and not token.is_punct]
    quotation = len(quoted) >= 0.4 * max(1, len([token for token in words if not token.is_punct]))
    if quotation:
        # What a quotation can be checked on is in the quoted words, not the "she said" around them.
        attribution = {token.lemma_.lower() for token in words} & _ATTRIBUTION
        words = quoted
    value = 0.3
    reasons: list[str] = []

    def signal(weight: float, reason: str) -> None:
        nonlocal value
        value += weight
        reasons.append(reason)

    entity_types = {token.ent_type_ for token in words if token.ent_type_} - {"TIME"}
    lemmas = {token.lemma_.lower() for token in words}
    has_number = (
        has_quantity
        or bool(entity_types & _NUMERIC_ENTITIES)
        or any(token.like_num and token.ent_type_ not in {"DATE", "TIME"} for token in words)
    )
    has_date = "DATE" in entity_types or "TIME" in entity_types
    if has_number:
        signal(0.3, "a number or quantity")
    if has_date:
        signal(0.15 if has_number else 0.25, "a date")
    named = entity_types & _NAMED_ENTITIES
    if named:
        signal(0.2, "names a person, place or organisation")
    if any(token.tag_ in {"JJS", "RBS"} or token.lemma_.lower() in _RECORDS for token in words):
        signal(0.1, "a superlative or record")
    attributed = bool(lemmas & _ATTRIBUTION or (quotation and attribution))
    if attributed:
        signal(0.1, "attributed statement")
    verified = has_number or has_date or bool(named)
    if not verified and any(token.pos_ == "VERB" and token.tag_ in {"VBD", "VBN"} for token in words):
        signal(0.1, "a reported event")
    feelings = sorted(lemmas & _FEELINGS)
    if feelings:
        signal(-0.35, f"feeling or opinion ({', '.join(feelings[:3])})")
    speculative = any(token.lower_ in _SPECULATION and token.pos_ in {"AUX", "ADV"} for token in words)
    if speculative and not attributed:
        signal(-0.15, "speculation or advice")
    if any(token.lower_ in _FIRST_PERSON for token in words) and not (named or has_number):
        signal(-0.15, "personal statement")
    if text.rstrip('”\u2019"').endswith(("?", "!")):
        signal(-0.3, "question or exclamation")
    if quotation and not verified:
        signal(-0.2, "quoted remark without a checkable detail")
    if headline:
        signal(-0.3, "headline or caption line")
    if len([token for token in words if not token.is_punct]) < 5 and not verified:
        signal(-0.2, "too short to check")
    value = min(1.0, max(0.0, value))
    return round(value, 3), "; ".join(reasons) or "no specific, verifiable detail"
