"""Single texts' vectors: the micro-batcher, the recent-vector cache, the per-process encoder."""

import threading
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from django.test import override_settings

from claims.models import EMBEDDING_DIMENSIONS
from claims.similarity import embeddings
from claims.similarity.embeddings import QueryBatcher, QueryEncoder, VectorCache, length_groups

TEXTS = [
    "Prices rose.",
    "The council approved two new bus lines on Monday after a long debate.",
    "Unemployment fell to 4.1% in March, the lowest level since 2019, the statistics office said.",
    "The river flooded the village.",
    "A family of five was rescued from the roof of their house by a fire crew from the next town, "
    "after the river burst its banks overnight and the water rose faster than anyone expected.",
]


def vector_of(text: str) -> np.ndarray:
    vector = np.random.default_rng(zlib.crc32(text.encode())).standard_normal(EMBEDDING_DIMENSIONS)
    return (vector / np.linalg.norm(vector)).astype(np.float32)


class FakeModel:
    """A model whose vector for a text is always the same, recording each encode call's texts."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str], **options: object) -> np.ndarray:
        self.calls.append(list(texts))
        return np.stack([vector_of(text) for text in texts])


@pytest.fixture
def make_batcher():
    made: list[QueryBatcher] = []

    def make(encode, wait_seconds: float = 0.0) -> QueryBatcher:
        made.append(QueryBatcher(encode, wait_seconds=wait_seconds))
        return made[-1]

    yield make
    for batcher in made:
        batcher.close()


class HeldEncode:
    """An encode function that holds its first call until released, so the texts submitted
    meanwhile are all waiting when the next batch is taken."""

    def __init__(self, encode) -> None:
        self.encode = encode
        self.calls: list[list[str]] = []
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if len(self.calls) == 1:
            self.entered.set()
            assert self.release.wait(timeout=60)
        return self.encode(texts)

    def submit_while_held(self, batcher: QueryBatcher, texts: list[str]) -> list:
        first = batcher.submit("held")
        assert self.entered.wait(timeout=60)
        futures = [batcher.submit(text) for text in texts]
        self.release.set()
        first.result(timeout=60)
        return futures


@pytest.fixture(scope="session")
def embedding_model():
    return embeddings.get_model()


@pytest.mark.slow
def test_it_gives_the_vectors_of_encoding_one_text_at_a_time(embedding_model, make_batcher):
    held = HeldEncode(lambda texts: embeddings._encode_by_length(embedding_model, texts))
    batcher = make_batcher(held)

    futures = held.submit_while_held(batcher, TEXTS)
    vectors = np.stack([future.result(timeout=60) for future in futures])

    assert held.calls[1:] == [TEXTS]  # all five in one shared call
    alone = np.stack([embeddings.embed_texts([text])[0] for text in TEXTS])
    assert np.allclose(vectors, alone, atol=1e-5)
    assert vectors.dtype == np.float32


def test_it_hands_each_of_many_threads_the_vector_of_its_own_text(make_batcher):
    model = FakeModel()
    batcher = make_batcher(lambda texts: embeddings._encode(model, texts), wait_seconds=0.002)
    texts = [f"Claim number {index} about the budget." for index in range(200)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        vectors = list(pool.map(batcher.embed, texts))

    for text, vector in zip(texts, vectors, strict=True):
        assert np.array_equal(vector, vector_of(text))
    assert sorted(text for call in model.calls for text in call) == sorted(texts)


def test_it_encodes_the_same_text_asked_by_two_threads_at_once_once(make_batcher):
    model = FakeModel()
    held = HeldEncode(lambda texts: embeddings._encode(model, texts))
    batcher = make_batcher(held)

    futures = held.submit_while_held(batcher, ["Prices rose.", "Prices rose.", "Rents fell."])

    assert [future.result(timeout=60).tolist() for future in futures] == [
        vector_of(text).tolist() for text in ["Prices rose.", "Prices rose.", "Rents fell."]
    ]
    assert model.calls[-1] == ["Prices rose.", "Rents fell."]


def test_it_raises_a_model_error_to_every_caller_waiting_for_the_batch(make_batcher):
    def encode(texts: list[str]) -> np.ndarray:
        if "Prices rose." in texts:
            raise embeddings.EmbeddingModelUnavailable("The embedding model cannot be loaded.")
        return np.stack([vector_of(text) for text in texts])

    held = HeldEncode(encode)
    batcher = make_batcher(held)

    futures = held.submit_while_held(batcher, ["Prices rose.", "Rents fell.", "Two bridges closed."])

    for future in futures:
        with pytest.raises(embeddings.EmbeddingModelUnavailable, match="cannot be loaded"):
            future.result(timeout=60)
    assert np.array_equal(batcher.embed("Rents fell."), vector_of("Rents fell."))  # still serving


def test_it_encodes_a_text_submitted_after_closing_in_the_caller(make_batcher):
    batcher = make_batcher(lambda texts: np.stack([vector_of(text) for text in texts]))
    batcher.close()

    assert np.array_equal(batcher.embed("Rents fell."), vector_of("Rents fell."))


def test_it_groups_texts_of_similar_length_and_keeps_their_order():
    assert length_groups([60, 400, 64, 62]) == [[0, 3, 2], [1]]
    assert length_groups([50] * 6) == [[0, 1, 2, 3, 4, 5]]
    assert length_groups([]) == []

    model = FakeModel()
    texts = [TEXTS[4], "The river flooded the town.", TEXTS[3]]
    vectors = embeddings._encode_by_length(model, texts)

    assert len(model.calls) == 2
    assert np.array_equal(vectors, np.stack([vector_of(text) for text in texts]))


def test_it_keeps_the_most_recently_used_vectors_up_to_its_size():
    cache = VectorCache(2)
    cache.put("a", vector_of("a"))
    cache.put("b", vector_of("b"))
    assert cache.get("a") is not None  # now b is the least recently used

    cache.put("c", vector_of("c"))

    assert len(cache) == 2
    assert cache.get("b") is None
    kept = [cache.get("a"), cache.get("c")]
    assert kept[0] is not None and np.array_equal(kept[0], vector_of("a"))
    assert kept[1] is not None and np.array_equal(kept[1], vector_of("c"))
    assert (cache.hits, cache.misses) == (3, 1)


def test_it_keeps_no_vector_with_size_zero():
    cache = VectorCache(0)
    cache.put("a", vector_of("a"))

    assert len(cache) == 0
    assert cache.get("a") is None


def test_it_encodes_a_repeated_query_once_and_shares_it_read_only():
    model = FakeModel()
    encoder = QueryEncoder(model, cache_size=8, wait_seconds=0.0)
    try:
        first = encoder.embed("Prices rose.")
        second = encoder.embed("Prices rose.")
    finally:
        encoder.close()

    assert model.calls == [["Prices rose."]]
    assert second is first and np.array_equal(first, vector_of("Prices rose."))
    with pytest.raises(ValueError, match="read-only"):
        first[0] = 2.0


@pytest.fixture
def fake_process_model(monkeypatch):
    """embed_text's per-process encoder, built afresh around a FakeModel."""
    model = FakeModel()
    monkeypatch.setattr(embeddings, "get_model", lambda: model)
    monkeypatch.setattr(embeddings, "_queries", None)
    yield model
    if embeddings._queries is not None:
        embeddings._queries.close()


