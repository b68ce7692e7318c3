"""An evaluation run written out: results.json, report.md and a self-contained report.html
with plots (matplotlib PNGs), failing cases first, and the diff against the previous run."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

from assistant.language import question_type

RESULTS = "results.json"


def case_rows(results: list[Any]) -> list[dict[str, Any]]:
    """One JSON row per turn (the --json format)."""
    rows = []
    for r in results:
        a = r.answer
        rows.append(
            {
                "id": r.case_id,
                "turn": r.turn,
                "question": r.expected.question,
                "rewritten_question": a.rewritten_question,
                "answer": a.text,
                "short_answer": a.short_answer,
                "refused": a.refused,
                "confidence": round(a.confidence, 4),
                "citations": a.as_dict()["citations"],
                "correct": r.correct,
                "short_correct": r.short_ok,
                "reason": r.reason,
                "latency_ms": round(a.timings_ms.get("total", 0.0), 2),
                "backend": a.backend,
                "grounded": a.grounded,
                "fallback": a.fallback,
                "note": a.note,
                "expected": {
                    "answers": list(r.expected.answers),
                    "answers_all": list(r.expected.answers_all),
                    "sources": list(r.expected.sources),
                    "answerable": r.expected.answerable,
                },
                "type": question_type(r.expected.question),
            }
        )
    return rows


def previous_run(report_dir: Path) -> dict[str, Any] | None:
    """The newest other run in the same reports folder, if any."""
    parent = report_dir.resolve().parent
    runs = sorted(
        (p for p in parent.glob(f"*/{RESULTS}") if p.parent.resolve() != report_dir.resolve()),
        key=lambda p: p.stat().st_mtime,
    )
    if not runs:
        return None
    try:
        data = json.loads(runs[-1].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    data["_path"] = str(runs[-1].parent)
    return data


def flips(previous: dict[str, Any] | None, rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Turns that went from pass to fail and from fail to pass since the previous run."""
    if previous is None:
        return {"broke": [], "fixed": []}
    before = {(c["id"], c["turn"]): c["correct"] for c in previous.get("cases", [])}
    broke, fixed = [], []
    for row in rows:
        key = (row["id"], row["turn"])
        if key in before and before[key] != row["correct"]:
            (fixed if row["correct"] else broke).append(f"{row['id']}/{row['turn']}")
    return {"broke": broke, "fixed": fixed}


