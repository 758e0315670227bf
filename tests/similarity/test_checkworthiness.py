"""The learned check-worthiness: scores from the embedding and cues, reasons, and the fallback to cues."""

import json
import logging
import re

import numpy as np
import pytest

from claims.extraction.claim import ExtractedClaim
from claims.similarity import checkworthiness

SHIPPED_FILE = checkworthiness.MODEL_FILE


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
    assert shipped_model.version >= 2
    assert len(shipped_model.embedding_weights) == 384
    assert shipped_model.networks and shipped_model.networks[0].hidden_weights.shape[0] == 384 + len(
        checkworthiness.CUE_NAMES
    )
    assert {"0", "percent", "per cent", "million"} <= shipped_model.tfidf.terms.keys()


def test_its_shipped_networks_stay_in_a_sane_range(shipped_model):
    # A vector of the same length but another origin must not give log-odds of 1e30.
    for network in shipped_model.networks:
        assert np.abs(network.hidden_weights).max() < 1_000
    logits = shipped_model.networks[0].logits(np.hstack([unit_vectors(5), np.zeros((5, 18))]))
    assert np.abs(logits).max() < 100


def test_it_keeps_the_shipped_file_small():
    assert checkworthiness.MODEL_FILE.stat().st_size < 2_000_000


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


SAMPLE_TEXTS = [
    "Unemployment fell to 3.9% in March, the lowest rate since 2001, the statistics office said.",
    "would look for another route for the cycle lane",
    "Photo: Getty Images",
    "I just love this town and I hope it never changes!",
    "“We will never give up,” she said.",
    "Do you really think that?",
    "The council spent £4.2 million on 12 new buses in 2023",
    "Thank you.",
]


def test_it_names_cues_only_when_they_pushed_the_way_their_words_say(shipped_model):
    raising = {
        words
        for name, words in checkworthiness.CUE_WORDS.items()
        if name not in checkworthiness.LOWERING_CUES
    }
    lowering = {checkworthiness.CUE_WORDS[name] for name in checkworthiness.LOWERING_CUES}
    texts = SAMPLE_TEXTS * 4
    results = shipped_model.scores(unit_vectors(len(texts), seed=11), texts)

    for probability, reasons in results:
        assert reasons
        named = set(reasons) - {"reads like a factual statement", "reads like opinion or talk"}
        assert not named & (lowering if probability >= 0.5 else raising)
    assert {probability >= 0.5 for probability, _ in results} == {True, False}


def test_it_scores_a_batch_as_each_claim_alone(shipped_model):
    vectors = unit_vectors(len(SAMPLE_TEXTS), seed=12)

    together = shipped_model.scores(vectors, SAMPLE_TEXTS)

    assert together == [
        shipped_model.score(vector, text) for vector, text in zip(vectors, SAMPLE_TEXTS, strict=True)
    ]
    assert shipped_model.scores(vectors[:0], []) == []


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


def shipped_data() -> dict:
    return json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))


def version_1_file() -> str:
    """A file of the first model (the linear part alone), which this version cannot use."""
    linear = ("intercept", "cue_weights", "cue_means", "embedding_weights")
    return json.dumps({key: shipped_data()[key] for key in linear} | {"version": 1, "embedding_mean": -0.3})


def broken_network_file() -> str:
    data = shipped_data()
    data["networks"][0]["hidden_weights"] = data["networks"][0]["hidden_weights"][:-1]
    return json.dumps(data)


def tfidf_without_terms_file() -> str:
    data = shipped_data()
    data["tfidf"]["terms"] = ["per cent"]
    return json.dumps(data)


@pytest.mark.parametrize(
    "content",
    [
        lambda: "{not json",
        lambda: json.dumps({"version": 1}),
        lambda: json.dumps([1, 2]),
        version_1_file,
        broken_network_file,
        tfidf_without_terms_file,
    ],
    ids=["not json", "no fields", "a list", "version 1", "short network", "terms not a mapping"],
)
def test_it_falls_back_to_cues_when_the_file_is_corrupt(model_file, caplog, content):
    content = content()
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


