"""The rewrite stage: a reference becomes a name only when exactly one antecedent fits, every
rewrite is recorded with the mention that justified it, and an unsure claim is flagged."""

import json
from pathlib import Path

import pytest

from claims.extraction.pipeline import extract_claims

NEWS = Path(__file__).resolve().parents[1] / "data" / "extraction" / "news" / "dev"
SEED = Path(__file__).resolve().parents[2] / "seeds" / "beyond-utopia.txt"


def claim_with(claims, words):
    return next(claim for claim in claims if words in claim.quote)


def test_it_records_each_rewrite_with_its_antecedent():
    body = "Maria Lopez won the election in 2020. She was re-elected in 2024."
    claim = claim_with(extract_claims(body), "re-elected")
    assert claim.text == "Maria Lopez was re-elected in 2024."
    (rewrite,) = claim.rewrites
    assert body[rewrite["start"] : rewrite["end"]] == rewrite["original"] == "She"
    assert body[rewrite["antecedent_start"] : rewrite["antecedent_end"]] == "Maria Lopez"
    assert rewrite["replacement"] == "Maria Lopez"
    assert not claim.needs_context


def test_it_keeps_a_bare_surname_several_people_share():
    body = (
        "Kim Jong Un addressed the congress on Monday. His late father, Kim Jong Il, ruled until 2011. "
        "Pastor Kim Seongeun helped 1,000 people escape. Kim said the border was lined with fences."
    )
    claim = claim_with(extract_claims(body), "border")
    assert claim.text.startswith("Kim said")
    assert claim.needs_context and not claim.rewrites


def test_it_gives_a_bare_surname_to_the_one_person_of_that_name():
    body = "Health Minister Ana Ruiz opened the clinic on Friday. Ruiz said it cost $4 million."
    claim = claim_with(extract_claims(body), "cost")
    assert claim.text.startswith("Ana Ruiz said")


def test_it_prefers_the_subject_over_a_person_inside_a_prepositional_phrase():
    body = (
        "Kim Jong Un met Donald Trump three times. He also struck up a friendship with basketball star "
        "Dennis Rodman. He drew ridicule for his ever-expanding waistline."
    )
    claims = extract_claims(body)
    waistline = claim_with(claims, "waistline")
    assert "Dennis Rodman" not in waistline.text
    assert "Donald Trump" not in waistline.text


def test_it_does_not_rewrite_inside_a_quotation():
    body = (
        "Ana Ruiz met Carlos Vega on Monday. "
        "\u201cHe promised the money would come, but Vega never called back,\u201d Ruiz said."
    )
    claims = extract_claims(body)
    quoted = claim_with(claims, "promised")
    assert "\u201cHe promised" in quoted.text or quoted.text.startswith("He promised")
    assert "Carlos Vega promised" not in quoted.text


def test_it_does_not_keep_calling_the_first_woman_she_after_a_second_is_named():
    body = (
        "Judge Mary Ellis opened the hearing on Monday. Defence lawyer Ruth Obi asked for a delay. "
        "She said the evidence had arrived late."
    )
    claim = claim_with(extract_claims(body), "evidence")
    assert "Mary Ellis" not in claim.text


def test_it_matches_gender_named_by_an_honorific():
    body = "Mrs Ana Ruiz met Mr Carlos Vega on Monday. He said the deal was done."
    claim = claim_with(extract_claims(body), "deal")
    assert "Ana Ruiz" not in claim.text


def test_it_never_gives_a_person_pronoun_to_a_thing():
    body = (
        "Kim Jong Un had his brother murdered with the nerve agent VX. "
        "He oversaw the construction of the missiles."
    )
    claim = claim_with(extract_claims(body), "missiles")
    assert "VX" not in claim.text


def test_it_flags_a_claim_whose_pronoun_stays_unresolved():
    claim = extract_claims("He said the storm was over.")[0]
    assert claim.text == "He said the storm was over."
    assert claim.needs_context and not claim.rewrites


def texts() -> list[str]:
    return [SEED.read_text(encoding="utf-8")] + [
        json.loads(path.read_text(encoding="utf-8"))["body"] for path in sorted(NEWS.glob("*.json"))
    ]


@pytest.mark.parametrize("number", range(11))
def test_it_takes_every_replacement_from_the_mention_it_records(number):
    """Every rewrite's antecedent span holds the name it writes, and its offsets hold its original
    words: a rewrite never writes a name the article does not contain."""
    body = texts()[number]
    rewrites = [rewrite for claim in extract_claims(body) for rewrite in claim.rewrites]
    assert rewrites
    for rewrite in rewrites:
        assert body[rewrite["start"] : rewrite["end"]] == rewrite["original"]
        name = rewrite["replacement"].removesuffix("\u2019s").removesuffix("\u2019")
        antecedent = body[rewrite["antecedent_start"] : rewrite["antecedent_end"]]
        assert name in antecedent or antecedent in name, (rewrite, antecedent)


