"""Fit the people model (which proposed holder-role pairs hold) on the annotated proceedings in
data/people/: each conference's articles are read as at index time, each candidate labelled
by the gold rows (same article, role and holder, its sentence overlapping the gold quote),
gradient-boosted trees fitted, and everything scored out of fold with one fold per
conference; the threshold is chosen on those out-of-fold predictions."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.evaluation.fitting import fit_trees
from assistant.evaluation.people_gold import GoldRow, load_gold, same_holder, score
from assistant.evaluation.training_data import ROOT
from assistant.fitted import sigmoid
from assistant.ingest.chunking import chunk_article
from assistant.ingest.corpus import load_corpus
from assistant.ingest.nlp import entities
from assistant.ingest.people import PeopleModel, feature_set, read_article
from assistant.ingest.people.propose import NAMES, Candidate
from assistant.roles import RoleRow
from assistant.store.people import READERS
from assistant.types import Article

GOLD = ROOT / "data" / "people"
PRECISION = 0.85  # the threshold is the lowest at which the table is this precise, out of fold
SHAPE = (12, 400, 0.1, 2)  # trees: depth, count, learning rate, fewest candidates in a leaf
Log = Callable[[str], None]
_HERE = Path(__file__).resolve().parent
# the code that turns read candidates into a model (with READERS, the code that reads them)
TRAINER = (_HERE / "people_train.py", _HERE / "people_gold.py", _HERE / "fitting.py",
           _HERE.parent / "fitted.py")  # fmt: skip


@dataclass
class Conference:
    name: str
    articles: list[Article]
    gold: list[GoldRow]
    candidates: list[tuple[Article, Candidate]]
    labels: np.ndarray
    fitted: np.ndarray  # the candidates whose labels the trees are fitted on (not restated)
    sessions: dict[str, str]  # article -> its event, all one here


def gold_files(folder: Path = GOLD) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def read_conference(path: Path, chunk_size: int = Settings().chunk_size) -> Conference:
    """A gold file's corpus read as at index time, its candidates labelled."""
    corpus, gold = load_gold(path)
    assert corpus is not None, f"{path} names no corpus"
    articles, _ = load_corpus(corpus, 2_000_000)
    found = entities([a.text for a in articles])
    candidates, labels, fitted = [], [], []
    for article, ents in zip(articles, found, strict=True):
        sentences = [s for c in chunk_article(article, chunk_size) for s in c.sentences]
        reading = read_article(article, sentences, ents)
        mine = [g for g in gold if g.article == article.id]
        spans = [(article.text.find(g.quote), g) for g in mine]
        for c in reading.candidates:
            candidates.append((article, c))
            held = [g for _, g in spans
                    if g.role == c.role and same_holder(g.holder, c.holder.name)]  # fmt: skip
            holds = any(at >= 0 and at < c.end and c.start < at + len(g.quote)
                        for at, g in spans if g in held)  # fmt: skip
            labels.append(holds)
            # a fact the gold rows quote from another sentence of the article (its first
            # saying; a table restating the text): this sentence may say it too, so it is no
            # example either way
            fitted.append(holds or not held)
    return Conference(path.stem, articles, gold, candidates, np.array(labels, dtype=bool),
                      np.array(fitted, dtype=bool),
                      {a.id: path.stem for a in articles})  # fmt: skip


def rows_of(conference: Conference, probabilities: np.ndarray, threshold: float) -> list[RoleRow]:
    """The table the candidates make at this threshold (one row per holder, role, session and
    article: its likeliest quote)."""
    best: dict[tuple[str, str, str, str], RoleRow] = {}
    for (article, c), p in zip(conference.candidates, probabilities, strict=True):
        if p < threshold:
            continue
        person = c.holder.name if c.holder.kind == "person" else ""
        organisation = c.organisation if person else c.holder.name
        row = RoleRow(person, c.role, c.session, organisation, "", article.id, None,
                      article.text[c.start : c.end], c.start, c.end, float(p))  # fmt: skip
        k = (article.id, person or organisation, c.role, c.session)
        if k not in best or row.confidence > best[k].confidence:
            best[k] = row
    return list(best.values())


def fingerprint(folder: Path = GOLD) -> dict[str, str]:
    """Hashes of the gold data (every gold file and the articles it names) and of the code
    that reads and fits: what `verify_people` compares with the model's record."""
    data = hashlib.sha256()
    for path in gold_files(folder):
        corpus, _ = load_gold(path)
        files = [path, *(sorted(p for p in corpus.rglob("*") if p.is_file()) if corpus else [])]
        for f in files:
            data.update(str(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f.name).encode())
            data.update(f.read_bytes())
    code = hashlib.sha256()
    for path in (*TRAINER, *READERS):
        code.update(path.read_bytes())
    return {"data": data.hexdigest()[:16], "trainer": code.hexdigest()[:16]}


