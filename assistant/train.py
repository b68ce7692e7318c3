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
2. confidence: logistic regression over the chosen unit's features and its lead, then an
   isotonic map from its out-of-fold outputs to how often the chosen unit was right;
3. refusal threshold: the lowest calibrated confidence at which, out of fold, answering does
   more good than harm (see OPERATING_POINT);
4. span model: a linear score over candidate spans of the right unit, fitted to put a span
   matching the gold answer first.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from assistant.answer import standalone_question
from assistant.candidates import Unit
from assistant.config import Settings
from assistant.embeddings import LocalEmbeddings, embedder_for
from assistant.errors import AssistantError
from assistant.evaluate import EvalCase, load_questions, load_squad
from assistant.evidence import Candidates, gather
from assistant.features import (
    CONFIDENCE_FEATURES,
    CONFIDENCE_SIGNS,
    UNIT_FEATURES,
    UNIT_SIGNS,
    confidence_features,
    signs,
)
from assistant.index import Index, sync_index
from assistant.lexicon import Lexicon
from assistant.matching import holds_answer, short_correct
from assistant.model import Calibration, EvidenceModel, Linear, save_model
from assistant.question import analyse
from assistant.retrieve import Retriever
from assistant.spans import (
    SPAN_FEATURES,
    SPAN_SIGNS,
    ShortAnswer,
    parse_unit,
    short_answer,
    span_candidates,
    span_features,
)

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "data" / "training.yaml"
# Answer when the calibrated confidence says a right answer is at least this likely. A wrong
# answer costs more than a refusal; below this point, out of fold, answering the SQuAD data's
# questions would give more wrong answers than the refusals it avoids are worth.
OPERATING_POINT = "refuse at least half of the unanswerable questions, out of fold"
RANKER_L2 = 1.0
CONFIDENCE_L2 = 1.0
SPAN_L2 = 3.0
SET_WEIGHT = 3.0
Log = Callable[[str], None]


@dataclass(frozen=True)
class TrainingSet:
    name: str
    corpus: Path | None = None
    questions: Path | None = None
    squad: Path | None = None


@dataclass
class Example:
    """One question turn of the training data with its candidate units."""

    set: str
    group: str
    question: str
    answerable: bool
    answers: tuple[str, ...]
    answers_all: tuple[str, ...]
    found: Candidates
    labels: np.ndarray  # one per unit: holds a gold answer from an expected source
    index: Index
    lexicon: Lexicon
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0))  # out-of-fold ranker
    weight: float = 1.0  # in the fits: question sets count more than SQuAD's
    outside: bool = False  # from outside data (SQuAD): what the calibration is fitted on


def same_model(shipped: Path, fresh: Path, tolerance: float = 1e-2) -> str:
    """ "" when two model files hold the same model, else where they first differ.

    Two fits of the same code on the same data differ slightly from machine to machine and
    run to run (onnxruntime's threads change float sums; seen: coefficients in the fifth
    digit, calibration curves by up to 0.0012), so numbers are compared to a relative
    `tolerance` (or tolerance/10 absolute), and the calibration as the function it is: both
    curves read on a grid of 201 points must agree within `tolerance`. The report (`info`)
    is not part of the model. What this catches: a feature added, removed or renamed, a
    changed data set or fitting step, a model file edited by hand or left stale."""
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (shipped, fresh))
    for data in (a, b):
        data.pop("info", None)
    grid = np.linspace(0.0, 1.0, 201)
    curves = [np.interp(grid, d["calibration"]["x"], d["calibration"]["y"]) for d in (a, b)]
    gap = float(np.max(np.abs(curves[0] - curves[1])))
    if gap > tolerance:
        return f"/calibration differs by up to {gap:.4f}"
    for data in (a, b):
        data.pop("calibration")
    return _difference(a, b, "", tolerance)


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


