"""The assistant as the corpus grows: 100 to 100,000 near-identical meeting reports (one
chunk each; benchmarks/synthetic.py), in the embedded index and on a Chroma server.

One index is grown through the sizes. At each size: the sync that grew it, a no-op sync,
adding one report and deleting it again; then a fresh serving process opens the index,
answers questions whose answer sits in exactly one report, and reports latency, accuracy and
its memory: steady (with the part that is file-backed: shared libraries and mapped index
files, as the sentence vectors are) and at a swap (it holds its snapshot, as a question in
flight does, while it syncs one added report in-process and answers from the new build).
The server run syncs the same texts; their vectors are computed once, in the embedded run,
so its sync times leave out the encoder. Figures go to benchmarks/results.md (section
`scale`) and benchmarks/scale.png.

Encoding 100,000 reports would take about 85 minutes on 2 cores, so reports beyond
--distinct (10,000) are copies of the first ones under new meeting numbers, and a copy's
texts reuse the vectors of the texts they copy (they differ only in the meeting number).
Everything else (chunking, entities, Chroma, BM25, sentence vectors, manifest, the answer
step) runs as in production: that row measures search and answer cost at 100,000 chunks. Its
accuracy, over questions about the newest copies, is shown but is not a quality figure.

Usage: .venv/bin/python benchmarks/bench_scale.py [--sizes 100,1000,10000,100000]
       [--server-sizes 100,1000,10000] [--distinct 10000] [--questions 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.app.daemons import chroma_server  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.store.embeddings import LocalEmbeddings, embedder_for  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402
from benchmarks.synthetic import questions, write_reports  # noqa: E402

WORK = ROOT / "benchmarks" / ".work-scale"
PLOT = ROOT / "benchmarks" / "scale.png"
MEETING = re.compile(r"\b([Mm]eeting) (\d+)")


class CachingEmbeddings(LocalEmbeddings):
    """The real encoder, remembering each text's vector (the server run reads them again); a
    copy's text gets the vector of the text it copies."""

    def __init__(self, real: LocalEmbeddings, distinct: int) -> None:
        super().__init__(real.threads, real.batch_size)
        self.real, self.distinct = real, distinct
        self.cache: dict[str, np.ndarray] = {}
        self.encoded = 0  # texts run through the encoder

    def _original(self, text: str) -> str:
        def back(m: re.Match[str]) -> str:
            n = int(m[2]) - 100
            return f"{m[1]} {100 + (n - 1) % self.distinct + 1}" if n > self.distinct else m[0]

        return MEETING.sub(back, text)

    def encode(self, texts: list[str]) -> Any:
        keys = [self._original(t) for t in texts]
        missing = sorted({k for k in keys if k not in self.cache})
        if missing:
            self.encoded += len(missing)
            for key, vector in zip(missing, self.real.encode(missing), strict=True):
                self.cache[key] = vector
        return np.stack([self.cache[k] for k in keys]) if keys else np.zeros((0, self.dimensions))


def write_copies(folder: Path, source: Path, distinct: int, first: int, last: int) -> None:
    """Reports first..last (1-based) as copies of the first `distinct` under new numbers."""
    for n in range(first, last + 1):
        original = source / f"meeting-{100 + (n - 1) % distinct + 1}.md"
        text = MEETING.sub(lambda m, n=n: f"{m[1]} {100 + n}", original.read_text("utf-8"))
        (folder / f"meeting-{100 + n}.md").write_text(text, encoding="utf-8")


def timed_sync(settings: Settings, embedder: LocalEmbeddings) -> tuple[float, Any]:
    from assistant.store.sync import sync_index

    start = time.perf_counter()
    report = sync_index(settings, embedder)
    return time.perf_counter() - start, report


