"""1,000 near-identical meeting reports (benchmarks/synthetic.py): how often the answer comes
from the one report the question names, and how fast. Figures go to benchmarks/results.md.

Usage: .venv/bin/python benchmarks/bench_synthetic.py [--reports 1000] [--questions 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
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
from assistant.evaluation.matching import contains  # noqa: E402
from assistant.store.embeddings import embedder_for  # noqa: E402
from assistant.store.reader import Index  # noqa: E402
from assistant.store.sync import sync_index  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402
from benchmarks.synthetic import questions, write_reports  # noqa: E402

WORK = ROOT / "benchmarks" / ".work-synthetic"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=100)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    facts = write_reports(WORK / "corpus", args.reports)
    settings = Settings(corpus_dir=WORK / "corpus", index_dir=WORK / "index")
    embedder = embedder_for(settings.embedding_runtime, settings.threads)
    started = time.perf_counter()
    report = sync_index(settings, embedder)
    built = time.perf_counter() - started
    answerer = Answerer(Index(settings, embedder))
    answerer.ask("Who chaired meeting 101?")  # warm the caches
    right = refused = 0
    latency = []
    for q in questions(facts, args.questions):
        answer = answerer.ask(q["question"])
        latency.append(answer.timings_ms["total"])
        refused += answer.refused
        right += (
            not answer.refused
            and answer.citations[0].article_id == q["source"]
            and contains(answer.citations[0].quote, q["answer"])
        )
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"## {args.reports:,} similar reports (`benchmarks/bench_synthetic.py --reports "
        f"{args.reports}`)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: {args.reports} generated "
        f"meeting reports (index built in {built:.0f} s), {args.questions} questions whose "
        "answer is in exactly one report (kilograms seized, chair, city, countries).",
        "",
        f"- answered from the right report with the answer in the quote: **{right}/"
        f"{args.questions}** (target at least 95%); refused: {refused}",
        f"- warm latency: median {statistics.median(latency):.1f} ms, "
        f"p95 {statistics.quantiles(latency, n=20)[-1]:.1f} ms "
        f"({report.chunks:,} chunks, {settings.embedding_runtime} embeddings)",
        f"- peak memory of the process (index build and answers): {memory:,.0f} MB",
    ]
    write_section("synthetic" if args.reports == 1000 else f"synthetic-{args.reports}", lines)
    print("\n".join(lines))
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
