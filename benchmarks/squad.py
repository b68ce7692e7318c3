"""Run a SQuAD 2.0 file as an outside yardstick: each paragraph becomes an article, every
question is asked, answerable ones are scored by answer-contains-gold and unanswerable ones
must be refused. Figures go to benchmarks/results.md.

Usage: .venv/bin/python benchmarks/squad.py path/to/squad2-dev-sample.json
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answer import Answerer  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.embeddings import LocalEmbeddings  # noqa: E402
from assistant.evaluate import load_squad, run_cases  # noqa: E402
from assistant.index import Index, sync_index  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402

WORK = ROOT / "benchmarks" / ".work-squad"


def main() -> None:
    source = Path(sys.argv[1])
    shutil.rmtree(WORK, ignore_errors=True)
    cases = load_squad(source, WORK / "corpus")
    settings = Settings(corpus_dir=WORK / "corpus", index_dir=WORK / "index")
    embedder = LocalEmbeddings(threads=settings.threads)
    report_index = sync_index(settings, embedder)
    answerer = Answerer(Index(settings, embedder))
    report = run_cases(cases, lambda q, h: answerer.ask(q, h))
    answerable = [r for r in report.results if r.expected.answerable]
    impossible = [r for r in report.results if not r.expected.answerable]
    answered = [r for r in answerable if not r.answer.refused]
    correct = [r for r in answerable if r.correct]
    wrong_confident = [r for r in answered if not r.correct]
    refused = [r for r in impossible if r.answer.refused]
    cited_right = [r for r in answered if r.source_ok]
    lines = [
        "## SQuAD 2.0 sample (`benchmarks/squad.py`)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on `{source.name}`: "
        f"{report_index.added} paragraphs indexed as articles, {len(report.results)} questions "
        f"({len(impossible)} unanswerable).",
        "",
        f"- answerable, answer contains a gold answer: {len(correct)}/{len(answerable)} "
        f"({len(correct) / len(answerable):.1%})",
        f"- answerable but refused: {len(answerable) - len(answered)}; answered without the "
        f"gold answer: {len(wrong_confident)}",
        f"- answered citing the question's own paragraph: {len(cited_right)}/{len(answered)}",
        f"- unanswerable, correctly refused: {len(refused)}/{len(impossible)} "
        f"({len(refused) / len(impossible):.1%})",
        f"- overall (correct answers plus correct refusals): "
        f"{(len(correct) + len(refused)) / len(report.results):.1%}",
    ]
    write_section("squad", lines)
    print("\n".join(lines))
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
