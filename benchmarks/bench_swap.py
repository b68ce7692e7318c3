"""Memory while the index changes under a serving process: a question in flight holds the old
snapshot (with its per-build caches) while the sync that changed the index commits and the
next question loads the new one. Both builds are in memory at that moment; the old one is
freed when the last question holding it ends.

For each size: the synthetic meeting reports (benchmarks/synthetic.py, one chunk each) are
indexed with stand-in vectors (a hash of the text: memory does not depend on what the vectors
say, and encoding 100,000 reports would take about 85 minutes), then a fresh process opens the
index, answers a question (loading the per-build caches), keeps that snapshot, adds one report
and syncs in-process as the page's **Update index** does, answers again from the new snapshot,
and lets the old one go. It reports resident memory at each step and its peak (VmHWM).
Figures go to benchmarks/results.md (section `swap`).

Usage: .venv/bin/python benchmarks/bench_swap.py [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.store.embeddings import LocalEmbeddings  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402
from benchmarks.synthetic import write_reports  # noqa: E402

WORK = ROOT / "benchmarks" / ".work-swap"


class HashEmbeddings(LocalEmbeddings):
    """Stand-in vectors: a normalised hash of each text (deterministic, no encoder)."""

    def encode(self, texts: list[str]) -> Any:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(self.dimensions)
            out[i] = v / np.linalg.norm(v)
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()


def memory() -> dict[str, float]:
    """This process's resident memory and its peak so far, in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        fields = dict(line.split(":", 1) for line in status)
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}


def serving_process() -> None:
    """--serve: the swap, measured from inside a serving process; figures as JSON."""
    from assistant.answering.pipeline import Answerer
    from assistant.store.reader import Index
    from assistant.store.sync import sync_index
    from benchmarks.synthetic import write_reports as write

    job = json.loads(sys.stdin.read())
    settings = Settings(corpus_dir=Path(job["corpus"]), index_dir=Path(job["index"]))
    embedder = HashEmbeddings(settings.threads, settings.embed_batch_size)
    answerer = Answerer(Index(settings, embedder))
    question = "Who chaired meeting 105?"
    answerer.ask(question)
    steady = memory()
    in_flight = answerer.index.snapshot()  # a question still reading the old build
    extra = Path(job["corpus"]) / "late"
    write(extra, 1, seed=99)
    started = time.perf_counter()
    sync_index(settings, embedder)
    synced = time.perf_counter() - started
    answerer.ask(question)  # loads the new build and its caches beside the old one
    both = memory()
    del in_flight
    gc.collect()
    after = memory()
    print(json.dumps({"steady_mb": steady["VmRSS"], "both_mb": both["VmRSS"],
                      "peak_mb": both["VmHWM"], "after_mb": after["VmRSS"],
                      "sync_s": synced}))  # fmt: skip


def run(size: int) -> dict[str, Any]:
    from assistant.store.sync import sync_index

    folder = WORK / str(size)
    shutil.rmtree(folder, ignore_errors=True)
    write_reports(folder / "corpus", size)
    settings = Settings(corpus_dir=folder / "corpus", index_dir=folder / "index")
    embedder = HashEmbeddings(settings.threads, settings.embed_batch_size)
    started = time.perf_counter()
    report = sync_index(settings, embedder)
    built = time.perf_counter() - started
    job = {"corpus": str(settings.corpus_dir), "index": str(settings.index_dir)}
    out = subprocess.run([sys.executable, __file__, "--serve"], input=json.dumps(job),
                         capture_output=True, text=True, check=False)  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(f"the serving process failed:\n{out.stderr[-3000:]}")
    figures = json.loads(out.stdout.splitlines()[-1])
    shutil.rmtree(folder, ignore_errors=True)
    return {"size": size, "chunks": report.chunks, "build_s": built, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serving_process()
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        row = run(size)
        rows.append(row)
        print(json.dumps(row), flush=True)
    lines = [
        f"Measured {dt.date.today()} on 2 cores (`benchmarks/bench_swap.py`): a serving process "
        "answers, keeps that snapshot as a question in flight would, syncs one added report "
        "in-process and answers from the new build, then lets the old snapshot go. Resident "
        "memory (MB).",
        "",
        "| chunks | steady | both builds held | peak (VmHWM) | after the old one is freed "
        "| sync of one report |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['chunks']:,} | {r['steady_mb']:.0f} | {r['both_mb']:.0f} | {r['peak_mb']:.0f} "
        f"| {r['after_mb']:.0f} | {r['sync_s']:.1f} s |"
        for r in rows
    ]
    write_section("swap", lines)


if __name__ == "__main__":
    main()
