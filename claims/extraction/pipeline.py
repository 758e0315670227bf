"""Article text to check-worthy claims: the stages, one module each, run in order by `extract_claims`.

0. `cleaning` — HTML to text and language detection, run before the body is stored.
1. `segment` — paragraphs, pysbd sentences, pieces split at ";" and "[…]", with exact offsets.
2. `parse` — spaCy parses each piece.
3. `split` — the dependency parse turns a compound sentence into atomic clauses.
4. `rewrite` — pronouns and short references become the entity they mean, in reading order.
5. `checkworthiness` — a 0..1 score and a reason.
6. `values` (with `normalisation`) — quantities and dates, resolved against the article's dates.
7. `consistency` — facts of one article that cannot all be true.
8. `link_duplicates` — a repeated sentence points at its first occurrence.

Pure Python: nothing here imports Django or Celery (an import contract checks it), so the bulk
importer's extraction process starts without them.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from spacy.tokens import Doc

from claims.errors import InvalidInput, Unprocessable
from claims.extraction import checkworthiness, cleaning, consistency, normalisation
from claims.extraction.atoms import AtomicClaim, inside_quotation
from claims.extraction.captions import PHOTO_CREDIT
from claims.extraction.claim import ExtractedClaim
from claims.extraction.language import SUPPORTED_LANGUAGES, language_supported, unsupported_language_message
from claims.extraction.parse import parse
from claims.extraction.rewrite import EntityMemory, decontextualise
from claims.extraction.segment import Span, segment
from claims.extraction.split import split_sentence
from claims.extraction.values import claim_dates, claim_quantities, last_explicit_year, latest_explicit_date


def language_and_claims(
    body: str, *, published_at: datetime | None = None
) -> tuple[str, list[ExtractedClaim] | None]:
    """The text's language, and its claims: None for a language the extractor does not handle."""
    language = cleaning.detect_language(body)
    if not language_supported(language):
        return language, None
    return language, extract_claims(body, published_at=published_at)


def extract_claims(
    body: str, *, published_at: datetime | None = None, language: str = "en"
) -> list[ExtractedClaim]:
    """The stages in order, each taking the previous one's output. Offsets always satisfy
    `body[claim.start:claim.end] == claim.quote`."""
    if not body or not body.strip():
        raise InvalidInput("The article text is empty.", fields={"body": ["This field may not be blank."]})
    if language not in SUPPORTED_LANGUAGES:
        raise Unprocessable(unsupported_language_message(language))
    pieces = segment(body, language)
    docs = parse(pieces)
    for piece, doc in zip(pieces, docs, strict=True):
        doc.user_data["opens_inside_quotation"] = quotation_open_before(body, piece.start)
        doc.user_data["body_start"] = piece.start
    atoms = [split_or_whole(doc) for doc in docs]
    memory = rewrite(docs, atoms)
    published = published_at.date() if published_at else None
    reference = published or latest_explicit_date(docs)
    contexts = date_contexts(docs, published=published, reference=reference)
    claims: list[ExtractedClaim] = []
    facts: list[consistency.ClaimFacts] = []
    for piece, doc, doc_atoms, context in zip(pieces, docs, atoms, contexts, strict=True):
        for atom in doc_atoms:
            claim = build_claim(body, piece, doc, atom, context)
            facts.append(
                consistency.ClaimFacts(
                    len(claims), claim.text, claim.quote, claim.dates, claim.quantities, atom.past_tense
                )
            )
            claims.append(claim)
    flags = consistency.check(facts, published=published, reference=reference, full_name=memory.full_name)
    for index, found in flags.items():
        claims[index].flags = found
    return link_duplicates(claims)


def rewrite(docs: list[Doc], atoms: list[list[AtomicClaim]]) -> EntityMemory:
    """Stage 4, in reading order: each sentence's references resolve against the entities of the
    sentences before it. Returns what the article taught about its entities."""
    memory = EntityMemory()
    for doc, doc_atoms in zip(docs, atoms, strict=True):
        for atom in doc_atoms:
            decontextualise(atom, doc, memory)
        memory.observe(doc)
    return memory


def date_contexts(
    docs: list[Doc], *, published: date | None, reference: date | None
) -> list[normalisation.DateContext]:
    """What each sentence's relative dates resolve against: the publication date (or else the latest
    explicit date in the article), and the year last named before the sentence."""
    context_year = published.year if published else None
    contexts = []
    for doc in docs:
        contexts.append(
            normalisation.DateContext(
                reference=reference, year=context_year, from_publication=published is not None
            )
        )
        context_year = last_explicit_year(doc) or context_year
    return contexts


def quotation_open_before(body: str, start: int) -> bool:
    """Whether a curly quotation opened earlier in the paragraph is still open at `start`."""
    paragraph = body[body.rfind("\n", 0, start) + 1 : start]
    return paragraph.count("\u201c") > paragraph.count("\u201d")


def split_or_whole(doc: Doc) -> list[AtomicClaim]:
    """Stage 2; a fragment without a clause (a headline, a caption) is one claim as it stands."""
    atoms = split_sentence(doc)
    if atoms:
        return atoms
    tokens = list(doc)
    return [AtomicClaim(tokens=tokens, own=tokens, quote_start=0, quote_end=len(doc.text))]


def build_claim(
    body: str, piece: Span, doc: Doc, atom: AtomicClaim, context: normalisation.DateContext
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
        reasons=reason.split("; "),
        quantities=quantities,
        dates=dates,
        rewrites=sorted(atom.rewrites, key=lambda rewrite: int(str(rewrite["start"]))),
        needs_context=atom.needs_context,
    )


def quotation_only(atom: AtomicClaim) -> bool:
    """Mostly quoted words: what counts is in the quotation, which scoring reads from the tokens."""
    words = [token for token in atom.tokens if not token.is_punct]
    return sum(inside_quotation(token) for token in words) >= 0.4 * max(1, len(words))


def _caption_line(body: str, piece: Span) -> bool:
    """A line that ends with a photo credit is a caption, every sentence of it."""
    line_end = body.find("\n", piece.end)
    line = body[body.rfind("\n", 0, piece.start) + 1 : line_end if line_end >= 0 else len(body)]
    last_sentence = re.split(r"(?<=[.!?])\s+", line.strip())[-1]
    return line.strip() != piece.text and bool(PHOTO_CREDIT.search(last_sentence))


def _whole_line(body: str, piece: Span) -> bool:
    before = body[: piece.start].rstrip(" ")
    after = body[piece.end :].lstrip(" ")
    return (not before or before.endswith("\n")) and (not after or after.startswith("\n"))


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
