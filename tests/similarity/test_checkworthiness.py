"""The learned check-worthiness: scores from the embedding and cues, reasons, and the fallback to cues."""

import json
import logging

import numpy as np
import pytest

from claims.extraction.claim import ExtractedClaim
from claims.similarity import checkworthiness


def unit_vectors(count: int, seed: int = 3) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(count, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def claim(text: str) -> ExtractedClaim:
    return ExtractedClaim(
        text=text,
        quote=text,
        start=0,
        end=len(text),
        checkworthiness=0.4,
        reason="a date",
        reasons=["a date"],
    )


@pytest.fixture
def shipped_model():
    checkworthiness.model.cache_clear()
    yield checkworthiness.model()
    checkworthiness.model.cache_clear()


@pytest.fixture
def model_file(monkeypatch, tmp_path):
    """Point the module at a file of the test's own; the cached model is forgotten before and after."""
    path = tmp_path / "checkworthiness_model.json"
    monkeypatch.setattr(checkworthiness, "MODEL_FILE", path)
    checkworthiness.model.cache_clear()
    yield path
    checkworthiness.model.cache_clear()


def test_it_ships_a_versioned_model(shipped_model):
    assert shipped_model is not None
    assert shipped_model.version >= 1
    assert len(shipped_model.embedding_weights) == 384


def test_it_scores_within_0_and_1_with_reasons(shipped_model):
    texts = [
        "Unemployment fell to 3.9% in March, the lowest rate since 2001, the statistics office said.",
        "I just love this town and I hope it never changes!",
        "Photo: Getty Images",
        "Mayor Ana Ruiz opened the new bridge on Tuesday.",
    ]
    claims = [claim(text) for text in texts]

    assert checkworthiness.score_claims(claims, unit_vectors(len(texts)))

    for item in claims:
        assert 0.0 <= item.checkworthiness <= 1.0
        assert item.checkworthiness_source == "model"
        assert item.reasons
        assert item.reason == "; ".join(item.reasons)
    assert "a number or quantity" in claims[0].reasons or claims[0].checkworthiness < 0.5


def test_it_names_the_cues_that_lowered_a_low_score(shipped_model):
    caption = claim("Photo: Getty Images")
    feeling = claim("I just love this town and I hope it never changes!")
    # The same wording vector for all, so only the cues differ.
    vectors = np.repeat(unit_vectors(1), 3, axis=0)
    figure = claim(
        "Unemployment fell to 3.9% in March, the lowest rate since 2001, the statistics office said."
    )

    checkworthiness.score_claims([caption, feeling, figure], vectors)

    assert figure.checkworthiness > feeling.checkworthiness
    assert figure.checkworthiness > caption.checkworthiness


def test_it_keeps_cue_scores_without_vectors(shipped_model):
    item = claim("Prices rose by 4% last year.")

    assert not checkworthiness.score_claims([item], None)

    assert (item.checkworthiness, item.checkworthiness_source, item.reasons) == (0.4, "cues", ["a date"])


def test_it_falls_back_to_cues_with_one_log_line_when_the_file_is_missing(model_file, caplog):
    item = claim("Prices rose by 4% last year.")

    with caplog.at_level(logging.WARNING, logger="claims.similarity.checkworthiness"):
        assert not checkworthiness.score_claims([item], unit_vectors(1))
        assert not checkworthiness.score_claims([item], unit_vectors(1))

    assert item.checkworthiness_source == "cues"
    assert item.checkworthiness == 0.4
    warnings = [record for record in caplog.records if record.name == "claims.similarity.checkworthiness"]
    assert len(warnings) == 1
    assert "cue scores" in warnings[0].getMessage()
    assert str(model_file) in warnings[0].getMessage()


@pytest.mark.parametrize("content", ["{not json", json.dumps({"version": 1}), json.dumps([1, 2])])
def test_it_falls_back_to_cues_when_the_file_is_corrupt(model_file, caplog, content):
    model_file.write_text(content, encoding="utf-8")
    item = claim("Prices rose by 4% last year.")

    with caplog.at_level(logging.WARNING, logger="claims.similarity.checkworthiness"):
        assert not checkworthiness.score_claims([item], unit_vectors(1))

    assert item.checkworthiness_source == "cues"
    assert len([r for r in caplog.records if r.name == "claims.similarity.checkworthiness"]) == 1


def test_it_reads_cues_from_the_text():
    figure = checkworthiness.cue_features("Sales rose 12% to $4 million in 2024, the company said.")
    caption = checkworthiness.cue_features("Photo: Jane Smith/Reuters")
    quoted = checkworthiness.cue_features("“I feel wonderful,” she said.")

    assert figure["number"] == figure["date"] == figure["attribution"] == figure["comparison"] == 1.0
    assert caption["caption"] == 1.0 and caption["no_full_stop"] == 1.0
    assert quoted["quoted_opinion"] == 1.0 and quoted["number"] == 0.0
    assert set(figure) == set(checkworthiness.CUE_NAMES)


def test_it_trains_deterministically(monkeypatch, tmp_path):
    from bench import train_checkworthiness

    # ClaimBuster-shaped rows of our own, so the test runs wherever the public data is not.
    statements = ["Unemployment fell to {n}% in 20{n:02d}.", "The city spent ${n} million on {n} new buses."]
    chatter = ["Thank you all for coming tonight, number {n}.", "I think we can do better, friend {n}."]
    rows = [
        {"id": f"cb-{n:04d}", "text": template.format(n=n), "label": label}
        for n in range(1, 81)
        for templates, label in ((statements, 1), (chatter, 0))
        for template in templates
    ]
    training = tmp_path / "train.jsonl"
    training.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    monkeypatch.setattr(train_checkworthiness, "CLAIMBUSTER", training)

    def fake_embed(texts):
        # A stand-in encoder, a function of the text alone (the real one is deterministic too).
        rows = [np.random.default_rng(sum(map(ord, text)) % 10_000).normal(size=384) for text in texts]
        return np.array(rows, dtype=np.float32)

    monkeypatch.setattr(train_checkworthiness, "embed_texts", fake_embed)
    monkeypatch.setattr(train_checkworthiness, "C_VALUES", [1.0])
    outputs = []
    for run in range(2):
        output = tmp_path / f"model-{run}.json"
        monkeypatch.setattr("sys.argv", ["train", "--sample", "300", "--output", str(output)])
        train_checkworthiness.main()
        outputs.append(output.read_text(encoding="utf-8"))

    assert outputs[0] == outputs[1]
    data = json.loads(outputs[0])
    assert data["version"] == 1 and len(data["embedding_weights"]) == 384
    assert checkworthiness.model_from(data).cue_weights.keys() == set(checkworthiness.CUE_NAMES)
