"""Which event each article reports: articles a few days apart whose event names mean the same,
share a name, or call the event by the place another's name, title or dateline gives, and do
not number themselves apart (the 3rd and the 4th meeting); and the numbers that number an event
in a name or a question."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

import numpy as np

from assistant.ingest.dates import TOP
from assistant.language import (
    MONTHS,
    STOPWORDS,
    TIME_WORDS,
    an_ordinal,
    numbers_differ,
    numbers_in,
)
from assistant.roles import EVENT_NOUNS, roles_of_word

_TOKEN = re.compile(r"[A-Za-z][\w'’-]*|\d+")
DAYS_APART = 14  # articles of one event are at most this many days apart (when both dated)
SAME_EVENT = 0.8  # event names this similar (cosine) name one event
# ... and names sharing a name or two words must be this similar: fitted on the training
# conferences' articles pooled undated (benchmarks/bench_events.py: pair precision 1.000,
# recall 0.887 on 24 conferences, where sharing a word alone put 4 groups of different events
# together; 0.952 and 0.775 on 42, results.md)
NAMED_FLOOR = 0.6


def distinctive(text: str) -> set[str]:
    """The words of an event's name that tell it from others: names, acronyms, not the kind of
    event or a date ("BIMSTEC", "drug", "trafficking" of "the BIMSTEC conference on drug
    trafficking")."""
    return {
        w.lower() for w in _TOKEN.findall(text)
        if w.lower() not in STOPWORDS and w.lower() not in EVENT_NOUNS
        and w.lower() not in MONTHS and not w.isdigit() and len(w) > 2
    }  # fmt: skip


def acronyms_of(name: str, capitals: set[str]) -> set[str]:
    """Of the words in capitals an event's articles write, its acronyms: the first letters of
    its name's capitalised words, from the first, ordinals aside ("ASTWE" of "Fifth Atlantic
    Summit on Tidal and Wave Energy", "PTMC" of "Ninth Pacific Tuna Ministerial Conference
    on ...")."""
    words = [w for w in re.findall(r"[A-Z][\w'’-]*", name) if not an_ordinal(w)]
    initials = "".join(w[0] for w in words)  # "Fifth" aside: "ASTWE", not "FASTWE"
    return {w.lower() for w in capitals if len(w) >= 3 and initials.startswith(w)}


def group_events(
    articles: list[tuple[str, str, str, str]],
    vectors: np.ndarray,
    floor: float = NAMED_FLOOR,
    places: list[str] | None = None,
    people: list[set[str]] | None = None,
) -> list[str]:
    """The event each article reports, as the id of one of them (articles: (id, event name,
    title, date); vectors: of each event name; places: where each article's dateline puts it,
    "" when none; people: the full names each article gives a role). Articles a few days apart
    report one event when their names mean the same (SAME_EVENT), or share a name ("BIMSTEC")
    or two other words and mean much the same (floor), or give roles at it to the same
    SHARED_PEOPLE people ("the Kraków conference" and "the Second Intergovernmental Conference
    on Space Debris"), and do not number themselves apart."""
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

    numbers = {i: event_numbers(event, title) for i, event, title, _ in articles}
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
    # the dates each event's articles span: people join no two that would span more than
    # DAYS_APART together (an undated article naming the officers of a body that meets every
    # year joins neither year to the other)
    span: dict[str, tuple[int, int]] = {}
    for i, *_, date in articles:
        day = _day(date)
        if day is not None:
            low, high = span.get(root(i), (day, day))
            span[root(i)] = (min(low, day), max(high, day))
    for x, y in _sharing_people(people or [], [date for *_, date in articles]):
        first, second = root(ids[x]), root(ids[y])
        if first == second or numbers_differ(numbers[first], numbers[second]):
            continue
        both = [span[r] for r in (first, second) if r in span]
        joined = (min(b[0] for b in both), max(b[1] for b in both)) if both else None
        if joined is not None and joined[1] - joined[0] > DAYS_APART:
            continue
        parent[second] = first
        numbers[first] = numbers[first] | numbers[second]
        if joined is not None:
            span[first] = joined
    # "the Montevideo assembly", "the Apia meeting": an article that calls its event only by
    # one name and the kind of event reports the one event near its date whose articles name
    # it in their names, titles (not as a text's: "the Paris Agreement") or datelines, when
    # only one does; one of the two is dated, and none when the article's own event is one of
    # several
    naming: dict[str, list[int]] = {}
    for x, (i, event, title, _) in enumerate(articles):
        dateline = distinctive(places[x]) if places else set()
        for w in (_place_words(f"{event} {title}") & proper[i]) | dateline:
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


SHARED_PEOPLE = 3  # people given roles in both of two articles that report one event (the
# best F1 on the training conferences pooled undated, benchmarks/bench_events.py)


def _sharing_people(people: list[set[str]], dates: list[str]) -> Iterator[tuple[int, int]]:
    """(x, y) of the articles a few days apart (or undated) that give roles to SHARED_PEOPLE
    or more of the same people; a name given roles in many articles tells nothing."""
    days = [_day(d) for d in dates]
    holding: dict[str, list[int]] = {}
    for x, names in enumerate(people):
        for name in names:
            holding.setdefault(name, []).append(x)
    shared: dict[tuple[int, int], int] = {}
    for found in holding.values():
        if len(found) > 50:
            continue
        for i, x in enumerate(found):
            for y in found[i + 1 :]:
                shared[(x, y)] = shared.get((x, y), 0) + 1
    for (x, y), n in sorted(shared.items()):
        apart = days[x] is not None and days[y] is not None and abs(days[x] - days[y]) > DAYS_APART
        if n >= SHARED_PEOPLE and not apart:
            yield x, y


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


# a dateline: the place a story was filed from, before the date or the agency at the start
# of a paragraph near the top ("PEREIRA, Colombia, Sept 14, 2026 (Meridian) - ", "Ruse,
# Bulgaria — ")
_DATELINE = re.compile(r"(?m)^([A-Z][A-Za-z'’.-]+(?:[ -][A-Z][A-Za-z'’.-]+){0,3}),\s[^\n]{0,60}?"
                       r"(?:\)\s*[—–-]|\s[—–-]\s)")  # fmt: skip


def dateline_place(text: str) -> str:
    """The place an article's dateline names ("PEREIRA"), "" when it has none."""
    found = _DATELINE.search(text[:TOP])
    return found.group(1) if found else ""


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


def event_numbers(event: str, title: str) -> set[str]:
    """The numbers that number an event in its name, or, when that holds none, in its title:
    next to an event's noun ("Meeting 284", "the ninth session"), after an acronym
    ("IWPPR-3"), or a year ("COP 2025"); not "Nine countries sign", "enters second day"."""
    return _numbers_of_event(event) or _numbers_of_event(title)


_NOUNS = "|".join(sorted(EVENT_NOUNS))
# "the ninth (plenary) session", "the 3rd meeting": an ordinal one or two words before the noun
_BEFORE_NOUN = re.compile(rf"\b((?:[\w-]+\s+){{1,2}})(?:{_NOUNS})\b", re.I)
ORDINAL = re.compile(r"^(?:\d+(?:st|nd|rd|th)|first|second|third|\w+th)$")  # not "twenty-fifth": 5
_AFTER_NOUN = re.compile(rf"\b(?:{_NOUNS})\s+(\d+)\b", re.I)  # "Meeting 284"
AFTER_ACRONYM = re.compile(r"\b[A-Z]{2,}[A-Za-z]*-?\s?(\d{1,3})\b")  # "IWPPR-3", "COP 29"
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


# the nouns that name a whole event in a question (not its sessions: "the first session")
WHOLE_NOUNS = "forum|conference|summit|congress|symposium|convention|assembly|ministerial"
_ASKED_NUMBER = re.compile(rf"\b((?:[\w-]+\s+){{1,3}})(?:{WHOLE_NOUNS})s?\b", re.I)
_ASKED_AFTER = re.compile(rf"\b(?:{WHOLE_NOUNS}|meeting)\s+(\d+)\b", re.I)  # not "Session 3"


def asked_numbers(question: str) -> set[str]:
    """The numbers a question numbers an event by: an ordinal up to three words before its
    noun ("the sixth GAEC general assembly"), or after an acronym ("GA-5") or its noun
    ("meeting 284")."""
    found = [w for m in _ASKED_NUMBER.finditer(question) for w in m.group(1).lower().split()
             if ORDINAL.match(w)]  # fmt: skip
    found += [m.group(1) for p in (AFTER_ACRONYM, _ASKED_AFTER) for m in p.finditer(question)]
    return {n for word in found for n in numbers_in(word)}


def _numbers_of_event(name: str) -> set[str]:
    found = [w for m in _BEFORE_NOUN.finditer(name) for w in m.group(1).lower().split()
             if ORDINAL.match(w)]  # fmt: skip
    # an acronym and its number, unless the whole name is in capitals ("DAY 2 OF THE SUMMIT")
    after = (_AFTER_NOUN, _YEAR) if name.isupper() else (_AFTER_NOUN, AFTER_ACRONYM, _YEAR)
    found += [m.group(1) for p in after for m in p.finditer(name)]
    return {n for word in found for n in numbers_in(word)}
