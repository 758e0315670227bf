"""An atomic claim: the tokens of one clause, its quote in the sentence, and its rewritten text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

OPEN_QUOTES = '“"\u2018«'
CLOSE_QUOTES = '”"\u2019»'


@dataclass
class AtomicClaim:
    tokens: list[Token]  # in text order, shared words first
    own: list[Token]  # the clause's own words: they define the quote span
    replacements: dict[int, str] = field(default_factory=dict)  # token index → rewritten words
    quote_start: int = 0  # character offsets within the sentence
    quote_end: int = 0
    past_tense: bool = False
    # What the rewrite stage changed, with the mention that justified it (see ExtractedClaim.rewrites).
    rewrites: list[dict[str, object]] = field(default_factory=list)
    needs_context: bool = False

    def source_text(self) -> str:
        """The claim's own words as written, a space where words were left out between them."""
        parts = []
        for position, token in enumerate(self.tokens):
            following = self.tokens[position + 1] if position + 1 < len(self.tokens) else None
            adjacent = following is None or following.i == token.i + 1
            parts.append(token.text + (token.whitespace_ if adjacent else " "))
        return "".join(parts)

    def render(self) -> str:
        """The claim's text; keeps a question or exclamation mark that closes its sentence."""
        parts = []
        for position, token in enumerate(self.tokens):
            word = self.replacements.get(token.i, token.text)
            following = self.tokens[position + 1] if position + 1 < len(self.tokens) else None
            adjacent = following is None or following.i == token.i + 1
            parts.append(word + (token.whitespace_ if adjacent else " "))
        if self.tokens:
            closing = self.tokens[-1].doc[self.tokens[-1].i + 1 : self.tokens[-1].i + 2].text
            if closing in {"?", "!"}:
                parts.append(closing)
        return tidy("".join(parts))


def tidy(text: str) -> str:
    """Readable text from re-joined tokens: no doubled or dangling punctuation, a capital, a stop."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?%])", r"\1", text)
    text = re.sub(r"([,;:])(\s*[,;:])+", r"\1", text)
    text = re.sub(r"^[\s,;:.\-\u2013—]+|[\s,;:\-\u2013—]+$", "", text)
    text = re.sub(r"^(and|but|or|so|then)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r",\s*([.!?])$", r"\1", text)
    if text.count("(") > text.count(")"):
        text = re.sub(r"([.!?]?)$", r")\1", text, count=1)
    if _unbalanced_quotes(text):
        text = text.strip(OPEN_QUOTES + CLOSE_QUOTES).strip()
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and (text[-1] not in '.!?”"\u2019' or re.search(r"[^.!?,][”\u2019\"]$", text)):
        text += "."  # also after a quotation that ends mid-sentence: "… had “turned into a rally”."
    return text


def _unbalanced_quotes(text: str) -> bool:
    return sum(text.count(mark) for mark in "“”") % 2 == 1 or text.count('"') % 2 == 1


def inside_quotation(token: Token) -> bool:
    mask = token.doc.user_data.get("inside_quotation")
    if mask is None:
        mask = token.doc.user_data["inside_quotation"] = _quotation_mask(token.doc)
    return bool(mask[token.i])


def _quotation_mask(doc: Doc) -> list[bool]:
    """Per token: whether it stands between opening and closing quotation marks."""
    mask = []
    # A quotation can open in an earlier sentence of the paragraph (set by the caller).
    depth, straight = (1, False) if doc.user_data.get("opens_inside_quotation") else (0, False)
    for token in doc:
        mask.append(depth > 0 or straight)
        for mark in token.text:
            if mark in "“«":
                depth += 1
            elif mark in "”»":
                depth = max(0, depth - 1)
            elif mark == '"':
                straight = not straight
    return mask
