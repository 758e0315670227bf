"""Reference figures for a claim: the rows of its team's and the shared tables that say the same
thing about the same period in the same kind of unit, each compared with the claim's figure.

Candidates come from one SQL statement over the claim's tables: the labels nearest the claim's
meaning (HNSW cosine over each label's embedded "table name: label", one vector per label however
many periods it has) and the labels naming all its capitalised words (full text), then their rows
in the periods the claim could mean. In Python, each candidate must pass four checks before it is
compared: close enough in meaning, every name in its label named by the claim ("Germany" is not
said of Spain), the dimension of one of the claim's quantities (with no label in another unit
clearly closer), and a period that overlaps the claim's dates, or, for a claim without a date, the
article's date (else the latest period before it, within a few years). Rows that pass on meaning
but fail on unit or period are listed after, as `no_comparable_figure`, so the editor sees what the
table holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import connection

from claims import access
from claims.extraction import normalisation
from claims.fields import vector_text
from claims.models import Claim
from claims.similarity.embeddings import embed_text
from sources import figures
from sources.models import ReferenceRow

# Candidates each list gives: rows nearest in meaning, and rows sharing words.
DEPTH = 40
# Cosine similarity (claim text, "table name: label") from which a row may be about the same thing;
# set on the development half of tests/data/statistics/ (bench/statistics_eval.py).
MIN_SIMILARITY = 0.40
# A claim whose words are clearly closer to a row in another unit speaks of that measure ("3 million
# people were unemployed" is about unemployment, not population, though both count people): rows in
# its own unit that are less close than that by this margin are not its figure.
OTHER_MEASURE_MARGIN = 0.05
KEYWORD_BONUS = 0.05
# An undated claim is compared with the period around its article's date, or else with the latest
# figure published before it, at most this far back; each year back costs a little score.
UNDATED_LOOKBACK = timedelta(days=3 * 366)
YEAR_BACK_PENALTY = 0.02
RESULT_LIMIT = 5
NOT_COMPARABLE_LIMIT = 2

# Words that start labels without naming anything ("Total population", "Unemployment rate").
_GENERIC = frozenset({
    "total", "population", "unemployment", "employment", "rate", "rates", "number", "share",
    "percentage", "percent", "people", "annual", "average", "gross", "net", "national", "budget",
    "spending", "expenditure", "income", "revenue", "deaths", "births", "cases", "households", "homes",
    "adults", "children", "men", "women", "all", "public", "private", "government", "debt", "deficit",
    "gdp", "inflation", "consumer", "prices", "price", "index", "median", "mean", "estimated",
    "estimate", "mid", "year", "month", "quarter", "the", "of", "and", "in", "for", "on", "at", "by",
    "per", "a", "an",
})  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
_CAPITALISED = re.compile(r"\b[A-Z][^\W\d_]+")
_NOT_NAMES = frozenset(
    {"the", "a", "an", "in", "on", "at", "by", "for", "of", "and", "but", "it", "its", "this"}
)


@dataclass(frozen=True)
class Figure:
    """A reference row set against a claim: compared (hint consistent/differs) or not comparable."""

    row: ReferenceRow
    score: float
    hint: str
    claim_value: float | None = None
    difference: float | None = None
    relative_difference: float | None = None
    quantity_text: str = ""

    @property
    def claim_value_text(self) -> str:
        return figures.number_text(self.claim_value)

    @property
    def relative_percent(self) -> float | None:
        return None if self.relative_difference is None else 100 * self.relative_difference


@dataclass(frozen=True)
class _Periods:
    intervals: list[tuple[date, date]]
    explicit: bool
    article_day: date | None


def claim_figures(claim: Claim, *, limit: int = RESULT_LIMIT) -> list[Figure]:
    """The claim's reference figures, best first: compared ones, then rows close in meaning that
    cannot be compared (other unit or period). Empty when the claim has no figure to check."""
    quantities = [q for q in claim.quantities or [] if figures.quantity_dimension(q) is not None]
    if not quantities:
        return []
    tables = list(access.reference_tables_for_claim(claim).values_list("id", flat=True))
    if not tables:
        return []
    periods = _claim_periods(claim)
    rows = _candidates(claim, tables, periods)
    compared: list[Figure] = []
    not_comparable: list[Figure] = []
    dimensions = {figures.quantity_dimension(q) for q in quantities}
    relevant = [
        (row, similarity, keyword)
        for row, similarity, keyword in rows
        if similarity >= MIN_SIMILARITY and names_agree(row.label, claim.text)
    ]
    other_measure = max(
        (similarity for row, similarity, _ in relevant if row.dimension not in dimensions), default=0.0
    )
    for row, similarity, keyword in relevant:
        score = similarity + (KEYWORD_BONUS if keyword else 0.0)
        if similarity + OTHER_MEASURE_MARGIN < other_measure:
            figure = Figure(row=row, score=score, hint=figures.NO_COMPARABLE_FIGURE)
        else:
            figure = _compared(row, score, quantities, periods)
        (compared if figure.hint != figures.NO_COMPARABLE_FIGURE else not_comparable).append(figure)
    compared.sort(key=lambda figure: (-figure.score, figure.row.pk))
    not_comparable.sort(key=lambda figure: (-figure.score, figure.row.pk))
    return (compared[:limit] + not_comparable[:NOT_COMPARABLE_LIMIT])[:limit]


def claim_hint(found: list[Figure]) -> str:
    """The claim's hint: the best figure's, or no_comparable_figure."""
    return found[0].hint if found else figures.NO_COMPARABLE_FIGURE


def _claim_periods(claim: Claim) -> _Periods:
    intervals = []
    for found in claim.dates or []:
        try:
            intervals.append(normalisation.interval(found))
        except (KeyError, ValueError, TypeError):
            continue
    published = claim.article.published_at
    article_day = published.date() if published is not None else None
    return _Periods(intervals=intervals, explicit=bool(intervals), article_day=article_day)


def _period_bounds(periods: _Periods) -> tuple[date, date] | None:
    """The widest span of periods a candidate may have, for the SQL filter."""
    if periods.explicit:
        return min(start for start, _ in periods.intervals), max(end for _, end in periods.intervals)
    if periods.article_day is not None:
        return periods.article_day - UNDATED_LOOKBACK, periods.article_day
    return None


# One statement, within the claim's tables: the labels nearest in meaning (HNSW) and those sharing
# words (full text), then each one's rows in the periods the claim may mean, and its latest row
# (what the editor is shown when no period compares). `keyword`: the label came from the words list.
CANDIDATES_SQL = """
WITH probe AS MATERIALIZED (SELECT %(vector)s::vector AS vector),
nearest AS (
    SELECT series.id FROM sources_referencelabel AS series
    WHERE series.table_id = ANY(%(tables)s)
    ORDER BY series.embedding <=> (SELECT vector FROM probe)
    LIMIT %(depth)s
),
keyword AS (
    SELECT series.id FROM sources_referencelabel AS series
    WHERE series.table_id = ANY(%(tables)s)
      AND series.text_search @@ to_tsquery('english'::regconfig, %(words)s)
    ORDER BY ts_rank_cd(series.text_search, to_tsquery('english'::regconfig, %(words)s)) DESC, series.id
    LIMIT %(depth)s
),
picked AS (
    SELECT series.id, 1 - (series.embedding <=> (SELECT vector FROM probe)) AS similarity,
           series.id IN (SELECT id FROM keyword) AS keyword
    FROM sources_referencelabel AS series
    WHERE series.id IN (SELECT id FROM nearest UNION SELECT id FROM keyword)
)
SELECT figure.id, picked.similarity, picked.keyword
FROM picked
CROSS JOIN LATERAL (
    (SELECT row.id FROM sources_referencerow AS row
     WHERE row.series_id = picked.id AND row.period_start <= %(latest)s AND row.period_end >= %(earliest)s)
    UNION
    (SELECT row.id FROM sources_referencerow AS row
     WHERE row.series_id = picked.id ORDER BY row.period_end DESC, row.id DESC LIMIT 1)
) AS figure
"""


def _candidates(claim: Claim, tables: list[int], periods: _Periods) -> list[tuple[ReferenceRow, float, bool]]:
    bounds = _period_bounds(periods) or (date.min, date.max)
    parameters: dict[str, Any] = {
        "vector": vector_text(_claim_vector(claim)),
        "tables": tables,
        "earliest": bounds[0],
        "latest": bounds[1],
        "words": _words_query(claim.text),
        "depth": DEPTH,
    }
    with connection.cursor() as cursor:
        cursor.execute(CANDIDATES_SQL, parameters)
        found = {row_id: (float(similarity or 0.0), bool(keyword)) for row_id, similarity, keyword in cursor}
    rows = ReferenceRow.objects.select_related("table").in_bulk(list(found))
    return [(rows[row_id], *found[row_id]) for row_id in found if row_id in rows]


def _words_query(text: str) -> str:
    """Labels naming all the claim's capitalised words ("Germany", "Spain", "Police"): names narrow
    a search; generic words ("rate", "spending") or figures would each match thousands of labels of
    a large table, and meaning already finds those."""
    names = dict.fromkeys(
        word.lower() for word in _CAPITALISED.findall(text) if word.lower() not in _NOT_NAMES
    )
    return " & ".join(names)  # empty: no label is found by its words


def _claim_vector(claim: Claim) -> np.ndarray:
    if claim.embedding is not None:
        return np.asarray(claim.embedding, dtype=np.float32)
    return embed_text(claim.text)


def names_agree(label: str, text: str) -> bool:
    """Every name in the label (a capitalised word that is not a generic statistics word) is in
    the claim, in some form ("Germany" / "German"); a label whose parentheses hold another form of
    its name ("United Kingdom (UK)") agrees when either form is there."""
    inside = " ".join(re.findall(r"\(([^)]*)\)", label))
    outside = re.sub(r"\([^)]*\)", " ", label)
    words = {word.lower() for word in _WORD.findall(text)}
    return _all_named(outside, words) or (bool(_names(inside)) and _all_named(inside, words))


def _names(label: str) -> list[str]:
    return [
        word.lower() for word in _WORD.findall(label) if word[0].isupper() and word.lower() not in _GENERIC
    ]


def _all_named(label: str, words: set[str]) -> bool:
    return all(any(_same_name(name, word) for word in words) for name in _names(label))


def _same_name(name: str, word: str) -> bool:
    shorter, longer = sorted((name, word), key=len)
    return longer.startswith(shorter) and (len(shorter) >= 4 or shorter == longer)


def _compared(row: ReferenceRow, score: float, quantities: list[dict[str, Any]], periods: _Periods) -> Figure:
    same_unit = [q for q in quantities if figures.quantity_dimension(q) == row.dimension]
    period_score = _period_score(row, periods)
    if not same_unit or period_score is None:
        return Figure(row=row, score=score, hint=figures.NO_COMPARABLE_FIGURE)
    unit = figures.parse_unit(row.unit) or figures.Unit(row.dimension)
    comparisons = []
    for quantity in same_unit:
        claim_value = unit.from_normalised(float(quantity.get("si_value", quantity.get("value", 0.0))))
        comparison = figures.compare(
            claim_value=claim_value,
            table_value=row.value,
            tolerance=row.table.tolerance,
            qualifier=str(quantity.get("qualifier", "")),
        )
        comparisons.append((abs(comparison.relative_difference or 0.0), comparison, quantity))
    # The claim's figure this row speaks of: the closest of those in its unit.
    _, comparison, quantity = min(comparisons, key=lambda item: item[0])
    return Figure(
        row=row,
        score=score + period_score,
        hint=comparison.hint,
        claim_value=comparison.claim_value,
        difference=comparison.difference,
        relative_difference=comparison.relative_difference,
        quantity_text=str(quantity.get("text", "")),
    )


def _period_score(row: ReferenceRow, periods: _Periods) -> float | None:
    """0 when the row's period is the claim's; less for an older figure of an undated claim; None
    when the periods cannot be compared."""
    period = (row.period_start, row.period_end)
    if periods.explicit:
        return 0.0 if any(figures.overlaps(period, interval) for interval in periods.intervals) else None
    day = periods.article_day
    if day is None:  # no date at all: any period, the latest first
        return -YEAR_BACK_PENALTY * (date.today() - row.period_end).days / 365.25 / 100
    if figures.overlaps(period, (day, day)):
        return 0.0
    if row.period_end < day and day - row.period_end <= UNDATED_LOOKBACK:
        return -YEAR_BACK_PENALTY * ((day - row.period_end).days / 365.25 + 0.5)
    return None
