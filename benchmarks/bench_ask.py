"""Warm latency of `ask` (retrieval plus answer, models loaded) on the sample corpus, and the
question-set figures, written to benchmarks/results.md.

Usage: .venv/bin/python benchmarks/bench_ask.py
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering.pipeline import Answerer  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.evaluation.questions import load_questions  # noqa: E402
from assistant.evaluation.runner import run_cases  # noqa: E402
from assistant.store.embeddings import embedder_for  # noqa: E402
from assistant.store.reader import Index  # noqa: E402
from assistant.store.sync import sync_index  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402

WORK = ROOT / "benchmarks" / ".work-ask"


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(ROOT / "corpus", WORK / "corpus")
    settings = Settings(corpus_dir=WORK / "corpus", index_dir=WORK / "index")
    embedder = embedder_for(settings.embedding_runtime, settings.threads)
    sync_index(settings, embedder)
    answerer = Answerer(Index(settings, embedder))
    answerer.ask("warm up: who chaired the session?")
    cases = load_questions(ROOT / "corpus" / "questions.yaml")
    run_cases(cases, answerer.ask)  # warm every cache once
    totals, parts = [], {}
    for _ in range(3):
        report = run_cases(cases, answerer.ask)
        for r in report.results:
            totals.append(r.answer.timings_ms["total"])
            for k, v in r.answer.timings_ms.items():
                parts.setdefault(k, []).append(v)
    embed = []
    for _ in range(50):
        start = time.perf_counter()
        embedder.embed_query("Who chaired the session on pharmaceutical drugs?")
        embed.append((time.perf_counter() - start) * 1000)
    metrics = report.metrics()
    p95 = statistics.quantiles(totals, n=20)[-1]
    lines = [
        "## Answer latency and quality (`benchmarks/bench_ask.py`)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; sample corpus, "
        f"{len(totals)} warm asks ({len(report.results)} question-set turns, three times).",
        "",
        f"Median **{statistics.median(totals):.1f} ms**, p95 {p95:.1f} ms (target: median under "
        f"100 ms). Embedding one question alone: median {statistics.median(embed):.1f} ms.",
        "",
        "| step | median ms |",
        "|---|---|",
        *[f"| {k} | {statistics.median(v):.2f} |" for k, v in parts.items() if k != "total"],
        "",
        "Question set `corpus/questions.yaml` (training data of the shipped model: these are "
        "**training figures**; the out-of-fold ones are in assistant/models/training-report.md):",
        "",
        f"- answerable, evidence right: {metrics['evidence_accuracy']:.1%}, short answer right: "
        f"{metrics['short_answer_accuracy']:.1%} ({metrics['false_refusals']:.0f} refused "
        "although answerable)",
        f"- unanswerable refused: {metrics['refusal_recall']:.1%}",
        f"- citations naming an expected source: {metrics['citation_accuracy']:.1%}",
        f"- median answer length: {metrics['median_answer_words']:.0f} words",
    ]
    write_section("ask", lines)
    print("\n".join(lines))
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