def load_config(path: Path) -> list[TrainingSet]:
    """The training sets listed in a YAML file (paths relative to it)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AssistantError(f"cannot read training config {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise AssistantError(f"{path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("sets"), list):
        raise AssistantError(f"{path}: expected a top-level 'sets:' list")
    sets = []
    for i, item in enumerate(data["sets"]):
        if not isinstance(item, dict) or not item.get("name"):
            raise AssistantError(f"{path}: set {i + 1} needs a 'name'")
        paths = {
            k: (path.parent / item[k]).resolve()
            for k in ("corpus", "questions", "squad")
            if k in item
        }
        if "squad" not in paths and not ("corpus" in paths and "questions" in paths):
            raise AssistantError(
                f"{path}: set {item['name']!r} needs 'squad' or 'corpus' and 'questions'"
            )
        for key, value in paths.items():
            if not value.exists():
                raise AssistantError(f"{path}: set {item['name']!r}: {key} {value} does not exist")
        sets.append(TrainingSet(str(item["name"]), **paths))
    return sets


def collect(
    training_set: TrainingSet, work: Path, embedder: LocalEmbeddings, log: Log
) -> list[Example]:
    """Index a training set and gather every question's candidate units with labels."""
    folder = work / training_set.name
    if training_set.squad is not None:
        corpus = folder / "corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        cases = load_squad(training_set.squad, corpus)
    else:
        assert training_set.corpus is not None and training_set.questions is not None
        corpus, cases = training_set.corpus, load_questions(training_set.questions)
    settings = Settings(corpus_dir=corpus, index_dir=folder / "index")
    started = time.perf_counter()
    sync_index(settings, embedder)
    index = Index(settings, embedder).open()
    lexicon = Lexicon(index)
    retriever = Retriever(index)
    turns = list(_turns(cases))
    vectors = embedder.encode([question for _, _, question in turns])
    examples = []
    for (_, turn, question), vector in zip(turns, vectors, strict=True):
        q = analyse(question)
        found = gather(q, np.asarray(vector, dtype=np.float32), index, lexicon, retriever)
        labels = np.array([_holds(index, turn, u) for u in found.units], dtype=bool)
        group = training_set.name
        if training_set.squad is not None:
            group = f"{training_set.name}:{turn.sources[0].split('/')[0]}"
        examples.append(
            Example(
                training_set.name,
                group,
                question,
                turn.answerable,
                turn.answers,
                turn.answers_all,
                found,
                labels,
                index,
                lexicon,
                weight=1.0 if training_set.squad is not None else SET_WEIGHT,
                outside=training_set.squad is not None,
            )
        )
    log(
        f"{training_set.name}: {len(examples)} questions, "
        f"{sum(e.answerable for e in examples)} answerable "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return examples


def _turns(cases: list[EvalCase]):  # type: ignore[no-untyped-def]
    """(case, turn, standalone question) for every turn; follow-ups are rewritten with the
    gold answer standing in for the assistant's."""
    for case in cases:
        history: list[dict[str, str]] = []
        for turn in case.turns:
            yield case, turn, standalone_question(turn.question, history)
            gold = (turn.answers or turn.answers_all or ("",))[0]
            history += [
                {"role": "user", "content": turn.question},
                {"role": "assistant", "content": f"{gold}: “{gold}” [1]"},
            ]


def _holds(index: Index, turn: Any, unit: Unit) -> bool:
    if not turn.answerable or (turn.sources and unit.article_id not in turn.sources):
        return False
    text = index.text(unit.article_id)[unit.start : unit.end]
    return holds_answer(text, turn.answers, turn.answers_all)


# ---------------------------------------------------------------------------------------------
# Fitting


def _bounds(signs: list[int] | None, n: int) -> list[tuple[float | None, float | None]]:
    """L-BFGS-B bounds: a feature whose sign is known may only weigh in that direction."""
    if signs is None:
        return [(None, None)] * n
    return [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs]


def _standardised(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return (x - mean) / scale, mean, scale


def fit_listwise(
    matrices: list[np.ndarray],
    labels: list[np.ndarray],
    l2: float,
    weights: list[float] | None = None,
    signs: list[int] | None = None,
) -> Linear:
    """A linear score that puts a right row first: maximises, per group of rows, the softmax
    share of the right rows (L2-regularised, features standardised, groups weighted, each
    weight kept to the sign its feature is declared with)."""
    from scipy.optimize import minimize

    keep = [i for i, y in enumerate(labels) if y.any() and len(y) > 1]
    group_weight = np.array([(weights[i] if weights else 1.0) for i in keep])
    matrices = [matrices[i] for i in keep]
    labels = [labels[i] for i in keep]
    x, mean, scale = _standardised(np.vstack(matrices))
    sizes = [len(m) for m in matrices]
    starts = np.cumsum([0, *sizes])[:-1]
    group = np.repeat(np.arange(len(sizes)), sizes)
    right = np.concatenate(labels)
    n = float(group_weight.sum())
    row_weight = group_weight[group]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[group])
        z = np.add.reduceat(e, starts)
        e_right = np.where(right, e, 0.0)
        z_right = np.add.reduceat(e_right, starts)
        value = -np.sum(group_weight * (np.log(z_right) - np.log(z))) / n + l2 * (w @ w) / (2 * n)
        residual = row_weight * (e / z[group] - e_right / z_right[group])
        gradient = x.T @ residual / n + l2 * w / n
        return float(value), gradient

    result = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B",
                      bounds=_bounds(signs, x.shape[1]))  # fmt: skip
    return Linear(tuple(), mean, scale, result.x, 0.0)


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    l2: float,
    weights: np.ndarray | None = None,
    signs: list[int] | None = None,
) -> Linear:
    """Weighted L2-regularised logistic regression on standardised features, each weight
    kept to the sign its feature is declared with."""
    from scipy.optimize import minimize

    z, mean, scale = _standardised(x)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    target = y.astype(np.float64)
    total = float(w.sum())

    def loss(p: np.ndarray) -> tuple[float, np.ndarray]:
        t = z @ p[1:] + p[0]
        value = np.sum(w * (np.logaddexp(0.0, t) - target * t)) / total
        value += l2 * (p[1:] @ p[1:]) / (2 * total)
        residual = w * (1.0 / (1.0 + np.exp(-t)) - target)
        gradient = np.concatenate([[residual.sum()], z.T @ residual]) / total
        gradient[1:] += l2 * p[1:] / total
        return float(value), gradient

    bounds = [(None, None), *_bounds(signs, z.shape[1])]
    result = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return Linear(tuple(), mean, scale, result.x[1:], float(result.x[0]))


