"""Words that mean the same: a static vector for each word, made by the bundled encoder
reading the word alone (all-MiniLM-L6-v2 puts "shoreline" near "coastal", "firms" near
"companies", "medicines" near "drugs"), so that a question in other words than the article's
still finds its terms. Vectors are cached by word in memory and on disk: a corpus's vocabulary
is encoded once, whatever index build it is read in.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

_SAVE_EVERY = 2000  # new words encoded before the disk cache is written again
# Two words at least this similar are taken to mean the same where a yes or no is needed
# (the refusal's "nothing found about ..."); the features use the similarity itself. Words
# that mean the same in proceedings average 0.50 and related but different ones 0.45
# (benchmarks/bench_words.py): only the clearest matches count ("firms": "companies" 0.87,
# "shoreline": "coastal" 0.79, "medicines": "drugs" 0.75).
SAME_MEANING = 0.7


class WordVectors:
    """Normalised vectors of single words from an encoder, cached (thread-safe)."""

    def __init__(self, encoder: Any, cache_file: Path | None = None) -> None:
        self.encoder = encoder
        self.cache_file = cache_file
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._loaded = False
        self._unsaved = 0

    def of(self, words: Sequence[str]) -> np.ndarray:
        """One row per word (lower-cased), unit length."""
        with self._lock:
            self._load()
            missing = sorted({w for w in words if w not in self._vectors})
        if missing:
            encoded = np.asarray(self.encoder.encode(missing), dtype=np.float32)
            encoded /= np.maximum(np.linalg.norm(encoded, axis=1, keepdims=True), 1e-9)
            with self._lock:
                self._vectors.update(zip(missing, encoded, strict=True))
                self._unsaved += len(missing)
                if self._unsaved >= _SAVE_EVERY or len(missing) > 50:
                    self._save()
        dimensions = self.encoder.dimensions
        with self._lock:
            rows = [self._vectors[w] for w in words]
        return np.stack(rows) if rows else np.zeros((0, dimensions), dtype=np.float32)

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self.cache_file is None or not self.cache_file.is_file():
            return
        try:
            with np.load(self.cache_file) as data:
                words, vectors = data["words"], data["vectors"]
            self._vectors.update(zip((str(w) for w in words), vectors.astype(np.float32),
                                     strict=True))  # fmt: skip
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache is only slower: the words are encoded again

    def _save(self) -> None:
        if self.cache_file is None:
            return
        self._unsaved = 0
        words = sorted(self._vectors)
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_file.with_name(f".{self.cache_file.name}.{os.getpid()}.tmp.npz")
            np.savez(tmp, words=np.array(words),
                     vectors=np.stack([self._vectors[w] for w in words]))  # fmt: skip
            os.replace(tmp, self.cache_file)
        except OSError:
            pass  # no cache folder: the vectors stay in memory


def best_similarity(term_sims: np.ndarray, rows: Sequence[int]) -> np.ndarray:
    """For each term (a column of term_sims: similarity to every vocabulary word), its best
    similarity among the vocabulary words at rows; -1 without rows."""
    if not len(rows) or not term_sims.shape[1]:
        return np.full(term_sims.shape[1], -1.0)
    return term_sims[np.asarray(rows, dtype=np.int64)].max(axis=0)


_SHARED: dict[tuple[int, str], WordVectors] = {}
_SHARED_LOCK = threading.Lock()


def word_vectors(encoder: Any, cache_dir: Path | None) -> WordVectors:
    """The word vectors of an encoder, one cache per encoder and folder in a process; on
    disk under cache_dir (the encoder's name in the file name)."""
    key = (id(encoder), str(cache_dir))
    with _SHARED_LOCK:
        if key not in _SHARED:
            name = str(getattr(encoder, "name", "encoder")).replace("/", "-")
            file = cache_dir / f"words-{name}.npz" if cache_dir is not None else None
            _SHARED[key] = WordVectors(encoder, file)
        return _SHARED[key]
