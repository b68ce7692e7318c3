"""Which articles report one event: the grouping the people table answers over
(answering/people/table.py, group_events), measured on the annotated training conferences of
data/people pooled as if one corpus held them all, with their dates dropped (articles of
different events a few days apart are then told apart by their names alone). Each pair of
articles is right when the grouping puts them together exactly when their gold rows name one
event. The floor on how similar two names that share words must be (NAMED_FLOOR) is chosen
here: the highest pair recall at pair precision 1.0, else the best F1. Figures go to
benchmarks/results.md (section `events`).

Usage: .venv/bin/python benchmarks/bench_events.py [GOLD.yaml ...]
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering.people.events import (  # noqa: E402
    NAMED_FLOOR,
    SHARED_PEOPLE,
    group_events,
)
from assistant.evaluation.people_gold import load_gold  # noqa: E402
from assistant.ingest.corpus import load_corpus  # noqa: E402
from assistant.ingest.people import event_of  # noqa: E402
from assistant.store.embeddings import embedder_for  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402

FLOORS = (-1.0, 0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8)  # -1: sharing a word is enough


def pooled(
    files: list[Path],
) -> tuple[list[tuple[str, str, str, str]], list[str], list[set[str]]]:
    """(id, event name read, title, no date) of every annotated article, its gold event, and
    the full names its gold rows give a role."""
    articles, gold_events, people = [], [], []
    for path in files:
        corpus, gold = load_gold(path)
        assert corpus is not None, f"{path} names no corpus"
        event = {g.article: g.event for g in gold}
        for a in load_corpus(corpus, 2_000_000)[0]:
            if a.id in event:
                articles.append((f"{path.stem}/{a.id}", event_of(a), a.title, ""))
                gold_events.append(event[a.id])
                people.append({g.person for g in gold
                               if g.article == a.id and len(g.person.split()) >= 2})  # fmt: skip
    return articles, gold_events, people


def pair_scores(found: list[str], gold: list[str]) -> dict[str, float]:
    """Pair precision, recall and F1 of a grouping, the groups that hold two events and the
    events split over two groups."""
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(gold)), 2):
        same, together = gold[i] == gold[j], found[i] == found[j]
        tp += same and together
        fp += together and not same
        fn += same and not together
    groups = {g: {gold[i] for i in range(len(gold)) if found[i] == g} for g in set(found)}
    events = {e: {found[i] for i in range(len(gold)) if gold[i] == e} for e in set(gold)}
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-9),
        "mixed": sum(len(v) > 1 for v in groups.values()),
        "split": sum(len(v) > 1 for v in events.values()),
    }


def main() -> None:
    files = sorted((ROOT / "data" / "people").glob("*.yaml")) + [Path(a) for a in sys.argv[1:]]
    articles, gold, people = pooled(files)
    embedder = embedder_for("onnx")
    vectors = np.asarray(embedder.encode([name or title for _, name, title, _ in articles]))
    rows = {floor: pair_scores(group_events(articles, vectors, floor), gold) for floor in FLOORS}
    exact = [f for f in FLOORS if rows[f]["precision"] == 1.0]
    best = (
        max(exact, key=lambda f: (rows[f]["recall"], -f))
        if exact
        else max(FLOORS, key=lambda f: rows[f]["f1"])
    )
    lines = [
        f"Measured {dt.date.today()} (`benchmarks/bench_events.py`): the articles of "
        f"{len(files)} annotated conferences ({len(articles)} articles, {len(set(gold))} "
        "events) pooled as one corpus with their dates dropped, grouped into events by "
        "`group_events`; a pair of articles is right when it is put together exactly when "
        "both report one event. The floor is how similar (cosine) two event names that share "
        "a name or two words must be (-1: sharing them is enough, the rule before). The floor "
        "is chosen on these articles, so these are training figures; the unseen sets of the "
        "README's evaluation are the check.",
        "",
        "| floor | pair precision | pair recall | groups holding two events | events split |",
        "|---|---|---|---|---|",
    ]
    for floor in FLOORS:
        r = rows[floor]
        mark = " (chosen)" if floor == best else ""
        lines.append(f"| {floor:.2f}{mark} | {r['precision']:.3f} | {r['recall']:.3f} | "
                     f"{r['mixed']} | {r['split']} |")  # fmt: skip
    lines += ["", f"In use: NAMED_FLOOR = {NAMED_FLOOR} (answering/people/table.py)."]
    # and articles that give roles to the same people (the gold rows' people here: the
    # table's own rows, which the product uses, hold fewer and some wrong)
    lines += [
        "",
        "With the floor in use, articles that give roles to at least N of the same people "
        "(full names, from the gold rows: the table the product reads holds fewer) joined "
        "too (0: not joined by people):",
        "",
        "| N | pair precision | pair recall | groups holding two events | events split |",
        "|---|---|---|---|---|",
    ]
    import assistant.answering.people.events as events

    for n in (0, 1, 2, 3):
        events.SHARED_PEOPLE = n or 10**9
        r = pair_scores(group_events(articles, vectors, NAMED_FLOOR, people=people), gold)
        mark = " (in use)" if n == SHARED_PEOPLE else ""
        lines.append(f"| {n}{mark} | {r['precision']:.3f} | {r['recall']:.3f} | "
                     f"{r['mixed']} | {r['split']} |")  # fmt: skip
    events.SHARED_PEOPLE = SHARED_PEOPLE
    print("\n".join(lines))
    write_section("events", lines)
    if best != NAMED_FLOOR:
        print(f"note: the data choose a floor of {best}, the code uses {NAMED_FLOOR}")


if __name__ == "__main__":
    main()
