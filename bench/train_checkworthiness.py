"""Reproduce claims/similarity/checkworthiness_model.json from public labels and our own news texts.

    python bench/train_checkworthiness.py [--output PATH] [--sample N] [--no-news] [--cue-baseline]
                                          [--skip-heldout]

Data: the ClaimBuster training split (`../shared/data/claimbuster/train.jsonl`, label 1 = a
check-worthy factual claim) and the development part of our labelled news texts
(`tests/data/extraction/*.json` and `news/dev/`: each gold claim's quote is a positive, each
non-claim's a negative). The held-out texts (`heldout/`, `news/heldout/`) are only measured, and
not even that with `--skip-heldout` (while choosing a model).

Features: the all-MiniLM-L6-v2 embedding the ingest computes (the same `embed_texts`), the text
cues of `claims.similarity.checkworthiness.cue_features`, and the words (`checkworthiness.terms`).
Model, a stack of three, each chosen by 5-fold stratified cross-validation (fixed seed) on
ClaimBuster and our dev texts, never on the held-out texts:
- a logistic regression over the embedding and the cues (C chosen from C_VALUES by CV AUC);
- a logistic regression over TF-IDF word unigrams and bigrams (vocabulary capped at TFIDF_MAX_TERMS);
- a neural network over the standardised embedding and cues (one ReLU layer of NETWORK_UNITS),
  trained with NETWORK_SEEDS, their log-odds averaged;
- a last logistic layer over the three log-odds, fit on their out-of-fold predictions: it weighs
  and calibrates them.
The stack's cross-validated figures come from that layer fit on the other folds' out-of-fold
log-odds. The file is written from models fit on everything; dev and held-out scores below are the
shipped runtime's (`checkworthiness.model_from`), so training and run time agree by construction.

Prints: 5-fold CV ROC AUC on ClaimBuster (out-of-fold) of each model and of the stack, Brier score
and a reliability table; ROC AUC on our development texts (out-of-fold when they are trained on)
and held-out texts; and, with `--cue-baseline`, the hand-written cue scorer's AUC on the same sets.
Deterministic (fixed seeds, one BLAS thread): same data, same file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

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
VERSION = 2
C_VALUES = [1.0, 4.0]
# Chosen by the same cross-validation (TF-IDF C among 2, 5 and 10; network units 64, 128 and 256,
# alpha 0.01 to 10, inputs raw or standardised; one to three seeds): the best AUC for the smallest file.
TFIDF_C = 5.0
TFIDF_MIN_DF = 2
TFIDF_MAX_TERMS = 20_000  # ~17,000 terms occur twice: the cap only bounds the file
NETWORK_UNITS = 128
NETWORK_ALPHA = 3.0
NETWORK_SEEDS = (0, 1)
NETWORK_EPOCHS = 300
MIN_SCALE = 1e-3  # the least standard deviation an input is divided by (the others are >= 0.02)
STACK_C = 100.0  # barely regularised: three weights and an intercept
# Our texts are few beside ClaimBuster's debates; each counts this much more in training.
NEWS_WEIGHT = 4.0
SEED = 0
# Significant digits kept in the file: the runtime's scores agree with training's to ~1e-6.
DIGITS = 6
# The stacked models, in the order of their log-odds columns.
STACKED = ("linear", "tfidf", "network")

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


def fit_linear(x: np.ndarray, y: np.ndarray, weights: np.ndarray, c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=5000).fit(x, y, sample_weight=weights)


def fit_tfidf(texts: list[str], y: np.ndarray, weights: np.ndarray) -> Pipeline:
    vectorizer = TfidfVectorizer(
        analyzer=checkworthiness.terms, min_df=TFIDF_MIN_DF, max_features=TFIDF_MAX_TERMS, sublinear_tf=True
    )
    pipeline = make_pipeline(vectorizer, LogisticRegression(C=TFIDF_C, max_iter=5000))
    return pipeline.fit(texts, y, logisticregression__sample_weight=weights)


def fit_network(x: np.ndarray, y: np.ndarray, weights: np.ndarray, seed: int) -> Pipeline:
    scaler = StandardScaler().fit(x)
    # all-MiniLM-L6-v2 has dimensions that are all but constant (standard deviation ~1e-33): divided
    # by that, float noise would become a feature, and any other vector would give log-odds of 1e30.
    scaler.scale_ = np.maximum(scaler.scale_, MIN_SCALE)
    network = MLPClassifier(
        hidden_layer_sizes=(NETWORK_UNITS,), alpha=NETWORK_ALPHA, max_iter=NETWORK_EPOCHS, random_state=seed
    )
    return make_pipeline(scaler, network.fit(scaler.transform(x), y, sample_weight=weights))


def network_logits(pipeline: Pipeline, x: np.ndarray) -> np.ndarray:
    """The network's log-odds (scikit-learn gives only probabilities, which saturate)."""
    scaler, network = pipeline.named_steps["standardscaler"], pipeline.named_steps["mlpclassifier"]
    hidden = np.maximum(scaler.transform(x) @ network.coefs_[0] + network.intercepts_[0], 0.0)
    return (hidden @ network.coefs_[1] + network.intercepts_[1])[:, 0]


