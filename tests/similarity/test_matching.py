""" "Checked before?" with the real model and real Postgres: cleaned queries, claim and title lists,
fusion modes, the re-ranker and why each result matched."""

import json
import logging

import numpy as np
import pytest
from django.db import connection

from claims.similarity import embeddings, matching, rerank
from claims.similarity.search import searchable_articles_sql
from tests.factories import ArticleFactory, ClaimFactory, TeamFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="session")
def embedding_model():
    return embeddings.get_model()


def claim_with_vector(article, text):
    claim = ClaimFactory(article=article, text=text)
    claim.embedding = embeddings.embed_text(text)
    claim.save(update_fields=["embedding"])
    return claim


@pytest.fixture
def checked(team, embedding_model):
    """Three fact-checks: the claim and the title of each say it differently."""
    claims = {}
    for key, title, text in [
        (
            "snake",
            "Does Video Show a 10-Meter-Long Anaconda?",
            "A viral video shows a giant snake in a river.",
        ),
        (
            "fries",
            "$1 McDonald's Any Size Fries",
            "Fast-food restaurants are selling fries for a dollar in May.",
        ),
        (
            "bridge",
            "Was the Golden Gate Bridge Closed by Wind?",
            "High winds shut a famous bridge for a day.",
        ),
    ]:
        claims[key] = claim_with_vector(ArticleFactory(team=team, language="en", title=title), text)
    return claims


def ids(found):
    return [item.claim.pk for item in found]


def test_the_title_list_finds_a_claim_by_its_fact_checks_title(alice, checked):
    articles = searchable_articles_sql(alice)

    found = matching.match_ranked("anaconda", articles, mode=matching.KEYWORD, limit=5)

    assert ids(found) == [checked["snake"].pk]
    assert found[0].title_rank == 1 and found[0].keyword_rank is None and found[0].nearest_rank is None
    assert found[0].title_relevance > 0


def test_each_mode_searches_only_its_lists(alice, checked):
    articles = searchable_articles_sql(alice)

    by_meaning = matching.match_ranked("A huge snake swims across a river", articles, mode=matching.VECTOR)
    fused = matching.match_ranked("Golden Gate bridge closed by high winds", articles, mode=matching.FUSED)

    assert by_meaning[0].claim == checked["snake"]
    assert all(item.keyword_rank is None and item.title_rank is None for item in by_meaning)
    assert fused[0].claim == checked["bridge"]
    assert fused[0].nearest_rank == 1 and fused[0].title_rank == 1 and fused[0].keyword_rank is not None


def test_match_cleans_a_pasted_post_before_encoding_it(alice, checked, monkeypatch):
    encoded = []
    original = embeddings.embed_text
    monkeypatch.setattr(embeddings, "embed_text", lambda text: encoded.append(text) or original(text))
    post = "WOW 😱 viral video of a #GiantSnake in a river!!! pic.twitter.com/a1 — Ann Lee (@annlee) May 3"

    found = matching.match_text(text=post, user=alice, limit=3)

    assert encoded == ["WOW viral video of a Giant Snake in a river! Ann Lee."]
    assert found[0].claim == checked["snake"]


def test_every_match_says_why_it_matched(alice, checked):
    found = matching.match_text(text="McDonald's any size fries for $1", user=alice, limit=3)

    assert found[0].claim == checked["fries"]
    why = found[0].why
    assert set(why) == {"cosine", "nearest_rank", "keyword_rank", "title_rank", "fusion", "rerank"}
    assert why["cosine"] == found[0].score and why["title_rank"] == 1
    assert why["rerank"] is None or 0 <= why["rerank"] <= 1


def test_matches_stay_within_what_the_user_may_see(charlie, checked):
    assert matching.match_text(text="anaconda video", user=charlie) == []
    other = ArticleFactory(team=TeamFactory(), language="en", title="Anaconda")
    claim_with_vector(other, "An anaconda was seen in a river.")

    assert matching.match_ranked("anaconda", searchable_articles_sql(charlie), mode=matching.KEYWORD) == []


