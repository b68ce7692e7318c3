"""The people table kept with each build: per article, the rows of who did what (read by
ingest/people), the sessions it names and the event it reports, all in the manifest, so a
snapshot reads the table of its own build. A sync reads new and changed articles; when the
people model changed (or the index was built before the table existed) it reads every
article again from what the manifest holds, without embedding anything."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.ingest.nlp import parse_many
from assistant.ingest.people import PeopleModel, load_people_model, read_article, to_parse
from assistant.roles import RoleRow
from assistant.store.manifest import vector_text

PARTS = ("people", "sessions", "events")
MANY = 100  # articles from which parsing is shared among processes (as the entity pass)


def signature(model: PeopleModel) -> str:
    """What the rows were read with: the model (features, trees, threshold) and the code that
    reads them, so an upgrade reads every article again at the next sync. Computed once per
    model a process loads (0.1 s each time: it wrote out the whole model), kept with it."""
    kept = _SIGNATURES.get(id(model))
    if kept is not None and kept[0] is model:
        return kept[1]
    digest = hashlib.sha256(json.dumps(model.as_dict(), sort_keys=True).encode("utf-8"))
    for path in READERS:
        digest.update(path.read_bytes())
    found = digest.hexdigest()[:16]
    if len(_SIGNATURES) >= 4:  # the last few models only (a process loads one or two)
        del _SIGNATURES[next(iter(_SIGNATURES))]
    _SIGNATURES[id(model)] = (model, found)  # the model kept too: its id is not reused
    return found


_SIGNATURES: dict[int, tuple[PeopleModel, str]] = {}


_HERE = Path(__file__).resolve().parents[1]
# the code that reads an article's people (a change to it reads every article again)
READERS = (*sorted((_HERE / "ingest" / "people").glob("*.py")), _HERE / "roles.py",
            _HERE / "countries.py", _HERE / "language.py")  # fmt: skip


def stale(manifest: dict[str, Any], model: PeopleModel) -> list[str]:
    """The articles whose rows are missing or were read with another model."""
    if manifest.get("people_model") != signature(model):
        return list(manifest["articles"])
    people = manifest.get("people", {})
    return [a for a in manifest["articles"] if a not in people]


@dataclass(frozen=True)
class _Stored:
    """An article as the manifest holds it: what reading its people needs."""

    id: str
    title: str
    text: str


def refresh(
    manifest: dict[str, Any], article_ids: list[str], model: PeopleModel | None = None,
    processes: int = 1,
) -> None:  # fmt: skip
    """Read the people of these articles (from the manifest's texts, sentences and entities)
    into the manifest, and drop those of articles it no longer holds; with processes > 1 and
    many articles, their sentences are parsed by that many worker processes."""
    model = model or load_people_model()
    for part in PARTS:
        manifest.setdefault(part, {})
        for gone in [a for a in manifest[part] if a not in manifest["articles"]]:
            del manifest[part][gone]
    sentences = {a: [tuple(s) for c in manifest["chunks"][a] for s in c["sentences"]]
                 for a in article_ids}  # fmt: skip
    entities = {a: [tuple(e) for c in manifest["chunks"][a] for e in c["entities"]]
                for a in article_ids}  # fmt: skip
    # every article's sentences parsed in one batch (shared among processes when many)
    wanted = {a: to_parse(manifest["texts"][a], sentences[a], entities[a]) for a in article_ids}
    texts = [manifest["texts"][a][x:y] for a in article_ids for x, y in wanted[a]]
    docs = iter(parse_many(texts, processes if len(article_ids) >= MANY else 1))
    for article_id in article_ids:
        record = manifest["articles"][article_id]
        stored = _Stored(article_id, record.get("title", ""), manifest["texts"][article_id])
        mine = [next(docs) for _ in wanted[article_id]]
        reading = read_article(stored, sentences[article_id], entities[article_id], model,  # type: ignore[arg-type]
                               mine)  # fmt: skip
        manifest["people"][article_id] = [r.as_dict() for r in reading.rows]
        manifest["sessions"][article_id] = [[s.name, s.start, s.end] for s in reading.sessions]
        manifest["events"][article_id] = reading.event
    manifest["people_model"] = signature(model)


def name_vectors(
    manifest: dict[str, Any], article_ids: list[str], embedder: Any, before: dict[str, str]
) -> list[str]:
    """Encode the event name of these articles when it is not the one encoded before (before:
    article -> the name its kept vector is of), and of any the manifest holds no vector for
    (what grouping articles into events compares: the event as the article names it, else its
    title), kept as half-precision base64, so a process's first role question encodes none;
    the articles given a vector."""
    held = manifest.setdefault("event_vectors", {})
    for gone in [a for a in held if a not in manifest["articles"]]:
        del held[gone]
    wanted = set(article_ids)
    todo = [a for a in manifest["articles"] if a not in held
            or (a in wanted and before.get(a) != event_name(manifest, a))]  # fmt: skip
    if todo:
        vectors = np.asarray(embedder.encode([event_name(manifest, a) for a in todo]))
        held.update({a: vector_text(v) for a, v in zip(todo, vectors, strict=True)})
    return todo


def lacking_vectors(manifest: dict[str, Any]) -> bool:
    """Whether an article of the manifest has no kept vector of its event's name."""
    held = manifest.get("event_vectors", {})
    return any(a not in held for a in manifest["articles"])


def event_name(manifest: dict[str, Any], article_id: str) -> str:
    """The name an article's event is compared by: as the article names it, else its title."""
    return manifest.get("events", {}).get(article_id) or manifest["articles"][article_id].get(
        "title", ""
    )


def rows(manifest: dict[str, Any], article_id: str) -> list[RoleRow]:
    """The rows of one article as the manifest holds them."""
    return [RoleRow(**r) for r in manifest.get("people", {}).get(article_id, [])]
