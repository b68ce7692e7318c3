"""The manifest of a build folder in SQLite (`manifest.sqlite`): one row per version of an
article, so a sync writes the articles it changed instead of the whole manifest.

    meta(generation, data)      the small parts of each committed generation, as JSON
                                (settings, generation, updated_at, retired, people_model)
    articles(id, first, last, seq, pseq, text, light, heavy)
                                an article as generations first .. last - 1 see it (last NULL:
                                still current): its text; as JSON its record, event and where
                                its rows are in the segments (light), and its chunks, people
                                rows, sessions and event name's vector (heavy: decoded only
                                when one of them is first used, see LazyPart). A manifest
                                written before holds them all in a column `data`; its first
                                commit from now on renames it and writes every row again.
                                seq orders the articles (their texts, chunks and rows) as the
                                manifest's dicts order them, pseq the people table

The commit is one transaction: it closes the rows of the articles that changed or went, adds
their new rows and the generation's meta row, and drops what neither this generation nor the
one before it reads. A reader reads one generation inside one read transaction (WAL mode: a
writer does not block it), so it sees exactly that generation, and a sync killed before its
commit leaves nothing behind. A build written with `manifest.json` is read from it, and its
next sync writes every article's row.
"""

from __future__ import annotations

import base64
import gc
import json
import sqlite3
from collections.abc import Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import AssistantError

FILE = "manifest.sqlite"
# per-article parts of the manifest dict, by the key each has in a row's data
PARTS = {"articles": "record", "texts": "text", "chunks": "chunks", "people": "people",
         "sessions": "sessions", "events": "event", "vectors": "vectors",
         "keywords": "keywords", "event_vectors": "event_vector"}  # fmt: skip
PEOPLE = ("people", "sessions", "events")  # ordered by pseq, held for the articles read
# the parts kept apart in the heavy column: most of a row, and what a sync that adds one
# article reads for that article only
HEAVY = ("chunks", "people", "sessions", "event_vectors")
VISIBLE = "first <= ? AND (last IS NULL OR last > ?)"


def vector_text(vector: np.ndarray) -> str:
    """A vector as a manifest keeps it: half precision, base64."""
    return base64.b64encode(np.asarray(vector, dtype=np.float16).tobytes()).decode("ascii")


def text_vector(text: str) -> np.ndarray:
    """A vector a manifest keeps (vector_text), as float32."""
    return np.frombuffer(base64.b64decode(text), dtype=np.float16).astype(np.float32)