def test_the_re_ranker_orders_the_candidates_by_its_probability(alice, checked, tmp_path, monkeypatch):
    # A model that only trusts the title list: the title match comes first whatever the cosine.
    parameters = {
        "version": rerank.VERSION,
        "features": list(rerank.FEATURES),
        "mean": [0.0] * len(rerank.FEATURES),
        "scale": [1.0] * len(rerank.FEATURES),
        "coef": [5.0 if name == "title" else 0.0 for name in rerank.FEATURES],
        "intercept": -2.0,
    }
    path = tmp_path / "rerank.json"
    path.write_text(json.dumps(parameters))
    monkeypatch.setattr(rerank, "MODEL_FILE", path)
    rerank.model.cache_clear()
    try:
        found = matching.match_ranked("bridge fries", searchable_articles_sql(alice), mode=matching.RERANKED)
    finally:
        rerank.model.cache_clear()

    assert {found[0].claim.pk, found[1].claim.pk} == {checked["bridge"].pk, checked["fries"].pk}
    assert found[0].rerank > found[-1].rerank
    assert [item.rerank for item in found] == sorted((item.rerank for item in found), reverse=True)


def test_features_are_one_row_per_candidate_relative_to_the_best(alice, checked):
    found = matching.match_ranked("snake river video", searchable_articles_sql(alice), mode=matching.FUSED)

    rows = rerank.features("snake river video", found)

    assert rows.shape == (len(found), len(rerank.FEATURES))
    gap = rows[:, rerank.FEATURES.index("cosine_gap")]
    assert gap.min() == 0 and np.all(gap >= 0)
    assert rerank.features("anything", []).shape == (0, len(rerank.FEATURES))


def test_the_word_lists_search_only_the_querys_rarest_words(
    alice, team, checked, fresh_statistics, monkeypatch
):
    # Forty more fact-checks about videos: "video" is in nearly every claim and title.
    for number in range(40):
        article = ArticleFactory(team=team, language="en", title=f"Viral video number {number}")
        claim_with_vector(article, f"A viral video shows clip number {number}.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim, claims_article")
    monkeypatch.setattr(matching, "COMMON_LEXEME_ROWS", 10)  # a small table's common words
    articles = searchable_articles_sql(alice)

    claim_words, title_words = matching.searched_words("video of an anaconda", claims=True, titles=True)
    found = matching.match_ranked("video of an anaconda", articles, mode=matching.KEYWORD, limit=50)

    # "video" is in more than the largest share allowed; the stop words are not lexemes at all.
    assert claim_words == title_words == "'anaconda'"
    assert ids(found) == [checked["snake"].pk]


def test_a_query_without_a_searchable_word_is_matched_by_meaning(alice, checked, monkeypatch):
    monkeypatch.setattr(matching, "KEYWORD_LEXEMES", 0)

    found = matching.match_ranked(
        "A huge snake swims in a river", searchable_articles_sql(alice), mode=matching.FUSED
    )

    assert found[0].claim == checked["snake"]
    assert all(item.keyword_rank is None and item.title_rank is None for item in found)


class TestTheShippedModelFile:
    def test_it_is_loaded_once(self, monkeypatch):
        rerank.model.cache_clear()
        reads = []
        original = type(rerank.MODEL_FILE).read_text
        monkeypatch.setattr(
            type(rerank.MODEL_FILE),
            "read_text",
            lambda self, **kw: reads.append(self) or original(self, **kw),
        )
        try:
            first, second = rerank.model(), rerank.model()
        finally:
            rerank.model.cache_clear()

        assert first is second and first is not None and len(reads) == 1

    @pytest.mark.parametrize(
        "content", [None, "{not json", json.dumps({"version": 0}), json.dumps({"version": 1})]
    )
    def test_a_missing_or_broken_file_keeps_the_fused_order_with_a_log_line(
        self, alice, checked, tmp_path, monkeypatch, caplog, content
    ):
        path = tmp_path / "rerank.json"
        if content is not None:
            path.write_text(content)
        monkeypatch.setattr(rerank, "MODEL_FILE", path)
        rerank.model.cache_clear()
        articles = searchable_articles_sql(alice)
        try:
            with caplog.at_level(logging.WARNING, logger="claims.similarity.rerank"):
                reranked = matching.match_ranked("bridge wind", articles, mode=matching.RERANKED)
                fused = matching.match_ranked("bridge wind", articles, mode=matching.FUSED)
        finally:
            rerank.model.cache_clear()

        assert ids(reranked) == ids(fused) and all(item.rerank is None for item in reranked)
        assert len([record for record in caplog.records if "fused order" in record.getMessage()]) == 1
