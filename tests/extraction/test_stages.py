"""Each extraction stage on varied sentences."""

from datetime import date, datetime

import pytest

from claims.extraction.cleaning import clean_text, detect_language
from claims.extraction.normalisation import DateContext, parse_date, parse_dates, parse_quantities
from claims.extraction.parse import _parsed, parse
from claims.extraction.pipeline import extract_claims
from claims.extraction.segment import segment


def claims_of(body, **options):
    return extract_claims(body, **options)


def texts_of(body, **options):
    return [claim.text for claim in claims_of(body, **options)]


# ---------------------------------------------------------------- cleaning and language


def test_it_turns_html_into_paragraphs_without_scripts_or_entities():
    raw = (
        "<html><head><style>p{}</style><script>track()</script></head><body><h1>Flood&nbsp;warning</h1>"
        "<p>The river rose <em>2 metres</em> overnight.</p><nav>Home | News</nav>"
        "<figure><img src=a.jpg><figcaption>Photo: Ann Lee</figcaption></figure></body></html>"
    )
    assert clean_text(raw) == "Flood warning\n\nThe river rose 2 metres overnight.\n\nPhoto: Ann Lee"


def test_it_passes_plain_text_through_normalised():
    assert clean_text("  One line.\r\nTwo\u00a0 words\u200b.\r\n\r\n\r\n\r\nThree.  ") == (
        "One line.\nTwo words.\n\nThree."
    )
    assert clean_text("Shares rose 3% < 5% expected.") == "Shares rose 3% < 5% expected."


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("I hope things get better.", "en"),
        ("The council voted on Tuesday to close two libraries in the north of the city.", "en"),
        ("Der Stadtrat hat am Dienstag beschlossen, zwei Bibliotheken im Norden zu schließen.", "de"),
        ("Le conseil municipal a voté mardi la fermeture de deux bibliothèques.", "fr"),
        ("El ayuntamiento votó el martes cerrar dos bibliotecas del norte de la ciudad.", "es"),
        ("12 345 678", "und"),
    ],
)
def test_it_detects_the_language(text, code):
    assert detect_language(text) == code


SPANISH_ARTICLE = (
    "El Gobierno aprobó este martes un paquete de ayudas de 3.000 millones de euros para los "
    "agricultores afectados por la sequía. Según el Ministerio de Agricultura, las pérdidas en el "
    "sector superan ya el 30% de la cosecha de cereales.\n"
    "Las organizaciones agrarias consideran que las medidas llegan tarde."
)
ENGLISH_ARTICLE = (
    "The government announced on Monday that it would spend an extra 2 billion pounds on hospitals.\n"
    "Critics said the money would not cover rising costs. Photo: Reuters\nIllustration: NASA/JPL"
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (SPANISH_ARTICLE, "es"),
        (ENGLISH_ARTICLE, "en"),
        ("Правительство объявило о новых мерах поддержки малого бизнеса.", "ru"),  # noqa: RUF001
        ("Regeringen har fremlagt et nyt forslag om skattelettelser.", "da"),
        ("Η κυβέρνηση ανακοίνωσε την Τρίτη νέα μέτρα στήριξης.", "el"),  # noqa: RUF001
        ("政府週二宣布了一項新的經濟刺激計劃。", "zh"),  # traditional script: still "zh"
        ("הממשלה הודיעה היום על תקציב חדש לבתי החולים", "he"),  # CLD2's withdrawn "iw"
    ],
)
def test_it_detects_the_language_of_articles_and_single_sentences(text, code):
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["Photo: Reuters", "Prices rose.", "Breaking news", "Updated 14:05 GMT"])
def test_it_takes_a_short_line_with_english_words_as_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", ["", "  \n ", "2024 - 12:30", "🙂🙂🙂"])
def test_it_says_undetermined_without_letters(text):
    assert detect_language(text) == "und"


def test_it_detects_the_language_of_text_with_control_characters_and_broken_surrogates():
    text = "El ayuntamiento\x00 votó el martes\x1b cerrar dos bibliotecas \udcff del norte de la ciudad."
    assert detect_language(text) == "es"


def test_it_refuses_a_language_it_does_not_handle():
    from claims.errors import Unprocessable

    with pytest.raises(Unprocessable, match=r"English only.*German"):
        extract_claims("Der Stadtrat hat gewählt.", language="de")


# ---------------------------------------------------------------- atomic claims


