"""Who a he/she means: person names the small spaCy model misses, the decision the antecedent
model's settings drive, and a training script that reproduces its parameter file."""

import json

from claims.extraction import antecedents, given_names
from claims.extraction.parse import nlp
from claims.extraction.pipeline import extract_claims
from claims.extraction.rewrite import people_in


def names_in(sentence):
    return [(mention.name, mention.inferred) for mention in people_in(nlp()(sentence))]


def test_it_finds_a_name_the_model_labels_an_organisation_or_a_place():
    # The small model reads "MacKenzie" as an organisation and "Rivera" as a place.
    assert names_in("MacKenzie studied with Bernard Leach from 1949 to 1952.") == [
        ("MacKenzie", True),
        ("Bernard Leach", False),
    ]
    assert names_in("Rivera sang the role at the Santa Fe Opera.") == [("Rivera", True)]


def test_it_finds_a_double_barrelled_name_and_a_possessive_one():
    assert names_in("Frimpong-Manso started Sparrow Productions in 2003.") == [("Frimpong-Manso", True)]
    assert names_in("Hanbury's budget was cut.") == [("Hanbury", True)]


def test_it_takes_no_institution_or_place_for_a_person():
    assert names_in("The Lyric Opera of Chicago staged it in 2007.") == []
    assert names_in("The family moved to Winnetka High School in 1950.") == []
    assert names_in("Fans filled Madison Square Garden on Friday.") == []


def test_every_inferred_name_is_words_of_the_sentence():
    sentence = "Kot praised Cinquemani's review, and Nyro-Quaglieri thanked Grover at Winnetka High School."
    doc = nlp()(sentence)
    for mention in people_in(doc):
        assert mention.name in sentence
        assert doc[mention.start : mention.end].text.replace(" ", "") == mention.name.replace(" ", "")


def settings(threshold=0.9, margin=0.3, agreement=None):
    return antecedents.Model({}, 0.0, threshold, margin, agreement)


def test_it_rewrites_only_when_the_model_is_sure_and_clear_of_the_next_candidate():
    assert antecedents.decide([0.95, 0.2], None, [False, False], settings()) == 0
    assert antecedents.decide([0.85, 0.2], None, [False, False], settings()) is None
    assert antecedents.decide([0.95, 0.7], None, [False, False], settings()) is None


def test_it_trusts_a_told_gender_only_when_it_ruled_someone_else_out():
    # "Mrs Ana Ruiz met Mr Carlos Vega. He ...": one candidate left, the other ruled out by gender.
    assert antecedents.decide([0.3], 0, [True], settings(), other_gender=True) == 0
    # GAP's same-gender pairs: a told gender alone says nothing about which of two women "she" is.
    assert antecedents.decide([0.3], 0, [True], settings()) is None
    assert antecedents.decide([0.3, 0.2], 0, [True, False], settings(), other_gender=True) is None


def test_the_rule_needs_the_models_agreement_when_the_settings_ask_for_it():
    assert antecedents.decide([0.6, 0.3], 0, [False, False], settings(agreement=0.5)) == 0
    assert antecedents.decide([0.6, 0.3], 0, [False, False], settings(agreement=None)) is None
    assert antecedents.decide([0.3, 0.6], 0, [False, False], settings(agreement=0.5)) is None


def test_it_resolves_he_when_gender_rules_out_the_other_person():
    body = "Mrs Ana Ruiz met Mr Carlos Vega on Monday. He said the deal was done."
    claim = next(claim for claim in extract_claims(body) if "deal" in claim.quote)
    assert claim.text == "Carlos Vega said the deal was done."


def test_it_keeps_a_pronoun_before_the_name_it_means():
    # Cataphora: "his" means Robert Christgau, who is named after it; Greg Kot is no answer.
    body = (
        "Greg Kot of the Chicago Tribune praised the album. "
        "In his list for The Review, Robert Christgau named it the fourth best album of 2012."
    )
    claim = next(claim for claim in extract_claims(body) if "fourth" in claim.quote)
    assert "Greg Kot" not in claim.text


GAP_HEADER = "ID\tText\tPronoun\tPronoun-offset\tA\tA-offset\tA-coref\tB\tB-offset\tB-coref\tURL\n"
PEOPLE = [
    ("Anna Berg", "Clara Holt"),
    ("Maria Lind", "Sofia Dahl"),
    ("Emma Stone", "Laura Wells"),
    ("Julia Park", "Nina Cole"),
    ("Irene Faber", "Olga Marsh"),
    ("Rita Vance", "Helen Moss"),
]


def gap_rows():
    """GAP-shaped rows of our own, so the test runs wherever the public data is not."""
    lines = []
    for number in range(30):
        first, second = PEOPLE[number % len(PEOPLE)]
        if number % 2:
            text = f"{first} met {second} in {1950 + number}. She later wrote a book about the trip."
        else:
            text = f"{first} thanked {second} for the prize. Later she moved to Oslo with her family."
        offset = text.index("he ", text.index(".")) - 1
        first_coref = "TRUE" if number % 3 else "FALSE"
        second_coref = "FALSE" if number % 3 else "TRUE"
        lines.append(
            f"row-{number}\t{text}\tshe\t{offset}\t{first}\t0\t{first_coref}\t{second}\t"
            f"{text.index(second)}\t{second_coref}\thttp://example.org/{number}\n"
        )
    return GAP_HEADER + "".join(lines)


def test_it_trains_the_antecedent_model_deterministically(monkeypatch, tmp_path):
    from bench import train_antecedents

    gap = tmp_path / "gap.tsv"
    gap.write_text(gap_rows(), encoding="utf-8")
    model_file, names_file = antecedents.MODEL_FILE, given_names.NAMES_FILE
    outputs = []
    for run in range(2):
        output, names = tmp_path / f"model-{run}.json", tmp_path / f"names-{run}.json"
        arguments = ["train", "--gap", str(gap), "--output", str(output), "--names-output", str(names)]
        monkeypatch.setattr("sys.argv", arguments)
        train_antecedents.main()
        outputs.append((output.read_text(encoding="utf-8"), names.read_text(encoding="utf-8")))
    assert (model_file, names_file) == (antecedents.MODEL_FILE, given_names.NAMES_FILE)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0][1])["names"]["Anna"] == "female"
    data = json.loads(outputs[0][0])
    sample = antecedents.features(
        antecedents.Site(0, 0, True, False, False), [antecedents.Seen(0, 0, 1, *[False] * 6)], [], 1, 1
    )
    assert set(data["weights"]) == set(sample)


def test_it_leaves_out_a_person_whose_given_name_says_the_other_gender():
    body = "Richard Harlow met Margaret Lowe on Monday. He said the plan was sound."
    claim = next(claim for claim in extract_claims(body) if "plan" in claim.quote)
    assert "Margaret Lowe" not in claim.text
    assert given_names.gender_of("Margaret Lowe") == "female"
    assert given_names.gender_of("Lowe") is None