def plots(rows: list[dict[str, Any]], categories: dict, threshold: float, out: Path) -> list[str]:
    """Write the four PNG plots; returns their file names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []

    def save(fig: Any, name: str) -> None:
        fig.tight_layout()
        fig.savefig(out / name, dpi=110)
        plt.close(fig)
        names.append(name)

    fig, ax = plt.subplots(figsize=(7, 3.6))
    keys = list(categories)
    at = list(range(len(keys)))
    ax.bar([x - 0.2 for x in at], [categories[k]["accuracy"] or 0 for k in keys], width=0.4,
           color="#4c78a8", label="evidence (or refusal)")  # fmt: skip
    ax.bar([x + 0.2 for x in at], [categories[k].get("short_answer_accuracy") or 0 for k in keys],
           width=0.4, color="#f58518", label="short answer")  # fmt: skip
    ax.set_xticks(at, keys)
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy")
    ax.set_title("Accuracy by category")
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", rotation=30)
    save(fig, "accuracy_by_category.png")

    fig, ax = plt.subplots(figsize=(7, 3.6))
    right = [r["confidence"] for r in rows if r["correct"]]
    wrong = [r["confidence"] for r in rows if not r["correct"]]
    bins = [i / 20 for i in range(21)]
    ax.hist([right, wrong], bins=bins, label=["correct", "wrong"], color=["#54a24b", "#e45756"])
    ax.axvline(threshold, color="black", linestyle="--", label=f"refusal threshold {threshold}")
    ax.set_xlabel("confidence")
    ax.set_ylabel("turns")
    ax.set_title("Confidence of correct and wrong answers")
    ax.legend()
    save(fig, "confidence.png")

    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.hist([r["latency_ms"] for r in rows], bins=30, color="#72b7b2")
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("turns")
    ax.set_title("Latency per question")
    save(fig, "latency.png")

    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    xs, ys = [], []
    for i in range(10):
        low, high = i / 10, (i + 1) / 10
        group = [
            r for r in rows if low <= r["confidence"] < high or (i == 9 and r["confidence"] == 1)
        ]
        if group:
            xs.append((low + high) / 2)
            ys.append(sum(r["correct"] for r in group) / len(group))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":")
    ax.plot(xs, ys, marker="o", color="#4c78a8")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence")
    ax.set_ylabel("share correct")
    ax.set_title("Reliability")
    save(fig, "reliability.png")

    points = tradeoff(rows)
    if points:
        fig, ax = plt.subplots(figsize=(4.6, 4.2))
        ax.plot([p[0] for p in points], [p[1] for p in points], color="#4c78a8")
        answered = [r for r in rows if r["expected"]["answerable"]]
        unanswerable = [r for r in rows if not r["expected"]["answerable"]]
        here = (
            sum(r["refused"] for r in unanswerable) / len(unanswerable),
            sum(r["correct"] for r in answered) / len(answered),
        )
        ax.plot([here[0]], [here[1]], "o", color="black", label="at the threshold")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("unanswerable turns refused")
        ax.set_ylabel("answerable turns right")
        ax.set_title("Trade-off as the threshold moves")
        ax.legend(fontsize=8)
        save(fig, "tradeoff.png")
    return names


def tradeoff(rows: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """(share of unanswerable turns refused, share of answerable turns right) for every
    threshold: a turn is answered when its confidence reaches it. Exact for thresholds above
    the one the run used; below it, turns the run refused count as wrong. Empty unless the
    run has both kinds of turns."""
    answerable = [r for r in rows if r["expected"]["answerable"]]
    unanswerable = [r for r in rows if not r["expected"]["answerable"]]
    if not answerable or not unanswerable:
        return []
    right = [r for r in answerable if r["correct"]]
    points = []
    for t in sorted({0.0, *(r["confidence"] for r in rows), 1.01}):
        refused = sum(r["confidence"] < t for r in unanswerable) / len(unanswerable)
        kept = sum(r["confidence"] >= t for r in right) / len(answerable)
        points.append((refused, kept))
    return points


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return str(value)


def _expected(row: dict[str, Any]) -> str:
    e = row["expected"]
    if not e["answerable"]:
        return "(must be refused)"
    parts = []
    if e["answers"]:
        parts.append("any of: " + "; ".join(e["answers"]))
    if e["answers_all"]:
        parts.append("all of: " + "; ".join(e["answers_all"]))
    if e["sources"]:
        parts.append("sources: " + ", ".join(e["sources"]))
    return " | ".join(parts)


def markdown(data: dict[str, Any], images: list[str]) -> str:
    """report.md: metrics, baselines, categories, plots, diff, failing cases first."""
    m = data["metrics"]
    lines = [f"# Evaluation: {data['questions']}", "", f"Run {data['started']}.", ""]
    if m.get("evidence_accuracy") is not None:
        lines += [
            f"Answerable questions: evidence right **{m['evidence_accuracy']:.1%}** (the quote "
            f"holds a gold answer), short answer right **{m['short_answer_accuracy']:.1%}** "
            "(it holds a gold answer, or token F1 >= 0.5 with one). Unanswerable questions "
            f"refused: {_fmt(m.get('refusal_recall'))}.",
            "",
        ]
    lines += ["| metric | value |", "|---|---|"]
    lines += [f"| {k} | {_fmt(v)} |" for k, v in m.items()]
    if data.get("baselines"):
        names = [f"assistant ({data.get('backend', 'extractive')})", *data["baselines"]]
        keys = ["accuracy", "evidence_accuracy", "short_answer_accuracy", "refusal_recall",
                "citation_accuracy", "token_f1", "hit_at_5", "quote_faithfulness",
                "grounded_rate", "fallback_rate", "check_rejected_right", "latency_p50_ms",
                "latency_p95_ms",
                "tokens_per_second"]  # fmt: skip
        lines += ["", "## Side by side", "", "| metric | " + " | ".join(names) + " |"]
        lines += ["|---" * (len(names) + 1) + "|"]
        lines.insert(len(lines) - 2, "Each baseline cell gives the ratio to the assistant.\n")
        for k in keys:
            ours = m.get(k)
            cells = [_fmt(ours)]
            for n in names[1:]:
                theirs = data["baselines"][n]["metrics"].get(k)
                ratio = f" ({theirs / ours:.2f}×)" if ours and theirs is not None else ""
                cells.append(_fmt(theirs) + ratio)
            lines.append(f"| {k} | " + " | ".join(cells) + " |")
    lines += ["", "## By category", "", "| category | turns | accuracy | short answer |",
              "|---|---|---|---|"]  # fmt: skip
    for k, v in data["categories"].items():
        short = _fmt(v.get("short_answer_accuracy"))
        lines.append(f"| {k} | {int(v['turns'])} | {_fmt(v['accuracy'])} | {short} |")
    lines += ["", "## Plots"]
    for name in images:
        lines += ["", f"![{name}]({name})"]
    diff = data["diff"]
    lines += ["", "## Since the previous run", ""]
    if data.get("previous"):
        lines.append(f"Compared with {data['previous']}.")
        lines.append(f"- passed before, fail now: {', '.join(diff['broke']) or 'none'}")
        lines.append(f"- failed before, pass now: {', '.join(diff['fixed']) or 'none'}")
    else:
        lines.append("No previous run in this reports folder.")
    failing = [r for r in data["cases"] if not r["correct"]]
    lines += ["", f"## Failing turns ({len(failing)})", ""]
    for r in failing:
        quote = r["citations"][0]["quote"] if r["citations"] else ""
        lines += [
            f"### {r['id']}/{r['turn']}: {r['reason']}",
            "",
            f"- question: {r['question']}",
            f"- read as: {r['rewritten_question']}",
            f"- expected: {_expected(r)}",
            f"- got ({r['confidence']:.2f}): {r['answer']}",
            f"- short answer: {r.get('short_answer') or '(none)'}"
            + (
                ""
                if r.get("short_correct") is None
                else f" ({'right' if r['short_correct'] else 'wrong'})"
            ),
        ]
        if quote:
            lines.append(f"- evidence: {r['citations'][0]['article_id']}: “{quote}”")
        lines.append("")
    return "\n".join(lines) + "\n"


def html_page(markdown_text: str, out: Path, images: list[str]) -> str:
    """A self-contained HTML page: the markdown shown as escaped text blocks, images inline."""
    body = []
    for block in markdown_text.split("\n\n"):
        stripped = block.strip()
        image = next((name for name in images if stripped == f"![{name}]({name})"), None)
        if image:
            data = base64.b64encode((out / image).read_bytes()).decode()
            body.append(f'<img alt="{image}" src="data:image/png;base64,{data}">')
        elif stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            body.append(f"<h{level}>{html.escape(stripped.lstrip('# '))}</h{level}>")
        elif stripped.startswith("|"):
            rows = [r for r in stripped.splitlines() if not set(r) <= set("|-")]
            cells = [[html.escape(c.strip()) for c in r.strip("|").split("|")] for r in rows]
            head = "".join(f"<th>{c}</th>" for c in cells[0])
            rest = "".join(
                "<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in cells[1:]
            )
            body.append(f"<table><tr>{head}</tr>{rest}</table>")
        elif stripped:
            items = "<br>".join(html.escape(line) for line in stripped.splitlines())
            body.append(f"<p>{items}</p>")
    style = (
        "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}"
        "img{max-width:100%;display:block;margin:1rem 0}"
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Evaluation report</title>"
        f"<style>{style}</style></head><body>{''.join(body)}</body></html>\n"
    )


def write(data: dict[str, Any], out: Path, threshold: float) -> list[Path]:
    """Write results.json, the plots, report.md and report.html into out."""
    out.mkdir(parents=True, exist_ok=True)
    (out / RESULTS).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    images = plots(data["cases"], data["categories"], threshold, out)
    text = markdown(data, images)
    (out / "report.md").write_text(text, encoding="utf-8")
    (out / "report.html").write_text(html_page(text, out, images), encoding="utf-8")
    return [out / RESULTS, out / "report.md", out / "report.html", *(out / i for i in images)]
