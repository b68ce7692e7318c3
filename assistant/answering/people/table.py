"""The people table of one snapshot, read for answering (made once per build, kept on it): the
articles grouped into the events they report, a person named in several articles of one event
merged under the fullest name, the sessions each event names, and a vector for each session
name so that a question's session is found by meaning."""

from __future__ import annotations

import contextlib
import re
import threading
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.answering.people.events import (
    acronyms_of,
    dateline_place,
    distinctive,
    event_numbers,
    group_events,
)
from assistant.ingest.people.mentions import full_names
from assistant.language import an_ordinal, fold, numbers_in, stem
from assistant.roles import EVENT_NOUNS, RoleRow
from assistant.store.reader import Snapshot


@dataclass(frozen=True)
class SessionName:
    """A session an event's articles name, where."""

    name: str
    article: str
    start: int
    end: int


class PeopleView:
    """What answering reads of one build's people table."""

    @classmethod
    def of(cls, snapshot: Snapshot, embedder: Any) -> PeopleView:
        return snapshot.memo("people-view", lambda s: cls(s, embedder))

    def __init__(self, snapshot: Snapshot, embedder: Any) -> None:
        self.embedder = embedder
        articles = snapshot.articles()
        rows = snapshot.people()  # read once: the events are told by them too
        # each article's text read once: its dateline's place and its words in capitals
        places, capitals = {}, {}
        for a in articles:
            text = snapshot.text(a.id)
            places[a.id] = dateline_place(text)
            capitals[a.id] = set(re.findall(r"\b[A-Z]{3,}\b", text))
        self.event_of = _events(snapshot, articles, embedder, rows, places)
        self.titles = {a.id: a.title for a in articles}
        self._named = {a.id: snapshot.event(a.id) for a in articles}  # each article's name
        self.dates = {a.id: a.date for a in articles}
        self._members: dict[str, list[str]] = {}  # event -> its articles, newest first
        for a in articles:
            self._members.setdefault(self.event_of[a.id], []).append(a.id)
        noun = re.compile(r"\b(?:" + "|".join(sorted(EVENT_NOUNS)) + r")\b", re.I)
        self.names = {}  # event -> the name it is called by
        for event, members in self._members.items():
            # the name written as a name ("the Conference on ..."), the fuller first
            self.names[event] = max(
                (snapshot.event(a) for a in members),
                key=lambda n: (
                    bool(noun.search(n)) and any(w[:1].isupper() for w in n.split()[1:]),
                    len(n) < 100,
                    len(n),
                ),
                default="",
            )
        # what else tells an event: the acronyms its articles call it by, its datelines'
        # places ("the Sankt Arlen congress")
        self._called = {
            event: acronyms_of(self.names[event], set().union(*(capitals[a] for a in members)))
            | {w for a in members for w in distinctive(places[a])}
            for event, members in self._members.items()
        }
        named_in: dict[str, list[str]] = {}  # event -> the people its rows name
        for r in rows:
            if r.person and r.article in self.event_of:
                named_in.setdefault(self.event_of[r.article], []).append(r.person)
        whole: dict[str, str] = {}
        for event, people in named_in.items():
            whole.update({f"{event}\t{k}": v for k, v in full_names(people).items()})
        self.rows = [
            _renamed(r, whole.get(f"{self.event_of.get(r.article)}\t{r.person}", r.person))
            for r in rows
        ]
        self.sessions = [
            SessionName(name, a, start, end)
            for a in self.event_of
            for name, start, end in snapshot.sessions(a)
        ] + [SessionName(r.session, r.article, r.start, r.end) for r in rows if r.session]
        # what the sentences that name a session say of it ("The first session dealt with ...")
        self.context: dict[str, str] = {}
        for x in self.sessions:
            around = [
                snapshot.text(x.article)[t.start : t.end]
                for t in snapshot.sentences(x.article)
                if t.start <= x.start < t.end
            ]
            self.context[x.name] = " ".join([self.context.get(x.name, ""), *around]).strip()
        self.persons = sorted({r.person for r in self.rows if r.person}, key=len, reverse=True)
        self._vectors: dict[str, np.ndarray] = {}
        self._told: dict[str, set[str]] = {}
        self._telling: dict[str, set[str]] | None = None
        self._session_events: dict[str, set[str]] | None = None
        self._lock = threading.Lock()

    def session_events(self) -> dict[str, set[str]]:
        """Session name -> the events whose articles name it (computed once)."""
        with self._lock:
            if self._session_events is None:
                found: dict[str, set[str]] = {}
                for x in self.sessions:
                    found.setdefault(x.name, set()).add(self.event_of.get(x.article, ""))
                self._session_events = found
            return self._session_events

    def numbers(self, event: str) -> set[str]:
        """The numbers that number an event in its articles' names or titles ("Fifth": 5)."""
        return {n for a in self.articles_of(event)
                for n in event_numbers(self._named.get(a, ""), self.titles.get(a, ""))}  # fmt: skip

    def articles_of(self, event: str) -> list[str]:
        return sorted(self._members.get(event, []))

    def telling(self, words: set[str]) -> dict[str, int]:
        """Event -> how many of these words tell it (see told), for the events any tells; a
        word tells by its stem too ("the pollinator conference": "Pollinators")."""
        with self._lock:
            if self._telling is None:
                index: dict[str, set[str]] = {}
                for event in self.names:
                    for w in self.told_of(event):  # as written and without accents
                        for key in {w, fold(w), _stem_key(w), _stem_key(fold(w))}:
                            index.setdefault(key, set()).add(event)
                self._telling = index
        counts: dict[str, int] = {}
        for w in words:
            keys = {w, fold(w), _stem_key(w), _stem_key(fold(w))}
            for event in set().union(*(self._telling.get(k, set()) for k in keys)):
                counts[event] = counts.get(event, 0) + 1
        return counts

    def told_of(self, event: str) -> set[str]:
        """The words and numbers that tell an event from others (computed once per event):
        of its name, its articles' titles and own names for it, not an ordinal ("first woman
        leader"); the numbers that number it; its years and its articles'; the acronyms its
        articles call it by and its datelines' places."""
        if event not in self._told:
            members = self.articles_of(event)
            texts = [self.names.get(event, ""), *(self.titles.get(a, "") for a in members),
                     *(self._named.get(a, "") for a in members)]  # fmt: skip
            self._told[event] = (
                {w for t in texts for w in distinctive(t) if not an_ordinal(w)}
                | self.numbers(event)
                | {n for t in texts for n in numbers_in(t) if n.startswith("y")}
                | {f"y{self.dates[a][:4]}" for a in members if self.dates.get(a)}
                | self._called.get(event, set())
            )
        return self._told[event]

    def vectors(self, names: list[str]) -> np.ndarray:
        """A unit vector per name (session names, a question's session), cached."""
        with self._lock:
            missing = [n for n in dict.fromkeys(names) if n not in self._vectors]
            if missing:
                for name, v in zip(missing, self.embedder.encode(missing), strict=True):
                    self._vectors[name] = np.asarray(v, dtype=np.float32)
            return np.array([self._vectors[n] for n in names]).reshape(len(names), -1)


