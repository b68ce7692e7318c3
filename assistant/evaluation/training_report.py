"""What training says about itself: out-of-fold outcomes and the figures drawn from them
(per-set accuracy, refusals, calibration error, the trade-off against a naive peer), the
training report and plot, and the comparison of two model files (`make model-check`)."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answering import EvidenceModel, Trees
from assistant.evaluation.training_data import TrainingSet

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Outcome:
    """Out-of-fold result of one training question at the chosen unit."""

    set: str
    group: str
    answerable: bool
    probability: float  # the confidence model's output, before calibration
    confidence: float = 0.0  # calibrated by a map fitted without this question's group
    threshold: float = 0.0  # chosen without this question's group
    right: bool = False  # the chosen unit holds a gold answer
    short: str = ""
    short_share: float = 0.0
    short_right: bool = False
    words: int = 0
    naive_score: float = 0.0
    naive_right: bool = False
    weight: float = 1.0
    source: str = "project"  # squad, coqa or project


def same_model(
    shipped: Path, fresh: Path, tolerance: float = 1e-2, rows: np.ndarray | None = None
) -> str:
    """ "" when two model files hold the same model, else where they first differ.

    Two fits of the same code on the same data differ slightly from machine to machine and
    run to run (onnxruntime's threads change float sums; seen: coefficients in the fifth
    digit, calibration curves by up to 0.0012), so numbers are compared to a relative
    `tolerance` (or tolerance/10 absolute), and the calibration as the function it is: both
    curves read on a grid of 201 points must agree within `tolerance`. The report (`info`)
    is not part of the model. What this catches: a feature added, removed or renamed, a
    changed data set or fitting step, a model file edited by hand or left stale.

    Boosted trees amplify that noise (a split may fall on another feature when two gain
    alike), so with `rows` (the confidence model's inputs of the training questions) the
    confidence, its calibration and the threshold are compared by what they do: both models
    must answer or refuse alike on all but 2% of the questions, and their confidences differ
    by at most `tolerance` on average."""
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (shipped, fresh))
    for data in (a, b):
        data.pop("info", None)
    if rows is not None:
        found = _same_decisions(shipped, fresh, rows, tolerance)
        if found:
            return found
        for data in (a, b):
            for part in ("confidence", "calibration", "threshold"):
                data.pop(part)
        return _difference(a, b, "", tolerance)
    grid = np.linspace(0.0, 1.0, 201)
    curves = [np.interp(grid, d["calibration"]["x"], d["calibration"]["y"]) for d in (a, b)]
    gap = float(np.max(np.abs(curves[0] - curves[1])))
    if gap > tolerance:
        return f"/calibration differs by up to {gap:.4f}"
    for data in (a, b):
        data.pop("calibration")
    return _difference(a, b, "", tolerance)


def _same_decisions(shipped: Path, fresh: Path, rows: np.ndarray, tolerance: float) -> str:
    from assistant.answering import load_model, sigmoid

    confidences = []
    for path in (shipped, fresh):
        model = load_model(path)
        raw = model.confidence.logits(rows)
        calibrated = np.array([model.calibration(sigmoid(float(x))) for x in raw])
        confidences.append((calibrated, calibrated >= model.threshold))
    (ca, da), (cb, db) = confidences
    differ = float(np.mean(da != db))
    if differ > 0.02:
        return f"/confidence answers or refuses differently on {differ:.1%} of the questions"
    gap = float(np.mean(np.abs(ca - cb)))
    if gap > tolerance:
        return f"/confidence differs by {gap:.4f} on average"
    return ""


def _difference(a: Any, b: Any, where: str, tolerance: float) -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return f"{where}/{key} is missing from one file"
            found = _difference(a[key], b[key], f"{where}/{key}", tolerance)
            if found:
                return found
        return ""
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where} has {len(a)} items in one file and {len(b)} in the other"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _difference(x, y, f"{where}[{i}]", tolerance)
            if found:
                return found
        return ""
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        if math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance / 10):
            return ""
    elif a == b:
        return ""
    return f"{where} differs: {a!r} against {b!r}"


def calibration_error(confidences: list[float], right: list[bool], bins: int = 10) -> float:
    """Expected calibration error: the gap between confidence and share right, averaged
    over equal-width confidence bins weighted by their size."""
    if not confidences:
        return 0.0
    c, r = np.array(confidences), np.array(right, dtype=float)
    which = np.minimum((c * bins).astype(int), bins - 1)
    return float(
        sum(abs(c[which == k].mean() - r[which == k].mean()) * (which == k).sum()
            for k in range(bins) if (which == k).any()) / len(c)
    )  # fmt: skip


def summarise(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """Out-of-fold figures per training set, at each question's held-out threshold."""
    out = {}
    for name in sorted({o.set for o in outcomes}):
        rows = [o for o in outcomes if o.set == name]
        answerable = [o for o in rows if o.answerable]
        unanswerable = [o for o in rows if not o.answerable]
        answered = [o for o in rows if o.confidence >= o.threshold]

        def share(items: list[Any], test: Callable[[Any], bool]) -> float:
            return sum(1 for i in items if test(i)) / len(items) if items else 0.0

        refused = share(unanswerable, lambda o: o.confidence < o.threshold)
        # The naive peer, refusing as many unanswerable questions as the assistant does.
        naive_cut = (
            float(np.quantile([o.naive_score for o in unanswerable], refused))
            if unanswerable else -1.0
        )  # fmt: skip
        out[name] = {
            "answerable": len(answerable),
            "unanswerable": len(unanswerable),
            "evidence": share(answerable, lambda o: o.right and o.confidence >= o.threshold),
            "short_answer": share(
                answerable, lambda o: o.short_right and o.confidence >= o.threshold
            ),
            "refused_unanswerable": refused,
            "answered_right": share(answered, lambda o: o.right),
            "calibration_error": calibration_error(
                [o.confidence for o in answered], [o.right for o in answered]
            ),
            "evidence_no_refusal": share(answerable, lambda o: o.right),
            "naive_evidence": share(
                answerable, lambda o, cut=naive_cut: o.naive_right and o.naive_score >= cut
            ),
            "naive_no_refusal": share(answerable, lambda o: o.naive_right),
            "median_words": float(np.median([o.words for o in answered])) if answered else 0.0,
        }
        out[name] = {k: round(v, 4) if isinstance(v, float) else v for k, v in out[name].items()}
    return out


def tradeoff(
    outcomes: list[Outcome], naive: bool = False, refusable: bool = True
) -> list[tuple[float, float]]:
    """(share of unanswerable refused, or of answerable refused when not refusable; share of
    answerable right) as the threshold moves."""
    score = (lambda o: o.naive_score) if naive else (lambda o: o.confidence)
    right = (lambda o: o.naive_right) if naive else (lambda o: o.right)
    answerable = [o for o in outcomes if o.answerable]
    refused_from = [o for o in outcomes if not o.answerable] if refusable else answerable
    if not answerable or not refused_from:
        return []
    points = []
    for t in sorted({-1.0, *(score(o) for o in outcomes), 2.0}):
        points.append(
            (
                sum(score(o) < t for o in refused_from) / len(refused_from),
                sum(right(o) and score(o) >= t for o in answerable) / len(answerable),
            )
        )
    return points


def _groups(outcomes: list[Outcome], sets: list[TrainingSet]) -> dict[str, list[Outcome]]:
    """The outcomes of each kind of data: the conference sets, their paraphrases, SQuAD, CoQA."""
    kind = {s.name: ("SQuAD" if s.squad else "CoQA" if s.coqa else
                     "paraphrase sets" if s.name.startswith("para-") else "conference sets")
            for s in sets}  # fmt: skip
    out: dict[str, list[Outcome]] = {}
    for o in outcomes:
        out.setdefault(kind.get(o.set, o.set), []).append(o)
    return out


def plot_tradeoffs(
    path: Path, outcomes: list[Outcome], sets: list[TrainingSet], threshold: float
) -> None:
    """One panel per kind of data: answerable questions right against unanswerable ones
    refused as the threshold moves (CoQA, nearly all answerable: against answerable ones
    refused), the assistant's curve beside the naive peer's, and where the threshold sits."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = _groups(outcomes, sets)
    fig, axes = plt.subplots(1, len(groups), figsize=(4.2 * len(groups), 4.2), squeeze=False)
    for ax, (name, rows) in zip(axes[0], groups.items(), strict=True):
        refusable = sum(not o.answerable for o in rows) >= 40
        for naive, style in ((False, "-"), (True, ":")):
            points = tradeoff(rows, naive, refusable)
            ax.plot([p[0] for p in points], [p[1] for p in points], style,
                    label="naive peer" if naive else "assistant")  # fmt: skip
        at = tradeoff_point(rows, refusable)
        ax.plot([at[0]], [at[1]], "o", color="black")
        ax.annotate(f"threshold {threshold:.2f}", at, textcoords="offset points",
                    xytext=(6, 6), fontsize=8)  # fmt: skip
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("unanswerable refused" if refusable else "answerable refused")
        ax.set_ylabel("answerable right")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left", fontsize=8)
    fig.suptitle("Out of fold, folds grouped by article", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def tradeoff_point(rows: list[Outcome], refusable: bool = True) -> tuple[float, float]:
    """(refused, answerable right) at each question's own out-of-fold threshold."""
    answerable = [o for o in rows if o.answerable]
    refused_from = [o for o in rows if not o.answerable] if refusable else answerable
    return (
        sum(o.confidence < o.threshold for o in refused_from) / max(1, len(refused_from)),
        sum(o.right and o.confidence >= o.threshold for o in answerable) / max(1, len(answerable)),
    )


def write_report(
    folder: Path,
    model: EvidenceModel,
    outcomes: list[Outcome],
    sets: list[TrainingSet],
    seconds: float,
) -> None:
    """models/training-report.md and the trade-off plot beside the model."""
    figures = model.info["out_of_fold"]
    plot_tradeoffs(folder / "tradeoff.png", outcomes, sets, model.threshold)

    def pct(x: float) -> str:
        return f"{x:.1%}"

    lines = [
        "# Training report (written by `assistant train`)",
        "",
        f"Trained {model.info['trained']} on {model.info['questions']} questions from "
        f"`{model.info['config']}` in {seconds:.0f} s. Every figure below is out of fold: folds "
        "are grouped by article (each SQuAD article, each conference with its question sets, "
        "CoQA's stories dealt into five folds), the calibration and "
        "the threshold that score a group were fitted without it.",
        "",
        f"Refusal threshold of the shipped model: **{model.threshold:.3f}** (calibrated "
        f"confidence), chosen on out-of-fold predictions to "
        f"{model.info.get('operating_point', '')}. Short answers "
        f"are shown when the span model gives the chosen span a share of at least "
        f"{model.span_threshold:.3f}.",
        "",
        "| set | answerable | unanswerable | evidence right | short answer right | "
        "unanswerable refused | answers right | calibration error | no refusal | "
        "naive peer, same refusals | naive peer, no refusal | median quote words |",
        "|---" * 12 + "|",
    ]
    for name, f in figures.items():
        lines.append(
            f"| {name} | {f['answerable']} | {f['unanswerable']} | {pct(f['evidence'])} | "
            f"{pct(f['short_answer'])} | {pct(f['refused_unanswerable'])} | "
            f"{pct(f['answered_right'])} | {f['calibration_error']:.3f} | "
            f"{pct(f['evidence_no_refusal'])} | {pct(f['naive_evidence'])} | "
            f"{pct(f['naive_no_refusal'])} | {f['median_words']:.0f} |"
        )
    lines += [
        "",
        "Evidence right: the quoted unit holds a gold answer (of an expected source) and the "
        "question was answered; short answer right: the short answer contains a gold answer "
        "or has token F1 >= 0.5 with one. Both are shares of the answerable questions. The "
        "calibration error is over answered questions (10 bins).",
        "",
        "![Trade-off](tradeoff.png)",
        "",
        "## Weights (features standardised)",
        "",
    ]
    for title, part in (("Ranker", model.ranker), ("Confidence", model.confidence)):
        if isinstance(part, Trees):
            splits = Counter(
                int(f)
                for t in part.trees
                for f, r in zip(t.feature, t.right, strict=True)
                if r >= 0
            )
            lines += [f"{title}: {len(part.trees)} trees; features split on most often: "
                      + ", ".join(f"{part.names[i]} {n}" for i, n in splits.most_common(20))
                      + ".", ""]  # fmt: skip
            continue
        order = np.argsort(-np.abs(part.coef))
        lines += [f"{title}: " + ", ".join(
            f"{part.names[i]} {part.coef[i]:+.2f}" for i in order[:20]) + ".", ""]  # fmt: skip
    (folder / "training-report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