def test_it_splits_a_non_restrictive_relative_clause_into_its_own_claim():
    body = "The mayor, who took office in 2019, cut the transit budget by 12%."
    claims = claims_of(body)
    assert [claim.text for claim in claims] == [
        "The mayor took office in 2019.",
        "The mayor cut the transit budget by 12%.",
    ]
    assert claims[0].quote == "The mayor, who took office in 2019"
    assert claims[1].quote == "The mayor, who took office in 2019, cut the transit budget by 12%"


def test_it_keeps_a_restrictive_relative_clause_inside_its_claim():
    assert texts_of("The nurses who went on strike in May won a 6% pay rise.") == [
        "The nurses who went on strike in May won a 6% pay rise."
    ]


def test_it_splits_coordinated_clauses_and_copies_the_shared_subject():
    claims = claims_of("The senator was arrested in May and charged with fraud in June.")
    assert [claim.text for claim in claims] == [
        "The senator was arrested in May.",
        "The senator was charged with fraud in June.",
    ]
    assert claims[1].quote == "charged with fraud in June"


def test_it_splits_independent_clauses_and_contrasts():
    assert texts_of("Exports rose 4% in March, and imports fell 2%.") == [
        "Exports rose 4% in March.",
        "Imports fell 2%.",
    ]
    assert texts_of("Sales grew by 9% in Asia, while European sales dropped by 3%.") == [
        "Sales grew by 9% in Asia.",
        "European sales dropped by 3%.",
    ]


def test_it_keeps_the_attribution_frame_for_a_reported_coordinated_clause():
    texts = texts_of("Officials said the dam was built in 1950 and repaired in 1998.")
    assert texts == [
        "Officials said the dam was built in 1950.",
        "Officials said the dam was repaired in 1998.",
    ]


def test_it_splits_a_participle_but_not_a_name_giving_one():
    assert texts_of("The bridge, built in 1932, was closed in 2021.") == [
        "The bridge was built in 1932.",
        "The bridge was closed in 2021.",
    ]
    assert len(claims_of("The comet, named C/2023 A3, passed Earth in October.")) == 1


def test_it_gives_a_contrasting_verb_to_the_speaker_not_the_reported_clause():
    texts = texts_of(
        "Minister Victoria Atkins said the figures were disappointing but blamed recent strikes."
    )
    assert texts == [
        "Minister Victoria Atkins said the figures were disappointing.",
        "Minister Victoria Atkins blamed recent strikes.",
    ]


def test_it_does_not_split_inside_a_direct_quotation():
    claims = claims_of("“We lost our house and we lost our jobs,” the farmer said.")
    assert len(claims) == 1


def test_it_knows_a_quotation_opened_in_an_earlier_sentence_of_the_paragraph():
    body = "“We waited for hours. Then the water rose and we lost everything,” she said."
    assert len(claims_of(body)) == 2
    unquoted = "We waited for hours. Then the water rose and we lost everything, she said."
    assert len(claims_of(unquoted)) == 3


def test_it_keeps_a_fragment_as_one_claim():
    claims = claims_of("Budget 2024: the numbers")
    assert [claim.quote for claim in claims] == ["Budget 2024: the numbers"]


# ---------------------------------------------------------------- self-contained text


def test_it_replaces_pronouns_with_the_person_named_before():
    texts = texts_of(
        "Maria Lopez won the election in 2020. She was re-elected in 2024. Her father was a miner."
    )
    assert texts[1] == "Maria Lopez was re-elected in 2024."
    assert texts[2] == "Maria Lopez\u2019s father was a miner."


def test_it_keeps_the_quote_exact_when_the_text_is_rewritten():
    body = "Maria Lopez won the election in 2020. She was re-elected in 2024."
    claim = claims_of(body)[1]
    assert claim.quote == "She was re-elected in 2024"
    assert body[claim.start : claim.end] == claim.quote


def test_it_resolves_a_role_a_company_and_a_surname():
    body = (
        "Health Minister Ana Ruiz opened the clinic on Monday. "
        "Northwind Energy won the contract in May. "
        "The minister said the clinic cost $4 million. "
        "The company will build 40 turbines. Ruiz visited the site in June."
    )
    texts = texts_of(body)
    assert "Ana Ruiz said the clinic cost $4 million." in texts
    assert "Northwind Energy will build 40 turbines." in texts
    assert "Ana Ruiz visited the site in June." in texts


def test_it_resolves_it_to_the_thing_the_previous_sentence_was_about():
    texts = texts_of("The government promised to cut waiting lists. It has spent $3 billion so far.")
    assert texts[1] == "The government has spent $3 billion so far."
    assert texts_of("It is likely that prices will rise.") == ["It is likely that prices will rise."]


