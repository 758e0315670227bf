"""How well similar-claim relations match hand labels.

Reads labelled pairs (duplicate, related, hard_negative, unrelated), embeds them with the
configured model and labels each pair as the product does (`claims.similarity.duplicates.relation_between`
across articles, `may_auto_link` within one). Prints, for each file, duplicate precision and recall,
the false-duplicate rate on hard negatives (same wording, a different number, date, person or
polarity), how related pairs fare, the precision and recall of linking within an article, and
the same figures over a sweep of the suggest threshold.

The files, in tests/data/similarity/:
  * pairs.jsonl: paraphrases and hard negatives of news claims;
  * captions.jsonl: photo captions repeating a sentence with an aside ("(pictured)"), a clause
    dropped or a phrase appended, and the same with a number, date or name changed; written
    before the caption rules (facts.restates, the parenthesis aside) and used to shape them;
  * captions_heldout.jsonl: more of the same, written after the rules and never tuned on.

    .venv/bin/python bench/similarity_eval.py [--pairs FILE...] [--show-errors]

No database is needed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ["HF_HUB_OFFLINE"] = "1"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import override_settings  # noqa: E402

from claims.extraction.pipeline import extract_claims  # noqa: E402
from claims.similarity import embeddings  # noqa: E402
from claims.similarity.duplicates import DUPLICATE, RELATED, may_auto_link, relation_between  # noqa: E402
from claims.similarity.facts import Facts, facts_of  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "similarity"
PAIRS = [DATA / "pairs.jsonl", DATA / "captions.jsonl", DATA / "captions_heldout.jsonl"]


@dataclass(frozen=True)
class Judged:
    pair: dict[str, str]
    score: float
    relation: str | None
    auto_link: bool
    facts: tuple[Facts, Facts]


def facts_with_extraction(text: str) -> Facts:
    """Facts as a stored claim has them: with the normalised quantities and dates of extraction."""

    claims = extract_claims(text)
    quantities = [item for claim in claims for item in claim.quantities]
    dates = [item for claim in claims for item in claim.dates]
    return facts_of(text, quantities=quantities, dates=dates)


def judge(pairs: list[dict[str, str]], *, with_extraction: bool = False) -> list[Judged]:
    vectors = embeddings.embed_texts([text for pair in pairs for text in (pair["a"], pair["b"])])
    facts = facts_with_extraction if with_extraction else facts_of
    judged = []
    for index, pair in enumerate(pairs):
        score = float(vectors[2 * index] @ vectors[2 * index + 1])
        first, second = facts(pair["a"]), facts(pair["b"])
        relation = relation_between(score, first, second)
        auto_link = may_auto_link(score, first, second, pair["a"], pair["b"])
        judged.append(
            Judged(pair=pair, score=score, relation=relation, auto_link=auto_link, facts=(first, second))
        )
    return judged


def rejudge(judged: list[Judged]) -> list[Judged]:
    """The same scores under the current settings (for the threshold sweep)."""
    return [
        Judged(
            pair=item.pair,
            score=item.score,
            relation=relation_between(item.score, *item.facts),
            auto_link=item.auto_link,
            facts=item.facts,
        )
        for item in judged
    ]


def summary(judged: list[Judged]) -> dict[str, float]:
    predicted = [item for item in judged if item.relation == DUPLICATE]
    actual = [item for item in judged if item.pair["label"] == "duplicate"]
    true_positives = [item for item in predicted if item.pair["label"] == "duplicate"]
    negatives = [item for item in judged if item.pair["label"] == "hard_negative"]
    related = [item for item in judged if item.pair["label"] == "related"]
    unrelated = [item for item in judged if item.pair["label"] == "unrelated"]
    linked = [item for item in judged if item.auto_link]
    return {
        "precision": len(true_positives) / len(predicted) if predicted else 1.0,
        "recall": len(true_positives) / len(actual) if actual else 1.0,
        "false_duplicate_rate": sum(item.relation == DUPLICATE for item in negatives)
        / max(1, len(negatives)),
        "related_found": sum(item.relation == RELATED for item in related) / max(1, len(related)),
        "unrelated_shown": sum(item.relation is not None for item in unrelated) / max(1, len(unrelated)),
        "auto_linked_wrongly": sum(item.auto_link and item.pair["label"] != "duplicate" for item in judged),
        "auto_linked_duplicates": sum(item.auto_link for item in actual) / max(1, len(actual)),
        "auto_link_precision": sum(item.pair["label"] == "duplicate" for item in linked) / len(linked)
        if linked
        else 1.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=Path, nargs="+", default=PAIRS)
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument(
        "--with-extraction", action="store_true", help="use extraction's quantities and dates, as at ingest"
    )
    args = parser.parse_args()
    print(
        f"thresholds: related {settings.FACTCHECK_SIMILARITY_RELATED_THRESHOLD}, "
        f"suggest {settings.FACTCHECK_SIMILARITY_SUGGEST_THRESHOLD}, "
        f"auto-link {settings.FACTCHECK_SIMILARITY_AUTO_LINK_THRESHOLD}"
    )
    for path in args.pairs:
        report(path, with_extraction=args.with_extraction, show_errors=args.show_errors)


def report(path: Path, *, with_extraction: bool, show_errors: bool) -> None:
    pairs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    judged = judge(pairs, with_extraction=with_extraction)
    print(f"\n== {path.name}: {len(pairs)} pairs: {dict(Counter(pair['label'] for pair in pairs))}")
    figures = summary(judged)
    print(f"duplicate precision         {figures['precision']:.3f}")
    print(f"duplicate recall            {figures['recall']:.3f}")
    print(f"false-duplicate rate (hard negatives) {figures['false_duplicate_rate']:.3f}")
    print(f"related pairs shown as related        {figures['related_found']:.3f}")
    print(f"unrelated pairs shown at all          {figures['unrelated_shown']:.3f}")
    print(f"duplicates auto-linked (same article) {figures['auto_linked_duplicates']:.3f}")
    print(f"auto-link precision (same article)    {figures['auto_link_precision']:.3f}")
    print(f"non-duplicates auto-linked            {figures['auto_linked_wrongly']}")
    print("\nsuggest threshold sweep:  threshold  precision  recall  false-dup")
    for threshold in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        with override_settings(FACTCHECK_SIMILARITY_SUGGEST_THRESHOLD=threshold):
            swept = summary(rejudge(judged))
        print(
            f"{'':26}{threshold:9.2f}  {swept['precision']:9.3f}  {swept['recall']:6.3f}  "
            f"{swept['false_duplicate_rate']:9.3f}"
        )
    if show_errors:
        print("\nerrors:")
        for item in judged:
            expected = {"duplicate": "duplicate", "hard_negative": "related", "related": "related"}.get(
                item.pair["label"]
            )
            if item.relation != expected or item.auto_link != (item.pair["label"] == "duplicate"):
                label, first, second = item.pair["label"], item.pair["a"], item.pair["b"]
                linked = "linked" if item.auto_link else "not linked"
                print(f"  {label:>13} -> {item.relation}, {linked} ({item.score:.2f}): {first} | {second}")


if __name__ == "__main__":
    main()
