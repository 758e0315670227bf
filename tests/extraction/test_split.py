# The sentences keep the articles' curly apostrophes, quotation marks and dashes: quotation marks
# decide what is quoted, and a dash closes a parenthetical.
# ruff: noqa: RUF001
"""Whole clauses (issue 16): every claim split from a sentence has a subject and a finite verb.

The sentences are from the labelled news texts and the demo article. Claims are taken straight from
the split stage, before pronouns and names are rewritten, so each test shows one splitting rule.
"""

from claims.extraction.parse import nlp
from claims.extraction.split import split_sentence


def split(sentence):
    return [claim.render() for claim in split_sentence(nlp()(sentence))]


def test_it_gives_a_coordinated_reported_clause_its_reporting_frame():
    assert split(
        "Judge Helen Marsh said the mother had “betrayed the trust of dying people and their families” "
        "and that her daughter had shown no remorse."
    ) == [
        "Judge Helen Marsh said the mother had “betrayed the trust of dying people and their families”.",
        "Judge Helen Marsh said that her daughter had shown no remorse.",
    ]


def test_it_keeps_the_auxiliaries_and_negation_of_a_coordinated_verb():
    assert split(
        "Manager Steve Okoro said the striker would train with the first team from January "
        "but would not be rushed."
    ) == [
        "Manager Steve Okoro said the striker would train with the first team from January.",
        "Manager Steve Okoro said the striker would not be rushed.",
    ]


def test_it_gives_a_coordinated_infinitive_every_clause_above_it():
    assert split(
        "He said the proceeds would be used to pay down debt and fund a new factory in Brighouse."
    ) == [
        "He said the proceeds would be used to pay down debt.",
        "He said the proceeds would be used to fund a new factory in Brighouse.",
    ]


def test_it_lends_no_auxiliary_to_a_present_verb():
    assert split("He has lost almost a stone since June and now weighs 12st 4lb.") == [
        "He has lost almost a stone since June.",
        "He now weighs 12st 4lb.",
    ]


def test_it_coordinates_a_past_verb_with_the_reported_clause_not_the_impersonal_passive():
    assert split(
        "It is estimated that he was around 1.60 meters tall and weighed 22 stone at his heaviest."
    ) == [
        "It is estimated that he was around 1.60 meters tall.",
        "It is estimated that he weighed 22 stone at his heaviest.",
    ]


def test_it_coordinates_a_past_verb_after_a_quotation_with_the_quoting_verb():
    texts = split(
        "Speaking from a lectern beside his father’s portrait, Varga said the party had “drifted from "
        "the values my father fought for” and promised to cut income tax for families with three or "
        "more children."
    )
    assert "Varga promised to cut income tax for families with three or more children." in texts


def test_it_gives_a_verb_coordinated_in_a_relative_clause_the_noun_it_describes():
    assert split(
        "Walter Hume, who founded Hume’s Brewery in a disused dairy in Stirling in 1963 and built it into "
        "Scotland’s third-largest independent brewer, has died aged 91."
    ) == [
        "Walter Hume founded Hume’s Brewery in a disused dairy in Stirling in 1963.",
        "Walter Hume built it into Scotland’s third-largest independent brewer.",
        "Walter Hume has died aged 91.",
    ]


def test_it_gives_a_participle_and_its_coordinated_verb_the_noun_they_describe():
    assert split("The bridge, built in 1932 and restored in 1990, was closed in 2021.") == [
        "The bridge was built in 1932.",
        "The bridge was restored in 1990.",
        "The bridge was closed in 2021.",
    ]


def test_it_gives_a_relative_clause_on_an_apposition_the_name_it_describes():
    assert split(
        "Among the mourners was Gabor Varga, a Reformed Church pastor who is not related to the family."
    ) == [
        "Among the mourners was Gabor Varga, a Reformed Church pastor.",
        "Gabor Varga is not related to the family.",
    ]
    assert split(
        "Noah Fenwick, the 17-year-old striker who scored 31 goals for Harrowgate Town’s academy last "
        "season, has signed his first professional contract with the club."
    ) == [
        "Noah Fenwick scored 31 goals for Harrowgate Town’s academy last season.",
        "Noah Fenwick, the 17-year-old striker, has signed his first professional contract with the club.",
    ]


def test_it_reads_who_after_an_institution_as_the_person_described():
    texts = split(
        "Yuki Tanaka, a bee biologist at Kyoto University who was not involved in the research, said the "
        "study was carefully designed."
    )
    assert texts[0] == "Yuki Tanaka was not involved in the research."


def test_it_splits_a_past_fact_about_something_introduced_with_a():
    assert split(
        "A 19-year-old driver who hit a cyclist while racing a friend along the A470 near Brecon has been "
        "jailed for four years and eight months."
    ) == [
        "A 19-year-old driver hit a cyclist while racing a friend along the A470 near Brecon.",
        "A 19-year-old driver has been jailed for four years and eight months.",
    ]
    assert split("A mother and daughter who stole £380,000 from the charity were jailed on Thursday.") == [
        "A mother and daughter stole £380,000 from the charity.",
        "A mother and daughter were jailed on Thursday.",
    ]