def test_it_counts_a_bare_surname_as_the_latest_mention():
    body = (
        "Lena Fischer beat Maria Costa in the final on Saturday. "
        "Fischer, the world number two, collected $2 million. She has won 41 matches this season."
    )
    claims = claims_of(body)
    assert claims[1].text.startswith("Lena Fischer")
    # Two women were named: "She" is never given to the wrong one, and kept with a flag when unsure.
    kept_or_named = {"Lena Fischer has won 41 matches this season.", "She has won 41 matches this season."}
    assert claims[-1].text in kept_or_named
    assert claims[-1].needs_context == claims[-1].text.startswith("She")


def test_it_leaves_a_pronoun_alone_when_no_person_fits():
    assert texts_of("He said the storm was over.") == ["He said the storm was over."]


# ---------------------------------------------------------------- check-worthiness


@pytest.mark.parametrize(
    ("high", "low"),
    [
        ("Unemployment fell to 4.2% in March, the statistics office said.", "I hope things get better."),
        ("The hospital treated 312 patients in 2023.", "What a wonderful day it was!"),
        (
            "Judge Sarah Whitfield jailed David Kerr for six years.",
            "“We are devastated,” one neighbour said.",
        ),
        ("The vaccine was introduced in 1971.", "Photo: Jane Doe/Getty Images"),
        ("Mayor Tom Reed opened the bridge on June 8.", "Perhaps the bridge will help."),
        ("The union said the plan would destroy 40,000 jobs.", "Commuters are furious."),
        ("The trial lasted 12 days.", "The mood was tense."),
    ],
)
def test_it_scores_specific_facts_above_feelings_and_credits(high, low):
    (fact,) = claims_of(high)
    (other,) = claims_of(low)
    assert fact.checkworthiness >= 0.5 > other.checkworthiness
    assert fact.reason and other.reason


def test_it_scores_a_superlative_above_the_same_plain_statement():
    (record,) = claims_of("The operator cancelled the most trains since records began.")
    (plain,) = claims_of("The operator cancelled trains on the western line.")
    assert record.checkworthiness > plain.checkworthiness
    assert "superlative" in record.reason


def test_it_scores_every_sentence_of_a_photo_caption_low():
    body = "The ward reopened in May.\nA nurse at St Thomas' Hospital in London. Photograph: PA"
    claims = claims_of(body)
    assert claims[0].checkworthiness >= 0.5
    assert all(claim.checkworthiness < 0.5 for claim in claims[1:])


def test_it_scores_a_headline_line_lower_than_the_same_sentence_in_the_text():
    headline = claims_of("Council approves cuts to library hours\nThe council met on Tuesday.")[0]
    sentence = claims_of("The council met on Tuesday. Council approves cuts to library hours.")[1]
    assert headline.checkworthiness < sentence.checkworthiness
    assert "headline" in headline.reason


# ---------------------------------------------------------------- quantities and dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He weighed 80kg.", {"value": 80.0, "unit": "kg", "si_value": 80.0, "si_unit": "kg"}),
        ("He weighed 14 stone.", {"value": 14.0, "unit": "st", "si_value": 88.9041, "si_unit": "kg"}),
        ("She is 1.85 m tall.", {"value": 1.85, "unit": "m", "si_value": 1.85, "si_unit": "m"}),
        ("He is 6 ft 2 in tall.", {"unit": "ft", "si_value": 1.8796, "si_unit": "m"}),
        ("Three million people voted.", {"value": 3_000_000.0, "unit": "people"}),
        ("More than 2,500 workers struck.", {"value": 2500.0, "unit": "worker", "qualifier": "more than"}),
        ("Fares rose 12%.", {"value": 12.0, "unit": "%", "si_unit": "%"}),
        ("Fares rose 12 per cent.", {"value": 12.0, "unit": "%"}),
        ("A $4.5 billion deal.", {"value": 4.5e9, "unit": "USD"}),
        ("Fines of about £5m.", {"value": 5e6, "unit": "GBP", "qualifier": "about"}),
        ("It reached 40C.", {"unit": "°C", "si_value": 313.15, "si_unit": "K"}),
        ("Her 17-year-old son.", {"value": 17.0, "unit": "year", "kind": "age"}),
        ("He is 49 years old.", {"text": "49 years old", "value": 49.0, "si_unit": "year", "kind": "age"}),
        ("He was held for nine months.", {"value": 9.0, "unit": "month", "si_unit": "s"}),
    ],
)
def test_it_normalises_quantities(text, expected):
    (quantity,) = parse_quantities(text)
    assert quantity.items() >= expected.items()
    assert quantity["text"] in text


