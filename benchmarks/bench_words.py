"""Words in other words: how well the bundled encoder's word vectors tell words that mean the
same in proceedings ("shoreline"/"coastal") from words that are related but different
("France"/"Germany", "phishing"/"ransomware"), for two ways of making them: each word read
alone by the encoder (what answering/similarity.py does), and the average of the vectors of
its word pieces read alone (a static model distilled from the encoder). Figures go to
benchmarks/results.md (section `words`).

Usage: .venv/bin/python benchmarks/bench_words.py
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.store.embeddings import embedder_for  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402

SAME = [("chief", "head"), ("urge", "called"), ("inaugurated", "opened"), ("kicked", "opened"),
        ("medicines", "drugs"), ("prescription", "pharmaceutical"), ("firms", "companies"),
        ("boss", "chief"), ("wrap", "closed"), ("delegations", "countries"), ("ex", "former"),
        ("charge", "chaired"), ("shoreline", "coastal"), ("superbug", "antimicrobial"),
        ("states", "countries"), ("animals", "livestock"), ("ice", "glaciers"),
        ("gathering", "meeting"), ("organised", "hosted"), ("venue", "centre"),
        ("building", "hall"), ("dearer", "price"), ("cutting", "reducing"),
        ("smuggling", "trafficking"), ("narcotics", "drugs"), ("regulators", "watchdogs"),
        ("pledged", "committed"), ("shed", "lost"), ("wildfire", "fire"),
        ("jobless", "unemployment")]  # fmt: skip
DIFFERENT = [("budget", "chaired"), ("cybercrime", "port"), ("phishing", "ransomware"),
             ("paris", "london"), ("france", "germany"), ("minister", "president"),
             ("morning", "evening"), ("fusion", "fission"), ("microplastics", "nets"),
             ("cost", "venue"), ("year", "month"), ("kenya", "uganda"), ("police", "army"),
             ("wheat", "rice"), ("summit", "session"), ("declaration", "budget"),
             ("hotline", "platform"), ("tuna", "salmon"), ("airport", "harbour"),
             ("first", "second")]  # fmt: skip


def auc(same: list[float], different: list[float]) -> float:
    """The chance that a same-meaning pair scores above a different one."""
    wins = sum((s > d) + 0.5 * (s == d) for s in same for d in different)
    return wins / (len(same) * len(different))


def main() -> None:
    onnx = embedder_for("onnx", 2)
    tokenizer = embedder_for("torch", 2).model().tokenizer
    words = sorted({w for pair in SAME + DIFFERENT for w in pair})
    whole = np.asarray(onnx.encode(words))
    pieces = sorted({p for w in words for p in tokenizer.tokenize(w)})
    piece_vectors = np.asarray(onnx.encode([p.removeprefix("##") for p in pieces]))
    at = {p: i for i, p in enumerate(pieces)}
    averaged = np.stack([piece_vectors[[at[p] for p in tokenizer.tokenize(w)]].mean(0)
                         for w in words])  # fmt: skip
    index = {w: i for i, w in enumerate(words)}
    lines = [
        f"Measured {dt.date.today()} (`benchmarks/bench_words.py`): {len(SAME)} word pairs "
        f"that mean the same in proceedings against {len(DIFFERENT)} related but different.",
        "",
        "| word vectors | AUC | mean cosine, same | mean cosine, different |",
        "|---|---|---|---|",
    ]
    for name, matrix in (("each word read alone (used)", whole),
                         ("average of its word pieces", averaged)):  # fmt: skip
        m = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
        same = [float(m[index[a]] @ m[index[b]]) for a, b in SAME]
        different = [float(m[index[a]] @ m[index[b]]) for a, b in DIFFERENT]
        lines.append(f"| {name} | {auc(same, different):.3f} | {np.mean(same):.2f} | "
                     f"{np.mean(different):.2f} |")  # fmt: skip
    print("\n".join(lines))
    write_section("words", lines)


if __name__ == "__main__":
    main()