def test_it_answers_embed_text_from_the_recent_vectors(fake_process_model):
    with override_settings(FACTCHECK_EMBEDDING_QUERY_CACHE=4):
        vector = embeddings.embed_text("Prices rose.")
        vector[0] = 2.0  # the caller's own copy
        again = embeddings.embed_text("Prices rose.")

    assert fake_process_model.calls == [["Prices rose."]]
    assert np.array_equal(again, vector_of("Prices rose."))


def test_it_encodes_every_time_with_the_cache_turned_off(fake_process_model):
    with override_settings(FACTCHECK_EMBEDDING_QUERY_CACHE=0):
        embeddings.embed_text("Prices rose.")
        embeddings.embed_text("Prices rose.")

    assert fake_process_model.calls == [["Prices rose."], ["Prices rose."]]


def test_it_starts_a_new_encoder_in_a_forked_process_or_for_a_new_model(fake_process_model, monkeypatch):
    encoder = embeddings._query_encoder(fake_process_model)
    assert embeddings._query_encoder(fake_process_model) is encoder

    other_model = FakeModel()
    assert embeddings._query_encoder(other_model) is not encoder

    forked = embeddings._query_encoder(other_model)
    monkeypatch.setattr(embeddings.os, "getpid", lambda: -1)
    assert embeddings._query_encoder(other_model) is not forked
