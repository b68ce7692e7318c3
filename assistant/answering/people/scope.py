"""Which articles a who-did-what question is about: the event it names (by the words that tell
events apart), else the events whose articles say its telling words, else every event; and
whether what it calls a session is the event itself."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from assistant.answering.people.asked import RoleQuestion
from assistant.answering.people.events import AFTER_ACRONYM, ORDINAL, WHOLE_NOUNS, asked_numbers
from assistant.answering.people.table import PeopleView, distinctive
from assistant.answering.vocabulary.lexicon import Lexicon, text_stems
from assistant.language import TIME_WORDS, an_ordinal, numbers_differ, numbers_in
from assistant.roles import SESSION_NOUNS, role_words, roles_of_word
from assistant.store.reader import Snapshot
from assistant.types import Filters


def scope_of(
    view: PeopleView, q: RoleQuestion, filters: Filters | None, snapshot: Snapshot | None = None,
    earlier: Sequence[str] = (),
) -> set[str]:  # fmt: skip
    """The articles the question is about: those the filters admit, of the event it names
    (by the words that tell events apart, not those of the session it names; of all that name
    it alike), else, for a follow-up, of the event the conversation's earlier questions
    (earlier, oldest first: given only for a follow-up) named last ("and who got the young
    professional prize that night?"), else of the events whose articles say its other telling
    words and those of the session it names ("Who opened the gala?"), or of every event."""
    admitted = {a for a in view.event_of if filters is None or filters.admits(a, "") or
                (filters.article_ids and a in filters.article_ids)}  # fmt: skip
    if filters is not None and (filters.since or filters.until):
        admitted = {a for a in admitted if filters.admits(a, view.dates.get(a, ""))}
    outside = q.text.replace(q.session, " ") if q.session else q.text
    words = _telling(outside)
    # the event it names (or the events that name it alike); a follow-up naming none: the
    # event the conversation named last
    for told in (words, *(_telling(text) for text in reversed(earlier))):
        named = _named_event(view, snapshot, told, admitted)
        if named is not None:
            return named
    if snapshot is not None:  # no event's name: the events whose articles say it
        if q.session:  # and the session's words ("the panel on motorcycle safety")
            words |= distinctive(q.session) - role_words() - SESSION_NOUNS - TIME_WORDS
        said = _saying(snapshot, {w for w in words if not w.isdigit()}, admitted)
        events = {view.event_of[a] for a in said}
        return {a for a in admitted if view.event_of[a] in events} or admitted
    return admitted


def _named_event(
    view: PeopleView, snapshot: Snapshot | None, words: set[str], admitted: set[str]
) -> set[str] | None:
    """The articles of the event these words name, or of all they name alike; of those the
    rarest words name when a snapshot tells how rare ("GAEC" tells more than "country's");
    None when they name none (an event named whose articles the filters leave out: none)."""
    # by the words of its name first; a number tells apart only the events those tell
    # ("the fifth Lumen summit": the Lumen summit, not the Fifth Atlantic Summit)
    numbers = {w for w in words if w.isdigit() or re.fullmatch(r"y\d{4}", w)}
    scored = view.telling(words - numbers)
    if scored:
        most = max(scored.values())
        told = view.telling(numbers)
        scored = {e: n + told.get(e, 0) for e, n in scored.items() if n == most}
    else:
        scored = view.telling(numbers)
    best = max(scored.values(), default=0)
    if best == 0:
        return None
    chosen = {e for e, n in scored.items() if n == best}
    if len(chosen) > 1 and snapshot is not None:
        chosen = _rarest(view, snapshot, words, chosen)
    return {a for e in chosen for a in view.articles_of(e) if a in admitted}


def _telling(text: str) -> set[str]:
    """The words of a question that may tell one event from another: not the role's or a
    session's ("panel" tells no event from another; in any form: "closed" is no event's word,
    though a title says "closes"), and its numbers."""
    words = {w for w in distinctive(text) - role_words() - SESSION_NOUNS
             if not roles_of_word(w) and not an_ordinal(w)}  # fmt: skip
    # an acronym's own letters too ("PTMC" of "PTMC-9"); the numbers that number an event
    # ("the ninth ministerial", "PTMC-9") and years, not "the first morning"
    words |= {m[1].lower() for m in re.finditer(r"\b([A-Z]{3,})-?\d", text)}
    return words | asked_numbers(text) | {n for n in numbers_in(text) if n.startswith("y")}


def _rarest(view: PeopleView, snapshot: Snapshot, words: set[str], events: set[str]) -> set[str]:
    """Of events that as many of the words tell, those the rarest words tell: a word weighing
    the more the fewer of the build's articles say it (its lexicon), as in _saying."""
    lexicon = Lexicon.of(snapshot)
    total = max(len(view.event_of), 1)
    weight: dict[str, float] = dict.fromkeys(events, 0.0)
    for w in words:
        told = set(view.telling({w})) & events
        if not told:
            continue
        stems = [st for st, _ in text_stems(w.removesuffix("'s").removesuffix("’s"))]
        saying = {snapshot.sentence_at(row).article_id
                  for st in stems for row in lexicon.rows.get(st, ())}  # fmt: skip
        for e in told:
            weight[e] += math.log(1 + total / max(len(saying), 1))
    most = max(weight.values())
    return {e for e, n in weight.items() if n >= most - 1e-9}


