"""What the `assistant` command prints: an answer with its sources, and an evaluation's
summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.evaluation.records import Evaluation
from assistant.roles import RoleRow
from assistant.types import Answer, Citation


def format_answer(answer: Answer, skip_text: bool = False) -> str:
    """An answer as text for a terminal: the answer (unless already streamed), its sources,
    what it rests on."""
    lines = [] if skip_text else [answer.text]
    if answer.fallback:
        shown = "extractive refusal" if answer.refused else "extractive answer"
        lines.insert(0, f"({shown} shown: {answer.note})")
    lines += [source_line(c) for c in answer.citations]
    for c in answer.set_aside:
        where = f"{c.article_id}, {c.where}" if c.page else c.article_id
        lines.append(f'(set aside, not the answer: the extractive step would have quoted '
                     f'{where}: "{c.quote}")')  # fmt: skip
    if answer.refused and answer.passages:
        lines.append("Closest passages:")
        for p in answer.passages[:3]:
            snippet = " ".join(p.chunk.text.split())
            snippet = snippet if len(snippet) <= 240 else snippet[:237] + "..."
            lines.append(f"- {p.title}, {p.date or 'no date'} ({p.chunk.article_id}): {snippet}")
    note = f"confidence {answer.confidence:.2f}"
    if answer.backend != "extractive":
        state = "grounded" if answer.grounded else "not grounded"
        note += f"; {answer.backend}: {state}, {answer.tokens} tokens"
    if answer.rewritten_question != answer.question:
        note += f"; read as: {answer.rewritten_question}"
    lines.append(f"({note})")
    return "\n".join(lines)


def source_line(c: Citation) -> str:
    """A numbered source: `[1] Title, 2020-02-14 (day-2, p. 3): "the quote"`."""
    where = f"{c.article_id}, {c.where}" if c.page else c.article_id
    return f'[{c.n}] {c.title}, {c.date or "no date"} ({where}): "{c.quote}"'


def sources_text(answer: Answer) -> str:
    """What follows an answer's text where it is read as a chat message (the OpenAI-compatible
    API): its numbered sources, or "" for a refusal."""
    if not answer.citations:
        return ""
    return "\n\nSources:\n" + "\n".join(source_line(c) for c in answer.citations)


def eval_summary(evaluation: Evaluation) -> str:
    """A few lines on the run: headline metrics, baselines, changes, failing turns."""
    data = evaluation.as_dict()
    report_dir = evaluation.report_dir or Path(".")
    m = data["metrics"]

    def pct(key: str) -> str:
        return "–" if m.get(key) is None else f"{m[key]:.1%}"

    failing = [c for c in data["cases"] if not c["correct"]]
    lines = [
        f"{int(m['turns'])} turns from {data['questions']}",
        f"accuracy {pct('accuracy')} "
        f"(95% CI {m['accuracy_ci_low']:.1%}-{m['accuracy_ci_high']:.1%})"
        f"; refusal recall {pct('refusal_recall')}, precision {pct('refusal_precision')}",
        f"answerable: evidence right {pct('evidence_accuracy')}, short answer right "
        f"{pct('short_answer_accuracy')}; calibration error "
        + ("–" if m.get("calibration_error") is None else f"{m['calibration_error']:.3f}"),
        f"citations {pct('citation_accuracy')}; quotes exact {pct('quote_faithfulness')}; "
        f"retrieval hit@1 {pct('hit_at_1')}, hit@5 {pct('hit_at_5')}",
        f"latency p50 {m['latency_p50_ms']:.0f} ms, p95 {m['latency_p95_ms']:.0f} ms",
    ]
    if data.get("backend", "extractive") != "extractive":
        lines.append(_generation_line(data["backend"], m))
    for name, run in data["baselines"].items():
        b = run["metrics"]
        lines.append(
            f"baseline {name}: accuracy {b['accuracy']:.1%}, evidence "
            f"{(b['evidence_accuracy'] or 0):.1%}, short answer "
            f"{(b['short_answer_accuracy'] or 0):.1%}, "
            f"refusal recall {(b['refusal_recall'] or 0):.1%}"
        )
        if b.get("tokens_per_second") is not None:
            lines.append(_generation_line(name, b))
    diff = data["diff"]
    if data.get("previous"):
        lines.append(f"since previous run: {len(diff['broke'])} broke, {len(diff['fixed'])} fixed")
    lines += [f"failing: {c['id']}/{c['turn']} ({c['reason']})" for c in failing[:10]]
    if len(failing) > 10:
        lines.append(f"... and {len(failing) - 10} more")
    lines.append(f"report: {report_dir / 'report.html'}")
    return "\n".join(lines)


def _generation_line(name: str, m: dict[str, Any]) -> str:
    def pct(key: str) -> str:
        return "–" if m.get(key) is None else f"{m[key]:.1%}"

    speed = m.get("tokens_per_second")
    return (
        f"{name}: grounded {pct('grounded_rate')} of answers, fallback to extractive "
        f"{pct('fallback_rate')}, right answers stopped by the check "
        f"{pct('check_rejected_right')}, "
        + ("–" if speed is None else f"{speed:.1f}")
        + " tokens/s"
    )


def format_people(rows: list[RoleRow]) -> str:
    """The people table for a terminal: per event and session, each row's role, holder,
    article and quote."""
    if not rows:
        return "the index names nobody in a role (no article says who chaired, spoke, signed ...)"
    lines: list[str] = []
    event = session = None
    for r in rows:
        if r.event != event:
            event, session = r.event, None
            lines.append(f"\n{event or '(event not named)'}")
        if r.session != session:
            session = r.session
            lines.append(f"  {session or '(the event as a whole)'}")
        who = r.person or r.organisation
        if r.person and r.organisation:
            who += f" ({r.organisation})"
        where = f"{r.article}, p. {r.page}" if r.page else r.article
        lines.append(f"    {r.role}: {who} [{where}] “{' '.join(r.quote.split())[:160]}”")
    return "\n".join(lines).lstrip("\n")
