"""`assistant train`: fit the evidence model on data in the repository and write it, with its
training report, next to the package's code (models/evidence.json, models/training-report.md).

Data (data/training.yaml): SQuAD 2.0 paragraphs and the project's own question sets. Each
question is answered by the same code as at answer time up to the features: retrieval,
candidate units, unit features. A unit is labelled right when it holds a gold answer (and
comes from an expected source); unanswerable questions give only wrong units.

Models, each fitted on data, scored out of fold with folds grouped by article (each SQuAD
article, each question set), so that no article is in both the fitting and the scoring:
1. ranker: a linear score over the unit features, fitted to put a right unit first (softmax
   over each question's units);
2. confidence: gradient-boosted trees over the chosen unit's features and its lead (each
   feature's effect held to its declared sign), then an isotonic map from their out-of-fold
   outputs to how often the chosen unit was right;
3. refusal threshold: the lowest calibrated confidence at which, out of fold, answering does
   more good than harm (see OPERATING_POINT);
4. span model: a linear score over candidate spans of the right unit, fitted to put a span
   matching the gold answer first.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answering import (
    CONFIDENCE_FEATURES,
    CONFIDENCE_SIGNS,
    SPAN_FEATURES,
    SPAN_SIGNS,
    UNIT_FEATURES,
    UNIT_SIGNS,
    Choice,
    EvidenceModel,
    Linear,
    feature_set,
    fuse,
    logged_spans,
    rank,
    save_model,
    sigmoid,
    signs,
)
from assistant.evaluation.fitting import fit_isotonic, fit_listwise, fit_trees, named
from assistant.evaluation.matching import short_correct
from assistant.evaluation.model_check import fingerprint
from assistant.evaluation.model_check import probe as probe_answers
from assistant.evaluation.training_data import CONFIG, ROOT, Example, Log, collect, load_config
from assistant.evaluation.training_report import Outcome, summarise, write_report
from assistant.store.embeddings import embedder_for

# The refusal threshold is the lowest calibrated confidence that, out of fold, refuses at
# least REFUSE_PROJECT of the must-refuse questions written for the project (conference and
# paraphrase sets: near misses of real questions) and REFUSE_SQUAD of SQuAD's unanswerable
# ones (made to look answerable). Below it an analyst would get wrong names; above it, more
# refusals of questions the articles answer.
REFUSE_PROJECT = 0.7
REFUSE_SQUAD = 0.5
OPERATING_POINT = (
    f"refuse at least {REFUSE_PROJECT:.0%} of the project's must-refuse questions and "
    f"{REFUSE_SQUAD:.0%} of SQuAD's unanswerable ones, out of fold"
)
RANKER_L2 = 1.0
SPAN_L2 = 3.0


def train(
    config: Path = CONFIG, out: Path | None = None, work: Path | None = None, threads: int = 2,
    log: Log = print, probe: Path | None = None,
) -> EvidenceModel:  # fmt: skip
    """Fit every part of the evidence model, write it and its report, return it (probe: a
    file to keep the confidence model's input rows in, for comparing models)."""
    from assistant.answering import MODEL_PATH

    out = out or MODEL_PATH
    started = time.perf_counter()
    sets = load_config(config)
    embedder = embedder_for("onnx", threads)  # the default runtime answers with these vectors
    with tempfile.TemporaryDirectory(prefix="assistant-train-") as scratch:
        folder = work or Path(scratch)
        examples = [e for s in sets for e in collect(s, folder, embedder, log)]
        model, outcomes, rows = fit_all(examples, log)
    if probe is not None:
        np.save(probe, rows)
    seconds = time.perf_counter() - started
    figures = summarise(outcomes)
    model = EvidenceModel(
        model.ranker, model.confidence, model.calibration, model.threshold, model.span,
        model.span_threshold,
        {
            "trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
            "config": str(config.relative_to(ROOT) if config.is_relative_to(ROOT) else config),
            "operating_point": OPERATING_POINT,
            "feature_set": feature_set(),
            "questions": len(examples),
            "out_of_fold": figures,
        },
    )  # fmt: skip
    # What it was made from, and what serving gives a few questions with it: what `assistant
    # train --verify` checks against the repository (model_check.py).
    model.info["made_from"] = {**fingerprint(config), "probe": probe_answers(model, embedder)}
    save_model(model, out)
    write_report(out.parent, model, outcomes, sets, seconds)
    log(f"model written to {out} ({seconds:.0f} s)")
    return model


def fit_all(examples: list[Example], log: Log) -> tuple[EvidenceModel, list[Outcome], np.ndarray]:
    """Out-of-fold predictions for every stage, then each stage fitted on all the data. The
    ranker learns from every unit, forced ones too; what is chosen, and so the confidence and
    the threshold, is read from the units serving would see, by the serving `rank`."""
    groups = sorted({e.group for e in examples})
    unit_signs = signs(UNIT_FEATURES, UNIT_SIGNS)

    def fit_ranker(fitted: list[Example]) -> Linear:
        return named(
            fit_listwise([e.found.matrix for e in fitted], [e.labels for e in fitted],
                         RANKER_L2, [e.weight for e in fitted], unit_signs),
            list(UNIT_FEATURES),
        )  # fmt: skip

    # Each stage is fitted once per group (article) without it: a group's predictions come
    # from fits that never saw it.
    fold = {g: i for i, g in enumerate(groups)}
    ranker = fit_ranker(examples)
    by_fold = {f: fit_ranker([e for e in examples if fold[e.group] != f])
               for f in range(len(groups))}  # fmt: skip
    rankers = {g: by_fold[fold[g]] for g in groups}
    log(f"ranker: {len(groups)} folds")

    usable = [e for e in examples if len(e.found.serving().scored)]
    span, choices = _fit_spans(usable, fold, rankers, log)
    rows = np.array([c.row for c in choices])
    right = np.array([bool(e.labels[c.best]) for e, c in zip(usable, choices, strict=True)])
    weight = np.array([e.weight for e in usable])
    probability = np.zeros(len(usable))
    confidence_signs = signs(CONFIDENCE_FEATURES, CONFIDENCE_SIGNS)
    names = tuple(CONFIDENCE_FEATURES)
    for f in range(len(groups)):
        held = np.array([fold[e.group] == f for e in usable])
        if held.any():
            fitted = fit_trees(rows[~held], right[~held], weight[~held], confidence_signs, names)
            probability[held] = sigmoid(fitted.logits(rows[held]))
    confidence = fit_trees(rows, right, weight, confidence_signs, names)
    # The calibration is fitted on every kind of data, each source (SQuAD, CoQA, the
    # project's sets) weighing the same in all: a confidence of 0.8 means 8 in 10 right.
    calibration = fit_isotonic(probability, right, _source_weights(usable))
    outcomes = []
    for e, p, r, c in zip(usable, probability, right, choices, strict=True):
        unit = e.found.units[c.best]
        o = Outcome(e.set, e.group, e.answerable, float(p), right=bool(r), weight=e.weight,
                    source=e.source)  # fmt: skip
        o.words = len(e.index.text(unit.article_id)[unit.start : unit.end].split())
        if c.short is not None:
            o.short, o.short_share = c.short.text, c.short.probability
            o.short_right = e.answerable and short_correct(c.short.text, e.answers, e.answers_all)
        _naive(e, o)
        outcomes.append(o)
    outcomes += [Outcome(e.set, e.group, e.answerable, 0.0, weight=e.weight, source=e.source)
                 for e in examples if not len(e.found.serving().scored)]  # fmt: skip
    for g in groups:
        # Calibration and threshold for a group's questions come from the other groups only.
        others = [o for o in outcomes if o.group != g]
        calibrated = fit_isotonic(np.array([o.probability for o in others]),
                                  np.array([o.right for o in others]),
                                  _source_weights(others))  # fmt: skip
        threshold = choose_threshold(others, calibrated)
        for o in outcomes:
            if o.group == g:
                o.confidence, o.threshold = calibrated(o.probability), threshold
    threshold = choose_threshold(outcomes, calibration)
    log(f"confidence: threshold {threshold:.3f} ({OPERATING_POINT})")
    span_threshold = _span_threshold(outcomes)
    log(f"spans: short answers shown from share {span_threshold:.3f}")
    model = EvidenceModel(ranker, confidence, calibration, threshold, span, span_threshold,
                          {"feature_set": feature_set()})  # fmt: skip
    return model, outcomes, rows


def _source_weights(rows: list[Any]) -> np.ndarray:
    """Weights that give each source (squad, coqa, project) the same total."""
    totals: dict[str, int] = {}
    for r in rows:
        totals[r.source] = totals.get(r.source, 0) + 1
    return np.array([len(rows) / (len(totals) * totals[r.source]) for r in rows])


def choose_threshold(outcomes: list[Outcome], calibrated: Callable[[float], float]) -> float:
    """The refusal threshold of OPERATING_POINT over these outcomes' calibrated confidences."""
    cuts = [0.0]
    for source, share in (("project", REFUSE_PROJECT), ("squad", REFUSE_SQUAD)):
        refuse = [calibrated(o.probability) for o in outcomes
                  if o.source == source and not o.answerable]  # fmt: skip
        if refuse:
            cuts.append(float(np.quantile(refuse, share)) + 1e-9)
    return max(cuts)


def _fit_spans(
    examples: list[Example], fold: dict[str, int], rankers: dict[str, Linear], log: Log
) -> tuple[Linear, list[Choice]]:
    """The span model, and each example's out-of-fold choice (its fold's ranker and span
    model, through the serving `rank`)."""
    names = list(SPAN_FEATURES)
    span_signs = signs(SPAN_FEATURES, SPAN_SIGNS)
    data: list[tuple[int, np.ndarray, np.ndarray, float]] = []
    for e in examples:
        if not e.answerable or not e.labels.any():
            continue
        served = e.found.serving()
        scores = rankers[e.group].logits(served.matrix)
        chosen = int(np.argmax(scores))
        positives = np.flatnonzero(e.labels)
        ranked = rankers[e.group].logits(e.found.matrix)
        at = chosen if e.labels[chosen] else int(max(positives, key=lambda i: ranked[i]))
        unit = e.found.units[at]
        reading = e.found.reading
        candidates, matrix = logged_spans(reading.question, reading.forms, reading.weights,
                                          e.index, e.lexicon, unit)  # fmt: skip
        if len(candidates) < 2:
            continue
        text = e.index.text(unit.article_id)
        # With several answers to list, a span naming one of them is right: the listing
        # around it ("Bangladesh and Nepal") is added after the choice.
        gold = e.answers + e.answers_all
        labels = np.array([short_correct(text[c.start : c.end], gold, ()) for c in candidates])
        data.append((fold[e.group], matrix, labels, e.weight))

    def fit(rows: list[tuple[int, np.ndarray, np.ndarray, float]]) -> Linear:
        return named(
            fit_listwise([d[1] for d in rows], [d[2] for d in rows], SPAN_L2,
                         [d[3] for d in rows], span_signs),
            names,
        )  # fmt: skip

    span = fit(data)
    choices: list[Choice | None] = [None] * len(examples)
    for f in sorted(set(fold.values())):
        fitted = fit([d for d in data if d[0] != f])
        for i, e in enumerate(examples):
            if fold[e.group] == f:
                choices[i] = rank(rankers[e.group], fitted, e.found.serving(), e.index, e.lexicon)
    log(f"spans: fitted on {len(data)} units")
    assert all(c is not None for c in choices)
    return span, [c for c in choices if c is not None]


def _span_threshold(outcomes: list[Outcome]) -> float:
    """The least share at which showing the short answer gains more right ones than wrong
    ones, out of fold, among answers whose quote is right."""
    shown = [o for o in outcomes if o.answerable and o.right and o.short]
    best, threshold = -1, 0.0
    for t in sorted({0.0, *(o.short_share for o in shown)}):
        gain = sum((1 if o.short_right else -1) for o in shown if o.short_share >= t)
        if gain > best:
            best, threshold = gain, t
    return threshold


def _naive(e: Example, o: Outcome) -> None:
    """The naive peer: the single sentence that MiniLM cosine and BM25, fused by rank, put
    first among the same candidates; its cosine is its confidence."""
    served = e.found.serving()
    singles = [i for i, u in enumerate(served.units) if len(u.sentences) == 1]
    if not singles:
        return
    dense = served.matrix[:, list(UNIT_FEATURES).index("dense")]
    bm25 = e.lexicon.sentence_bm25(e.question)
    by_dense = sorted(singles, key=lambda i: -dense[i])
    by_bm25 = sorted(singles, key=lambda i: -bm25[served.units[i].last.row])
    fused = fuse([[str(i) for i in by_dense], [str(i) for i in by_bm25]])
    best = max(singles, key=lambda i: fused[str(i)])
    o.naive_score, o.naive_right = float(dense[best]), bool(e.labels[best])
