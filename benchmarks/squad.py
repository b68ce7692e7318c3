"""Run a SQuAD 2.0 file as an outside yardstick: each paragraph becomes an article, every
question is asked, answerable ones are scored by evidence (the quote holds a gold answer) and
by short answer, unanswerable ones must be refused. Figures go to benchmarks/results.md.

The shipped model was fitted on data/squad/squad2-dev-fit.json: figures on that file are
training figures (its out-of-fold figures are in assistant/models/training-report.md).
Measure on other SQuAD 2.0 articles for an honest figure.

Usage: .venv/bin/python benchmarks/squad.py path/to/squad2-file.json
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering.pipeline import Answerer  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.evaluation.questions import load_squad  # noqa: E402
from assistant.evaluation.runner import run_cases  # noqa: E402
from assistant.store.embeddings import embedder_for  # noqa: E402
from assistant.store.reader import Index  # noqa: E402
from assistant.store.sync import sync_index  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402

WORK = ROOT / "benchmarks" / ".work-squad"


def main() -> None:
    source = Path(sys.argv[1])
    shutil.rmtree(WORK, ignore_errors=True)
    cases = load_squad(source, WORK / "corpus")
    settings = Settings(corpus_dir=WORK / "corpus", index_dir=WORK / "index")
    embedder = embedder_for(settings.embedding_runtime, settings.threads)
    report_index = sync_index(settings, embedder)
    answerer = Answerer(Index(settings, embedder))
    report = run_cases(cases, answerer.ask)
    m = report.metrics()
    answerable = [r for r in report.results if r.expected.answerable]
    impossible = [r for r in report.results if not r.expected.answerable]
    latency = [r.answer.timings_ms["total"] for r in report.results]
    training = source.name == "squad2-dev-fit.json"
    lines = [
        "## SQuAD 2.0 (`benchmarks/squad.py`)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on `{source.name}`"
        + (" (the model's own fitting data: **training figures**)" if training else "")
        + f": {report_index.added} paragraphs indexed as articles, {len(report.results)} "
        f"questions ({len(impossible)} unanswerable), refusal threshold {answerer.threshold:.3f}.",
        "",
        f"- evidence right (answerable, quote holds a gold answer): "
        f"{m['evidence_accuracy']:.1%} of {len(answerable)}",
        f"- short answer right (holds a gold answer or token F1 >= 0.5): "
        f"{m['short_answer_accuracy']:.1%}",
        f"- unanswerable refused: {m['refusal_recall']:.1%} of {len(impossible)}",
        f"- calibration error of answered questions: {m['calibration_error']:.3f}",
        f"- median latency {statistics.median(latency):.0f} ms",
    ]
    write_section("squad", lines)
    print("\n".join(lines))
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
