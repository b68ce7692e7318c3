"""Index benchmarks; figures go to benchmarks/results.md.

1. Build throughput of `assistant index --rebuild` (corpus load, chunking, embedding, Chroma,
   BM25, manifest) against raw `SentenceTransformer.encode` on the same chunks, same run.
   Target: at least 0.85 of raw.
2. No-op sync of 1,000 articles, after imports. Target: under 2 s.
3. Adding one article to 1,000: only its chunks are embedded.

Usage: .venv/bin/python benchmarks/bench_index.py [--articles 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.chunking import chunk_article  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.corpus import load_corpus  # noqa: E402
from assistant.embeddings import LocalEmbeddings  # noqa: E402
from assistant.index import sync_index  # noqa: E402

WORK = ROOT / "benchmarks" / ".work"


class CountingEmbeddings(LocalEmbeddings):
    """Counts the texts it embeds."""

    embedded = 0

    def encode(self, texts: list[str]):  # type: ignore[override]
        self.embedded += len(texts)
        return super().encode(texts)


def make_corpus(folder: Path, n: int, seed: int = 7) -> None:
    """n distinct articles built by shuffling the sample corpus's paragraphs."""
    rng = random.Random(seed)
    articles, _ = load_corpus(ROOT / "corpus", 10**7)
    paragraphs = [p for a in articles for p in a.text.split("\n\n")]
    folder.mkdir(parents=True)
    for i in range(n):
        body = "\n\n".join(rng.sample(paragraphs, k=rng.randint(4, 8)))
        day = dt.date(2020, 1, 1) + dt.timedelta(days=i % 700)
        (folder / f"a{i:04d}.md").write_text(
            f"---\ntitle: Report {i}\ndate: {day.isoformat()}\n---\n\n"
            f"Report number {i}.\n\n{body}\n",
            encoding="utf-8",
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    corpus = WORK / "corpus"
    make_corpus(corpus, args.articles)
    settings = Settings(corpus_dir=corpus, index_dir=WORK / "index")
    embedder = CountingEmbeddings(threads=settings.threads, batch_size=settings.embed_batch_size)
    embedder.encode(["warm up the model"] * 64)

    articles, _ = load_corpus(corpus, settings.max_file_bytes)
    texts = [c.text for a in articles for c in chunk_article(a, settings.chunk_size)]
    chars = sum(len(t) for t in texts)

    start = time.perf_counter()
    embedder.model().encode(texts, batch_size=settings.embed_batch_size, normalize_embeddings=True)
    raw = time.perf_counter() - start

    start = time.perf_counter()
    report = sync_index(settings, embedder, rebuild=True)
    build = time.perf_counter() - start
    assert report.chunks == len(texts)

    noop_times = []
    for _ in range(3):
        start = time.perf_counter()
        noop = sync_index(settings, LocalEmbeddings())
        noop_times.append(time.perf_counter() - start)
    assert noop.unchanged == args.articles

    (corpus / "new.md").write_text(
        "---\ntitle: One more\ndate: 2021-01-01\n---\n\n"
        + "\n\n".join(texts[:3]).replace("Report number", "Extra report"),
        encoding="utf-8",
    )
    embedder.embedded = 0
    start = time.perf_counter()
    added = sync_index(settings, embedder)
    add_one = time.perf_counter() - start
    new_chunks = added.chunks - report.chunks

    ratio = raw / build
    lines = [
        "# Benchmark results",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{settings.threads} torch threads; `make bench` reproduces them.",
        "",
        "## Index build throughput",
        "",
        f"{args.articles} synthetic articles, {len(texts)} chunks, {chars:,} characters "
        f"(chunk size {settings.chunk_size}).",
        "",
        "| step | seconds | chunks/s |",
        "|---|---|---|",
        f"| raw `SentenceTransformer.encode` | {raw:.2f} | {len(texts) / raw:.1f} |",
        f"| `assistant index --rebuild` (model loaded) | {build:.2f} | {len(texts) / build:.1f} |",
        "",
        f"Build throughput is **{ratio:.2f}** of raw encode (target at least 0.85): "
        f"{'met' if ratio >= 0.85 else 'NOT met'}.",
        "",
        f"## No-op sync of {args.articles} articles",
        "",
        f"Three runs after imports, each with a fresh embedder: "
        f"{', '.join(f'{t:.2f}' for t in noop_times)} s (target under 2 s): "
        f"{'met' if max(noop_times) < 2 else 'NOT met'}. The model was not loaded.",
        "",
        f"## Adding one article to {args.articles}",
        "",
        f"{add_one:.2f} s; texts embedded: {embedder.embedded}; the new article has "
        f"{new_chunks} chunks: "
        + ("only its chunks were embedded." if embedder.embedded == new_chunks else "MORE!"),
        "",
    ]
    out = ROOT / "benchmarks" / "results.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
