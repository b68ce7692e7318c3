"""The people table of one snapshot, read for answering (made once per build, kept on it): the
articles grouped into the events they report, a person named in several articles of one event
merged under the fullest name, the sessions each event names, and a vector for each session
name so that a question's session is found by meaning."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.ingest.people.mentions import full_names
from assistant.language import MONTHS, STOPWORDS, TIME_WORDS, numbers_differ, numbers_in, stem
from assistant.roles import EVENT_NOUNS, RoleRow, roles_of_word
from assistant.store.reader import Snapshot

_TOKEN = re.compile(r"[A-Za-z][\w'’-]*|\d+")
DAYS_APART = 14  # articles of one event are at most this many days apart (when both dated)
SAME_EVENT = 0.8  # event names this similar (cosine) name one event
# ... and names sharing a name or two words must be this similar: fitted on the training
# conferences' articles pooled undated (benchmarks/bench_events.py: pair precision 1.000,
# recall 0.887, where sharing a word alone put 4 groups of different events together)
NAMED_FLOOR = 0.6


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
        self.event_of = _events(snapshot, articles, embedder)
        self.titles = {a.id: a.title for a in articles}
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
        rows = snapshot.people()
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

    def articles_of(self, event: str) -> list[str]:
        return sorted(self._members.get(event, []))

    def telling(self, words: set[str]) -> dict[str, int]:
        """Event -> how many of these words tell it (see told), for the events any tells; a
        word tells by its stem too ("the pollinator conference": "Pollinators")."""
        with self._lock:
            if self._telling is None:
                index: dict[str, set[str]] = {}
                for event in self.names:
                    for w in self._told_of(event):
                        index.setdefault(w, set()).add(event)
                        index.setdefault(_stem_key(w), set()).add(event)
                self._telling = index
        counts: dict[str, int] = {}
        for w in words:
            for event in self._telling.get(w, set()) | self._telling.get(_stem_key(w), set()):
                counts[event] = counts.get(event, 0) + 1
        return counts

    def _told_of(self, event: str) -> set[str]:
        """The words and numbers that tell an event from others: of its name and its
        articles' titles (computed once per event)."""
        if event not in self._told:
            titles = [self.titles.get(a, "") for a in self.articles_of(event)]
            texts = [self.names.get(event, ""), *titles]
            self._told[event] = {w for t in texts for w in distinctive(t) | numbers_in(t)}
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


def distinctive(text: str) -> set[str]:
    """The words of an event's name that tell it from others: names, acronyms, not the kind of
    event or a date ("BIMSTEC", "drug", "trafficking" of "the BIMSTEC conference on drug
    trafficking")."""
    return {
        w.lower() for w in _TOKEN.findall(text)
        if w.lower() not in STOPWORDS and w.lower() not in EVENT_NOUNS
        and w.lower() not in MONTHS and not w.isdigit() and len(w) > 2
    }  # fmt: skip


def _events(snapshot: Snapshot, articles: list[Any], embedder: Any) -> dict[str, str]:
    """Article -> the event it reports (the id of one of its articles)."""
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
    found = group_events([(a.id, snapshot.event(a.id), a.title, a.date) for a in articles], vectors)
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


def group_events(
    articles: list[tuple[str, str, str, str]], vectors: np.ndarray, floor: float = NAMED_FLOOR
) -> list[str]:
    """The event each article reports, as the id of one of them (articles: (id, event name,
    title, date); vectors: of each event name). Articles a few days apart report one event when
    their names mean the same (SAME_EVENT), or share a name ("BIMSTEC") or two other words and
    mean much the same (floor), and do not number themselves apart."""
    names = {i: f"{event} {title}" for i, event, title, _ in articles}
    words = {i: distinctive(n) for i, n in names.items()}
    proper = {i: {w.lower() for w in _TOKEN.findall(n) if w[:1].isupper()} & words[i]
              for i, n in names.items()}  # fmt: skip
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.where(norms == 0, 1, norms)
    parent = {i: i for i, *_ in articles}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    numbers = {i: _numbering(event, title) for i, event, title, _ in articles}
    ids = [i for i, *_ in articles]
    lowest = min(floor, SAME_EVENT)
    for x, y, similar in _close_pairs(vectors, [date for *_, date in articles], lowest):
        a, b = ids[x], ids[y]
        first, second = root(a), root(b)
        # the 3rd and the 4th meeting of one body are two events, even through an
        # article that gives no number
        if first == second or numbers_differ(numbers[first], numbers[second]):
            continue
        shared = words[a] & words[b]
        named = proper[a] & proper[b]  # "BIMSTEC", "Apia", "IFWU"
        if similar >= SAME_EVENT or ((named or len(shared) >= 2) and similar >= floor):
            parent[second] = first
            numbers[first] = numbers[first] | numbers[second]
    # "the Montevideo assembly", "the Apia meeting": an article that calls its event only by
    # one name and the kind of event reports the one event near its date whose articles name
    # it in their names or titles (not as a text's: "the Paris Agreement"), when only one
    # does; one of the two is dated, and none when the article's own event is one of several
    naming: dict[str, list[int]] = {}
    for x, (i, event, title, _) in enumerate(articles):
        for w in _place_words(f"{event} {title}") & proper[i]:
            naming.setdefault(w, []).append(x)
    days = [_day(date) for *_, date in articles]
    called = [_called_by_one_name(event) for _, event, _, _ in articles]
    for x, i in enumerate(ids):
        alone = called[x]
        if not alone:
            continue
        near = {
            root(ids[y])
            for y in naming.get(alone, ())
            if y != x
            and not called[y]
            and (days[x] is not None or days[y] is not None)
            and (days[x] is None or days[y] is None or abs(days[x] - days[y]) <= DAYS_APART)
        }
        if len(near) == 1 and root(i) not in near:
            other = near.pop()
            if not numbers_differ(numbers[root(i)], numbers[other]):
                numbers[other] = numbers[other] | numbers[root(i)]
                parent[root(i)] = other
    return [root(i) for i in ids]