@dataclass
class Fitted:
    """The three models fit on one training set."""

    linear: LogisticRegression
    tfidf: Pipeline
    networks: list[Pipeline]

    def logits(self, texts: list[str], x: np.ndarray) -> np.ndarray:
        """Rows of (linear, TF-IDF, averaged network) log-odds."""
        network = np.mean([network_logits(pipeline, x) for pipeline in self.networks], axis=0)
        return np.column_stack(
            [self.linear.decision_function(x), self.tfidf.decision_function(texts), network]
        )


def fit_models(texts: list[str], x: np.ndarray, y: np.ndarray, weights: np.ndarray, c: float) -> Fitted:
    return Fitted(
        linear=fit_linear(x, y, weights, c),
        tfidf=fit_tfidf(texts, y, weights),
        networks=[fit_network(x, y, weights, seed) for seed in NETWORK_SEEDS],
    )


def folds(y: np.ndarray, groups: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Five folds, stratified by label and source (ClaimBuster or ours), fixed seed."""
    splitter = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    return list(splitter.split(np.zeros(len(y)), y * 2 + groups))


def out_of_fold_linear(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, splits: list[tuple[np.ndarray, np.ndarray]], c: float
) -> np.ndarray:
    """Out-of-fold log-odds of the linear model alone (to choose its C)."""
    logits = np.zeros(len(y))
    for train, test in splits:
        logits[test] = fit_linear(x[train], y[train], weights[train], c).decision_function(x[test])
    return logits


def out_of_fold(
    texts: list[str],
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    splits: list[tuple[np.ndarray, np.ndarray]],
    c: float,
) -> np.ndarray:
    """Out-of-fold (linear, TF-IDF, network) log-odds of every row."""
    logits = np.zeros((len(y), 3))
    for train, test in splits:
        fitted = fit_models([texts[i] for i in train], x[train], y[train], weights[train], c)
        logits[test] = fitted.logits([texts[i] for i in test], x[test])
    return logits


def fit_stack(logits: np.ndarray, y: np.ndarray, weights: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=STACK_C, max_iter=5000).fit(logits, y, sample_weight=weights)


def stack_out_of_fold(
    logits: np.ndarray, y: np.ndarray, weights: np.ndarray, splits: list[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """The stack's out-of-fold probabilities: its last layer fit on the other folds' rows."""
    probabilities = np.zeros(len(y))
    for train, test in splits:
        probabilities[test] = fit_stack(logits[train], y[train], weights[train]).predict_proba(logits[test])[
            :, 1
        ]
    return probabilities


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


def rounded(value: Any) -> Any:
    """Numbers (in lists, at any depth) to DIGITS significant digits."""
    if isinstance(value, np.ndarray | list):
        return [rounded(item) for item in value]
    return float(f"{float(value):.{DIGITS}g}")


def tfidf_parameters(pipeline: Pipeline) -> dict[str, Any]:
    vectorizer, model = pipeline.named_steps["tfidfvectorizer"], pipeline.named_steps["logisticregression"]
    return {
        "intercept": rounded(model.intercept_[0]),
        "terms": {
            term: [rounded(vectorizer.idf_[column]), rounded(model.coef_[0][column])]
            for term, column in sorted(vectorizer.vocabulary_.items())
        },
    }


def network_parameters(pipeline: Pipeline) -> dict[str, Any]:
    """One network, its input standardisation folded into the first layer."""
    scaler, network = pipeline.named_steps["standardscaler"], pipeline.named_steps["mlpclassifier"]
    hidden_weights = network.coefs_[0] / scaler.scale_[:, None]
    return {
        "hidden_weights": rounded(hidden_weights),
        "hidden_bias": rounded(network.intercepts_[0] - (scaler.mean_ / scaler.scale_) @ network.coefs_[0]),
        "output_weights": rounded(network.coefs_[1][:, 0]),
        "output_bias": rounded(network.intercepts_[1][0]),
    }


def parameters(
    fitted: Fitted, stack: LogisticRegression, texts: list[str], x: np.ndarray, source: str
) -> dict[str, Any]:
    dimensions = x.shape[1] - len(checkworthiness.CUE_NAMES)
    weights = fitted.linear.coef_[0]
    return {
        "version": VERSION,
        "trained_on": source,
        "features": "all-MiniLM-L6-v2 embedding + claims.similarity.checkworthiness.cue_features + terms",
        "stack": {
            "intercept": rounded(stack.intercept_[0]),
            **{name: rounded(weight) for name, weight in zip(STACKED, stack.coef_[0], strict=True)},
            "mean": rounded(stack.decision_function(fitted.logits(texts, x)).mean()),
        },
        "intercept": rounded(fitted.linear.intercept_[0]),
        "cue_weights": {
            name: rounded(weights[dimensions + index]) for index, name in enumerate(checkworthiness.CUE_NAMES)
        },
        "cue_means": {
            name: rounded(x[:, dimensions + index].mean())
            for index, name in enumerate(checkworthiness.CUE_NAMES)
        },
        "embedding_weights": rounded(weights[:dimensions]),
        "networks": [network_parameters(pipeline) for pipeline in fitted.networks],
        "tfidf": tfidf_parameters(fitted.tfidf),
    }


def runtime_scores(data: dict, texts: list[str], x: np.ndarray) -> np.ndarray:
    """The probabilities the shipped file gives at run time (`checkworthiness.model_from`)."""
    dimensions = x.shape[1] - len(checkworthiness.CUE_NAMES)
    learned = checkworthiness.model_from(data)
    return np.array([probability for probability, _ in learned.scores(x[:, :dimensions], texts)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=checkworthiness.MODEL_FILE)
    parser.add_argument("--sample", type=int, default=None, help="only the first N ClaimBuster rows (by id)")
    parser.add_argument("--no-news", action="store_true", help="train on ClaimBuster alone")
    parser.add_argument("--cue-baseline", action="store_true", help="also measure the hand-written cues")
    parser.add_argument("--skip-heldout", action="store_true", help="do not read the held-out texts")
    options = parser.parse_args()
    with threadpool_limits(1):  # deterministic sums, and faster than threads fighting over two cores
        train(options)


def train(options: argparse.Namespace) -> None:
    debate_texts, debate_labels = claimbuster(options.sample)
    dev_texts, dev_labels = labelled(DEV_FOLDERS)
    heldout_texts, heldout_labels = labelled([] if options.skip_heldout else HELDOUT_FOLDERS)
    print(
        f"ClaimBuster train: {len(debate_labels)} ({debate_labels.sum()} check-worthy); our dev: "
        f"{len(dev_labels)} ({dev_labels.sum()} claims); our held-out: {len(heldout_labels)} "
        f"({heldout_labels.sum()})"
    )
    debate_x, dev_x = features(debate_texts), features(dev_texts)
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

    splits = folds(y, groups)
    texts = debate_texts + ([] if options.no_news else dev_texts)

    linear_logits = {c: out_of_fold_linear(x, y, weights, splits, c) for c in C_VALUES}
    for c in C_VALUES:
        print(f"Linear model, C={c}: 5-fold CV ROC AUC on ClaimBuster {auc(y, linear_logits[c], debate):.4f}")
    best = max(C_VALUES, key=lambda c: (round(auc(y, linear_logits[c], debate), 4), -c))
    print(f"Chosen C={best}")

    logits = out_of_fold(texts, x, y, weights, splits, best)
    for column, name in enumerate(("linear (embedding + cues)", "TF-IDF words", "network (seeds averaged)")):
        print(f"5-fold CV ROC AUC on ClaimBuster, {name}: {auc(y, logits[:, column], debate):.4f}")
    oof = stack_out_of_fold(logits, y, weights, splits)
    print(f"\n5-fold CV ROC AUC, ClaimBuster train (stack): {auc(y, oof, debate):.4f}")
    print(f"Brier score (out-of-fold), ClaimBuster train: {brier_score_loss(y[debate], oof[debate]):.4f}")
    print("Reliability (out-of-fold), ClaimBuster train:")
    print("\n".join(reliability(y[debate], oof[debate])))

    final = fit_models(texts, x, y, weights, best)
    stack = fit_stack(logits, y, weights)
    print(
        "Stack weights: linear {:.3f}, TF-IDF {:.3f}, network {:.3f}, intercept {:.3f}".format(
            *stack.coef_[0], stack.intercept_[0]
        )
    )
    source = (
        f"ClaimBuster train ({len(debate_labels)} sentences)"
        + (
            ""
            if options.no_news
            else f" + our labelled dev texts ({len(dev_labels)} quotes, weight {NEWS_WEIGHT})"
        )
        + f", linear C={best}, bench/train_checkworthiness.py"
    )
    data = parameters(final, stack, texts, x, source)
    trained = final.logits(texts, x)
    shipped = runtime_scores(data, texts, x)
    difference = np.abs(shipped - stack.predict_proba(trained)[:, 1]).max()
    print(f"Shipped file against the fitted models, all training rows: largest difference {difference:.4f}")

    if options.no_news:
        dev_predictions, dev_note = runtime_scores(data, dev_texts, dev_x), "not trained on"
    else:
        dev_predictions, dev_note = oof[~debate], "out-of-fold"
    report_news(f"dev ({dev_note})", dev_labels, dev_predictions)
    if heldout_texts:
        report_news("held-out", heldout_labels, runtime_scores(data, heldout_texts, features(heldout_texts)))
    if options.cue_baseline:
        print("\nHand-written cues (spaCy, no headline flag):")
        for name, sample, labels in (
            ("ClaimBuster train", debate_texts, debate_labels),
            ("our dev", dev_texts, dev_labels),
            ("our held-out", heldout_texts, heldout_labels),
        ):
            if sample:
                print(f"  {name}: ROC AUC {roc_auc_score(labels, cue_scores(sample)):.4f}")

    text = json.dumps(data, separators=(",", ":"))
    options.output.write_text(text + "\n", encoding="utf-8")
    print(f"\nWrote {options.output} ({len(text.encode()) / 1e6:.2f} MB)")


def auc(y: np.ndarray, scores: np.ndarray, rows: np.ndarray) -> float:
    return float(roc_auc_score(y[rows], scores[rows]))


def report_news(name: str, labels: np.ndarray, predictions: np.ndarray) -> None:
    print(
        f"\nOur news-style {name}: ROC AUC {roc_auc_score(labels, predictions):.4f}, Brier score "
        f"{brier_score_loss(labels, predictions):.4f}"
    )
    shown = predictions >= 0.5
    print(
        f"At 0.5: {(shown & (labels == 1)).sum()}/{labels.sum()} claims above, "
        f"{(~shown & (labels == 0)).sum()}/{(labels == 0).sum()} non-claims below"
    )
    print("\n".join(reliability(labels, predictions)))


if __name__ == "__main__":
    main()
