"""Running question sets: ask every turn (a conversation's later turns see the earlier
answers), score each answer, and gather metrics, per-category figures and one row per turn
for each system compared. Question-set files are read by questions.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import AssistantError
from assistant.evaluation.matching import contains, locate, overlaps, short_correct
from assistant.evaluation.metrics import by_category, compute
from assistant.evaluation.records import EvalCase, Turn, TurnResult
from assistant.evaluation.report import case_rows
from assistant.types import Answer, ChatTurn, Filters


@dataclass
class EvalReport:
    results: list[TurnResult] = field(default_factory=list)

    def metrics(self) -> dict[str, float | None]:
        """Every metric of metrics.compute over these results."""
        return compute(self.results)


TextOf = Callable[[str], str]


def score_turn(
    expected: Turn, answer: Answer, text_of: TextOf | None = None
) -> tuple[bool, str, bool | None]:
    """(correct, reason when not, whether a citation names an expected source). A turn with
    a rationale (CoQA) is right when a quote overlaps it in the article (text_of reads it)."""
    cited = {c.article_id for c in answer.citations}
    source_ok = bool(cited & set(expected.sources)) if expected.sources and cited else None
    if not expected.answerable:
        return (True, "", None) if answer.refused else (False, "missed refusal", None)
    if answer.refused:
        return False, "false refusal", source_ok
    if expected.rationale and text_of is not None:
        right = any(
            (span := locate(text_of(c.article_id), expected.rationale, expected.rationale_at))
            and overlaps(span, c.start, c.end)
            for c in answer.citations
            if c.article_id in expected.sources
        )
        return (True, "", source_ok) if right else (False, "wrong answer", source_ok)
    said = stated(answer)
    if expected.answers and not any(contains(said, a) for a in expected.answers):
        return False, "wrong answer", source_ok
    missing = [
        forms[0] for forms in expected.all_items if not any(contains(said, a) for a in forms)
    ]
    if missing:
        return False, f"wrong answer (missing {', '.join(missing)})", source_ok
    if source_ok is False:
        return False, "wrong source", source_ok
    return True, "", source_ok


def item_scores(expected: Turn, answer: Answer) -> tuple[float, float] | None:
    """(recall, precision) of a list answer's items: the share of the gold items it holds, and
    the share of its claims that name a gold item (None for a turn without a list, or a
    refusal)."""
    items = expected.all_items
    if not items or answer.refused:
        return None
    said = stated(answer)
    recall = sum(any(contains(said, a) for a in forms) for forms in items) / len(items)
    named = [c.text for c in answer.claims if c.text] if not answer.generated else []
    if len(named) < 2:  # one claim (a quote or a sentence): its words are the list
        return recall, recall
    right = sum(any(contains(n, a) or contains(a, n) for forms in items for a in forms)
                for n in named)  # fmt: skip
    return recall, right / len(named)


def stated(answer: Answer) -> str:
    """What an answer states, from its claims: each claim's words, and the quotes of claims
    that quote the article (a language model's sentences stand on their own words); and
    the number a how-many answer counts ("7 named in the articles")."""
    parts = [str(answer.count)] if answer.count is not None else []
    for claim in answer.claims:
        parts.append(claim.text)
        if not answer.generated:
            parts += [c.quote for c in claim.evidence]
    return " ".join(p for p in parts if p)


AskFunction = Callable[[str, list[ChatTurn], Filters | None], Answer]


def run_cases(
    cases: list[EvalCase],
    ask: AskFunction,
    progress: Callable[[int], None] | None = None,
    text_of: TextOf | None = None,
    per_article: bool = False,
) -> EvalReport:
    """Ask every turn; each turn of a conversation sees the earlier turns' real answers
    (per_article: each case asked about its own articles only, as a user who picked them in
    the filters)."""
    report = EvalReport()
    for case in cases:
        history: list[ChatTurn] = []
        filters = Filters(case.scope) if per_article and case.scope else None
        for n, turn in enumerate(case.turns):
            answer = ask(turn.question, list(history), filters)
            correct, reason, source_ok = score_turn(turn, answer, text_of)
            short_ok = (
                not answer.refused
                and short_correct(answer.short_answer, turn.answers, turn.answers_all)
                if turn.answerable and not turn.yes_no
                else None
            )
            report.results.append(
                TurnResult(case.id, n, turn, answer, correct, reason, source_ok, short_ok,
                           item_scores(turn, answer) if len(turn.all_items) > 1 else None)
            )  # fmt: skip
            history.append(ChatTurn.of(answer))
        if progress is not None:
            progress(1)
    return report


def evaluation(
    cases: list[EvalCase],
    ask: AskFunction,
    text_of: TextOf,
    progress: Callable[[int], None] | None = None,
    per_article: bool = False,
) -> dict[str, Any]:
    """Run the cases and gather metrics, per-category accuracy and one row per turn."""
    report = run_cases(cases, ask, progress, text_of, per_article)

    def quote_ok(article_id: str, start: int, end: int, quote: str) -> bool:
        try:
            return text_of(article_id)[start:end] == quote
        except KeyError:
            return False

    return {
        "metrics": compute(report.results, quote_ok),
        "categories": by_category(report.results),
        "cases": case_rows(report.results),
    }


def run_systems(
    cases: list[EvalCase],
    systems: dict[str, Any],
    text_of: TextOf,
    progress: Callable[[int, int], None] | None = None,
    per_article: bool = False,
) -> dict[str, dict[str, Any]]:
    """evaluation() of each system (anything with ask(question, history)), by name;
    progress(cases done, cases in all) over all of them."""
    total, done = len(cases) * len(systems), [0]

    def step(n: int) -> None:
        done[0] += n
        if progress is not None:
            progress(done[0], total)

    return {
        name: evaluation(cases, lambda q, h, f, a=system: a.ask(q, h, f), text_of, step,
                         per_article)
        for name, system in systems.items()
    }  # fmt: skip


def parse_bars(bars: list[str], known: Iterable[str]) -> dict[str, float]:
    """--fail-under METRIC=VALUE pairs, checked against the metric names."""
    out = {}
    names = sorted(known)
    for bar in bars:
        name, _, value = bar.partition("=")
        if name not in names:
            raise AssistantError(f"--fail-under {bar!r}: unknown metric; one of {', '.join(names)}")
        try:
            out[name] = float(value)
        except ValueError:
            raise AssistantError(f"--fail-under {bar!r}: the bar must be a number") from None
    return out


def below_bars(metrics: dict[str, float | None], bars: dict[str, float]) -> list[str]:
    """Messages for the metrics under their bars."""
    return [
        f"{name} = {metrics.get(name) or 0:.3f} is below {bar}"
        for name, bar in bars.items()
        if (metrics.get(name) or 0.0) < bar
    ]
