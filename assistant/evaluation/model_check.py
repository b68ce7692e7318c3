"""Whether the shipped evidence model is what `assistant train` makes of the repository, cheaply:
`assistant train` writes into the model a fingerprint of what it was fitted from (the training
data, the training code) and a probe (the features and answers the serving path gives a
fixed set of questions); `verify` recomputes both. The probe catches a change to anything the
features are computed by, the fingerprint a change to the data or the fitting, and training
is deterministic (tests/test_train.py), so a model that passes is the one a refit would
make. `assistant train --check` refits from scratch to be sure (minutes, not seconds).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answering import Answerer, EvidenceModel
from assistant.config import Settings
from assistant.evaluation.questions import load_questions
from assistant.evaluation.training_data import ROOT, load_config
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.reader import Index
from assistant.store.sync import sync_index

# The code that turns logged features into a model: a change to it needs a refit.
TRAINER = ("train.py", "training_data.py", "fitting.py", "matching.py", "questions.py")
PROBE_CORPUS = ROOT / "corpus"
PROBE_QUESTIONS = ROOT / "corpus" / "questions.yaml"
PROBE_SIZE = 40  # single questions of the sample set
TOLERANCE = 1e-4  # features and confidences may differ this much (float noise across machines)


def fingerprint(config: Path) -> dict[str, str]:
    """Hashes of the training data (the config and every file it names) and of the trainer."""
    data = hashlib.sha256()
    files = [config]
    for s in load_config(config):
        for path in (s.corpus, s.questions, s.squad, s.coqa):
            if path is not None:
                files += (
                    sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
                )
    for path in files:
        data.update(
            str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name).encode()
        )
        data.update(path.read_bytes())
    trainer = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in TRAINER:
        trainer.update((here / name).read_bytes())
    return {"data": data.hexdigest()[:16], "trainer": trainer.hexdigest()[:16]}


def probe(model: EvidenceModel, embedder: LocalEmbeddings) -> list[dict[str, Any]]:
    """What the serving path gives the probe questions with this model: per question, the
    candidate units' features (summed per feature: any change to one shows), the chosen unit
    and its confidence."""
    cases = [c for c in load_questions(PROBE_QUESTIONS) if len(c.turns) == 1][:PROBE_SIZE]
    with tempfile.TemporaryDirectory(prefix="assistant-probe-") as scratch:
        settings = Settings(corpus_dir=PROBE_CORPUS, index_dir=Path(scratch) / "index")
        sync_index(settings, embedder)
        answerer = Answerer(Index(settings, embedder), model=model)
        snapshot = answerer.index.snapshot()
        out = []
        for case in cases:
            explained = answerer.explain(snapshot, case.turns[0].question)
            found, evidence = explained.candidates, explained.evidence
            out.append({
                "units": len(found.units),
                "features": [round(float(x), 6) for x in found.matrix.sum(axis=0)],
                "chosen": [evidence.unit.start, evidence.unit.end] if evidence else None,
                "confidence": round(evidence.confidence, 6) if evidence else 0.0,
            })  # fmt: skip
    return out


def verify(model: EvidenceModel, config: Path, embedder: LocalEmbeddings) -> list[str]:
    """What differs between the model's record of its making and the repository now; [] when
    nothing does."""
    made = model.info.get("made_from") or {}
    problems = []
    for key, value in fingerprint(config).items():
        if made.get(key) != value:
            problems.append(f"the {key} it was fitted from changed")
    recorded = made.get("probe") or []
    now = probe(model, embedder)
    if len(recorded) != len(now):
        problems.append("it has no probe of this size: it was made by an older trainer")
    for n, (a, b) in enumerate(zip(recorded, now, strict=False)):
        if a["units"] != b["units"] or a["chosen"] != b["chosen"]:
            problems.append(f"probe question {n + 1} gathers or chooses other units")
        elif not np.allclose(a["features"], b["features"], rtol=TOLERANCE, atol=TOLERANCE):
            problems.append(f"probe question {n + 1} gets other feature values")
        elif abs(a["confidence"] - b["confidence"]) > TOLERANCE:
            problems.append(f"probe question {n + 1} gets another confidence")
    return problems[:5]