def fit_isotonic(
    scores: np.ndarray, right: np.ndarray, weights: np.ndarray | None = None
) -> Calibration:
    """Isotonic regression of right-or-wrong on a score, as interpolation points."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(scores, right.astype(float), sample_weight=weights)
    return Calibration(np.asarray(iso.X_thresholds_), np.asarray(iso.y_thresholds_))


def _named(model: Linear, names: list[str]) -> Linear:
    return Linear(tuple(names), model.mean, model.scale, model.coef, model.intercept)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


# ---------------------------------------------------------------------------------------------
# The whole fit


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
    outside: bool = False


def train(config: Path = CONFIG, out: Path | None = None, work: Path | None = None,
          threads: int = 2, log: Log = print) -> EvidenceModel:  # fmt: skip
    """Fit every part of the evidence model, write it and its report, return it."""
    from assistant.model import MODEL_PATH

    out = out or MODEL_PATH
    started = time.perf_counter()
    sets = load_config(config)
    embedder = embedder_for("onnx", threads)  # the default runtime answers with these vectors
    with tempfile.TemporaryDirectory(prefix="assistant-train-") as scratch:
        folder = work or Path(scratch)
        examples = [e for s in sets for e in collect(s, folder, embedder, log)]
        model, outcomes = fit_all(examples, log)
    seconds = time.perf_counter() - started
    figures = summarise(outcomes)
    model = EvidenceModel(
        model.ranker, model.confidence, model.calibration, model.threshold, model.span,
        model.span_threshold,
        {
            "trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
            "config": str(config.relative_to(ROOT) if config.is_relative_to(ROOT) else config),
            "operating_point": OPERATING_POINT,
            "questions": len(examples),
            "out_of_fold": figures,
        },
    )  # fmt: skip
    save_model(model, out)
    write_report(out.parent, model, outcomes, sets, seconds)
    log(f"model written to {out} ({seconds:.0f} s)")
    return model


def fit_all(examples: list[Example], log: Log) -> tuple[EvidenceModel, list[Outcome]]:
    """Out-of-fold predictions for every stage, then each stage fitted on all the data."""
    groups = sorted({e.group for e in examples})
    unit_signs = signs(UNIT_FEATURES, UNIT_SIGNS)
    for g in groups:
        fitted = [e for e in examples if e.group != g]
        ranker = fit_listwise([e.found.matrix for e in fitted], [e.labels for e in fitted],
                              RANKER_L2, [e.weight for e in fitted], unit_signs)  # fmt: skip
        for e in examples:
            if e.group == g:
                e.scores = ranker.logits(e.found.matrix)
    ranker = _named(
        fit_listwise([e.found.matrix for e in examples], [e.labels for e in examples], RANKER_L2,
                     [e.weight for e in examples], unit_signs),
        list(UNIT_FEATURES),
    )  # fmt: skip
    log(f"ranker: {len(groups)} folds")

    usable = [e for e in examples if len(e.labels)]
    span, shorts = _fit_spans(usable, groups, log)
    rows = np.array([_confidence_row(e, s) for e, s in zip(usable, shorts, strict=True)])
    right = np.array([bool(e.labels[int(np.argmax(e.scores))]) for e in usable])
    weight = np.array([e.weight for e in usable])
    probability = np.zeros(len(usable))
    confidence_signs = signs(CONFIDENCE_FEATURES, CONFIDENCE_SIGNS)
    for g in groups:
        held = np.array([e.group == g for e in usable])
        if held.any():
            fitted = fit_logistic(rows[~held], right[~held], CONFIDENCE_L2, weight[~held],
                                  confidence_signs)  # fmt: skip
            probability[held] = _sigmoid(fitted.logits(rows[held]))
    confidence = _named(
        fit_logistic(rows, right, CONFIDENCE_L2, weight, confidence_signs),
        list(CONFIDENCE_FEATURES),
    )
    # The calibration is fitted on the outside data alone (SQuAD, when the config has it):
    # there a confidence of 0.8 means 8 in 10 right. On the project's own kind of questions,
    # which are easier to refuse, answers are right more often than their confidence says.
    outside = np.array([e.outside for e in usable]) if any(e.outside for e in usable) else None
    calibration = (
        fit_isotonic(probability[outside], right[outside])
        if outside is not None
        else fit_isotonic(probability, right)
    )
    outcomes = []
    for e, p, r, s in zip(usable, probability, right, shorts, strict=True):
        unit = e.found.units[int(np.argmax(e.scores))]
        o = Outcome(e.set, e.group, e.answerable, float(p), right=bool(r), weight=e.weight,
                    outside=e.outside)  # fmt: skip
        o.words = len(e.index.text(unit.article_id)[unit.start : unit.end].split())
        if s is not None:
            o.short, o.short_share = s.text, s.probability
            o.short_right = e.answerable and short_correct(s.text, e.answers, e.answers_all)
        _naive(e, o)
        outcomes.append(o)
    outcomes += [Outcome(e.set, e.group, e.answerable, 0.0, weight=e.weight, outside=e.outside)
                 for e in examples if not len(e.labels)]  # fmt: skip
    for g in groups:
        # Calibration and threshold for a group's questions come from the other groups only.
        others = [o for o in outcomes if o.group != g]
        fitting = [o for o in others if o.outside] or others
        calibrated = fit_isotonic(np.array([o.probability for o in fitting]),
                                  np.array([o.right for o in fitting]))  # fmt: skip
        threshold = choose_threshold(
            [calibrated(o.probability) for o in others], [o.answerable for o in others]
        )
        for o in outcomes:
            if o.group == g:
                o.confidence, o.threshold = calibrated(o.probability), threshold
    threshold = choose_threshold(
        [calibration(o.probability) for o in outcomes], [o.answerable for o in outcomes]
    )
    log(f"confidence: threshold {threshold:.3f} ({OPERATING_POINT})")
    span_threshold = _span_threshold(outcomes)
    log(f"spans: short answers shown from share {span_threshold:.3f}")
    model = EvidenceModel(ranker, confidence, calibration, threshold, span, span_threshold, {})
    return model, outcomes


def _confidence_row(e: Example, short: ShortAnswer | None) -> np.ndarray:
    best = int(np.argmax(e.scores))
    return confidence_features(
        e.found.reading, e.found.units, e.found.matrix, e.scores, best, short
    )


def choose_threshold(confidences: list[float], answerable: list[bool]) -> float:
    """The refusal threshold for OPERATING_POINT: the median calibrated confidence of the
    unanswerable questions, so that at least half of them are refused."""
    unanswerable = [c for c, a in zip(confidences, answerable, strict=True) if not a]
    if not unanswerable:
        return 0.5
    return float(np.quantile(unanswerable, 0.5)) + 1e-9


def _fit_spans(
    examples: list[Example], groups: list[str], log: Log
) -> tuple[Linear, list[ShortAnswer | None]]:
    """The span model, and each example's out-of-fold short answer in its chosen unit."""
    names = list(SPAN_FEATURES)
    span_signs = signs(SPAN_FEATURES, SPAN_SIGNS)
    data: list[tuple[str, np.ndarray, np.ndarray, float]] = []
    for e in examples:
        if not e.answerable or not e.labels.any():
            continue
        chosen = int(np.argmax(e.scores))
        positives = np.flatnonzero(e.labels)
        at = chosen if e.labels[chosen] else int(max(positives, key=lambda i: e.scores[i]))
        unit = e.found.units[at]
        parse = parse_unit(e.index, unit)
        candidates = span_candidates(e.index, unit, parse)
        if len(candidates) < 2:
            continue
        text = e.index.text(unit.article_id)
        # With several answers to list, a span naming one of them is right: the listing
        # around it ("Bangladesh and Nepal") is added after the choice.
        gold = e.answers + e.answers_all
        labels = np.array([short_correct(text[c.start : c.end], gold, ()) for c in candidates])
        reading = e.found.reading
        matrix = span_features(reading.question, reading.forms, reading.weights, e.index,
                               e.lexicon, unit, parse, candidates)  # fmt: skip
        data.append((e.group, matrix, labels, e.weight))
    shorts: list[ShortAnswer | None] = [None] * len(examples)
    for g in groups:
        fitted = _named(
            fit_listwise([d[1] for d in data if d[0] != g], [d[2] for d in data if d[0] != g],
                         SPAN_L2, [d[3] for d in data if d[0] != g], span_signs),
            names,
        )  # fmt: skip
        for i, e in enumerate(examples):
            if e.group == g:
                unit = e.found.units[int(np.argmax(e.scores))]
                reading = e.found.reading
                shorts[i] = short_answer(fitted, reading.question, reading.forms,
                                         reading.weights, e.index, e.lexicon, unit)  # fmt: skip
    span = _named(
        fit_listwise(
            [d[1] for d in data], [d[2] for d in data], SPAN_L2, [d[3] for d in data], span_signs
        ),
        names,
    )
    log(f"spans: fitted on {len(data)} units")
    return span, shorts


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
    singles = [i for i, u in enumerate(e.found.units) if len(u.sentences) == 1]
    if not singles:
        return
    dense = e.found.matrix[:, list(UNIT_FEATURES).index("dense")]
    bm25 = [_bm25(e, e.found.units[i]) for i in singles]
    by_dense = sorted(singles, key=lambda i: -dense[i])
    by_bm25 = [singles[j] for j in sorted(range(len(singles)), key=lambda j: -bm25[j])]
    fused = {i: 1 / (60 + by_dense.index(i) + 1) + 1 / (60 + by_bm25.index(i) + 1) for i in singles}
    best = max(singles, key=lambda i: fused[i])
    o.naive_score, o.naive_right = float(dense[best]), bool(e.labels[best])