def _stem_key(word: str) -> str:
    """A word's stem, marked apart from the words themselves ("~pollin")."""
    return "~" + stem(word.removesuffix("'s").removesuffix("’s"))


def _renamed(row: RoleRow, person: str) -> RoleRow:
    if person == row.person:
        return row
    from dataclasses import replace

    return replace(row, person=person)


def _events(
    snapshot: Snapshot, articles: list[Any], embedder: Any, rows: list[RoleRow] | None = None,
    places: dict[str, str] | None = None,
) -> dict[str, str]:  # fmt: skip
    """Article -> the event it reports (the id of one of its articles); places: each
    article's dateline place, when already read."""
    if not articles:
        return {}
    names = [snapshot.event(a.id) or a.title for a in articles]
    kept = [snapshot.event_vector(a.id) for a in articles]  # encoded by the sync
    missing = [i for i, v in enumerate(kept) if v is None]
    if missing:  # a build made before the sync kept them
        for i, v in zip(missing, _name_vectors(embedder, [names[i] for i in missing]),
                        strict=True):  # fmt: skip
            kept[i] = v
    vectors = np.array(kept, dtype=np.float32).reshape(len(articles), -1)
    named: dict[str, set[str]] = {}  # the full names each article gives a role
    for r in snapshot.people() if rows is None else rows:
        if len(r.person.split()) >= 2:
            named.setdefault(r.article, set()).add(r.person)
    found = group_events(
        [(a.id, snapshot.event(a.id), a.title, a.date) for a in articles],
        vectors,
        places=[
            places[a.id] if places is not None else dateline_place(snapshot.text(a.id))
            for a in articles
        ],
        people=[named.get(a.id, set()) for a in articles],
    )
    return dict(zip((a.id for a in articles), found, strict=True))


# Event names' vectors, kept across builds: a sync adds a few articles, and each new build's
# view would otherwise encode every name again (12 s at 10,000 articles). Per encoder, the
# names of the last two views only (a name gone from the corpus is let go), half precision:
# about 1 KB a name with its key.
_NAMES: weakref.WeakKeyDictionary[Any, tuple[dict[str, np.ndarray], dict[str, np.ndarray]]] = (
    weakref.WeakKeyDictionary()
)
_NAMES_LOCK = threading.Lock()


def _name_vectors(embedder: Any, names: list[str]) -> np.ndarray:
    """A vector per name (float32), encoding only the names the last two views did not."""
    with _NAMES_LOCK:
        try:
            last, before = _NAMES.get(embedder, ({}, {}))
        except TypeError:  # an encoder that cannot be weakly referenced: nothing is kept
            last, before = {}, {}
        known = {**before, **last}
        missing = [n for n in dict.fromkeys(names) if n not in known]
        if missing:
            vectors = np.asarray(embedder.encode(missing), dtype=np.float32)
            known.update(zip(missing, vectors.astype(np.float16), strict=True))
        now = {n: known[n] for n in names}
        with contextlib.suppress(TypeError):  # see above
            _NAMES[embedder] = (now, last)
        return np.array([now[n] for n in names], dtype=np.float32).reshape(len(names), -1)


def people_table(
    snapshot: Snapshot, embedder: Any, event: str = "", role: str = ""
) -> list[RoleRow]:
    """The build's people table, each row named with its event (one name for the articles of
    one event) and its person's fullest name; only the event whose name holds `event` (any case)
    and only rows of `role`, when given."""
    view = PeopleView.of(snapshot, embedder)
    from dataclasses import replace

    out = []
    wanted = distinctive(event)
    for r in view.rows:
        name = view.names.get(view.event_of.get(r.article, ""), r.event)
        if (
            event
            and event.lower() not in name.lower()
            and not (wanted and wanted <= distinctive(f"{name} {view.titles.get(r.article, '')}"))
        ):
            continue
        if role and r.role != role:
            continue
        out.append(replace(r, event=name))
    return sorted(out, key=lambda r: (r.event, r.session, r.role, r.article, r.start))
