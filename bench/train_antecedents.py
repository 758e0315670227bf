"""Reproduce claims/extraction/antecedent_model.json from GAP development.

    python bench/train_antecedents.py [--precision 0.95] [--min-coverage 0.05] [--output PATH]

Each GAP development snippet goes through extraction with the rule (no model); every he/she
decision's candidates and features are collected, and a candidate is labelled by whether it names
the person GAP says the pronoun means. A logistic regression is cross-validated (5 folds grouped
by snippet); the threshold and margin are the ones that give the most coverage at the wanted
precision on the out-of-fold predictions or, when no setting reaches it, the most precise setting
that still rewrites at least `--min-coverage` of the pronouns (precision first). The final model
is fitted on all of development.
Deterministic: same data, same file. Check it on validation with `bench/rewrite_eval.py`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.rewrite_eval import names_person, rows  # noqa: E402
from claims.extraction import antecedents  # noqa: E402
from claims.extraction.pipeline import extract_claims  # noqa: E402

THRESHOLDS = [round(0.3 + 0.02 * step, 2) for step in range(35)]
MARGINS = [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5]


def collect(split: str) -> tuple[list[dict], int]:
    """One decision per snippet (the GAP pronoun's), with candidate labels; and the snippet count."""
    decisions = []
    selected = rows(split)
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
        decisions.append({"row": number, "features": record["features"], "labels": labels})
    return decisions, len(selected)


def matrix(decisions: list[dict], names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, y, groups = [], [], []
    for decision in decisions:
        for values, label in zip(decision["features"], decision["labels"], strict=True):
            x.append([values[name] for name in names])
            y.append(int(label))
            groups.append(decision["row"])
    return np.array(x), np.array(y), np.array(groups)


def outcomes(
    decisions: list[dict], probabilities: list[list[float]], threshold: float, margin: float
) -> tuple[int, int]:
    made = right = 0
    for decision, probs in zip(decisions, probabilities, strict=True):
        chosen = antecedents.confident(probs, threshold, margin)
        if chosen is not None:
            made += 1
            right += decision["labels"][chosen]
    return made, right


def best_setting(
    decisions: list[dict], probabilities: list[list[float]], total: int, precision: float, min_coverage: float
) -> tuple[float, float, float, float]:
    """(coverage, precision, threshold, margin)."""
    settings = []
    for threshold in THRESHOLDS:
        for margin in MARGINS:
            made, right = outcomes(decisions, probabilities, threshold, margin)
            if made:
                settings.append((made / total, right / made, threshold, margin))
    reaching = [setting for setting in settings if setting[1] >= precision and setting[0] >= min_coverage]
    if reaching:
        return max(reaching)
    enough = [setting for setting in settings if setting[0] >= min_coverage]
    return max(enough, key=lambda setting: (round(setting[1], 3), setting[0]))


def per_decision(decisions: list[dict], model: LogisticRegression, names: list[str]) -> list[list[float]]:
    return [
        list(model.predict_proba(np.array([[values[n] for n in names] for values in d["features"]]))[:, 1])
        for d in decisions
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--precision", type=float, default=0.95)
    parser.add_argument("--min-coverage", type=float, default=0.05)
    parser.add_argument(
        "--agreement",
        type=float,
        default=0.3,
        help="the probability the rule's pick needs when the model also ranks it first",
    )
    parser.add_argument("--output", type=Path, default=antecedents.MODEL_FILE)
    options = parser.parse_args()
    antecedents.model.cache_clear()
    antecedents.MODEL_FILE = Path("/nonexistent")  # collect with the rule, not a previous model
    decisions, total = collect("development")
    antecedents.MODEL_FILE = ROOT / "claims" / "extraction" / "antecedent_model.json"
    antecedents.model.cache_clear()
    names = sorted(decisions[0]["features"][0])
    x, y, groups = matrix(decisions, names)
    print(f"GAP development: {total} pronouns, {len(decisions)} with candidates, {len(y)} candidates")

    oof: list[list[float]] = [[] for _ in decisions]
    decision_groups = np.array([d["row"] for d in decisions])
    for train, test in GroupKFold(n_splits=5).split(np.zeros(len(decisions)), groups=decision_groups):
        train_rows = set(decision_groups[train])
        mask = np.array([group in train_rows for group in groups])
        fold = LogisticRegression(C=1.0, max_iter=2000).fit(x[mask], y[mask])
        for index, probabilities in zip(
            test, per_decision([decisions[i] for i in test], fold, names), strict=True
        ):
            oof[index] = probabilities
    coverage, precision, threshold, margin = best_setting(
        decisions, oof, total, options.precision, options.min_coverage
    )
    made, right = outcomes(decisions, oof, threshold, margin)
    print(
        f"5-fold CV: threshold {threshold} margin {margin}: precision {precision:.3f} "
        f"coverage {coverage:.3f} ({right}/{made} right of {total})"
    )
    final = LogisticRegression(C=1.0, max_iter=2000).fit(x, y)
    data = {
        "version": 1,
        "trained_on": f"GAP development ({total} snippets), bench/train_antecedents.py",
        "target_precision": options.precision,
        "cv": {"precision": round(precision, 4), "coverage": round(coverage, 4), "folds": 5},
        "threshold": threshold,
        "margin": margin,
        "agreement": options.agreement,
        "intercept": round(float(final.intercept_[0]), 6),
        "weights": {
            name: round(float(weight), 6) for name, weight in zip(names, final.coef_[0], strict=True)
        },
    }
    options.output.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {options.output}")


if __name__ == "__main__":
    main()
