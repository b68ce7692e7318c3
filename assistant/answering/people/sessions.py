"""Which of the sessions the articles name is the one a question asks about: close in meaning
or sharing its words, and the names other articles of the same event give it."""

from __future__ import annotations

import re

import numpy as np

from assistant.answering.people.events import SAME_EVENT
from assistant.answering.people.table import PeopleView
from assistant.language import MONTHS, TIME_WORDS, numbers_differ, numbers_in
from assistant.roles import SESSION_NOUNS

SESSION_MATCH = 0.55  # a session name at least this close (cosine or shared words) is the one asked
SESSION_MARGIN = 0.08  # ... and within this of the closest one


def matching(view: PeopleView, asked: str, names: list[str]) -> set[str]:
    """The session names that are the one asked about: close in meaning or sharing its words."""
    if not names:
        return set()
    vectors = view.vectors([asked, *names])
    cosine = vectors[1:] @ vectors[0]
    words = content_words(asked)
    # words in the session's own name count whole, words only in the sentence naming it less
    shared = np.array([
        max(len(words & content_words(n)),
            0.7 * len(words & content_words(view.context.get(n, "")))) / len(words)
        if words else 0.0
        for n in names
    ])  # fmt: skip
    score = np.maximum(cosine, shared)
    # "meeting 291" is not "Meeting 293", nor "the second session" the third: numbers differ
    asked_numbers = numbers_in(asked)
    if asked_numbers:
        score = np.array([0.0 if numbers_differ(numbers_in(n), asked_numbers) else s
                          for n, s in zip(names, score, strict=True)])  # fmt: skip
    best = float(score.max())
    if best < SESSION_MATCH:
        return set()
    matched = {n for n, s in zip(names, score, strict=True) if s >= best - SESSION_MARGIN}
    # a name of the event's as close to a matched one as two names of one event are ("the
    # ministers' roundtable", "the High-Level Ministerial Roundtable")
    events = view.session_events()
    near = vectors[1:] @ vectors[1:].T
    alike = {n for i, n in enumerate(names) for j, m in enumerate(names)
             if m in matched and near[i, j] >= SAME_EVENT
             and events.get(n, set()) & events.get(m, set())
             and not numbers_differ(numbers_in(n), numbers_in(m))}  # fmt: skip
    return matched | alike | _written_otherwise(view, matched, names, words)


def _written_otherwise(
    view: PeopleView, matched: set[str], names: list[str], asked: set[str]
) -> set[str]:
    """The names another article of the same event gives a matched session: its words, times
    aside, all among the matched name's, and one of them asked about ("Wednesday's motorcycle
    panel" for "Wednesday morning's panel on motorcycle safety"; not "the technical session"
    for "the technical session on drug trafficking" when human trafficking is asked about);
    not of another day, nor undated when a name like it is of another day ("the motorcycle
    panel" when there was also "Thursday's motorcycle panel"), nor of a day when the matched
    name is undated and a name like it is of another day, nor of another number."""
    events = view.session_events()
    words = {n: content_words(n) for n in names}
    cores = {n: w - TIME_WORDS for n, w in words.items()}
    days = {n: w & MONTHS for n, w in words.items()}
    dated: dict[frozenset[str], set[str]] = {}  # the days names of these words are of
    for n in names:
        dated.setdefault(frozenset(cores[n]), set()).update(days[n])
    out = set()
    for name in names:
        core = cores[name]
        if name in matched or not core & asked:
            continue
        for m in matched:
            if (
                core <= cores[m]
                and events.get(name, set()) & events.get(m, set())
                and _same_day(days[name], days[m], dated[frozenset(core)])
                and not numbers_differ(numbers_in(name), numbers_in(m))
            ):  # fmt: skip
                out.add(name)
                break
    return out


def _same_day(name: set[str], matched: set[str], names_like: set[str]) -> bool:
    """Whether a session name of these days (none: undated) may be the matched one's: a day
    they share; or one is undated and no name like it is of another day than the other's."""
    if name and matched:
        return bool(name & matched)
    return not names_like - (name or matched)


def content_words(text: str) -> set[str]:
    """The words of a text that tell what it is about: not a session's noun, nor short."""
    return {
        w
        for w in re.findall(r"[a-z0-9]+", text.lower())
        if w not in SESSION_NOUNS and len(w) > 2 and w not in {"the", "and", "for"}
    }
