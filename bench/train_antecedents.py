"""Reproduce claims/extraction/antecedent_model.json from GAP development.

    python bench/train_antecedents.py [--precision 0.95] [--min-coverage 0.05] [--output PATH]

First the given names' genders are counted (`claims/extraction/given_names.json`). Then each GAP
development snippet goes through extraction with the rule (no model); every he/she decision's
candidates and features are collected, and a candidate is labelled by whether it names the person
GAP says the pronoun means. (Collecting a second pass with a first model resolving the earlier
pronouns, as extraction does, was tried: its cross-validated precision was lower, 0.77 against
0.80.) A logistic regression is cross-validated (5 folds grouped
by snippet). The decision settings (threshold, margin, and the probability the rule's pick needs)
are chosen on the out-of-fold predictions with `antecedents.decide`, the function extraction uses:
the most pronouns rewritten at the wanted precision or, when no setting reaches it, the most
precise setting that still rewrites at least `--min-coverage` of the pronouns (precision first).
Nested cross-validation (settings chosen on four folds, judged on the fifth) says how far that
choice holds on unseen snippets. The final model is fitted on all of development.
Deterministic: same data, same file. Check it on validation with `bench/rewrite_eval.py`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.rewrite_eval import names_person, rows  # noqa: E402
from claims.extraction import antecedents, given_names  # noqa: E402
from claims.extraction.pipeline import extract_claims  # noqa: E402

THRESHOLDS = [round(0.3 + 0.02 * step, 2) for step in range(35)]
MARGINS = [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5]
AGREEMENTS: list[float | None] = [None, 0.3, 0.5, 0.7]
FOLDS = 5
# A given name says a gender when GAP development names this many people with it, this share of one gender.
NAME_MIN_COUNT = 2
NAME_MIN_SHARE = 0.95
MALE_PRONOUNS = {"he", "him", "his", "himself"}
C = 0.3  # L2 strength, chosen by the cross-validated log-loss of a few values (see the closing note)


@dataclass(frozen=True)
class Setting:
    threshold: float
    margin: float
    agreement: float | None
    trust_recent: bool


def name_genders(path: Path | None) -> dict[str, str]:
    """Given name -> gender, from the first word of GAP development's multi-word names (see
    `claims.extraction.given_names`)."""
    counts: dict[str, Counter[str]] = {}
    for row in rows("development", path):
        gender = "male" if row.pronoun.lower() in MALE_PRONOUNS else "female"
        for name in row.names:
            words = name.split()
            if len(words) > 1 and words[0].isalpha() and words[0][:1].isupper():
                counts.setdefault(words[0], Counter())[gender] += 1
    genders = {}
    for given, seen in sorted(counts.items()):
        gender, count = seen.most_common(1)[0]
        if sum(seen.values()) >= NAME_MIN_COUNT and count / sum(seen.values()) >= NAME_MIN_SHARE:
            genders[given] = gender
    return genders


def collect(split: str, path: Path | None = None) -> tuple[list[dict[str, Any]], int]:
    """One decision per snippet (the GAP pronoun's), with candidate labels; and the snippet count."""
    decisions = []
    selected = rows(split, path)
    for number, row in enumerate(selected):
        antecedents.SINK = []
        extract_claims(row.text)
        found = [record for record in antecedents.SINK if record["start"] == row.offset]
        antecedents.SINK = None
        if not found:
            continue
        record = found[0]
        gold = [name for name, coref in row.names.items() if coref]
        labels = [any(names_person(name, truth) for truth in gold) for name in record["names"]]
        decisions.append({**record, "row": number, "labels": labels})
    return decisions, len(selected)


def matrix(decisions: Sequence[dict[str, Any]], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    x = [[values[name] for name in names] for d in decisions for values in d["features"]]
    y = [int(label) for d in decisions for label in d["labels"]]
    return np.array(x, dtype=float), np.array(y)


def fit(decisions: Sequence[dict[str, Any]], names: list[str]) -> LogisticRegression:
    x, y = matrix(decisions, names)
    return LogisticRegression(C=C, max_iter=5000).fit(x, y)


def per_decision(
    decisions: Sequence[dict[str, Any]], model: LogisticRegression, names: list[str]
) -> list[list[float]]:
    return [
        [
            float(p)
            for p in model.predict_proba(np.array([[v[n] for n in names] for v in d["features"]]))[:, 1]
        ]
        for d in decisions
    ]


def outcomes(
    decisions: Sequence[dict[str, Any]], probabilities: Sequence[list[float]], setting: Setting
) -> tuple[int, int]:
    """(rewrites made, right ones) when extraction decides with these settings."""
    learned = antecedents.Model(
        {}, 0.0, setting.threshold, setting.margin, setting.agreement, setting.trust_recent
    )
    made = right = 0
    for decision, probs in zip(decisions, probabilities, strict=True):
        chosen = antecedents.decide(
            probs,
            decision["ruled"],
            decision["gendered"],
            learned,
            other_gender=decision["other_gender"],
            alone=decision["alone"],
            recent=decision["recent"],
        )
        if chosen is not None:
            made += 1
            right += decision["labels"][chosen]
    return made, right


def best_setting(
    decisions: Sequence[dict[str, Any]],
    probabilities: Sequence[list[float]],
    total: int,
    precision: float,
    min_coverage: float,
) -> tuple[Setting, float, float]:
    """(setting, coverage, precision): the most coverage at `precision`, else the most precise (to the
    hundredth; then the most coverage)."""
    scored = []
    for threshold in THRESHOLDS:
        for margin in MARGINS:
            for agreement in AGREEMENTS:
                for trust_recent in (False, True):
                    setting = Setting(threshold, margin, agreement, trust_recent)
                    made, right = outcomes(decisions, probabilities, setting)
                    if made:
                        # Ties go to the stricter setting: higher threshold and margin, no rule.
                        rule = (-1.0 if agreement is None else -agreement, -trust_recent)
                        scored.append((made / total, right / made, (threshold, margin, *rule), setting))
    reaching = [s for s in scored if s[1] >= precision and s[0] >= min_coverage]
    if reaching:
        coverage, reached, _, setting = max(reaching, key=lambda s: (s[0], s[1], s[2]))
        return setting, coverage, reached
    # Out-of-fold precision is known to about a hundredth at best: more coverage decides below that.
    enough = [s for s in scored if s[0] >= min_coverage] or scored
    coverage, reached, _, setting = max(enough, key=lambda s: (round(s[1], 2), s[0], s[2]))
    return setting, coverage, reached


def out_of_fold(decisions: list[dict[str, Any]], names: list[str]) -> tuple[list[list[float]], list[int]]:
    """Out-of-fold probabilities, and each decision's fold."""
    oof: list[list[float]] = [[] for _ in decisions]
    fold_of = [0] * len(decisions)
    groups = np.array([d["row"] for d in decisions])
    for fold, (train, test) in enumerate(GroupKFold(n_splits=FOLDS).split(groups, groups=groups)):
        model = fit([decisions[i] for i in train], names)
        for index, probabilities in zip(
            test, per_decision([decisions[i] for i in test], model, names), strict=True
        ):
            oof[index] = probabilities
            fold_of[index] = fold
    return oof, fold_of


def nested(
    decisions: list[dict[str, Any]], oof: list[list[float]], fold_of: list[int], total: int, options: Any
) -> tuple[int, int]:
    """Settings chosen on four folds' out-of-fold predictions, applied to the fifth: (made, right)."""
    made = right = 0
    for fold in range(FOLDS):
        inside = [i for i in range(len(decisions)) if fold_of[i] != fold]
        outside = [i for i in range(len(decisions)) if fold_of[i] == fold]
        setting, _, _ = best_setting(
            [decisions[i] for i in inside],
            [oof[i] for i in inside],
            round(total * len(inside) / len(decisions)),
            options.precision,
            options.min_coverage,
        )
        fold_made, fold_right = outcomes([decisions[i] for i in outside], [oof[i] for i in outside], setting)
        made, right = made + fold_made, right + fold_right
    return made, right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--precision", type=float, default=0.95)
    parser.add_argument("--min-coverage", type=float, default=0.05)
    parser.add_argument("--gap", type=Path, default=None, help="a GAP-format file instead of development")
    parser.add_argument("--output", type=Path, default=antecedents.MODEL_FILE)
    parser.add_argument("--names-output", type=Path, default=given_names.NAMES_FILE)
    options = parser.parse_args()
    genders = name_genders(options.gap)
    names_data = {
        "version": 1,
        "trained_on": "GAP development, bench/train_antecedents.py",
        "min_count": NAME_MIN_COUNT,
        "min_share": NAME_MIN_SHARE,
        "names": genders,
    }
    options.names_output.write_text(json.dumps(names_data, indent=1) + "\n", encoding="utf-8")
    print(f"{len(genders)} given names with a gender, wrote {options.names_output}")
    names_file, model_file = given_names.NAMES_FILE, antecedents.MODEL_FILE
    given_names.NAMES_FILE = options.names_output
    given_names.genders.cache_clear()
    try:
        with tempfile.TemporaryDirectory() as folder:
            antecedents.MODEL_FILE = Path(folder) / "none.json"  # collect with the rule, no model
            antecedents.model.cache_clear()
            decisions, total = collect("development", options.gap)
    finally:
        antecedents.MODEL_FILE, given_names.NAMES_FILE = model_file, names_file
        antecedents.model.cache_clear()
        given_names.genders.cache_clear()
    write(train(decisions, total, options), options.output)
    print(f"wrote {options.output}")


def write(data: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def train(decisions: list[dict[str, Any]], total: int, options: Any) -> dict[str, Any]:
    """Cross-validate, choose the decision settings, fit on everything: the parameter file's data."""
    names = sorted(decisions[0]["features"][0])
    print(
        f"GAP development: {total} pronouns, {len(decisions)} with candidates, "
        f"{sum(len(d['labels']) for d in decisions)} candidates"
    )
    oof, fold_of = out_of_fold(decisions, names)
    setting, coverage, precision = best_setting(
        decisions, oof, total, options.precision, options.min_coverage
    )
    made, right = outcomes(decisions, oof, setting)
    print(
        f"{FOLDS}-fold CV: threshold {setting.threshold} margin {setting.margin} agreement "
        f"{setting.agreement} trust_recent {setting.trust_recent}: "
        f"precision {precision:.3f} coverage {coverage:.3f} "
        f"({right}/{made} right of {total})"
    )
    nested_made, nested_right = nested(decisions, oof, fold_of, total, options)
    print(
        f"nested CV (settings chosen without the judged fold): precision "
        f"{nested_right / max(1, nested_made):.3f} coverage {nested_made / total:.3f}"
    )
    final = fit(decisions, names)
    return {
        "version": 2,
        "trained_on": f"GAP development ({total} snippets), bench/train_antecedents.py",
        "target_precision": options.precision,
        "cv": {
            "precision": round(precision, 4),
            "coverage": round(coverage, 4),
            "nested_precision": round(nested_right / max(1, nested_made), 4),
            "nested_coverage": round(nested_made / total, 4),
            "folds": FOLDS,
        },
        "threshold": setting.threshold,
        "margin": setting.margin,
        "agreement": setting.agreement,
        "trust_recent": setting.trust_recent,
        "intercept": round(float(final.intercept_[0]), 6),
        "weights": {
            name: round(float(weight), 6) for name, weight in zip(names, final.coef_[0], strict=True)
        },
    }


if __name__ == "__main__":
    main()