def test_it_reads_no_quantity_from_ordinals_scores_or_words_inside_words():
    assert parse_quantities("The 21st century began.") == []
    assert parse_quantities("Tennis star wins 6-3, 7-5 and the team won 3-1.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Unemployment in the Netherlands was about 8% in 2020.", ("about 8%", "%")),
        ("Unemployment was 3.1% in March.", ("3.1%", "%")),
        ("He ran 400 m in under a minute.", ("400 m", "m")),
        ("The town has 5,000 residents.", ("5,000 residents", "resident")),
    ],
)
def test_it_keeps_a_claims_measure_units_while_checking_its_counted_nouns(text, expected):
    # The claim stage drops a "counted noun" spaCy does not read as a noun ("five documents their
    # journey"); a unit such as "%" or "m" is never such a noun, and must keep its text and unit.
    quantity = claims_of(text)[0].quantities[0]
    assert (quantity["text"], quantity["unit"]) == expected


def test_it_leaves_dates_out_of_quantities():
    claim = claims_of("The plant closed on March 3, 2015 after 40 years.")[0]
    assert [q["value"] for q in claim.quantities] == [40.0]
    assert claim.dates == [
        {
            "text": "March 3, 2015",
            "date": "2015-03-03",
            "precision": "day",
            "start": "2015-03-03",
            "end": "2015-03-03",
        }
    ]


REFERENCE = DateContext(reference=date(2023, 11, 20), year=2023)


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("March 3, 2015", "2015-03-03", "day"),
        ("3 March 2015", "2015-03-03", "day"),
        ("June 8", "2023-06-08", "day"),
        ("March 2021", "2021-03-01", "month"),
        ("in May", "2023-05-01", "month"),
        ("2019", "2019-01-01", "year"),
        ("just over five years ago", "2017-11-20", "approximate"),
        ("two decades ago", "1998-11-20", "approximate"),
        ("last year", "2022-01-01", "year"),
        ("the 1990s", "1990-01-01", "decade"),
    ],
)
def test_it_normalises_dates_against_the_reference(text, iso, precision):
    assert parse_date(text, REFERENCE).items() >= {"text": text, "date": iso, "precision": precision}.items()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("this summer", [("2023-06-01", "season")]),
        ("last winter", [("2022-12-01", "season")]),
        ("mid-March", [("2023-03-01", "month")]),
        ("late 2019", [("2019-01-01", "year")]),
        ("March 2019 to June 2020", [("2019-03-01", "month"), ("2020-06-01", "month")]),
        ("between 2019 and 2021", [("2019-01-01", "year"), ("2021-01-01", "year")]),
    ],
)
def test_it_reads_seasons_vague_parts_and_ranges(text, expected):
    found = parse_dates(text, REFERENCE)
    assert [(item["date"], item["precision"]) for item in found] == expected


@pytest.mark.parametrize("text", ["nine months", "52", "every day", "the past five years"])
def test_it_reads_no_date_from_durations_and_ages(text):
    assert parse_date(text, REFERENCE) is None


def test_it_takes_a_missing_year_from_the_article_and_relative_dates_from_its_own_dates():
    body = "The strike began on March 3, 2015. It ended on June 8. Talks had failed two years ago."
    claims = claims_of(body)
    assert claims[1].dates == [
        {
            "text": "June 8",
            "date": "2015-06-08",
            "precision": "day",
            "start": "2015-06-08",
            "end": "2015-06-08",
        }
    ]
    assert claims[2].dates == [
        {
            "text": "two years ago",
            "date": "2012-09-03",
            "precision": "approximate",
            "start": "2012-09-03",
            "end": "2013-12-31",
        }
    ]


def test_it_resolves_relative_dates_against_publication():
    (claim,) = claims_of("The factory closed just over five years ago.", published_at=datetime(2024, 2, 1))
    assert claim.dates == [
        {
            "text": "just over five years ago",
            "date": "2018-02-01",
            "precision": "approximate",
            "start": "2018-02-01",
            "end": "2019-02-01",
        }
    ]


def test_it_puts_a_planned_event_after_publication_and_a_past_one_before():
    published = datetime(2024, 11, 2)
    (planned,) = claims_of("The vote is scheduled for March 12.", published_at=published)
    (held,) = claims_of("The vote was held on March 12.", published_at=published)
    assert planned.dates[0]["date"] == "2025-03-12"
    assert held.dates[0]["date"] == "2024-03-12"


