"""Pronoun rewrites on GAP (Webster et al. 2018): how often a rewrite names the right person.

Each snippet goes through extraction; the claim that covers the pronoun's offset is taken, and its
rewrite of that pronoun (if any) is judged against the GAP labels: right when the replacement names
the coreferent of `A` or `B`; wrong when it names anyone else, or when both labels are FALSE.

    python bench/rewrite_eval.py [--split development|validation|both] [--limit N] [--errors K]

Prints precision (right / rewrites made) and coverage (rewrites made / pronouns) per split.
Target (issue 16): precision >= 0.95 at coverage >= 0.4. GAP's test split is never read.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GAP = ROOT.parent / "shared" / "data" / "gap"

from claims.extraction.pipeline import extract_claims  # noqa: E402


@dataclass
class Row:
    id: str
    text: str
    pronoun: str
    offset: int
    names: dict[str, bool]  # A and B, and whether each is the pronoun's referent


@dataclass
class Outcome:
    row: Row
    replacement: str | None
    right: bool


def rows(split: str, path: Path | None = None) -> list[Row]:
    """The rows of a GAP split (or of a GAP-format file at `path`)."""
    with (path or GAP / f"gap-{split}.tsv").open(encoding="utf-8") as handle:
        return [
            Row(
                id=record["ID"],
                text=record["Text"],
                pronoun=record["Pronoun"],
                offset=int(record["Pronoun-offset"]),
                names={record["A"]: record["A-coref"] == "TRUE", record["B"]: record["B-coref"] == "TRUE"},
            )
            for record in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


def names_person(replacement: str, name: str) -> bool:
    """The replacement names the person: the same words, or the full name of a shortened one."""
    replacement = replacement.removesuffix("\u2019s").removesuffix("\u2019")
    words, named = set(replacement.split()), set(name.split())
    return bool(words) and (words <= named or named <= words)


def judge(row: Row) -> Outcome:
    claims = extract_claims(row.text)
    for claim in claims:
        for rewrite in claim.rewrites:
            if rewrite["start"] <= row.offset < rewrite["end"]:
                replacement = str(rewrite["replacement"])
                right = any(coref and names_person(replacement, name) for name, coref in row.names.items())
                return Outcome(row, replacement, right)
    return Outcome(row, None, False)


def report(split: str, outcomes: list[Outcome], seconds: float, errors: int) -> None:
    made = [outcome for outcome in outcomes if outcome.replacement is not None]
    right = sum(outcome.right for outcome in made)
    precision = right / len(made) if made else 0.0
    coverage = len(made) / len(outcomes) if outcomes else 0.0
    print(
        f"{split:12} pronouns {len(outcomes):5}  rewrites {len(made):5}  right {right:5}  "
        f"precision {precision:.3f}  coverage {coverage:.3f}  ({seconds:.0f} s)"
    )
    wrong = [outcome for outcome in made if not outcome.right]
    # GAP's A and B are two names of the snippet; a rewrite naming neither may still be the person
    # meant (when both labels are FALSE the pronoun means someone else), but it counts as wrong.
    third = sum(not any(names_person(o.replacement or "", name) for name in o.row.names) for o in wrong)
    print(f"{'':12} wrong: {len(wrong) - third} named the other of A and B, {third} named neither")
    for outcome in wrong[:errors]:
        gold = [name for name, coref in outcome.row.names.items() if coref] or ["neither"]
        print(f"  {outcome.row.id}: {outcome.row.pronoun!r} -> {outcome.replacement!r}, gold {gold}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["development", "validation", "both"], default="both")
    parser.add_argument("--limit", type=int, default=0, help="only the first N rows of each split")
    parser.add_argument("--errors", type=int, default=0, help="print up to K wrong rewrites")
    options = parser.parse_args()
    splits = ["development", "validation"] if options.split == "both" else [options.split]
    for split in splits:
        started = time.perf_counter()
        selected = rows(split)[: options.limit or None]
        outcomes = [judge(row) for row in selected]
        report(split, outcomes, time.perf_counter() - started, options.errors)


if __name__ == "__main__":
    main()