def _connect(build: Path, writer: bool = False) -> sqlite3.Connection:
    db = sqlite3.connect(build / FILE, timeout=60, isolation_level=None)
    if writer:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS meta (generation INTEGER PRIMARY KEY, data TEXT NOT NULL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS articles (id TEXT NOT NULL, first INTEGER NOT NULL, "
            "last INTEGER, seq INTEGER NOT NULL, pseq INTEGER, text TEXT, light TEXT NOT NULL, "
            "heavy TEXT, PRIMARY KEY (id, first))"
        )
        db.execute("CREATE INDEX IF NOT EXISTS current ON articles (last, id)")
        # a manifest written before the heavy column: its data column becomes the light one,
        # so the code before, which reads `data`, stops with an error instead of reading no
        # chunks from the rows written from now on
        if "data" in _columns(db):
            db.execute("ALTER TABLE articles RENAME COLUMN data TO light")
        if "heavy" not in _columns(db):
            db.execute("ALTER TABLE articles ADD COLUMN heavy TEXT")
    return db


def _columns(db: sqlite3.Connection) -> set[str]:
    return {row[1] for row in db.execute("PRAGMA table_info(articles)")}


def committed(build: Path) -> int | None:
    """The generation the build's manifest holds (None: no manifest.sqlite, or nothing
    committed to it yet)."""
    if not (build / FILE).is_file():
        return None
    with _closing(_connect(build)) as db:
        # a writer killed before it made the tables leaves an empty file
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
            return None
        row = db.execute("SELECT max(generation) FROM meta").fetchone()
    return None if row[0] is None else int(row[0])


def unsplit(build: Path) -> bool:
    """Whether a current row keeps its heavy parts in its data (written before the heavy
    column): the next commit writes every row again, once."""
    with _closing(_connect(build)) as db:
        if "heavy" not in _columns(db):
            return True
        found = db.execute("SELECT 1 FROM articles WHERE last IS NULL AND heavy IS NULL LIMIT 1")
        return found.fetchone() is not None


def read(build: Path, generation: int | None = None) -> dict[str, Any]:
    """The manifest of one committed generation (the latest by default) as one dict;
    ValueError when that generation is no longer kept."""
    with _closing(_connect(build)) as db:
        db.execute("BEGIN")
        if generation is None:
            generation = db.execute("SELECT max(generation) FROM meta").fetchone()[0]
        found = db.execute("SELECT data FROM meta WHERE generation = ?", (generation,))
        meta = found.fetchone()
        if meta is None:
            raise ValueError(f"generation {generation} of the manifest is no longer kept")
        columns = _columns(db)  # as this read transaction sees them
        light = "light" if "light" in columns else "data"
        heavy = "heavy" if "heavy" in columns else "NULL"
        rows = db.execute(
            f"SELECT id, pseq, text, {light}, {heavy} FROM articles WHERE {VISIBLE} ORDER BY seq",
            (generation, generation),
        ).fetchall()
        db.execute("COMMIT")
    with collector_paused():
        return _assembled(json.loads(meta[0]), rows)


def _assembled(manifest: dict[str, Any], rows: list[Any]) -> dict[str, Any]:
    """The manifest dict of a generation's meta and its articles' rows, the heavy parts lazy."""
    for part in PARTS:
        manifest.setdefault(part, {})
    held = _Held()
    has: dict[str, list[str]] = {part: [] for part in HEAVY}  # the articles holding each
    people = []
    texts = manifest["texts"]
    for article_id, pseq, text, data, heavy in rows:
        parsed = json.loads(data)
        if text is not None:  # kept as it is: the largest part, and no JSON to parse
            texts[article_id] = text
        if heavy is not None:
            held.raw[article_id] = heavy
            kept = parsed.pop("heavy", [])
        else:  # written before the heavy column: its data holds them
            held.raw[article_id] = {PARTS[p]: parsed.pop(PARTS[p]) for p in HEAVY
                                    if PARTS[p] in parsed}  # fmt: skip
            kept = list(held.raw[article_id])
        for part, key in PARTS.items():
            if key in parsed and part not in PEOPLE:
                manifest[part][article_id] = parsed[key]
        for part in HEAVY:
            if PARTS[part] in kept and part not in PEOPLE:
                has[part].append(article_id)
        if pseq is not None:
            people.append((pseq, article_id, parsed, kept))
    for _, article_id, parsed, kept in sorted(people, key=lambda p: p[0]):
        for part in PEOPLE:
            if part in HEAVY and PARTS[part] in kept:
                has[part].append(article_id)
            elif PARTS[part] in parsed:
                manifest[part][article_id] = parsed[PARTS[part]]
    for part in HEAVY:
        manifest[part] = LazyPart(held, PARTS[part], has[part])
    return manifest


class _Held:
    """The heavy parts of the articles read: each article's as its JSON text until one of
    them is first used, then as a dict."""

    def __init__(self) -> None:
        self.raw: dict[str, str | dict[str, Any]] = {}

    def parts(self, article_id: str) -> dict[str, Any]:
        found = self.raw[article_id]
        if isinstance(found, str):
            try:
                found = self.raw[article_id] = json.loads(found)
            except ValueError as exc:  # read when first used: say what to do, as a read does
                raise AssistantError(
                    f"the index's manifest row of {article_id!r} is damaged ({exc}): "
                    "run `assistant index --rebuild`"
                ) from None
        return found


class LazyPart(MutableMapping[str, Any]):
    """One heavy part of the manifest (an article's chunks, people rows, sessions or event
    name vector, by article id), in the manifest's order, decoded article by article when
    first used: a sync that adds one article to many reads the others' records, not these.
    Reads and writes as a dict does (a value set replaces the one read)."""

    def __init__(self, held: _Held, key: str, ids: Iterable[str]) -> None:
        self._held, self._key = held, key
        self._ids: dict[str, None] = dict.fromkeys(ids)  # ordered, as a dict's keys
        self._set: dict[str, Any] = {}

    def __getitem__(self, article_id: str) -> Any:
        if article_id in self._set:
            return self._set[article_id]
        if article_id not in self._ids:
            raise KeyError(article_id)
        return self._held.parts(article_id)[self._key]

    def __setitem__(self, article_id: str, value: Any) -> None:
        self._set[article_id] = value
        self._ids[article_id] = None

    def __delitem__(self, article_id: str) -> None:
        del self._ids[article_id]
        self._set.pop(article_id, None)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def copy(self) -> LazyPart:
        """A shallow copy, as dict.copy (what a sync keeps of the manifest before it)."""
        out = LazyPart(self._held, self._key, self._ids)
        out._set = dict(self._set)
        return out

    def as_read(self, article_id: str) -> str | None:
        """The article's heavy JSON text as read, when no value of it was decoded or set."""
        found = self._held.raw.get(article_id)
        return found if isinstance(found, str) and article_id not in self._set else None


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off while every article's row is decoded and put in place: that
    makes no cycles, but its many new dicts and lists set off collections that walk the whole
    heap, which holds the models in a syncing or serving process (most of a 10,000-article
    read went to them)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def write(
    build: Path, manifest: dict[str, Any], dirty: Iterable[str], moved: Iterable[str],
    gone: Iterable[str],
) -> None:  # fmt: skip
    """Commit the manifest's generation: new rows for the dirty articles (moved: re-added,
    so last in order, as a dict puts them), the rows of the gone ones closed. One
    transaction: the commit point."""
    generation = manifest["generation"]
    wanted = set(dirty)
    dirty = [a for a in manifest["articles"] if a in wanted]  # in manifest order
    closing, moved = sorted({*dirty, *gone}), set(moved)
    meta = {k: v for k, v in manifest.items() if k not in PARTS}
    with _closing(_connect(build, writer=True)) as db:
        db.execute("BEGIN IMMEDIATE")
        held = {}
        for part in _batches(closing):
            marks = ",".join("?" * len(part))
            held |= {
                row[0]: row[1:]
                for row in db.execute(
                    f"SELECT id, seq, pseq FROM articles WHERE last IS NULL AND id IN ({marks})",
                    part,
                )
            }
        seq, pseq = db.execute("SELECT max(seq), max(pseq) FROM articles").fetchone()
        seq, pseq = (seq or 0) + 1, (pseq or 0) + 1
        order = {}
        for article_id in dirty:
            if article_id in moved or article_id not in held:
                order[article_id], seq = seq, seq + 1
            else:
                order[article_id] = held[article_id][0]
        people = {}
        for article_id in manifest.get("people", {}):
            if article_id in order:
                kept = held.get(article_id, (None, None))[1]
                if kept is None:
                    kept, pseq = pseq, pseq + 1
                people[article_id] = kept
        for part in _batches(closing):
            marks = ",".join("?" * len(part))
            db.execute(
                f"UPDATE articles SET last = ? WHERE last IS NULL AND id IN ({marks})",
                (generation, *part),
            )
        texts = manifest["texts"]
        rows = [(a, generation, order[a], people.get(a), texts.get(a), *_row(manifest, a))
                for a in dirty]  # fmt: skip
        db.executemany(
            "INSERT INTO articles (id, first, last, seq, pseq, text, light, heavy) "
            "VALUES (?, ?, NULL, ?, ?, ?, ?, ?)",
            rows,
        )
        db.execute(
            "INSERT OR REPLACE INTO meta (generation, data) VALUES (?, ?)",
            (generation, json.dumps(meta, ensure_ascii=False)),
        )
        # what neither this generation nor the one before it reads
        db.execute("DELETE FROM articles WHERE last IS NOT NULL AND last < ?", (generation,))
        db.execute("DELETE FROM meta WHERE generation < ?", (generation - 1,))
        db.execute("COMMIT")


def _row(manifest: dict[str, Any], article_id: str) -> tuple[str, str]:
    """An article's data and heavy columns (its heavy parts as read, when none changed)."""
    data = {key: manifest[part][article_id] for part, key in PARTS.items()
            if part not in ("texts", *HEAVY) and article_id in manifest.get(part, {})}  # fmt: skip
    parts = [manifest.get(part, {}) for part in HEAVY]
    kept = [PARTS[part] for part, held in zip(HEAVY, parts, strict=True) if article_id in held]
    data["heavy"] = kept
    same = {h.as_read(article_id) if isinstance(h, LazyPart) else None for h in parts
            if article_id in h}  # fmt: skip
    if len(same) == 1 and None not in same:  # untouched since read: written as read
        heavy = same.pop()
    else:
        heavy = json.dumps({PARTS[part]: held[article_id] for part, held
                            in zip(HEAVY, parts, strict=True) if article_id in held},
                           ensure_ascii=False)  # fmt: skip
    return json.dumps(data, ensure_ascii=False), heavy


def _batches(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


class _closing:
    """A connection closed on leaving (sqlite3's own context manager only commits)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc: object) -> None:
        if self.db.in_transaction:
            self.db.rollback()
        self.db.close()