def test_it_reads_weekdays_parts_of_months_and_durations_before_a_date():
    published = datetime(2023, 11, 9)  # a Thursday
    (claim,) = claims_of(
        "Doctors walked out for 11 days this year, figures released on Thursday showed.",
        published_at=published,
    )
    assert [(d["text"], d["date"]) for d in claim.dates] == [
        ("this year", "2023-01-01"),
        ("Thursday", "2023-11-09"),
    ]
    assert [q["text"] for q in claim.quantities] == ["11 days"]
    (end,) = claims_of("Lists grew at the end of September.", published_at=published)
    assert end.dates[0]["date"] == "2023-09-01"


def test_it_leaves_out_a_relative_date_it_cannot_anchor():
    (claim,) = claims_of("The factory closed five years ago.")
    assert claim.dates == []


# ---------------------------------------------------------------- consistency


def test_it_flags_an_age_that_does_not_fit_the_birth_year():
    body = "Mayor Ana Ruiz, 52, opened the bridge. Ruiz, who was born in 1980, grew up nearby."
    claims = claims_of(body, published_at=datetime(2024, 5, 1))
    flagged = [claim for claim in claims if claim.flags]
    assert len(flagged) == 2
    flag = flagged[0].flags[0]
    assert flag["kind"] == "age_birth_year_mismatch"
    assert "52" in flag["message"] and "1980" in flag["message"]
    assert flag["related_quotes"] == [flagged[1].quote]


def test_it_does_not_flag_a_consistent_age():
    body = "Mayor Ana Ruiz, 43, opened the bridge. Ruiz, who was born in 1980, grew up nearby."
    assert not any(claim.flags for claim in claims_of(body, published_at=datetime(2024, 5, 1)))


def test_it_flags_conflicting_ages_and_durations():
    body = (
        "Tom Reed, 61, founded the firm. Years later Tom Reed, 64, sold it. "
        "The firm has traded since 2010 for 25 years."
    )
    claims = claims_of(body, published_at=datetime(2024, 5, 1))
    kinds = {flag["kind"] for claim in claims for flag in claim.flags}
    assert kinds == {"conflicting_ages", "duration_mismatch"}
    turned = claims_of("Lena Fischer turned 22 last week. Lena Fischer, 25, thanked her coach.")
    assert all(claim.flags[0]["kind"] == "conflicting_ages" for claim in turned)


def test_it_flags_a_past_event_dated_after_publication():
    (claim,) = claims_of("The museum reopened on March 3, 2025.", published_at=datetime(2024, 5, 1))
    assert claim.flags[0]["kind"] == "date_after_publication"
    (planned,) = claims_of("The museum will reopen on March 3, 2025.", published_at=datetime(2024, 5, 1))
    assert planned.flags == []


# ---------------------------------------------------------------- repeated sentences


def test_it_links_a_repeated_sentence_to_its_first_occurrence():
    sentence = "The mayor, who took office in 2019, cut the budget by 12%."
    claims = claims_of(f"{sentence}\nCrowds gathered outside.\n{sentence}")
    assert [claim.duplicate_of for claim in claims] == [None, None, None, 0, 1]
    assert claims[3].quote == claims[0].quote and claims[3].start > claims[0].start


def test_a_piece_seen_before_is_parsed_once_and_each_use_gets_its_own_doc(monkeypatch):
    text = "The museum reopened on 4 May after a $12 million renovation, its director said."
    pieces = segment(f"{text}\n{text}")
    first = parse(pieces[:1])[0]
    monkeypatch.setattr("claims.extraction.parse.nlp", lambda: pytest.fail("a known piece was parsed again"))

    again, repeat = parse(pieces)
    again.user_data["opens_inside_quotation"] = True

    assert [(t.text, t.pos_, t.dep_, t.head.i) for t in again] == [
        (t.text, t.pos_, t.dep_, t.head.i) for t in first
    ]
    assert [(e.text, e.label_) for e in repeat.ents] == [(e.text, e.label_) for e in first.ents]
    assert (
        "opens_inside_quotation" not in repeat.user_data and "opens_inside_quotation" not in first.user_data
    )


def test_a_cached_parse_gives_the_claims_a_fresh_parse_gives_in_a_quotation():
    middle = "Then the river rose."
    outside = f"{middle} The mayor said 40 homes were flooded."
    inside = f"\u201cWe waited for hours. {middle} We lost everything,\u201d she said."
    _parsed.clear()
    fresh = extract_claims(inside)
    _parsed.clear()
    extract_claims(outside)  # parses the middle piece outside any quotation

    assert middle in _parsed
    assert extract_claims(inside) == fresh