def serve(settings: Settings, asked: list[dict[str, str]]) -> dict[str, Any]:
    """Run a fresh serving process on the index; its figures as a dict."""
    env = {**os.environ, "ASSISTANT_CHROMA_URL": settings.chroma_url or ""}
    job = {"corpus": str(settings.corpus_dir), "index": str(settings.index_dir), "asked": asked}
    out = subprocess.run(
        [sys.executable, __file__, "--serve"],
        input=json.dumps(job), capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(f"the serving process failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.splitlines()[-1])


def serving_process() -> None:
    """--serve: open the index, answer every question twice (warm), print figures as JSON."""
    from assistant.answering.pipeline import Answerer
    from assistant.evaluation.matching import contains
    from assistant.store.reader import Index

    job = json.loads(sys.stdin.read())
    settings = Settings(corpus_dir=Path(job["corpus"]), index_dir=Path(job["index"]))
    embedder = embedder_for(settings.embedding_runtime, settings.threads)
    start = time.perf_counter()
    answerer = Answerer(Index(settings, embedder))
    index = answerer.index.snapshot()
    answerer.ask(job["asked"][0]["question"])  # loads the model and the per-build caches
    opened = time.perf_counter() - start
    latency, laps, right, refused = [], {}, 0, 0
    for round_ in range(2):
        for q in job["asked"]:
            answer = answerer.ask(q["question"])
            latency.append(answer.timings_ms["total"])
            for name, ms in answer.timings_ms.items():
                laps.setdefault(name, []).append(ms)
            if round_ == 0:
                refused += answer.refused
                right += (
                    not answer.refused
                    and answer.citations[0].article_id == q["source"]
                    and contains(answer.citations[0].quote, q["answer"])
                )
    memory = _memory()
    swap = _swap(settings, embedder, answerer, job["asked"][0]["question"])
    figures = {
        "chunks": index.size,
        "sentences": len(index.sentence_vectors()),
        "open_s": opened,
        "p50": statistics.median(latency),
        "p95": statistics.quantiles(latency, n=20)[-1],
        "laps": {k: statistics.median(v) for k, v in laps.items() if k != "total"},
        "right": right,
        "refused": refused,
        "asked": len(job["asked"]),
        "rss_mb": memory["VmRSS"] / 1024,
        "peak_mb": memory["VmHWM"] / 1024,  # this process's own peak (ru_maxrss is inherited)
        # file-backed pages (shared libraries, mapped index files) against the process's own
        "file_mb": memory["RssFile"] / 1024,
        "anon_mb": memory["RssAnon"] / 1024,
    } | swap
    print(json.dumps(figures))


def _memory() -> dict[str, int]:
    """This process's memory figures from /proc (kB)."""
    with open("/proc/self/status", encoding="ascii") as status:
        return {line.split(":")[0]: int(line.split()[1]) for line in status
                if line.startswith(("Vm", "Rss"))}  # fmt: skip


def _swap(settings: Settings, embedder: Any, answerer: Any, question: str) -> dict[str, float]:
    """A swap as a question in flight sees it: hold the snapshot, add one report and sync
    in-process (as **Update index** does), answer from the new build; memory with both held,
    then the report is taken out again."""
    from assistant.store.sync import sync_index

    held = answerer.index.snapshot()
    extra = settings.corpus_dir / "meeting-swap.md"
    first = sorted(settings.corpus_dir.glob("meeting-*.md"))[0]
    extra.write_text(first.read_text("utf-8").replace("Meeting", "Gathering"), "utf-8")
    started = time.perf_counter()
    sync_index(settings, embedder)
    answerer.ask(question)  # loads the new build and its caches
    seconds = time.perf_counter() - started
    both = _memory()
    assert answerer.index.snapshot() is not held
    del held
    extra.unlink()
    sync_index(settings, embedder)
    return {"swap_mb": both["VmRSS"] / 1024, "swap_peak_mb": both["VmHWM"] / 1024,
            "swap_s": seconds}  # fmt: skip


def measure(
    settings: Settings, embedder: CachingEmbeddings, facts: list[dict[str, str]], reports: int,
    asked: list[dict[str, str]], grew_s: float,
) -> dict[str, Any]:  # fmt: skip
    """Sync timings at this size, then the serving process's figures."""
    corpus = settings.corpus_dir
    noop_s, noop = timed_sync(settings, embedder)
    assert noop.unchanged == reports, noop
    write_reports(WORK / "extra", 1, seed=reports)
    extra = corpus / "meeting-extra.md"
    shutil.move(WORK / "extra" / "meeting-101.md", extra)
    before = embedder.encoded
    add_s, _ = timed_sync(settings, embedder)
    added_texts = embedder.encoded - before
    extra.unlink()
    delete_s, _ = timed_sync(settings, embedder)
    row = {"reports": reports, "grew_s": grew_s, "noop_s": noop_s, "add_s": add_s}
    row |= {"add_texts": added_texts, "delete_s": delete_s}
    return row | serve(settings, asked)


def grow(
    mode: str, url: str, sizes: list[int], facts: list[dict[str, str]],
    embedder: CachingEmbeddings, n_questions: int,
) -> list[dict[str, Any]]:  # fmt: skip
    """Grow one index (embedded or on the server) through the sizes, measuring at each."""
    corpus = WORK / "corpus"
    settings = Settings(corpus_dir=corpus, index_dir=WORK / f"index-{mode}", chroma_url=url)
    rows, written, distinct = [], 0, len(facts)
    for reports in sizes:
        for n in range(written + 1, min(reports, distinct) + 1):
            shutil.copy(WORK / "all" / f"meeting-{100 + n}.md", corpus)
        write_copies(corpus, WORK / "all", distinct, distinct + 1, reports)
        written = reports
        asked = questions(facts[: min(reports, distinct)], n_questions)
        if reports > distinct:  # ask about the newest copy of each report instead
            for q in asked:
                j = int(q["source"].split("-")[1]) - 100
                n = 100 + j + (reports - j) // distinct * distinct
                q["question"] = MEETING.sub(lambda m, n=n: f"{m[1]} {n}", q["question"])
                q["source"] = f"meeting-{n}"
        grew_s, _ = timed_sync(settings, embedder)
        rows.append(measure(settings, embedder, facts, reports, asked, grew_s) | {"mode": mode})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def _collisions(reports: int, n_questions: int) -> int:
    """Questions (as grow() asks them) whose meeting number is some report's kilograms."""
    with tempfile.TemporaryDirectory() as folder:
        facts = write_reports(Path(folder), min(reports, 10_000))
    kilograms = {f["kilograms"] for f in facts}
    return sum(q["source"].split("-")[1] in kilograms for q in questions(facts, n_questions))


def plot(rows: list[dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4))
    for mode, style in (("embedded", "o-"), ("server", "s--")):
        mine = [r for r in rows if r["mode"] == mode]
        if mine:
            x = [r["chunks"] for r in mine]
            ax.plot(x, [r["p50"] for r in mine], style, label=f"{mode} p50")
            ax.plot(x, [r["p95"] for r in mine], style, alpha=0.4, label=f"{mode} p95")
    ax.axhline(60, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("retrieval + extractive answer, ms")
    ax.set_title("Answer latency against corpus size (2 cores)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)


def table(rows: list[dict[str, Any]], distinct: int) -> list[str]:
    lines = [
        "| index | reports | chunks | sentences | sync that grew it | no-op sync | add one "
        "(texts embedded) | delete one | answer p50 / p95 | right (refused) | serving memory "
        "(peak) | of it file-backed (libraries, mapped index) | at a swap (peak) | open |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        right = f"{r['right']}/{r['asked']} ({r['refused']})" + " *" * (r["reports"] > distinct)
        peak = f"{r['peak_mb']:,.0f}" if "peak_mb" in r else "–"
        files = f"{r['file_mb']:,.0f} MB" if "file_mb" in r else "–"
        swap = f"{r['swap_mb']:,.0f} MB ({r['swap_peak_mb']:,.0f})" if "swap_mb" in r else "–"
        lines.append(
            f"| {r['mode']} | {r['reports']:,} | {r['chunks']:,} | {r['sentences']:,} | "
            f"{r['grew_s']:.1f} s | {r['noop_s']:.2f} s | {r['add_s']:.2f} s "
            f"({r['add_texts']}) | {r['delete_s']:.2f} s | {r['p50']:.1f} / {r['p95']:.1f} ms "
            f"| {right} | {r['rss_mb']:,.0f} MB ({peak}) | {files} | {swap} | "
            f"{r['open_s']:.1f} s |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--server-sizes", default="100,1000,10000", help="empty: no server run")
    parser.add_argument("--distinct", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--from-log", type=Path, help="write the results of a run's log again")
    parser.add_argument("--minutes", type=float, default=0.0, help="with --from-log: its length")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serving_process()
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.from_log:  # the rows a run printed; rows without a mode: embedded, then server
        lines = args.from_log.read_text().splitlines()
        rows = [json.loads(line) for line in lines if line[:1] == "{"]
        for n, row in enumerate(rows):
            row.setdefault("mode", "embedded" if n < len(sizes) else "server")
        write_results(rows, sizes, args.distinct, args.questions, args.minutes)
        return
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "corpus").mkdir(parents=True)
    facts = write_reports(WORK / "all", min(max(sizes), args.distinct))
    settings = Settings()
    real = embedder_for(settings.embedding_runtime, settings.threads)
    embedder = CachingEmbeddings(real, len(facts))
    started = time.perf_counter()
    rows = grow("embedded", "", sizes, facts, embedder, args.questions)
    server_sizes = [int(s) for s in args.server_sizes.split(",") if s]
    if server_sizes:
        shutil.rmtree(WORK / "corpus")
        (WORK / "corpus").mkdir()
        with chroma_server(WORK / "chroma-server") as url:
            rows += grow("server", url, server_sizes, facts, embedder, args.questions)
    minutes = (time.perf_counter() - started) / 60
    write_results(rows, sizes, len(facts), args.questions, minutes)


def write_results(
    rows: list[dict[str, Any]], sizes: list[int], distinct: int, n_questions: int, minutes: float
) -> None:
    """The table, the figures against the targets and the plot."""
    settings = Settings()
    plot(rows)
    by = {(r["mode"], r["reports"]): r for r in rows}
    small = by.get(("embedded", 1000), by[("embedded", sizes[0])])
    big = by[("embedded", max(r for r in sizes if r <= distinct))]
    ten_k = min((r for r in rows if r["mode"] == "embedded"), key=lambda r: abs(r["chunks"] - 1e4))
    hundred_k = max((r for r in rows if r["mode"] == "embedded"), key=lambda r: r["chunks"])
    laps = ", ".join(f"{k} {v:.1f}" for k, v in hundred_k["laps"].items())
    lines = [
        "## Scale (`benchmarks/bench_scale.py`)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
        f"({minutes:.0f} min): one index grown through the sizes "
        f"from generated meeting reports, {settings.embedding_runtime} embeddings. Each size: "
        "the sync that grew it, a no-op sync, one report added and deleted again; then a fresh "
        f"serving process answers {n_questions} questions whose answer is in exactly one "
        "report, twice (latency over both rounds; accuracy and refusals from the first). "
        "Memory is the serving process's resident size after answering (peak in brackets).",
        "",
        *table(rows, distinct),
        "",
        *(
            [
                f"\\* Beyond {distinct:,} reports the reports are copies of the first "
                f"{distinct:,} under new meeting numbers, reusing their vectors (see the "
                "script's docstring): the row measures search and answer cost at that size; its "
                "accuracy is not a quality figure (dense search cannot tell a copy from its "
                "original).",
                "",
            ]
            if any(r["reports"] > distinct for r in rows)
            else []
        ),
        *(
            [
                "Server rows: the sync times leave out the encoder (the texts' vectors were "
                "computed in the embedded run); the serving process embeds its questions as usual.",
                "",
            ]
            if any(r["mode"] == "server" for r in rows)
            else []
        ),
        f"- answer latency p50 at {ten_k['chunks']:,} chunks: **{ten_k['p50']:.1f} ms** "
        f"(target under 60 ms): {'met' if ten_k['p50'] < 60 else 'NOT met'}; at "
        f"{hundred_k['chunks']:,} chunks: **{hundred_k['p50']:.1f} ms** (target under 60 ms "
        "at 100,000 chunks): "
        + (
            "not measured at that size"
            if hundred_k["chunks"] < 100_000
            else "met"
            if hundred_k["p50"] < 60
            else "NOT met"
        )
        + f". Median ms per step at {hundred_k['chunks']:,} chunks: {laps}.",
        f"- accuracy {small['right']}/{small['asked']} at {small['reports']:,} reports and "
        f"{big['right']}/{big['asked']} at {big['reports']:,} (must not fall as the corpus "
        f"grows): {'met' if big['right'] >= small['right'] else 'NOT met'}.",
        f"  Of the questions, {_collisions(small['reports'], n_questions)} at "
        f"{small['reports']:,} reports and {_collisions(big['reports'], n_questions)} at "
        f"{big['reports']:,} name a meeting whose number is also another report's seizure "
        'figure ("meeting 5975" against "5975 kilograms"): the larger corpus is also the '
        "harder question set.",
        f"- adding one report: {small['add_s']:.2f} s at {small['reports']:,} reports, "
        f"{big['add_s']:.2f} s at {big['reports']:,} (target: within 1.5 times its time at "
        f"1,000): {'met' if big['add_s'] <= 1.5 * small['add_s'] else 'NOT met'}; deleting "
        f"one {small['delete_s']:.2f} s and {big['delete_s']:.2f} s, a no-op sync "
        f"{small['noop_s']:.2f} s and {big['noop_s']:.2f} s. Only the new report's texts are "
        "embedded and written (one segment of sentence vectors and keyword postings; "
        "store/segments.py) and the manifest rows of the changed articles, but a sync still "
        "reads the whole manifest (store/manifest.py), and reading the corpus looks at every "
        "file and hashes every indexed text.",
        f"- serving memory at {hundred_k['chunks']:,} chunks: {hundred_k['rss_mb']:,.0f} MB "
        f"steady ({hundred_k.get('file_mb', 0):,.0f} MB of it file-backed: libraries and "
        "mapped index files), "
        f"{hundred_k.get('swap_mb', 0):,.0f} MB with both builds held at a swap (targets at "
        "100,000 chunks: 1 GB and 1.5 GB).",
        "",
        "![latency against corpus size](scale.png)",
    ]
    write_section("scale", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
