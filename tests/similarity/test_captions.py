"""Photo captions that repeat a sentence of the article with small edits are linked to it at
ingest; with another number, date or name they are not."""

import json
from pathlib import Path

import pytest

from claims.extraction.claim import ExtractedClaim
from claims.extraction.pipeline import extract_claims
from claims.similarity import embeddings
from claims.similarity.duplicates import ingest_vectors
from tests.conftest import SEED_ARTICLE

pytestmark = pytest.mark.slow

# Written before the caption rules; captions_heldout.jsonl is left to bench/similarity_eval.py.
CAPTIONS = Path(__file__).resolve().parents[1] / "data" / "similarity" / "captions.jsonl"
PAIRS = [json.loads(line) for line in CAPTIONS.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module", autouse=True)
def embedding_model():
    return embeddings.get_model()


def extracted(*texts):
    return [ExtractedClaim(text=text, quote=text, start=0, end=len(text)) for text in texts]


def linked(body: str, caption: str) -> bool:
    items = extracted(body, "Crowds gathered outside the station.", caption)
    ingest_vectors(items)
    return items[2].duplicate_of == 0


@pytest.mark.parametrize(
    "pair", [pair for pair in PAIRS if pair["label"] == "duplicate"], ids=lambda pair: pair["kind"]
)
def test_it_links_a_caption_with_an_aside_a_dropped_clause_or_an_added_phrase(pair):
    assert linked(pair["a"], pair["b"])


@pytest.mark.parametrize(
    "pair", [pair for pair in PAIRS if pair["label"] == "hard_negative"], ids=lambda pair: pair["kind"]
)
def test_it_does_not_link_a_caption_with_another_number_date_or_name(pair):
    assert not linked(pair["a"], pair["b"])


def test_it_links_the_seed_articles_captions_but_not_one_with_another_number():
    body = SEED_ARTICLE.read_text()
    caption = "Madeleine Gavin's film also follows a family of five (some pictured)"
    assert caption in body
    items = extract_claims(body.replace(caption, caption.replace("five", "six")))

    ingest_vectors(items)

    def repeated(start: str) -> str | None:
        item = next(item for item in items if item.text.startswith(start))
        return None if item.duplicate_of is None else items[item.duplicate_of].text

    assert repeated("Soyeon Lee (pictured here with Pastor Kim) said").startswith(
        "Soyeon Lee said she was initially hesitant"
    )
    assert repeated(
        "Footage taken with their cell phones documents their dangerous journey, see picture"
    ).startswith("Footage taken with their cell phones documents their dangerous journey.")
    assert repeated("Madeleine Gavin's film also follows a family of six") is None
