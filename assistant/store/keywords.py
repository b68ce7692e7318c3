"""The keyword (BM25) index over chunk texts, kept beside the Chroma collection."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from assistant.language import KEYWORD_STOPWORDS, stem_words

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop words removed, Snowball-stemmed word tokens."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in KEYWORD_STOPWORDS]
    return stem_words(words)


class KeywordIndex:
    """BM25 over a list of chunk ids and texts; saved to and loaded from a folder."""

    def __init__(self, ids: list[str], retriever: Any) -> None:
        self.ids = ids
        self._retriever = retriever

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> KeywordIndex:
        import bm25s

        if not ids:  # as load() gives for an empty index: nothing to search
            return cls([], None)
        retriever = bm25s.BM25()
        retriever.index([tokenize(t) for t in texts], show_progress=False)
        return cls(list(ids), retriever)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.ids:
            self._retriever.save(str(folder), show_progress=False)
        (folder / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        import bm25s

        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(folder), show_progress=False) if ids else None
        return cls(ids, retriever)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to k (chunk id, BM25 score) pairs with a positive score, best first."""
        tokens = [t for t in tokenize(query) if t in self._vocab()]
        if not self.ids or not tokens:
            return []
        k = min(k, len(self.ids))
        docs, scores = self._retriever.retrieve([tokens], k=k, show_progress=False, n_threads=1)
        return [
            (self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0
        ]

    def _vocab(self) -> dict[str, int]:
        return self._retriever.vocab_dict if self._retriever is not None else {}