def verify_people(model: PeopleModel) -> list[str]:
    """What differs between the people model's record of its making and the repository now;
    [] when nothing does (training is deterministic, so the model is what a refit makes)."""
    made = model.info.get("made_from") or {}
    return [f"the people {key} it was fitted from changed"
            for key, value in fingerprint().items() if made.get(key) != value]  # fmt: skip


def same_people_model(a: PeopleModel, b: PeopleModel, tolerance: float = 1e-6) -> str:
    """'' when the two models are the same (trees and threshold, to float noise), else what
    differs."""
    if abs(a.threshold - b.threshold) > tolerance:
        return f"threshold {a.threshold:.4f} != {b.threshold:.4f}"

    def numbers(x: object) -> list[float]:
        if isinstance(x, dict):
            return [n for k in sorted(x) for n in numbers(x[k])]
        if isinstance(x, list):
            return [n for v in x for n in numbers(v)]
        return [float(x)] if isinstance(x, int | float) else []

    left, right = numbers(a.trees.as_dict()), numbers(b.trees.as_dict())
    if len(left) != len(right) or not np.allclose(left, right, atol=tolerance):
        return "the trees differ"
    return ""


def train_people(out: Path, log: Log = print) -> PeopleModel:
    """Fit, score out of fold (figures per conference kept in the model's info), write the
    model to out."""
    conferences = [read_conference(p) for p in gold_files()]
    for c in conferences:
        log(f"people: {c.name}: {len(c.candidates)} candidates, {int(c.labels.sum())} hold, "
            f"{int((~c.fitted).sum())} restate, {len(c.gold)} gold rows")  # fmt: skip
    x = {c.name: np.array([cand.features for _, cand in c.candidates]).reshape(-1, len(NAMES))
         for c in conferences}  # fmt: skip
    oof: dict[str, np.ndarray] = {}
    for held in conferences:
        rest = [c for c in conferences if c is not held]
        trees = fit_trees(
            np.vstack([x[c.name][c.fitted] for c in rest]),
            np.concatenate([c.labels[c.fitted] for c in rest]),
            names=NAMES,
            shape=SHAPE,
        )
        oof[held.name] = (
            np.asarray(sigmoid(trees.logits(x[held.name]))) if len(held.candidates) else np.zeros(0)
        )
    threshold = choose_threshold(conferences, oof)
    figures = {c.name: _figures(score(rows_of(c, oof[c.name], threshold), c.gold, c.sessions))
               for c in conferences}  # fmt: skip
    all_rows = [r for c in conferences for r in rows_of(c, oof[c.name], threshold)]
    total = score(all_rows, [g for c in conferences for g in c.gold],
                  {a: c.name for c in conferences for a in c.sessions})  # fmt: skip
    trees = fit_trees(np.vstack([x[c.name][c.fitted] for c in conferences]),
                      np.concatenate([c.labels[c.fitted] for c in conferences]),
                      names=NAMES, shape=SHAPE)  # fmt: skip
    model = PeopleModel(trees, threshold, {
        "trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "feature_set": feature_set(),
        "conferences": [c.name for c in conferences],
        "out_of_fold": {"all": _figures(total), **figures},
        "made_from": fingerprint(),
    })  # fmt: skip
    from assistant.ingest.people.model import save_people_model

    save_people_model(model, out)
    log(f"people: threshold {threshold:.3f}; out of fold: precision "
        f"{total['precision']:.1%}, recall {total['recall']:.1%}")  # fmt: skip
    return model


def _figures(s: dict) -> dict:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in s.items()
            if k not in {"wrong", "missed"}}  # fmt: skip


def choose_threshold(conferences: list[Conference], oof: dict[str, np.ndarray]) -> float:
    """The lowest probability at which the table, out of fold, is at least PRECISION precise
    (the most recall at that precision); the most precise threshold when none is."""
    best, best_precision = 0.5, -1.0
    for t in np.arange(0.2, 0.95, 0.025):
        rows = [r for c in conferences for r in rows_of(c, oof[c.name], float(t))]
        s = score(rows, [g for c in conferences for g in c.gold],
                  {a: c.name for c in conferences for a in c.sessions})  # fmt: skip
        precision = s["precision"] or 0.0
        if precision >= PRECISION:
            return float(t)
        if precision > best_precision:
            best, best_precision = float(t), precision
    return best
