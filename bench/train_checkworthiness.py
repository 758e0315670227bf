"""Reproduce claims/similarity/checkworthiness_model.json from public labels and our own news texts.

    python bench/train_checkworthiness.py [--output PATH] [--sample N] [--no-news] [--cue-baseline]

Data: the ClaimBuster training split (`../shared/data/claimbuster/train.jsonl`, label 1 = a
check-worthy factual claim) and the development part of our labelled news texts
(`tests/data/extraction/*.json` and `news/dev/`: each gold claim's quote is a positive, each
non-claim's a negative). The held-out texts (`heldout/`, `news/heldout/`) are only measured.

Features: the all-MiniLM-L6-v2 embedding the ingest computes (the same `embed_texts`), plus the
text cues of `claims.similarity.checkworthiness.cue_features`. Model: logistic regression (lbfgs,
no randomness); C chosen by 5-fold stratified cross-validation (fixed seed) on ROC AUC.

Prints: 5-fold CV ROC AUC on ClaimBuster (out-of-fold), Brier score and a reliability table; ROC AUC
on our development texts (out-of-fold when they are trained on) and held-out texts; and, with
`--cue-baseline`, the hand-written cue scorer's AUC on the same sets. Deterministic: same data,
same file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django  # noqa: E402

django.setup()

from claims.similarity import checkworthiness  # noqa: E402
from claims.similarity.embeddings import embed_texts  # noqa: E402

CLAIMBUSTER = ROOT.parent / "shared" / "data" / "claimbuster" / "train.jsonl"
LABELLED = ROOT / "tests" / "data" / "extraction"
DEV_FOLDERS = [LABELLED, LABELLED / "news" / "dev"]
HELDOUT_FOLDERS = [LABELLED / "heldout", LABELLED / "news" / "heldout"]
C_VALUES = [1.0, 4.0]
# Our texts are few beside ClaimBuster's debates; each counts this much more in training.
NEWS_WEIGHT = 4.0
SEED = 0

Examples = tuple[list[str], np.ndarray]


def claimbuster(sample: int | None) -> Examples:
    rows = [json.loads(line) for line in CLAIMBUSTER.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows.sort(key=lambda row: str(row["id"]))
    if sample:
        rows = rows[:sample]
    return [row["text"] for row in rows], np.array([int(row["label"]) for row in rows])


def labelled(folders: list[Path]) -> Examples:
    texts, labels = [], []
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            for kind, label in (("claims", 1), ("non_claims", 0)):
                for item in data.get(kind, []):
                    texts.append(item["quote"])
                    labels.append(label)
    return texts, np.array(labels)


def features(texts: list[str]) -> np.ndarray:
    cues = [
        [checkworthiness.cue_features(text)[name] for name in checkworthiness.CUE_NAMES] for text in texts
    ]
    return np.hstack([embed_texts(texts).astype(np.float64), np.array(cues, dtype=np.float64)])


def fit(x: np.ndarray, y: np.ndarray, weights: np.ndarray, c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000).fit(x, y, sample_weight=weights)


def out_of_fold(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, groups: np.ndarray, c: float
) -> np.ndarray:
    """Out-of-fold probabilities; folds stratified by label and source (ClaimBuster or ours)."""
    predictions = np.zeros(len(y))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    for train, test in folds.split(x, y * 2 + groups):
        predictions[test] = fit(x[train], y[train], weights[train], c).predict_proba(x[test])[:, 1]
    return predictions


def reliability(y: np.ndarray, probabilities: np.ndarray, bins: int = 10) -> list[str]:
    lines = ["  predicted      n   mean predicted   share check-worthy"]
    edges = np.linspace(0, 1, bins + 1)
    for low, high in itertools.pairwise(edges):
        inside = (probabilities >= low) & ((probabilities < high) | (high == 1.0))
        if inside.any():
            lines.append(
                f"  {low:.1f}-{high:.1f}  {inside.sum():6d}   {probabilities[inside].mean():14.3f}"
                f"   {y[inside].mean():18.3f}"
            )
    return lines


def cue_scores(texts: list[str]) -> np.ndarray:
    """The hand-written cue scorer of extraction (spaCy), each text parsed on its own."""
    from claims.extraction import checkworthiness as cues
    from claims.extraction.parse import nlp

    return np.array(
        [cues.score(list(doc), text, text)[0] for text, doc in zip(texts, nlp().pipe(texts), strict=True)]
    )


def parameters(model: LogisticRegression, x: np.ndarray, source: str) -> dict:
    dimensions = x.shape[1] - len(checkworthiness.CUE_NAMES)
    weights = model.coef_[0]
    embedding_weights = weights[:dimensions]
    return {
        "version": 1,
        "trained_on": source,
        "features": "all-MiniLM-L6-v2 embedding + claims.similarity.checkworthiness.cue_features",
        "intercept": round(float(model.intercept_[0]), 6),
        "cue_weights": {
            name: round(float(weights[dimensions + index]), 6)
            for index, name in enumerate(checkworthiness.CUE_NAMES)
        },
        "cue_means": {
            name: round(float(x[:, dimensions + index].mean()), 6)
            for index, name in enumerate(checkworthiness.CUE_NAMES)
        },
        "embedding_mean": round(float((x[:, :dimensions] @ embedding_weights).mean()), 6),
        "embedding_weights": [round(float(value), 6) for value in embedding_weights],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=checkworthiness.MODEL_FILE)
    parser.add_argument("--sample", type=int, default=None, help="only the first N ClaimBuster rows (by id)")
    parser.add_argument("--no-news", action="store_true", help="train on ClaimBuster alone")
    parser.add_argument("--cue-baseline", action="store_true", help="also measure the hand-written cues")
    options = parser.parse_args()

    debate_texts, debate_labels = claimbuster(options.sample)
    dev_texts, dev_labels = labelled(DEV_FOLDERS)
    heldout_texts, heldout_labels = labelled(HELDOUT_FOLDERS)
    print(
        f"ClaimBuster train: {len(debate_labels)} ({debate_labels.sum()} check-worthy); our dev: "
        f"{len(dev_labels)} ({dev_labels.sum()} claims); our held-out: {len(heldout_labels)} "
        f"({heldout_labels.sum()})"
    )
    debate_x, dev_x, heldout_x = features(debate_texts), features(dev_texts), features(heldout_texts)
    if options.no_news:
        x, y, groups = debate_x, debate_labels, np.zeros(len(debate_labels), dtype=int)
    else:
        x = np.vstack([debate_x, dev_x])
        y = np.concatenate([debate_labels, dev_labels])
        groups = np.concatenate(
            [np.zeros(len(debate_labels), dtype=int), np.ones(len(dev_labels), dtype=int)]
        )
    weights = np.where(groups == 1, NEWS_WEIGHT, 1.0)
    debate = groups == 0

    results = {}
    for c in C_VALUES:
        predictions = out_of_fold(x, y, weights, groups, c)
        results[c] = predictions
        print(f"C={c}: 5-fold CV ROC AUC on ClaimBuster {roc_auc_score(y[debate], predictions[debate]):.4f}")
    best = max(C_VALUES, key=lambda c: (round(roc_auc_score(y[debate], results[c][debate]), 4), -c))
    oof = results[best]
    print(f"\nChosen C={best}")
    print(f"5-fold CV ROC AUC, ClaimBuster train: {roc_auc_score(y[debate], oof[debate]):.4f}")
    print(f"Brier score (out-of-fold), ClaimBuster train: {brier_score_loss(y[debate], oof[debate]):.4f}")
    print("Reliability (out-of-fold), ClaimBuster train:")
    print("\n".join(reliability(y[debate], oof[debate])))

    final = fit(x, y, weights, best)
    if options.no_news:
        dev_predictions, dev_note = final.predict_proba(dev_x)[:, 1], "not trained on"
    else:
        dev_predictions, dev_note = oof[~debate], "out-of-fold"
    heldout_predictions = final.predict_proba(heldout_x)[:, 1]
    print(f"\nOur news-style dev ROC AUC ({dev_note}): {roc_auc_score(dev_labels, dev_predictions):.4f}")
    print(f"Our news-style held-out ROC AUC: {roc_auc_score(heldout_labels, heldout_predictions):.4f}")
    print(f"Brier score, held-out: {brier_score_loss(heldout_labels, heldout_predictions):.4f}")
    for name, labels, predictions in (
        ("dev", dev_labels, dev_predictions),
        ("held-out", heldout_labels, heldout_predictions),
    ):
        shown = predictions >= 0.5
        print(
            f"At 0.5 on {name}: {(shown & (labels == 1)).sum()}/{labels.sum()} claims above, "
            f"{(~shown & (labels == 0)).sum()}/{(labels == 0).sum()} non-claims below"
        )
    print("Reliability, held-out:")
    print("\n".join(reliability(heldout_labels, heldout_predictions)))
    if options.cue_baseline:
        print("\nHand-written cues (spaCy, no headline flag):")
        for name, texts, labels in (
            ("ClaimBuster train", debate_texts, debate_labels),
            ("our dev", dev_texts, dev_labels),
            ("our held-out", heldout_texts, heldout_labels),
        ):
            print(f"  {name}: ROC AUC {roc_auc_score(labels, cue_scores(texts)):.4f}")

    source = (
        f"ClaimBuster train ({len(debate_labels)} sentences)"
        + (
            ""
            if options.no_news
            else f" + our labelled dev texts ({len(dev_labels)} quotes, weight {NEWS_WEIGHT})"
        )
        + f", C={best}, bench/train_checkworthiness.py"
    )
    options.output.write_text(json.dumps(parameters(final, x, source), indent=1) + "\n", encoding="utf-8")
    print(f"\nWrote {options.output}")


if __name__ == "__main__":
    main()
