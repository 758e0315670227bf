"""Claim extraction quality on the labelled texts in tests/data/extraction/.

Matching rule: a predicted claim matches an expected claim when their quote spans overlap (share
at least one character of the body) and their self-contained texts are similar: the F1 of their
lower-cased word multisets is at least 0.6. Pairs are matched one-to-one, most similar first.
A predicted claim that matches no expected claim and covers a labelled non-claim with at least
half of its span counts as that non-claim.

Printed:
- precision and recall of the claims an editor sees by default (checkworthiness ≥ the 0.5
  threshold, duplicates left out), and of everything extracted (threshold 0);
- the share of compound sentences split correctly: exactly as many predicted claims inside the
  sentence as expected, each expected one matched;
- check-worthiness ROC AUC over predicted claims matched to an expected claim (positive) or to a
  non-claim (negative);
- the mean word F1 between matched texts (how close the self-contained rewrite is).

Two sets are reported apart: the development texts in tests/data/extraction/ (looked at while
the rules were refined, so optimistic) and tests/data/extraction/heldout/ (written afterwards and
never tuned on).

Run: .venv/bin/python bench/extraction_eval.py [-v]
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.metrics import roc_auc_score  # noqa: E402

from claims.extraction.claim import ExtractedClaim  # noqa: E402
from claims.extraction.pipeline import extract_claims  # noqa: E402

DATA = ROOT / "tests" / "data" / "extraction"
THRESHOLD = 0.5
MIN_SIMILARITY = 0.6


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"[\w£$%]+", text.lower().replace("\u2019", "'")))


def similarity(left: str, right: str) -> float:
    a, b = words(left), words(right)
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def span_of(body: str, quote: str) -> tuple[int, int]:
    start = body.index(quote)
    return start, start + len(quote)


def match(
    predicted: list[ExtractedClaim], expected: list[dict[str, Any]], body: str
) -> dict[int, tuple[int, float]]:
    """predicted index → (expected index, similarity), one-to-one, most similar first."""
    candidates = []
    for p_index, claim in enumerate(predicted):
        for e_index, item in enumerate(expected):
            start, end = span_of(body, item["quote"])
            if overlap(claim.start, claim.end, start, end):
                score = similarity(claim.text, item["text"])
                if score >= MIN_SIMILARITY:
                    candidates.append((score, p_index, e_index))
    pairs: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for score, p_index, e_index in sorted(candidates, reverse=True):
        if p_index not in pairs and e_index not in used:
            pairs[p_index] = (e_index, score)
            used.add(e_index)
    return pairs


def non_claim_hits(
    predicted: list[ExtractedClaim], pairs: dict[int, Any], spans: list[tuple[int, int]]
) -> set[int]:
    return {
        index
        for index, claim in enumerate(predicted)
        if index not in pairs
        and any(overlap(claim.start, claim.end, s, e) >= 0.5 * (claim.end - claim.start) for s, e in spans)
    }


def evaluate(
    path: Path, totals: Counter[str], labels: list[int], scores: list[float], sims: list[float]
) -> None:
    case = json.loads(path.read_text())
    body = case["body"]
    published = datetime.fromisoformat(case["published_at"]) if case.get("published_at") else None
    predicted = [c for c in extract_claims(body, published_at=published) if c.duplicate_of is None]
    expected = case["claims"]
    visible = [c for c in predicted if c.checkworthiness >= THRESHOLD]
    for name, claims in (("all", predicted), ("visible", visible)):
        pairs = match(claims, expected, body)
        totals[f"{name}_predicted"] += len(claims)
        totals[f"{name}_matched"] += len(pairs)
    totals["expected"] += len(expected)
    pairs = match(predicted, expected, body)
    sims += [score for _, score in pairs.values()]
    negatives = non_claim_hits(
        predicted, pairs, [span_of(body, item["quote"]) for item in case["non_claims"]]
    )
    for index, claim in enumerate(predicted):
        if index in pairs or index in negatives:
            labels.append(1 if index in pairs else 0)
            scores.append(claim.checkworthiness)
    matched_expected = {e_index for e_index, _ in pairs.values()}
    for sentence in case["compound_sentences"]:
        start, end = span_of(body, sentence)
        inside = [i for i, item in enumerate(expected) if start <= body.index(item["quote"]) < end]
        predicted_inside = [c for c in predicted if start <= c.start and c.end <= end]
        totals["compound"] += 1
        if len(predicted_inside) == len(inside) and all(i in matched_expected for i in inside):
            totals["compound_split"] += 1
        elif "-v" in sys.argv:
            print(f"  {path.stem}: compound not split as expected: {sentence!r}")
            for claim in predicted_inside:
                print(f"    got: {claim.text!r}")
    if "-v" in sys.argv:
        missed = [item["text"] for i, item in enumerate(expected) if i not in matched_expected]
        extra = [f"{c.checkworthiness:.2f} {c.text}" for i, c in enumerate(predicted) if i not in pairs]
        for text in missed:
            print(f"  {path.stem}: missed {text!r}")
        for text in extra:
            print(f"  {path.stem}: extra  {text!r}")


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def main() -> None:
    report("development set (the rules were refined while looking at it)", sorted(DATA.glob("*.json")))
    report("held-out set (written afterwards, never tuned on)", sorted((DATA / "heldout").glob("*.json")))


def report(title: str, paths: list[Path]) -> None:
    totals: Counter[str] = Counter()
    labels: list[int] = []
    scores: list[float] = []
    sims: list[float] = []
    for path in paths:
        evaluate(path, totals, labels, scores, sims)
    print(f"== {title}")
    print(f"texts: {len(paths)}, expected claims: {totals['expected']}")
    for name, label in (("visible", f"checkworthiness >= {THRESHOLD}"), ("all", "everything extracted")):
        precision = ratio(totals[f"{name}_matched"], totals[f"{name}_predicted"])
        recall = ratio(totals[f"{name}_matched"], totals["expected"])
        print(
            f"claims ({label}): precision {precision:.3f}, recall {recall:.3f} "
            f"({totals[f'{name}_matched']} matched of {totals[f'{name}_predicted']} predicted)"
        )
    print(
        f"compound sentences split correctly: {ratio(totals['compound_split'], totals['compound']):.3f} "
        f"({totals['compound_split']}/{totals['compound']})"
    )
    auc = roc_auc_score(labels, scores)
    print(f"check-worthiness ROC AUC: {auc:.3f} ({sum(labels)} claims, {labels.count(0)} non-claims)")
    print(f"mean word F1 of matched self-contained texts: {ratio(sum(sims), len(sims)):.3f}")


if __name__ == "__main__":
    main()
