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

from assistant.config import Settings  # noqa: E402
from assistant.ingest.chunking import chunk_article  # noqa: E402
from assistant.ingest.corpus import load_corpus  # noqa: E402
from assistant.store.embeddings import LocalEmbeddings, embedder_for  # noqa: E402
from assistant.store.sync import sentence_window, sync_index  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402

WORK = ROOT / "benchmarks" / ".work"


def counting(runtime: str, threads: int, batch_size: int) -> LocalEmbeddings:
    """The embedder of a runtime, counting the texts it embeds."""
    base = type(embedder_for(runtime, threads, batch_size))

    class Counting(base):  # type: ignore[misc, valid-type]
        embedded = 0

        def encode(self, texts: list[str]):  # type: ignore[override]
            self.embedded += len(texts)
            return super().encode(texts)

    return Counting(threads, batch_size)


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
    parser.add_argument("--runtime", default="onnx", choices=["onnx", "torch"])
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    corpus = WORK / "corpus"
    make_corpus(corpus, args.articles)
    settings = Settings(corpus_dir=corpus, index_dir=WORK / "index")
    embedder = counting(args.runtime, settings.threads, settings.embed_batch_size)
    embedder.encode(["warm up the model"] * 64)

    articles, _ = load_corpus(corpus, settings.max_file_bytes)
    # What a build embeds: every chunk, and every sentence read with the one before it.
    texts, n_chunks = [], 0
    for a in articles:
        chunks = chunk_article(a, settings.chunk_size)
        texts += [c.text for c in chunks]
        n_chunks += len(chunks)
    for a in articles:
        sentences = [s for c in chunk_article(a, settings.chunk_size) for s in c.sentences]
        texts += [sentence_window(a.text, sentences, i) for i in range(len(sentences))]
    chars = sum(len(t) for t in texts)

    start = time.perf_counter()
    embedder.encode(texts)  # the encoder alone, on the same texts
    raw = time.perf_counter() - start

    from assistant.ingest.nlp import entities

    entities(["warm up the entity recogniser"])
    start = time.perf_counter()
    entities([a.text for a in articles], processes=settings.threads)  # as the build runs it
    ner = time.perf_counter() - start

    start = time.perf_counter()
    report = sync_index(settings, embedder, rebuild=True)
    build = time.perf_counter() - start
    assert report.chunks == n_chunks

    noop_times = []
    for _ in range(3):
        start = time.perf_counter()
        noop = sync_index(settings, embedder_for(args.runtime))
        noop_times.append(time.perf_counter() - start)
    assert noop.unchanged == args.articles

    (corpus / "new.md").write_text(
        "---\ntitle: One more\ndate: 2021-01-01\n---\n\n"
        + "\n\n".join(texts[:3]).replace("Report number", "Extra report"),
        encoding="utf-8",
    )
    embedder.embedded = 0
    start = time.perf_counter()
    sync_index(settings, embedder)
    add_one = time.perf_counter() - start
    new_article = next(a for a in load_corpus(corpus, 10**7)[0] if a.id == "new")
    # its chunks, its sentences read in context, and the name of the event it reports
    new_texts = (
        len(chunk_article(new_article, settings.chunk_size))
        + sum(len(c.sentences) for c in chunk_article(new_article, settings.chunk_size))
        + 1
    )

    ratio = raw / build
    lines = [
        f"## Index build, {args.runtime} runtime (`benchmarks/bench_index.py --runtime "
        f"{args.runtime}`)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{settings.threads} torch threads.",
        "",
        f"{args.articles} synthetic articles: {n_chunks} chunks plus "
        f"{len(texts) - n_chunks} sentences read in context, {len(texts)} texts and "
        f"{chars:,} characters to embed (chunk size {settings.chunk_size}).",
        "",
        "| step | seconds | texts/s |",
        "|---|---|---|",
        f"| the {args.runtime} encoder alone on the same texts | {raw:.2f} | "
        f"{len(texts) / raw:.1f} |",
        f"| `assistant index --rebuild` (model loaded; loading, chunking, entities, "
        f"embedding, Chroma, BM25, manifest) | {build:.2f} | {len(texts) / build:.1f} |",
        "",
        f"Build throughput is **{ratio:.2f}** of raw encode (target at least 0.85): "
        f"{'met' if ratio >= 0.85 else 'NOT met'}. Of the build, {ner:.1f} s is the spaCy "
        f"entity pass over the same articles (measured alone); without it the build runs at "
        f"{raw / (build - ner):.2f} of raw encode.",
        "",
        f"No-op sync of {args.articles} articles, three runs after imports, each with a fresh "
        f"embedder: {', '.join(f'{t:.2f}' for t in noop_times)} s (target under 2 s): "
        f"{'met' if max(noop_times) < 2 else 'NOT met'}. The model was not loaded.",
        "",
        f"Adding one article to {args.articles}: {add_one:.2f} s; texts embedded: "
        f"{embedder.embedded}, the new article's own chunks, sentences and event name: "
        f"{new_texts} "
        + ("(only its texts were embedded)." if embedder.embedded == new_texts else "(MORE!)"),
    ]
    write_section("index" if args.runtime == "onnx" else f"index-{args.runtime}", lines)
    print("\n".join(lines))
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
