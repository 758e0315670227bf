"""Person names the small spaCy model misses: a capitalised name it labelled a place or an
organisation ("MacKenzie studied with Bernard Leach", "Rivera sang"), or did not label at all.

Only words of the sentence are ever returned (token spans), so a name found here is always one the
article contains. A run of capitalised proper nouns counts as a name when something says it is a
person: a title or honorific before it, a word it shares with a name the model did recognise, a
possessive or an apposition ("Hanbury, a barrister"), or a place as the subject of a clause. It
never counts when a word of it names an institution or a place ("Lyric Opera", "Santa Fe").
Callers mark these mentions `inferred`, so the antecedent model can weigh them apart.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

# Labels a person's name is never given, even by a wrong model.
_NEVER_PEOPLE = {
    "DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY", "NORP", "LANGUAGE",
    "EVENT", "LAW", "WORK_OF_ART", "PRODUCT", "FAC",
}  # fmt: skip
# Words that make a capitalised run an institution, a place or a title, not a person.
_NOT_NAME_WORDS = {
    "university", "college", "school", "academy", "company", "corporation", "corp", "inc", "ltd",
    "llc", "plc", "group", "club", "fc", "united", "city", "town", "county", "state", "states",
    "street", "road", "avenue", "river", "lake", "mountain", "island", "islands", "park", "church",
    "cathedral", "party", "council", "parliament", "congress", "senate", "house", "court",
    "records", "award", "awards", "prize", "festival", "hall", "museum", "theatre", "theater",
    "hotel", "bank", "airport", "station", "province", "republic", "kingdom", "empire", "army",
    "navy", "force", "team", "association", "society", "foundation", "institute", "ministry",
    "department", "committee", "cup", "league", "championship", "games", "olympics", "series",
    "show", "album", "opera", "orchestra", "band", "tour", "north", "south", "east", "west",
    "new", "saint", "st", "san", "santa", "los", "las", "fort", "mount", "bay", "valley",
    "news", "times", "post", "journal", "magazine", "radio", "tv", "television", "network",
    "studios", "pictures", "films", "press", "office", "agency", "service", "services",
    "hospital", "center", "centre", "library", "gallery", "prison", "bridge", "tower", "square",
    "world", "international", "national", "royal", "general", "high", "day", "war", "act",
    "god", "lord", "christ", "jesus", "i", "ii", "iii", "iv", "v", "vi", "english", "american",
}  # fmt: skip
_SUBJECTS = {"nsubj", "nsubjpass"}


def runs(doc: Doc, taken: set[int]) -> list[Span]:
    """Maximal runs of capitalised proper nouns outside `taken` (token indexes already named)."""
    found: list[Span] = []
    start: int | None = None
    for token in [*doc, None]:
        if token is not None and token.i not in taken and (_name_word(token) or _joins(token, start)):
            start = token.i if start is None else start
            continue
        if start is not None:
            end = token.i if token is not None else len(doc)
            found.append(doc[start:end])
            start = None
    return found


def _joins(token: Token, start: int | None) -> bool:
    """The hyphen of a double-barrelled name ("Frimpong-Manso"), written without spaces."""
    doc = token.doc
    return (
        start is not None
        and token.text == "-"
        and not doc[token.i - 1].whitespace_
        and not token.whitespace_
        and token.i + 1 < len(doc)
        and _name_word(doc[token.i + 1])
    )


def _name_word(token: Token) -> bool:
    text = token.text
    return (
        token.tag_ == "NNP"
        and text[:1].isupper()
        and not text.isupper()
        and text.replace("-", "").replace(".", "").isalpha()
        and token.ent_type_ not in _NEVER_PEOPLE
    )


def person_like(span: Span, known_words: set[str]) -> bool:
    """Whether a capitalised run is said to be a person (see the module docstring)."""
    words = [token.lower_.rstrip(".") for token in span]
    if any(word in _NOT_NAME_WORDS for word in words) or len(span) > 4:
        return False
    before = span.doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_ in {"the", "a", "an"}:
        return False  # "the Beatles", "a Mercedes"
    if span.start == 0 and len(span) == 1 and span.root.dep_ not in _SUBJECTS | {"poss"}:
        return False  # a lone capitalised word opening a sentence is often not a name
    if any(token.text in known_words for token in span):
        return True
    root = span.root
    if any(child.dep_ in {"compound", "amod"} and child.pos_ == "NOUN" for child in root.lefts):
        return False  # "rail operator Westline", "carmaker Solent": a company, described
    if root.dep_ == "poss" or (span.end < len(span.doc) and span.doc[span.end].tag_ == "POS"):
        return True
    if any(child.dep_ == "appos" and child.pos_ == "NOUN" for child in root.children):
        return True
    return root.dep_ in _SUBJECTS and root.head.pos_ in {"VERB", "AUX"}


def inferred_names(doc: Doc, taken: set[int], known_words: set[str]) -> list[Span]:
    """Capitalised runs outside `taken` that read as a person's name."""
    return [span for span in runs(doc, taken) if person_like(span, known_words)]