def test_it_trains_deterministically(monkeypatch, tmp_path, capsys):
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
    monkeypatch.setattr(train_checkworthiness, "NETWORK_EPOCHS", 40)
    outputs = []
    for run in range(2):
        output = tmp_path / f"model-{run}.json"
        arguments = ["train", "--sample", "300", "--skip-heldout", "--output", str(output)]
        monkeypatch.setattr("sys.argv", arguments)
        train_checkworthiness.main()
        outputs.append(output.read_text(encoding="utf-8"))

    assert outputs[0] == outputs[1]
    data = json.loads(outputs[0])
    assert data["version"] == 2 and len(data["embedding_weights"]) == 384
    learned = checkworthiness.model_from(data)
    assert learned.cue_weights.keys() == set(checkworthiness.CUE_NAMES)
    assert len(learned.networks) == len(train_checkworthiness.NETWORK_SEEDS)
    # The file, read back by the runtime, scores the training rows as the fitted models do.
    difference = re.search(r"largest difference (\d\.\d+)", capsys.readouterr().out)
    assert difference and float(difference.group(1)) <= 0.001


def fit_tiny_tfidf():
    from bench import train_checkworthiness

    texts = [
        "Unemployment fell to 3.9% in March, the lowest since 2001.",
        "Unemployment rose to 4.1% in April.",
        "I think we can do better, and I hope we will.",
        "I hope the city can do better on buses.",
        "The city spent $4 million on 12 new buses in 2023.",
        "Thank you all for coming tonight.",
        "The council didn\u2019t spend the $4 million it promised.",
        "Thank you, and I think it was a great night.",
    ]
    labels = np.array([1, 1, 0, 0, 1, 0, 1, 0])
    return texts, train_checkworthiness.fit_tfidf(texts, labels, np.ones(len(labels)))


def test_it_cuts_words_into_terms():
    assert checkworthiness.terms("Sales didn\u2019t rise 12.5% in 2024!") == [
        "sales", "didn't", "rise", "0", "0", "in", "0",
        "sales didn't", "didn't rise", "rise 0", "0 0", "0 in", "in 0",
    ]  # fmt: skip


def test_its_tfidf_matches_training():
    from bench import train_checkworthiness

    texts, pipeline = fit_tiny_tfidf()
    vectorizer = pipeline.named_steps["tfidfvectorizer"]
    tfidf = checkworthiness.tfidf_from(train_checkworthiness.tfidf_parameters(pipeline))
    unseen = [
        "Unemployment fell to 5% in 2020, the city said.",
        "We can do better, thank you!",
        "Nothing known",
    ]

    for text in texts + unseen:
        expected = vectorizer.transform([text]).toarray()[0]
        values = tfidf.values(text)
        assert {
            term: pytest.approx(expected[column], rel=1e-5)
            for term, column in vectorizer.vocabulary_.items()
            if expected[column]
        } == values
        assert tfidf.logit(text) == pytest.approx(pipeline.decision_function([text])[0], abs=1e-5)


def test_its_network_forward_pass_matches_scikit_learn():
    from bench import train_checkworthiness

    rng = np.random.default_rng(7)
    inputs = np.hstack(
        [
            rng.normal(scale=0.05, size=(120, 384)),
            rng.integers(0, 2, size=(120, len(checkworthiness.CUE_NAMES))),
        ]
    )
    labels = (inputs[:, 0] + inputs[:, 384] * 0.05 > 0.02).astype(int)
    pipeline = train_checkworthiness.fit_network(inputs, labels, np.ones(len(labels)), seed=0)
    network = checkworthiness.network_from(
        train_checkworthiness.network_parameters(pipeline), inputs.shape[1]
    )

    rows = inputs[:8]
    probabilities = 1 / (1 + np.exp(-network.logits(rows)))
    assert probabilities == pytest.approx(pipeline.predict_proba(rows)[:, 1], abs=1e-5)
    assert network.logits(rows) == pytest.approx(
        train_checkworthiness.network_logits(pipeline, rows), abs=1e-4
    )


def test_its_network_ignores_an_input_that_is_all_but_constant():
    from bench import train_checkworthiness

    rng = np.random.default_rng(8)
    inputs = rng.normal(scale=0.05, size=(120, 402))
    inputs[:, 5] = rng.normal(scale=1e-33, size=120)  # as all-MiniLM-L6-v2's dead dimensions
    labels = (inputs[:, 0] > 0).astype(int)
    pipeline = train_checkworthiness.fit_network(inputs, labels, np.ones(len(labels)), seed=0)
    network = checkworthiness.network_from(train_checkworthiness.network_parameters(pipeline), 402)

    nudged = inputs[:4].copy()
    nudged[:, 5] = 0.05
    assert np.abs(network.logits(nudged) - network.logits(inputs[:4])).max() < 1.0
