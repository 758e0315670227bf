"""Which person a "he" or "she" means: the people named shortly before, scored by a small learned model.

A candidate is a person of a compatible gender named in the pronoun's sentence or the two before
it, outside quotation marks (names spaCy missed included, `names`, flagged `inferred`). Each gets
features of where and how it was named relative to the pronoun (recency, clause subject, inside a
prepositional phrase, parallel roles, the pronoun's case, ...), and the logistic model in
`antecedent_model.json` scores it. The pronoun is rewritten only when the best candidate's
probability clears the model's threshold and beats the next one by its margin, or when a lone
candidate is certain for another reason (see `decide`): precision first, a pronoun kept as written
is better than a wrong name.

`bench/train_antecedents.py` reproduces the parameter file from GAP development. Without the
file, a rule decides: exactly one candidate, or the subject of the nearest clause when every
other candidate is named inside a prepositional phrase.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).with_name("antecedent_model.json")
# Sentences before the last one naming someone that candidates may come from.
WINDOW = 2

# When set (by the training script), every decision's candidates and features are appended here.
SINK: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class Site:
    """The pronoun: body offset, sentence number and its place in its clause."""

    sentence: int
    start: int
    subject: bool
    possessive: bool
    in_phrase: bool
    object: bool = False
    clause: int = -1  # the clause the pronoun is in (sentence-qualified token id of its verb)
    above: frozenset[int] = frozenset()  # the clauses that contain that clause ("X said [he ...]")
    # A name heads the sentence's subject after the pronoun ("In his review, Robert Christgau ..."):
    # the pronoun most likely means that person, who is no candidate yet.
    before_subject: bool = False
    other_gender: bool = False  # someone named nearby was left out for their gender
    alone: bool = False  # the one person the article named so far, just before (see rewrite._alone)
    recent: bool = False  # the one candidate, named just before, no one else of the gender nearby


@dataclass(frozen=True)
class Seen:
    """One mention of a candidate before the pronoun (a name, or a pronoun already resolved to them)."""

    sentence: int
    start: int
    end: int
    subject: bool
    main_subject: bool
    in_phrase: bool
    possessive: bool
    full: bool
    pronoun: bool
    clause: int = -1
    inferred: bool = False  # a name spaCy did not label a person (claims.extraction.names)


def features(
    site: Site, mine: list[Seen], others: list[list[Seen]], total: int, most: int
) -> dict[str, float]:
    """Features of one candidate (its mentions `mine`), against the other candidates' mentions;
    `total` is how often the article named the candidate so far, `most` the top count of any."""
    last = mine[-1]
    everyone = [mention for mentions in others for mention in mentions]
    later_others = [mention for mention in everyone if mention.start > last.start]
    last_subject = max((mention.start for mention in mine if mention.subject), default=-1)
    other_subjects = [mention.start for mention in everyone if mention.subject]
    count = len(others) + 1
    return {
        "same_sentence": float(last.sentence == site.sentence),
        "sentence_distance": float(min(3, site.sentence - last.sentence)),
        "char_distance": math.log1p(max(0, site.start - last.end) / 20),
        "last_subject": float(last.subject),
        "last_main_subject": float(last.main_subject),
        "last_in_phrase": float(last.in_phrase),
        "last_possessive": float(last.possessive),
        "last_pronoun": float(last.pronoun),
        "any_subject": float(any(mention.subject for mention in mine)),
        "any_full": float(any(mention.full for mention in mine)),
        "mentions": math.log1p(len(mine)),
        "parallel_subject": float(site.subject and last.subject),
        "parallel_possessive": float(site.possessive and last.possessive),
        "site_in_phrase_last_subject": float(site.in_phrase and last.subject),
        "most_recent": float(not later_others),
        "most_recent_subject": float(
            last_subject >= 0 and all(start < last_subject for start in other_subjects)
        ),
        "others_after": math.log1p(len(later_others)),
        "others_in_phrase_only": float(bool(everyone) and all(mention.in_phrase for mention in everyone)),
        "first_named": float(all(mine[0].start < mentions[0].start for mentions in others)),
        "article_mentions": math.log1p(total),
        # Binding: "X met him" (him is not X), "X met his wife" (his is likely X), "X said he ..."
        "clause_subject_object": float(
            any(m.subject and m.clause == site.clause for m in mine) and site.object
        ),
        "clause_subject_possessive": float(
            any(m.subject and m.clause == site.clause for m in mine) and site.possessive
        ),
        "subject_above": float(any(m.subject and m.clause in site.above for m in mine)),
        "topic": float(total == most),
        "only_candidate": float(count == 1),
        "two_candidates": float(count == 2),
        # A name spaCy did not label a person may be a place or a company after all.
        "last_inferred": float(last.inferred),
        "all_inferred": float(all(mention.inferred for mention in mine)),
        "previous_main_subject": float(any(m.main_subject and m.sentence == site.sentence - 1 for m in mine)),
        "site_subject": float(site.subject),
        "site_possessive": float(site.possessive),
        "site_object": float(site.object),
        "site_in_phrase": float(site.in_phrase),
        "site_before_subject": float(site.before_subject),
        "other_gender": float(site.other_gender),
    }


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    intercept: float
    threshold: float  # the model alone rewrites at this probability ...
    margin: float  # ... and this lead over the next candidate
    agreement: float | None  # the rule's pick needs this probability, and to be the model's first
    trust_recent: bool = False  # a lone candidate named just before stands (`Site.recent`)

    def probability(self, values: dict[str, float]) -> float:
        score = self.intercept + sum(self.weights.get(name, 0.0) * value for name, value in values.items())
        return 1 / (1 + math.exp(-score))


@lru_cache(maxsize=1)
def model() -> Model | None:
    if not MODEL_FILE.exists():
        return None
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    return Model(
        data["weights"],
        data["intercept"],
        data["threshold"],
        data["margin"],
        data.get("agreement"),
        data.get("trust_recent", False),
    )


def choose(
    site: Site, candidates: list[list[Seen]], names: list[str], totals: list[int], gendered: list[bool]
) -> int | None:
    """The index of the candidate the pronoun means, or None when that is not certain enough.
    `totals`: how often the article named each candidate so far; `gendered`: whether the article
    already told the candidate's gender (an honorific, "his mother")."""
    if not candidates:
        return None
    most = max(totals)
    values = [
        features(
            site, mine, [other for index, other in enumerate(candidates) if index != position], total, most
        )
        for position, (mine, total) in enumerate(zip(candidates, totals, strict=True))
    ]
    ruled = _rule(candidates)
    if SINK is not None:
        SINK.append(
            {
                "start": site.start,
                "names": names,
                "features": values,
                "ruled": ruled,
                "gendered": gendered,
                "other_gender": site.other_gender,
                "alone": site.alone,
                "recent": site.recent,
            }
        )
    learned = model()
    if learned is None:
        return ruled
    probabilities = [learned.probability(value) for value in values]
    return decide(
        probabilities,
        ruled,
        gendered,
        learned,
        other_gender=site.other_gender,
        alone=site.alone,
        recent=site.recent,
    )