def test_it_keeps_a_definition_and_a_definite_description_inside_the_claim():
    assert len(split("Ministers agreed that a brewer who stops tasting is just an accountant.")) == 1
    assert len(split("The nurses who went on strike in May won a 6% pay rise.")) == 1


def test_it_keeps_a_coordination_inside_a_restrictive_relative_clause_together():
    assert split("The man who founded the firm in 1963 and built it into a national brand died in May.") == [
        "The man who founded the firm in 1963 and built it into a national brand died in May."
    ]


def test_it_reads_where_and_when_with_a_preposition_of_place_or_time():
    texts = split("Their escape took them to Thailand, where they identified themselves as refugees.")
    assert "In Thailand, they identified themselves as refugees." in texts
    texts = split("Takings had fallen by a third since November, when the council proposed a cycle lane.")
    assert "In November, the council proposed a cycle lane." in texts


def test_it_splits_a_clause_the_sentence_asserts_after_after_or_because():
    assert split(
        "Three farm workers and a teenager were treated in hospital after they were exposed to the banned "
        "insecticide dichlorvos on Saturday."
    ) == [
        "Three farm workers and a teenager were treated in hospital.",
        "They were exposed to the banned insecticide dichlorvos on Saturday.",
    ]


def test_it_keeps_a_since_clause_that_frames_a_figure():
    assert len(split("Crime has fallen by 18% since he took office in 2016.")) == 1


def test_it_gives_a_fronted_participle_the_subject_of_its_sentence():
    assert split(
        "Working with the entomologist Martin Ross, she raised the temperature in half of the greenhouses "
        "to 34C for ten days each July."
    ) == [
        "She was working with the entomologist Martin Ross.",
        "She raised the temperature in half of the greenhouses to 34C for ten days each July.",
    ]


def test_it_keeps_a_piece_with_a_subordinating_word_inside_the_claim():
    texts = split(
        "The senator said he had voted against two budgets, not five, and only because they cut funding "
        "for mental health teams."
    )
    assert len(texts) == 1
    assert texts[0].startswith("The senator said he had voted against two budgets")


def test_it_keeps_the_sentence_whole_when_its_main_clause_would_not_be_one():
    texts = split(
        "When he finally confessed to being a foreign spy – although he did not hope that the torture would "
        "end if he confessed – he was taken to a camp where he had to march up a hill every day."
    )
    assert len(texts) == 1
    assert "he was taken to a camp" in texts[0]


def test_it_takes_that_as_a_subject_not_a_relative_word():
    assert split(
        "But that changed just over 13 years ago, when his father died, and Kim was thrust into the "
        "spotlight."
    ) == [
        "That changed just over 13 years ago, when his father died.",
        "Kim was thrust into the spotlight.",
    ]


def test_it_gives_infinitives_coordinated_with_their_own_to_the_verb_governing_them():
    assert split("She promised to cut bus fares by 12% and to plant three million trees.") == [
        "She promised to cut bus fares by 12%.",
        "She promised to plant three million trees.",
    ]


def test_it_keeps_a_relative_clause_on_a_description_of_what_came_before():
    texts = split(
        "She said she grew up thinking she was living in a utopia, an illusion that was eventually shattered "
        "when she realized everyone around her was living in squalor"
    )
    assert len(texts) == 1


def test_it_keeps_an_after_clause_when_the_main_clause_would_lose_its_subject():
    # The parser takes the subject of "take" into the "after" clause.
    texts = split(
        "Shortly after Isabel joins her step-mother, Margeeve, Roxanne's mother-in-law Suzanne and their "
        "grandchildren take a trip to Euro Disney."
    )
    assert len(texts) == 1


def test_it_splits_a_past_fact_about_something_introduced_with_a_only_after_a_relative_word():
    texts = split(
        "Originally drawn flat-chested, as a plot point in the series she rapidly developed a more "
        "pronounced bust size."
    )
    assert len(texts) == 1


def test_it_keeps_a_reported_clause_whose_frame_names_no_speaker_inside_the_claim():
    texts = split(
        "Kevin John Coyne gave the song a B rating, saying that it does breakup as well as anybody and that "
        "he doesn't believe Keith is capable of a weak vocal performance."
    )
    assert not any(text.startswith("Saying") for text in texts)


def test_it_splits_a_verb_coordinated_with_a_clause_that_has_its_own_subject():
    # The parser reads "he served" as a relative clause on "the war"; its subject is no relative word.
    assert split("After the war he served in the Territorial Army and was promoted to Colonel in 1956.") == [
        "After the war he served in the Territorial Army.",
        "He was promoted to Colonel in 1956.",
    ]


def test_it_gives_a_reported_clause_no_relative_pronoun_as_speaker():
    texts = split(
        "The vow had already appeared in the Protoevangelium which asserted that Anne gave Mary as a virgin "
        "in service in the Temple, and that Joseph, a widower, was to serve as her guardian."
    )
    assert not any(text.startswith("Which") for text in texts)


def test_it_reads_a_contrasting_clause_with_a_participle_as_a_clause_not_a_participle():
    assert split(
        "Although his beloved Conservative Party has returned to power, Alf is not happy with the new "
        "Prime Minister."
    ) == [
        "His beloved Conservative Party has returned to power.",
        "Alf is not happy with the new Prime Minister.",
    ]