@pytest.mark.parametrize(
    "body",
    [
        "North Korea's leader Kim Jong Un is a ruthless dictator who pushes a state nuclear weapons program.",
        "Prosecutors said the two men had agreed to race and that the driver had been drinking.",
        "Kim Jong Un began the year with artillery fire in the sea, promising to tighten ties with Russia.",
        "There were rumors that Kim Jong Un had died and been replaced by a body double.",
    ],
)
def test_it_makes_every_claim_a_whole_clause(body):
    for claim in extract_claims(body):
        first = claim.text.split()[0].lower()
        assert first not in {"who", "which", "that", "promising", "because"}, claim.text
        assert not claim.text.startswith("Kim Jong Un been"), claim.text


def test_it_leaves_no_fragment_in_the_demo_article():
    starts = ("Who ", "Which ", "Promising ")
    fragments = [
        claim.text
        for claim in extract_claims(SEED.read_text(encoding="utf-8"))
        if claim.text.startswith(starts)
    ]
    assert fragments == []


def test_it_calls_the_one_person_aged_13_to_19_the_teenager():
    body = "Jordan Pike, 19, admitted causing death by dangerous driving. The teenager was driving at 87mph."
    claim = claim_with(extract_claims(body), "87mph")
    assert claim.text == "Jordan Pike was driving at 87mph."
    assert claim.rewrites[0]["original"] == "The teenager"


def test_it_keeps_the_teenager_when_two_people_are_teenagers():
    body = "Jordan Pike, 19, and Liam Bevan, 18, raced on the A470. The teenager was driving at 87mph."
    claim = claim_with(extract_claims(body), "87mph")
    assert claim.text == "The teenager was driving at 87mph."


def test_it_calls_the_person_named_with_her_daughter_the_mother():
    body = (
        "Janet Hollis, 54, was sentenced to five years and her daughter, Kirsty Hollis, 29, to three years. "
        "Judge Helen Marsh said the mother had betrayed the trust of dying people."
    )
    claim = claim_with(extract_claims(body), "betrayed")
    assert claim.text == "Judge Helen Marsh said Janet Hollis had betrayed the trust of dying people."
    (rewrite,) = claim.rewrites
    assert body[rewrite["antecedent_start"] : rewrite["antecedent_end"]] == "Janet Hollis"


def test_it_keeps_the_mother_when_two_people_could_be_her():
    body = (
        "Janet Hollis met Ruth Obi, and her daughter, Kirsty Hollis, waited outside. "
        "Judge Helen Marsh said the mother had betrayed the trust of dying people."
    )
    claim = claim_with(extract_claims(body), "betrayed")
    assert "the mother" in claim.text and not claim.rewrites


def test_it_keeps_a_pronoun_that_may_mean_someone_the_article_does_not_name():
    body = "John Hale died on Monday. His widow said she would sell the farm."
    claim = claim_with(extract_claims(body), "sell")
    assert "she would sell" in claim.text
    assert "John Hale would sell" not in claim.text


def test_it_never_takes_the_speaker_of_a_quotation_from_the_names_inside_it():
    body = (
        "Grace Whitcombe had the operation on 12 June.\n"
        "\u201cRuby never asked me. She just booked the tests and told me afterwards,\u201d she said."
    )
    claim = claim_with(extract_claims(body), "afterwards")
    assert "Ruby" not in claim.text.split("\u201d")[-1]


@pytest.mark.parametrize(
    "body",
    [
        # The one named person is not who "he" is: an unnamed defector is the one speaking.
        "Kim Jong-un's regime starves its people. One defector said he was held for nine months.",
        "Kim Jong-un's regime starves its people. One defector was caught. He was held for nine months.",
        # Not a listed noun, but only a person says something.
        "Mayor Ana Ruiz opened the bridge. A commuter said she crossed it in four minutes.",
    ],
)
def test_it_keeps_a_pronoun_that_may_mean_an_unnamed_person_whose_gender_is_not_told(body):
    claim = claim_with(extract_claims(body), "minutes" if "bridge" in body else "nine months")
    assert not claim.rewrites
    assert "Kim Jong-un was held" not in claim.text and "Ana Ruiz crossed" not in claim.text


def test_it_still_gives_a_pronoun_to_the_one_named_person_with_no_one_else_around():
    body = "Maria Lopez won the election in 2020. She was re-elected in 2024 with 61% of the vote."
    assert claim_with(extract_claims(body), "re-elected").text.startswith("Maria Lopez was re-elected")


def test_it_never_doubles_a_title_whose_last_word_looks_like_a_name():
    body = (
        "The documentary \u201cBeyond Utopia\u201d follows two families. "
        "Director Madeleine Gavin filmed it.\n"
        "Beyond Utopia is available on BBC iPlayer."
    )
    claims = extract_claims(body)
    assert not any("Beyond Beyond" in claim.text for claim in claims)
    assert claim_with(claims, "iPlayer").text.startswith("Beyond Utopia is available")