def _saying(snapshot: Snapshot, words: set[str], articles: set[str]) -> set[str]:
    """The articles whose sentences hold the most of these words ("the gala"), a word weighing
    the more the fewer articles say it ("WFSCP-4" more than "countries"), at least one (read
    from the build's lexicon, not the texts); none when every article holds as much."""
    # as the lexicon reads them: "WFSCP-4" is "wfscp" (and a number, which tells nothing)
    stems = {st for w in words for st, _ in text_stems(w.removesuffix("'s").removesuffix("’s"))
             if not st.isdigit()}  # fmt: skip
    if not stems:
        return set()
    lexicon = Lexicon.of(snapshot)
    held = dict.fromkeys(articles, 0.0)
    for st in stems:
        saying = {snapshot.sentence_at(row).article_id for row in lexicon.rows.get(st, ())}
        saying &= articles
        for a in saying:
            held[a] += math.log(1 + len(articles) / len(saying))
    most = max(held.values(), default=0.0)
    chosen = {a for a, n in held.items() if n >= most - 1e-9}
    return chosen if most > 0 and len(chosen) < len(articles) else set()


def names_the_event(view: PeopleView, phrase: str, scope: set[str]) -> bool:
    """Whether what a question calls a session is the event itself ("the Ninth Session of the
    Eastern Atlantic Small Pelagics Commission", "the Mindelo session"): all its telling words,
    or most and two or more, are in the name of an event in scope or are names (capitalised
    in the question too) in its articles' titles, and its numbers agree with the event's."""
    words = {re.sub(r"['’]s$", "", w) for w in distinctive(phrase) if not numbers_in(w)}
    capitalised = {w.lower() for w in re.findall(r"[A-Z][\w'’-]*", phrase)}
    for event in {view.event_of[a] for a in scope}:
        name = view.names.get(event, "")
        # its name's words, and the names in its titles the phrase writes as names too
        told = distinctive(name) | ({
            w.lower() for a in view.articles_of(event)
            for w in re.findall(r"[A-Z][\w'’-]*", view.titles.get(a, ""))
        } & capitalised) | (view.told_of(event) & capitalised)  # fmt: skip
        shared = len(words & told)
        if ((shared >= 2 and shared >= 0.6 * len(words)) or (words and words <= told)) and not (
            numbers_differ(numbers_in(phrase), numbers_in(name))
        ):
            return True
    return False


def numbered_apart(
    view: PeopleView, question: str, scope: set[str], snapshot: Snapshot | None = None
) -> str:
    """Why the question's event is none of the scope's, when it numbers the event apart from
    all of them ("the sixth GAEC assembly", the articles reporting the fifth); else "". An
    event its articles' names do not number ("the locust conference", beside "the Sixth
    Conference on Desert Locust") is apart when none of its articles says the number. So is
    "next year's summit" or "the previous congress"; who will host one is not asked apart
    (articles often name the next host)."""
    events = {view.event_of[a] for a in scope}
    if _HOSTING.search(question):  # who will host the next one: articles often say
        return ""
    names = " and ".join(sorted(view.names.get(e, "") for e in events))
    if _OTHER_EDITION.search(question):  # "next year's summit", "the previous congress"
        return f"the articles report {names}, not the edition the question asks about"
    # a year before the event's noun ("the 2027 congress"): apart from every event in scope
    # whose articles are all dated more than a year from it (a preview the year before, a
    # review the year after, may be of it)
    years = {int(m.group(1)) for m in _YEAR_BEFORE.finditer(question)}
    dated = {e: {int(view.dates[a][:4]) for a in view.articles_of(e) if view.dates.get(a)}
             for e in events}  # fmt: skip
    if years and all(dated[e] and all(abs(y - d) > 1 for y in years for d in dated[e])
                     for e in events):  # fmt: skip
        return f"the articles report {names}, not the edition the question asks about"
    asked = asked_numbers(question)
    numbered = {e for e in events if view.numbers(e)}
    if (
        not asked
        or not numbered
        or not all(numbers_differ(asked, view.numbers(e)) for e in numbered)
    ):
        return ""
    for event in events - numbered:
        if snapshot is None or asked & ordinals_in(snapshot, view.articles_of(event)):
            return ""
    names = " and ".join(sorted(view.names.get(e, "") for e in numbered))
    return f"the articles report {names}, not the one the question numbers"


# another edition, said without its number: "next year's summit", "the previous congress",
# "last year's forum" (not "the last session", "the next ministerial session")
_OTHER_EDITION = re.compile(
    r"\b(?:(?:next|previous|following)(?:\s+year['’]s)?|last\s+year['’]s)\s+(?:[\w-]+\s+)?"
    rf"(?:{WHOLE_NOUNS}|edition)s?\b(?!\s+(?:session|panel|segment|day|meeting|dinner|plenary)\b)",
    re.IGNORECASE)  # fmt: skip
# who will host one (not "hostage", nor who hosted one)
_HOSTING = re.compile(r"\b(?:will|to)\s+(?:\w+\s+)?host\b|\bnext\s+host\b", re.IGNORECASE)
_YEAR_BEFORE = re.compile(
    rf"\b((?:19|20)\d\d)\s+(?:[\w-]+\s+)?(?:{WHOLE_NOUNS}|edition|meeting)s?\b", re.IGNORECASE
)


def ordinals_in(snapshot: Snapshot, articles: list[str]) -> set[str]:
    """The numbers the articles may number an event by, as numbers_in writes them: their
    ordinals ("the seventh", "7th") and the numbers after an acronym ("WCLAA-12")."""
    texts = [snapshot.text(a) for a in articles]
    words = {w for t in texts for w in re.findall(r"[\w-]+", t.lower())}
    found = {n for w in words if ORDINAL.match(w) for n in numbers_in(w)}
    return found | {m.group(1) for t in texts for m in AFTER_ACRONYM.finditer(t)}
