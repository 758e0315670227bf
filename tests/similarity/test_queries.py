"""Query cleaning: one test per kind of social-media noise a pasted post carries."""

import pytest

from claims.similarity.queries import clean_query, split_words


def test_it_removes_links():
    text = "Read this https://t.co/wpI5ea670R and www.example.com/page?x=1 now"

    assert clean_query(text) == "Read this and now"


def test_it_removes_picture_links_even_run_into_a_word():
    assert (
        clean_query("A colossal misunderstanding pic.twitter.com/CdGnWc0oGP") == "A colossal misunderstanding"
    )
    assert clean_query("protest #Tornillopic.twitter.com/SWyyI1") == "protest Tornillo"


def test_it_keeps_a_signatures_author_and_drops_handle_and_date():
    text = "America will never be destroyed. — Donald J. Trump (@realDonaldTrump) April 16, 2015"

    assert clean_query(text) == "America will never be destroyed. Donald J. Trump."


@pytest.mark.parametrize(
    "ending",
    [
        "— Hashi, MD (@SomPundit) December 31, 2017",
        "— Dawna (@onecaliberal)",
        "— Mike B (@MikeBloomberg) Jun",
    ],
)
def test_it_recognises_signatures_with_or_without_their_date(ending):
    cleaned = clean_query(f"The house was owned by his wife {ending}")

    assert "@" not in cleaned and "(" not in cleaned and not any(char.isdigit() for char in cleaned)


def test_it_turns_handles_into_the_words_of_the_name():
    assert (
        clean_query("Before @AOC hit the stage, @realDonaldTrump said")
        == "Before AOC hit the stage, Donald Trump said"
    )


def test_it_splits_hashtags_into_words_even_when_run_together():
    assert clean_query("How are butterflies surviving the #AustralianFires?") == (
        "How are butterflies surviving the Australian Fires?"
    )
    assert clean_query("#elpaso#aoc#BritishColumbia") == "elpaso aoc British Columbia"


def test_it_removes_emoji_flags_and_skin_tones():
    assert clean_query("his Landlady 😂😂 Brad Trost 🇨🇦 👍🏽 ✔️") == "his Landlady Brad Trost"


def test_it_unescapes_html_and_collapses_marks_and_spaces():
    assert clean_query("Tom &amp; Jerry!!!   said\xa0it??") == "Tom & Jerry! said it?"


def test_plain_sentences_are_left_as_they_are():
    sentence = "The council approved two new bus lines on Monday, at a cost of $8 million (2024)."

    assert clean_query(sentence) == sentence


def test_a_post_of_noise_alone_cleans_to_nothing():
    assert clean_query("https://t.co/x 😂 pic.twitter.com/abc") == ""


@pytest.mark.parametrize(
    ("tag", "words"),
    [
        ("AustralianFires", "Australian Fires"),
        ("NYCMayor", "NYC Mayor"),
        ("covid_19", "covid 19"),
        ("G7", "G 7"),
    ],
)
def test_split_words(tag, words):
    assert split_words(tag) == words