def decide(
    probabilities: list[float],
    ruled: int | None,
    gendered: list[bool],
    learned: Model,
    *,
    other_gender: bool = False,
    alone: bool = False,
    recent: bool = False,
) -> int | None:
    """The model's pick when it is sure. The one candidate, when the article has named no one else
    (`alone`), or when the pronoun's gender ruled out someone else named nearby and the article told
    the candidate's gender ("Mrs Ana Ruiz met Mr Carlos Vega. He ..."): what news text offers and
    GAP's snippets, two names of one gender each, rarely do. The rule's pick when the model ranks it
    first too and does not find it unlikely. The training script chooses the settings with this
    function."""
    if len(probabilities) == 1 and (
        alone or (gendered[0] and other_gender) or (recent and learned.trust_recent)
    ):
        return 0
    sure = confident(probabilities, learned.threshold, learned.margin)
    if sure is not None:
        return sure
    agreed = learned.agreement is not None and confident(probabilities, learned.agreement, 0.0) == ruled
    return ruled if ruled is not None and agreed else None


def confident(probabilities: list[float], threshold: float, margin: float) -> int | None:
    """The most probable candidate, if its probability clears `threshold` and leads the next by
    `margin` (the training script picks both with this same function)."""
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    runner_up = max((p for index, p in enumerate(probabilities) if index != best), default=0.0)
    return best if probabilities[best] >= threshold and probabilities[best] - runner_up >= margin else None


def _rule(candidates: list[list[Seen]]) -> int | None:
    """Exactly one candidate; or the one subject of the last sentence naming anyone when nobody
    else is named there; or the subject of the nearest clause when every other candidate is named
    inside a prepositional phrase."""
    if len(candidates) == 1:
        return 0
    nearest = max(mention.sentence for mentions in candidates for mention in mentions)
    named_there = [
        index for index, mentions in enumerate(candidates) if any(m.sentence == nearest for m in mentions)
    ]
    if len(named_there) == 1 and any(m.subject for m in candidates[named_there[0]] if m.sentence == nearest):
        return named_there[0]
    latest_subject = max(
        (
            (mention.start, index)
            for index, mentions in enumerate(candidates)
            for mention in mentions
            if mention.subject
        ),
        default=None,
    )
    if latest_subject is None:
        return None
    chosen = latest_subject[1]
    others = [mention for index, mentions in enumerate(candidates) if index != chosen for mention in mentions]
    return chosen if all(mention.in_phrase for mention in others) else None