def _called_by_one_name(event: str) -> str:
    """The one name an event is called by, lower case ("Montevideo" of "Montevideo
    assembly"), when its name is that and the kind of event only, and the name is no word
    that says what kind ("Opening session", "Youth summit"); else ""."""
    words = distinctive(event)
    if len(words) != 1 or not any(w.lower() in EVENT_NOUNS for w in _TOKEN.findall(event)):
        return ""
    (word,) = words
    if word in _KINDS or roles_of_word(word) or word in TIME_WORDS:
        return ""
    return word if any(w.lower() == word and w[:1].isupper() for w in _TOKEN.findall(event)) else ""


# words that say what kind of meeting, not where or whose
_KINDS = frozenset(
    """opening closing final annual plenary ministerial regional international national
    global world joint special youth women high-level technical general extraordinary""".split()
)
_NAMED_TEXT = re.compile(
    r"\b([A-Z][\w'’-]+)\s+(?:Agreement|Accord|Protocol|Convention|Declaration|Charter|Call|"
    r"Plan|Principles|Process|Consensus|Commitment|Compact|Framework|Statement|Treaty)\b"
)


def _place_words(text: str) -> set[str]:
    """The capitalised words of a name or title, lower case, not those that name a text ("the
    Paris Agreement" names no place the meeting was in)."""
    texts = {m.group(1).lower() for m in _NAMED_TEXT.finditer(text)}
    return {w.lower() for w in _TOKEN.findall(text) if w[:1].isupper()} - texts


def _close_pairs(
    vectors: np.ndarray, dates: list[str], lowest: float
) -> Iterator[tuple[int, int, float]]:
    """(x, y, cosine) of the pairs x < y, in that order, whose names are at least `lowest`
    alike and that are at most DAYS_APART days apart when both are dated: an article is
    compared with those dated near it and the undated, not with the whole corpus."""
    days = [_day(d) for d in dates]
    dated = sorted((d, i) for i, d in enumerate(days) if d is not None)
    undated = np.array([i for i, d in enumerate(days) if d is None], dtype=np.int64)
    order = [d for d, _ in dated]
    by_day = np.array([i for _, i in dated], dtype=np.int64)
    for x, day in enumerate(days):
        if day is None:
            near = np.arange(x + 1, len(days), dtype=np.int64)
        else:
            window = by_day[bisect_left(order, day - DAYS_APART) :
                            bisect_right(order, day + DAYS_APART)]  # fmt: skip
            later = undated[np.searchsorted(undated, x, side="right") :]
            near = np.sort(np.concatenate([window[window > x], later]))
        if not len(near):
            continue
        cosine = vectors[near] @ vectors[x]
        for y, c in zip(near[cosine >= lowest].tolist(), cosine[cosine >= lowest].tolist(),
                        strict=True):  # fmt: skip
            yield x, y, c


def _day(date: str) -> int | None:
    """A date's day number, None when undated or unreadable (compared with every date)."""
    try:
        return dt.date.fromisoformat(date).toordinal() if date else None
    except ValueError:
        return None


def _numbering(event: str, title: str) -> set[str]:
    """The numbers that number an event in its name, or, when that holds none, in its title:
    next to an event's noun ("Meeting 284", "the ninth session"), after an acronym
    ("IWPPR-3"), or a year ("COP 2025"); not "Nine countries sign", "enters second day"."""
    return _numbers_of_event(event) or _numbers_of_event(title)


_NOUNS = "|".join(sorted(EVENT_NOUNS))
# "the ninth (plenary) session", "the 3rd meeting": an ordinal one or two words before the noun
_BEFORE_NOUN = re.compile(rf"\b((?:[\w-]+\s+){{1,2}})(?:{_NOUNS})\b", re.I)
_ORDINAL = re.compile(r"^(?:\d+(?:st|nd|rd|th)|first|second|third|\w+th)$")  # not "twenty-fifth": 5
_AFTER_NOUN = re.compile(rf"\b(?:{_NOUNS})\s+(\d+)\b", re.I)  # "Meeting 284"
_AFTER_ACRONYM = re.compile(r"\b[A-Z]{2,}[A-Za-z]*-?\s?(\d{1,3})\b")  # "IWPPR-3", "COP 29"
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def _numbers_of_event(name: str) -> set[str]:
    found = [w for m in _BEFORE_NOUN.finditer(name) for w in m.group(1).lower().split()
             if _ORDINAL.match(w)]  # fmt: skip
    # an acronym and its number, unless the whole name is in capitals ("DAY 2 OF THE SUMMIT")
    after = (_AFTER_NOUN, _YEAR) if name.isupper() else (_AFTER_NOUN, _AFTER_ACRONYM, _YEAR)
    found += [m.group(1) for p in after for m in p.finditer(name)]
    return {n for word in found for n in numbers_in(word)}


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
