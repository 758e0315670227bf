"""Reproduce claims/similarity/rerank_model.json from the CheckThat! 2022 task 2A train queries.

    .venv/bin/python bench/train_rerank.py [--output PATH] [--tune]

Uses the corpus database `bench/checkthat_eval.py` builds (run it once first). For each train
query, the fused candidates come from the match code (`claims.similarity.matching.candidates`,
the configured fusion weights and depth); a candidate is positive when its article is one of the
query's verified claims. The model is a logistic regression over `rerank.FEATURES`, standardised;
C is chosen by 5-fold cross-validation grouped by query (fixed folds), on MAP@5 of the re-ordered
candidates. Deterministic: same data, same file. The full-text lists search the query's rarest
words by the planner's statistics (claims/similarity/keywords.py), which the import's ANALYZE
takes over every row of a corpus this size.

`--tune` first prints fused MAP@5 on the train queries for a grid of fusion weights and depths,
to choose the settings' defaults. Only train queries are used; dev is for reporting
(checkthat_eval.py), and the task's test queries are not in the data folder.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.conf import settings

from bench.checkthat_eval import (
    DATA,
    average_precision_at,
    corpus_user,
    queries_of,
    read_jsonl,
    verified_ids_by_article,
)
from claims.similarity import embeddings, matching, rerank, search
from claims.similarity.queries import clean_query

C_GRID = (0.01, 0.1, 1.0, 10.0)
FOLDS = 5


def prepared_queries(split: str) -> list[tuple[str, np.ndarray, set[str]]]:
    queries, qrels = queries_of(split)
    texts = [clean_query(query["text"]) or query["text"] for query in queries]
    vectors = embeddings.embed_texts(texts)
    return [
        (text, vector, qrels[query["id"]])
        for query, text, vector in zip(queries, texts, vectors, strict=True)
        if qrels.get(query["id"])
    ]


def map_at_5(lists: list[tuple[list[set[str]], set[str]]]) -> float:
    return float(np.mean([average_precision_at(ranked, relevant) for ranked, relevant in lists]))


def ranked_ids(
    found: list[matching.Match], articles: dict[int, set[str]], order: np.ndarray
) -> list[set[str]]:
    seen: set[int] = set()
    ranked = []
    for index in order:
        article = found[index].claim.article_id
        if article not in seen:
            seen.add(article)
            ranked.append(articles.get(article, set()))
    return ranked


def tune(prepared, articles_sql, articles) -> None:
    print("fused MAP@5 on train by (keyword, title) weights, nearest 1.0, depth 30")
    for depth, keyword, title in itertools.product((30,), (0.25, 0.5, 1.0), (0.25, 0.5, 1.0)):
        lists = []
        for text, vector, relevant in prepared:
            found = matching.candidates(text, vector, articles_sql, fusion=(1.0, keyword, title), depth=depth)
            lists.append((ranked_ids(found, articles, np.arange(len(found))), relevant))
        recall = np.mean([bool(set().union(*ranked) & relevant) for ranked, relevant in lists if ranked])
        print(
            f"  depth {depth:>2} keyword {keyword:<4} title {title:<4} "
            f"MAP@5 {map_at_5(lists):.4f} found {recall:.3f}"
        )


def dataset(prepared, articles_sql, articles):
    fusion = matching.weights(matching.FUSED)
    rows, labels, groups, per_query = [], [], [], []
    for number, (text, vector, relevant) in enumerate(prepared):
        found = matching.candidates(
            text, vector, articles_sql, fusion=fusion, depth=settings.FACTCHECK_MATCH_DEPTH
        )
        if not found:
            per_query.append(([], relevant))
            continue
        rows.append(rerank.features(text, found))
        labels.extend(float(bool(articles.get(item.claim.article_id, set()) & relevant)) for item in found)
        groups.extend([number] * len(found))
        per_query.append((found, relevant))
    return np.vstack(rows), np.asarray(labels), np.asarray(groups), per_query


def evaluate(scores: np.ndarray, groups: np.ndarray, per_query, articles) -> float:
    lists = []
    for number, (found, relevant) in enumerate(per_query):
        if not found:
            lists.append(([], relevant))
            continue
        query_scores = scores[groups == number]
        order = np.lexsort(([item.claim.pk for item in found], -query_scores))
        lists.append((ranked_ids(found, articles, order), relevant))
    return map_at_5(lists)


def fit(rows: np.ndarray, labels: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray, LogisticRegression]:
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000, solver="lbfgs")
    model.fit((rows - mean) / scale, labels)
    return mean, scale, model


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--output", type=Path, default=rerank.MODEL_FILE)
    parser.add_argument("--tune", action="store_true")
    args = parser.parse_args()

    corpus = read_jsonl(DATA / "corpus.jsonl")
    user, team = corpus_user()
    articles = verified_ids_by_article(team, corpus)
    articles_sql = search.searchable_articles_sql(user)
    assert articles_sql is not None, "run bench/checkthat_eval.py first: it imports the corpus"
    prepared = prepared_queries("train")
    print(f"train: {len(prepared)} queries")
    if args.tune:
        tune(prepared, articles_sql, articles)

    rows, labels, groups, per_query = dataset(prepared, articles_sql, articles)
    fused = np.zeros(len(labels))
    for number in np.unique(groups):
        fused[groups == number] = -np.arange((groups == number).sum())
    baseline = evaluate(fused, groups, per_query, articles)
    print(f"candidates: {len(labels):,} ({int(labels.sum()):,} positive); fused MAP@5 {baseline:.4f}")

    folds = list(GroupKFold(n_splits=FOLDS).split(rows, labels, groups))
    best_c, best_map = C_GRID[0], -1.0
    for c in C_GRID:
        out_of_fold = np.zeros(len(labels))
        for train, test in folds:
            mean, scale, model = fit(rows[train], labels[train], c)
            out_of_fold[test] = model.decision_function((rows[test] - mean) / scale)
        score = evaluate(out_of_fold, groups, per_query, articles)
        print(f"C={c:<5} 5-fold MAP@5 (grouped by query) {score:.4f}")
        if score > best_map:
            best_c, best_map = c, score

    mean, scale, model = fit(rows, labels, best_c)
    parameters = {
        "version": rerank.VERSION,
        "trained_on": "CLEF CheckThat! 2022 task 2A English train queries",
        "features": list(rerank.FEATURES),
        "fusion": {
            "depth": settings.FACTCHECK_MATCH_DEPTH,
            "weights": list(matching.weights(matching.FUSED)),
        },
        "C": best_c,
        "cross_validated_map_at_5": round(best_map, 4),
        "mean": [round(float(value), 8) for value in mean],
        "scale": [round(float(value), 8) for value in scale],
        "coef": [round(float(value), 8) for value in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 8),
    }
    args.output.write_text(json.dumps(parameters, indent=1) + "\n", encoding="utf-8")
    print(f"C={best_c}: wrote {args.output}")
    for name, weight in sorted(
        zip(rerank.FEATURES, model.coef_[0], strict=True), key=lambda pair: -abs(pair[1])
    ):
        print(f"  {name:<18} {weight:+.3f}")


if __name__ == "__main__":
    main()
