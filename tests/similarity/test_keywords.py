"""The rarest words of a "checked before?" query, by the planner's lexeme statistics."""

import pytest
from django.db import connection

from claims.similarity import keywords
from claims.similarity.keywords import Lexeme, LexemeStatistics
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_statistics")]

STATISTICS = LexemeStatistics(shares={"video": 0.2, "show": 0.05, "snake": 0.001}, rows=10_000)


def lexemes(*words):
    return [Lexeme(text=word, position=position) for position, word in enumerate(words, start=1)]


def test_it_keeps_the_rarest_lexemes_first_then_in_the_order_of_the_text():
    found = keywords.rarest(
        lexemes("video", "show", "river", "snake", "anaconda"), STATISTICS, count=3, max_share=1.0, min_rows=0
    )

    # Not among the common lexemes at all: rarer than any of them.
    assert found == ["river", "anaconda", "snake"]


def test_it_searches_the_first_words_of_the_text_without_statistics():
    found = keywords.rarest(
        lexemes("video", "show", "snake"), keywords.NO_STATISTICS, count=2, max_share=0.01, min_rows=100
    )

    assert found == ["video", "show"]


def test_it_leaves_out_common_lexemes_and_single_characters():
    found = keywords.rarest(
        lexemes("video", "m", "show", "snake"), STATISTICS, count=8, max_share=0.01, min_rows=100
    )

    assert found == ["snake"]


def test_it_keeps_a_common_lexeme_of_a_small_table():
    small = LexemeStatistics(shares=STATISTICS.shares, rows=200)

    found = keywords.rarest(lexemes("video", "snake"), small, count=8, max_share=0.01, min_rows=100)

    assert found == ["snake", "video"]


def test_it_writes_a_tsquery_of_any_of_the_lexemes_as_they_are():
    text = keywords.any_of(["bridg", "it's", "back\\slash"])

    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsquery::text", [text])
        assert cursor.fetchone()[0] == "'bridg' | 'it''s' | 'back\\\\slash'"
    assert keywords.any_of([]) is None


def test_it_reads_the_lexemes_of_a_query_as_the_index_stems_them():
    found = keywords.query_lexemes("The bridges were closed, the bridge reopened")

    assert {lexeme.text: lexeme.position for lexeme in found} == {"bridg": 2, "close": 4, "reopen": 7}
    assert [lexeme.text for lexeme in keywords.query_lexemes("bridges\x00closed")] == ["bridg", "close"]


def test_it_reads_how_common_each_lexeme_is_from_the_planner_statistics(team, django_assert_num_queries):
    article = ArticleFactory(team=team)
    for number in range(40):
        ClaimFactory(article=article, text=f"A viral video shows claim number {number}.")
    ClaimFactory(article=article, text="An anaconda swims in a river.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")

    statistics = keywords.CLAIM_TEXT.statistics()
    with django_assert_num_queries(0):  # kept by the process
        assert keywords.CLAIM_TEXT.statistics() is statistics

    assert statistics.rows == 41
    assert statistics.shares["video"] == pytest.approx(40 / 41, abs=0.01)
    assert statistics.shares.get("anaconda", 0.0) < 0.05
