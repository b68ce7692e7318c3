"""A capable model's recorded answers (tests/data/recorded/holdout.json), replayed through the
`openai` backend, against the extractive answer, on the three held-out sets; and the grounding
check's false rejections (right, cited answers it stopped) and false acceptances (answers with
a number or name not in the passages that it let through). Figures go to
benchmarks/results.md (section `generative`).

Usage: .venv/bin/python benchmarks/bench_generative.py
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering.generative.generate import GenerativeAnswerer  # noqa: E402
from assistant.answering.pipeline import Answerer  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.evaluation.questions import load_questions  # noqa: E402
from assistant.evaluation.replay import (  # noqa: E402
    Recordings,
    ReplayServer,
    key_of,
    load_recordings,
)
from assistant.evaluation.runner import run_cases  # noqa: E402
from assistant.store.embeddings import embedder_for  # noqa: E402
from assistant.store.reader import Index  # noqa: E402
from assistant.store.sync import sync_index  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402

HOLDOUT = ROOT / "tests" / "data" / "holdout"
RECORDED = ROOT / "tests" / "data" / "recorded" / "holdout.json"
SETS = ("wildfire", "transit", "malaria")


def measure(settings: Settings, embedder: Any, name: str, server: ReplayServer) -> dict:
    """Both answerers on one held-out set, and how the check treated each kind of answer."""
    recorded = {key_of(r.question): r for r in load_recordings(RECORDED)}
    extractive = Answerer(Index(settings, embedder))
    model = GenerativeAnswerer(
        extractive, settings.model_copy(update={"openai_base_url": server.url}), "openai"
    )
    cases = load_questions(HOLDOUT / f"{name}-questions.yaml")
    out = {}
    for label, answerer in (("extractive", extractive), ("openai (recorded)", model)):
        out[label] = run_cases(cases, answerer.ask).metrics()
    kinds: Counter[tuple[str, str]] = Counter()
    for r in run_cases(cases, model.ask).results:
        found = recorded.get(key_of(r.answer.rewritten_question))
        if found is None:
            continue
        a = r.answer
        fate = "shown" if a.grounded and not a.fallback and not a.refused else (
            "declined" if a.refused and not a.fallback else "stopped"
        )  # fmt: skip
        kinds[(found.kind, fate)] += 1
    out["kinds"] = kinds
    return out


def main() -> None:
    embedder = embedder_for("onnx", 2)
    server = ReplayServer(Recordings(load_recordings(RECORDED))).start()
    rows, kinds = [], Counter()
    try:
        for name in SETS:
            with tempfile.TemporaryDirectory() as scratch:
                settings = Settings(corpus_dir=HOLDOUT / name, index_dir=Path(scratch) / "i")
                sync_index(settings, embedder)
                got = measure(settings, embedder, name, server)
            kinds.update(got.pop("kinds"))
            for label, m in got.items():
                rows.append(
                    f"| {name} | {label} | {m['evidence_accuracy']:.1%} | "
                    f"{m['refusal_recall']:.1%} | {m['grounded_rate'] or 0:.1%} | "
                    f"{m['median_answer_words'] or 0:.0f} |"
                )
    finally:
        server.close()
    right = sum(n for (k, _), n in kinds.items() if k == "right")
    stopped = kinds[("right", "stopped")]
    wrong = sum(n for (k, _), n in kinds.items() if k in {"wrong-number", "invented-name"})
    let_through = sum(kinds[(k, "shown")] for k in ("wrong-number", "invented-name"))
    declines = sum(n for (k, _), n in kinds.items() if k == "declines")
    lines = [
        f"Measured {dt.date.today()} (`benchmarks/bench_generative.py`): the held-out sets "
        "asked turn by turn, extractive and through the `openai` backend replaying a capable "
        "model's recorded answers (`tests/data/recorded/holdout.json`).",
        "",
        "| set | answered with | answerable right | must-refuse refused | grounded "
        "| median words |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"Grounding check: {stopped} of {right} right, cited model answers stopped (false "
        f"rejection {stopped / max(1, right):.1%}); {let_through} of {wrong} answers with a "
        f"number or name not in the passages let through (false acceptance "
        f"{let_through / max(1, wrong):.1%}); {kinds[('declines', 'declined')]} of "
        f"{declines} model refusals shown as refusals.",
    ]
    print("\n".join(lines))
    write_section("generative", lines)


if __name__ == "__main__":
    main()
