"""The multi-person news texts in tests/data/extraction/news/ are annotated consistently, so that
bench/news_eval.py can locate every quote, person and rewrite it reads."""

import json
import re
from pathlib import Path

import pytest

NEWS = Path(__file__).resolve().parent.parent / "data" / "extraction" / "news"
TEXTS = sorted(NEWS.rglob("*.json"))
POSSESSIVE = re.compile(r"(\u2019s|'s|\u2019|')$")


def load(path):
    return json.loads(path.read_text())


def word_at(text, word, occurrence=1):
    hits = [found.start() for found in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    return hits[occurrence - 1] if len(hits) >= occurrence else -1


def person_of(rewrite):
    """The person a replacement names, possessive dropped."""
    return POSSESSIVE.sub("", rewrite["replacement"])


def labelled(case):
    return case["claims"] + case["non_claims"]


def text_id(path):
    return f"{path.parent.name}/{path.stem}"


def test_it_has_at_least_ten_development_texts():
    assert len(list((NEWS / "dev").glob("*.json"))) >= 10


@pytest.mark.parametrize("path", TEXTS, ids=text_id)
def test_it_is_a_long_text_about_several_named_people(path):
    case = load(path)
    assert len(case["body"]) >= 1500
    names = [person["name"] for person in case["people"]]
    assert len(names) >= 3
    assert [name for name in names if name not in case["body"]] == []


@pytest.mark.parametrize("path", TEXTS, ids=text_id)
def test_it_finds_every_quote_exactly_once_in_the_body(path):
    case = load(path)
    quotes = [item["quote"] for item in labelled(case) + case["pronoun_subjects"]]
    quotes += case["compound_sentences"]
    assert {quote: case["body"].count(quote) for quote in quotes if case["body"].count(quote) != 1} == {}


@pytest.mark.parametrize("path", TEXTS, ids=text_id)
def test_it_names_only_people_of_the_text(path):
    case = load(path)
    names = {person["name"] for person in case["people"]}
    named = [name for item in labelled(case) for name in item["about"]]
    named += [person_of(rewrite) for item in case["claims"] for rewrite in item["rewrites"]]
    named += [ref["person"] for item in labelled(case) for ref in item.get("references", []) if ref["person"]]
    named += [entry["person"] for entry in case["pronoun_subjects"]]
    assert sorted(set(named) - names) == []


@pytest.mark.parametrize("path", TEXTS, ids=text_id)
def test_it_finds_each_rewritten_or_referring_word_in_its_quote(path):
    case = load(path)
    missing = [
        (entry["original"], item["quote"])
        for item in labelled(case)
        for entry in item.get("rewrites", []) + item.get("references", [])
        if word_at(item["quote"], entry["original"], entry.get("occurrence", 1)) < 0
    ]
    missing += [
        (entry["subject"], entry["quote"])
        for entry in case["pronoun_subjects"]
        if word_at(entry["quote"], entry["subject"]) < 0
    ]
    assert missing == []


@pytest.mark.parametrize("path", TEXTS, ids=text_id)
def test_it_writes_each_gold_rewrite_into_the_gold_text_about_that_person(path):
    case = load(path)
    problems = [
        (rewrite["replacement"], item["text"])
        for item in case["claims"]
        for rewrite in item["rewrites"]
        if rewrite["replacement"] not in item["text"] or person_of(rewrite) not in item["about"]
    ]
    assert problems == []


@pytest.mark.parametrize("path", TEXTS, ids=text_id)
def test_it_lists_everyone_a_quote_names_in_full_among_its_people(path):
    case = load(path)
    names = [person["name"] for person in case["people"]]
    problems = [
        (name, item["quote"])
        for item in labelled(case)
        for name in names
        if word_at(item["quote"], name) >= 0 and name not in item["about"]
    ]
    assert problems == []


@pytest.mark.parametrize("path", TEXTS, ids=text_id)
def test_it_holds_two_gold_claims_in_each_compound_sentence(path):
    case = load(path)
    body = case["body"]
    starts = [body.index(item["quote"]) for item in case["claims"]]
    problems = []
    for sentence in case["compound_sentences"]:
        start = body.index(sentence)
        if sum(start <= claim_start < start + len(sentence) for claim_start in starts) < 2:
            problems.append(sentence)
    assert problems == []