def _bm25(e: Example, unit: Unit, k1: float = 1.5, b: float = 0.75) -> float:
    lexicon = e.lexicon
    words = [st for st, _ in lexicon.sentence_stems(unit.last.row)]
    n, average = lexicon.sentences, lexicon.average_length
    score = 0.0
    for term in {t.stem for t in e.found.reading.question.terms}:
        tf = words.count(term)
        if tf:
            df = lexicon.df[term]
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(words) / average))
    return score


# ---------------------------------------------------------------------------------------------
# Figures


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


def tradeoff(outcomes: list[Outcome], naive: bool = False) -> list[tuple[float, float]]:
    """(share of unanswerable refused, share of answerable right) as the threshold moves."""
    score = (lambda o: o.naive_score) if naive else (lambda o: o.confidence)
    right = (lambda o: o.naive_right) if naive else (lambda o: o.right)
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    if not answerable or not unanswerable:
        return []
    points = []
    for t in sorted({-1.0, *(score(o) for o in outcomes), 2.0}):
        points.append(
            (
                sum(score(o) < t for o in unanswerable) / len(unanswerable),
                sum(right(o) and score(o) >= t for o in answerable) / len(answerable),
            )
        )
    return points


def write_report(
    folder: Path,
    model: EvidenceModel,
    outcomes: list[Outcome],
    sets: list[TrainingSet],
    seconds: float,
) -> None:
    """models/training-report.md and the trade-off plot beside the model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figures = model.info["out_of_fold"]
    squad = [s.name for s in sets if s.squad is not None]
    fig, ax = plt.subplots(figsize=(6, 4.4))
    for name in squad:
        rows = [o for o in outcomes if o.set == name]
        for naive, style in ((False, "-"), (True, ":")):
            points = tradeoff(rows, naive)
            label = f"{'naive peer' if naive else 'assistant'} ({name})"
            ax.plot([p[0] for p in points], [p[1] for p in points], style, label=label)
        f = figures[name]
        ax.plot([f["refused_unanswerable"]], [f["evidence"]], "o", color="black")
        ax.annotate("threshold", (f["refused_unanswerable"], f["evidence"]),
                    textcoords="offset points", xytext=(6, 6))  # fmt: skip
    ax.set_xlabel("unanswerable questions refused")
    ax.set_ylabel("answerable questions answered with the right evidence")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title("Out of fold, folds grouped by article")
    fig.tight_layout()
    fig.savefig(folder / "tradeoff.png", dpi=110)
    plt.close(fig)

    def pct(x: float) -> str:
        return f"{x:.1%}"

    lines = [
        "# Training report (written by `assistant train`)",
        "",
        f"Trained {model.info['trained']} on {model.info['questions']} questions from "
        f"`{model.info['config']}` in {seconds:.0f} s. Every figure below is out of fold: folds "
        "are grouped by article (each SQuAD article, each question set), the calibration and "
        "the threshold that score a group were fitted without it.",
        "",
        f"Refusal threshold of the shipped model: **{model.threshold:.3f}** (calibrated "
        f"confidence), chosen on out-of-fold predictions to {OPERATING_POINT}. Short answers "
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
    for title, linear in (("Ranker", model.ranker), ("Confidence", model.confidence)):
        order = np.argsort(-np.abs(linear.coef))
        lines += [f"{title}: " + ", ".join(
            f"{linear.names[i]} {linear.coef[i]:+.2f}" for i in order[:20]) + ".", ""]  # fmt: skip
    (folder / "training-report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
