"""Metrics over scored turns: accuracy, F1, refusals, citations, quotes, retrieval, latency."""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Iterable

from assistant.evaluation.matching import contains, token_f1
from assistant.evaluation.records import TurnResult
from assistant.language import question_type


def _mean(values: list[float]) -> float | None:
    return statistics.mean(values) if values else None


def _share(values: Iterable[bool]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    at = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[at]


def bootstrap_interval(
    outcomes: list[bool], rounds: int = 2000, level: float = 0.95, seed: int = 7
) -> tuple[float, float]:
    """A percentile bootstrap confidence interval for a proportion (question sets are small)."""
    if not outcomes:
        return (0.0, 0.0)
    rng = random.Random(seed)
    n = len(outcomes)
    means = sorted(sum(rng.choices(outcomes, k=n)) / n for _ in range(rounds))
    tail = (1 - level) / 2
    return (means[int(tail * rounds)], means[min(rounds - 1, int((1 - tail) * rounds))])


def retrieval_ranks(result: TurnResult) -> int | None:
    """1-based rank of the first retrieved passage from an expected source, 0 if none; None
    when the turn names no sources."""
    if not result.expected.sources:
        return None
    for rank, passage in enumerate(result.answer.passages, start=1):
        if passage.chunk.article_id in result.expected.sources:
            return rank
    return 0


def compute(
    results: list[TurnResult], quote_ok: Callable[[str, int, int, str], bool] | None = None
) -> dict[str, float | None]:
    """Every metric for one set of results; None where a metric has nothing to measure."""
    answerable = [r for r in results if r.expected.answerable]
    unanswerable = [r for r in results if not r.expected.answerable]
    refusals = [r for r in results if r.answer.refused]
    answered = [r for r in results if not r.answer.refused]
    cited = [r for r in answered if r.expected.answerable and r.source_ok is not None]
    quotes = [c for r in results for c in r.answer.citations]
    ranks = [x for x in (retrieval_ranks(r) for r in answerable) if x is not None]
    latencies = [r.answer.timings_ms.get("total", 0.0) for r in results]
    low, high = bootstrap_interval([r.correct for r in results])
    f1 = [
        max((token_f1(r.answer.text, g) for g in r.expected.answers + r.expected.answers_all),
            default=0.0)
        for r in answerable
    ]  # fmt: skip
    metrics: dict[str, float | None] = {
        "turns": float(len(results)),
        "accuracy": _share(r.correct for r in results),
        "accuracy_ci_low": low,
        "accuracy_ci_high": high,
        "answerable_accuracy": _share(r.correct for r in answerable),
        "evidence_accuracy": _share(r.correct for r in answerable),
        "short_answer_accuracy": _share(bool(r.short_ok) for r in answerable),
        # lists (answers_all with two items or more): complete, and items found and right
        "list_complete": _share(r.correct for r in answerable if len(r.expected.all_items) > 1),
        "item_recall": _mean(
            [(r.items or (0.0, 0.0))[0] for r in answerable if len(r.expected.all_items) > 1]
        ),
        "item_precision": _mean(
            [r.items[1] for r in answerable if len(r.expected.all_items) > 1 and r.items]
        ),
        "calibration_error": calibration_error(
            [r.answer.confidence for r in answered], [r.correct for r in answered]
        ),
        "token_f1": statistics.mean(f1) if f1 else None,
        "refusal_precision": _share(not r.expected.answerable for r in refusals),
        "refusal_recall": _share(r.answer.refused for r in unanswerable),
        "false_refusals": float(sum(r.answer.refused for r in answerable)),
        "answerable_refused": _share(r.answer.refused for r in answerable),
        "citation_accuracy": _share(bool(r.source_ok) for r in cited),
        "quote_faithfulness": (
            _share(quote_ok(c.article_id, c.start, c.end, c.quote) for c in quotes)
            if quote_ok is not None
            else None
        ),
        "hit_at_1": _share(0 < x <= 1 for x in ranks),
        "hit_at_5": _share(0 < x <= 5 for x in ranks),
        "mrr": statistics.mean(1 / x if x else 0.0 for x in ranks) if ranks else None,
        "median_answer_words": (
            statistics.median(len(r.answer.text.split()) for r in answered) if answered else None
        ),
        "latency_p50_ms": _percentile(latencies, 0.5),
        "latency_p95_ms": _percentile(latencies, 0.95),
        # generative backends: how often the model's own answer reached the user
        "grounded_rate": _share(r.answer.grounded for r in answered),
        # of the answerable turns whose model answer held a gold answer, the share the
        # grounding check stopped (its false rejections)
        "check_rejected_right": _share(
            bool(r.answer.rejected) for r in answerable if _model_right(r)
        ),
        "fallback_rate": _share(r.answer.fallback is not None for r in answered),
        "tokens_per_second": _rate(results),
    }
    return metrics


def _model_right(r: TurnResult) -> bool:
    """Whether the model's own answer (shown, or stopped by the check) held a gold answer."""
    said = r.answer.rejected or (
        r.answer.text
        if r.answer.backend != "extractive" and not r.answer.fallback and not r.answer.refused
        else ""
    )
    gold = r.expected.answers + r.expected.answers_all
    return bool(said) and any(contains(said, g) for g in gold)


def _rate(results: list[TurnResult]) -> float | None:
    """Generated tokens per second of generation, over the turns a model was asked."""
    asked = [r.answer for r in results if r.answer.timings_ms.get("generate")]
    seconds = sum(a.timings_ms["generate"] for a in asked) / 1000
    return sum(a.tokens for a in asked) / seconds if seconds > 0 else None


def calibration_error(confidences: list[float], right: list[bool], bins: int = 10) -> float | None:
    """Expected calibration error: |confidence - share right| averaged over equal-width
    confidence bins, weighted by how many answers fall in each."""
    if not confidences:
        return None
    total = 0.0
    for k in range(bins):
        group = [
            (c, r) for c, r in zip(confidences, right, strict=True)
            if min(int(c * bins), bins - 1) == k
        ]  # fmt: skip
        if group:
            mean_c = sum(c for c, _ in group) / len(group)
            mean_r = sum(r for _, r in group) / len(group)
            total += abs(mean_c - mean_r) * len(group)
    return total / len(confidences)


def by_category(results: list[TurnResult]) -> dict[str, dict[str, float | None]]:
    """Accuracy and counts per question type, answerable or not, single or follow-up."""
    groups: dict[str, list[TurnResult]] = {}
    for r in results:
        keys = [
            question_type(r.expected.question),
            "answerable" if r.expected.answerable else "unanswerable",
            "follow-up" if r.turn > 0 else "single turn",
            *(f"tag: {t}" for t in r.expected.tags),
        ]
        for key in keys:
            groups.setdefault(key, []).append(r)
    return {
        key: {
            "turns": float(len(rs)),
            "accuracy": _share(r.correct for r in rs),
            "short_answer_accuracy": _share(bool(r.short_ok) for r in rs if r.expected.answerable),
        }
        for key, rs in sorted(groups.items())
    }
