"""The word lists and text patterns of English the answer step reads, each in one place:
function words, words that point back, negation, list separators, ordinals and number words,
the vocabulary of proceedings, and the rule that makes an organisation after "at" a place."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from functools import cache
from typing import Any, Protocol


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """The Snowball stem of one lower-cased word."""
    return _stemmer().stemWord(word.lower())


def stem_words(words: list[str]) -> list[str]:
    """The Snowball stems of lower-cased words."""
    return _stemmer().stemWords(words)


def one_edit_apart(a: str, b: str) -> bool:
    """Whether two different words differ by one letter added, dropped, changed, or two
    neighbours swapped ("delegaton", "delegaiton" and "delegation")."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i + 1 :] or (
        i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    )


_WORD = re.compile(r"[A-Za-z]+")


def mend_spelling(text: str, vocabulary: Collection[str], known: Collection[str]) -> str:
    """Words of six letters or more one edit from words of a vocabulary that share one stem,
    and whose own stem is not already known, written as the nearest such word (the first in
    alphabetical order): "delegaton" -> "delegation", "moderatd" -> "moderate". A capitalised
    word after the first is a name and kept."""

    def mended(m: re.Match[str]) -> str:
        word = m.group()
        lower = word.lower()
        if len(lower) < 6 or lower in vocabulary or stem(lower) in known:
            return word
        if word[0].isupper() and m.start() > 0:  # a name ("Pannel"), not a slip
            return word
        # not a word that holds another whole ("emission" is no slip for "mission")
        near = sorted(w for w in vocabulary if one_edit_apart(lower, w) and w not in lower)
        return near[0] if near and len({stem(w) for w in near}) == 1 else word

    return _WORD.sub(mended, text)


# Function words and question words: never evidence that an answer is about the question.
STOPWORDS = frozenset(
    """a an the and or but if of at by for with about against between into through during
    before after above below to from up down in out on off over under again further then once
    here there when where why how all any both each few more most other some such no nor not
    only own same so than too very can will just don should now is are was were be been being
    have has had having do does did doing would could might must shall may i me my we our you
    your he him his she her it its they them their what which who whom whose this that these
    those am also as s t well much many long old kind type name happen happened""".split()
)


# The keyword index's stop words: bm25s's short English list. Fewer than STOPWORDS: in BM25 a
# common word already weighs little, and these are the tokens every index was built with.
KEYWORD_STOPWORDS = frozenset(
    """a an and are as at be but by for if in into is it no not of on or such that the their
    then there these they this to was will with""".split()
)


@cache
def stop_stems() -> frozenset[str]:
    """The stems of STOPWORDS (as text_stems reads them)."""
    return frozenset(stem(w) for w in STOPWORDS)


# Words that mean the same thing in reports of proceedings: a question may say "ran" where
# the article says "chaired". General vocabulary of the domain, not any article's wording.
# The roles people play at a conference come first: they are also the relations a "who"
# question asks about (see role_stems).
ROLE_GROUPS = (
    "chair chaired chairs chairman chairperson chairing lead led leads head headed heads run ran "
    "runs preside presided moderate moderated helm",
    "speak spoke speaker speakers talk talked address addressed present presented presentation "
    "say said tell told argue argued describe described explain explained",
    "open opened inaugurate inaugurated inauguration launch launched",
    "organise organised organize organized organiser organizer host hosted hosting arrange "
    "arranged",
)
SYNONYM_GROUPS = (
    *ROLE_GROUPS,
    "end ended close closed conclude concluded closing finish finished",
    "country countries nation nations",
    "conference meeting meet event gathering",
    "hold held holds host hosted hosting venue",
    "session panel discussion",
    "discuss discussed discussion deliberate deliberation examine examined debate debated",
    "represent represented representative representatives delegate delegates delegation",
    "focus focused devoted dedicated theme topic",
    "purpose aim goal objective",
)

# The nouns that make a name the name of an event ("the 7th West Africa Ports & Logistics
# *Summit*", "the sixth regular *session* of the tuna *commission*"), not of a place or person.
EVENT_NOUNS = frozenset(
    """conference conferences summit summits forum forums meeting meetings session sessions
    ministerial congress symposium convention assembly workshop seminar dialogue commission
    council roundtable expo exhibition festival games olympics championship cup""".split()
)

# Question words, and the pattern that finds one.
WH_WORDS = frozenset("what which who whom whose when where why how".split())
WH_WORD = re.compile(rf"\b({'|'.join(sorted(WH_WORDS))})\b", re.I)
# Those that take a noun after them: "which river", "whose delegation", "how many members".
WH_DETERMINERS = frozenset("what which whose how".split())

# Titles written before a name: not part of it ("Dr Mele Tupou" is Mele Tupou).
HONORIFICS = frozenset("dr mr mrs ms prof".split())
TITLES = HONORIFICS | frozenset(
    """miss professor sir dame h.e hon eng engr ambassador minister president justice judge
    capt captain col colonel gen general maj major lt cdr commander inspector sgt rev fr datuk
    seri tan sri deputy governor director secretary commissioner chief senator mayor chancellor
    premier sheikh emeritus""".split()
)

# Months and days of the week: dates, never names.
MONTHS = frozenset(
    """january february march april may june july august september october
    november december monday tuesday wednesday thursday friday saturday sunday""".split()
)
# Words that say when, not what: a possessor that is a time ("Monday's", "last year's
# summit"), the day a session is named by ("Wednesday morning's panel").
TIME_WORDS = MONTHS | frozenset(
    "today tomorrow yesterday year week month day decade century morning afternoon evening "
    "night".split()
)

# Number words and their values ("twenty-two" and "twentytwo" -> "22": hyphens read both ways).
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split()
)
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_VALUES: dict[str, str] = {w: str(i) for i, w in enumerate(_UNITS)} | {
    f"{ten}{join}{unit}".strip("-"): str(20 + 10 * t + u)
    for t, ten in enumerate(_TENS)
    for u, unit in enumerate(["", *_UNITS[1:10]])
    for join in (["-", ""] if unit else [""])
}
# The words a question counts with ("the two abbots"): small numbers and vague amounts.
NUMBER_WORDS = frozenset(
    {w for w, v in NUMBER_VALUES.items() if 1 <= int(v) <= 12} | {"several", "few"}
)
ORDINALS = {
    "1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth",
    "6th": "sixth", "7th": "seventh", "8th": "eighth", "9th": "ninth", "10th": "tenth",
}  # fmt: skip
_ORDINAL_WORDS = {word: str(n) for n, word in enumerate(ORDINALS.values(), 1)}


def numbers_in(text: str) -> set[str]:
    """The numbers a name holds, each written one way, years marked: "Meeting 284" -> {"284"},
    "IWPPR-3" -> {"3"}, "the 3rd session" and "the third session" -> {"3"}, "COP 2025" ->
    {"y2025"}."""
    out = set()
    for word in re.findall(r"\d+(?:st|nd|rd|th)?|[a-z]+", text.lower()):
        if word in _ORDINAL_WORDS:
            out.add(_ORDINAL_WORDS[word])
        elif word[0].isdigit():
            number = word.rstrip("stndrh")
            out.add(f"y{number}" if len(number) == 4 and 1900 <= int(number) <= 2100 else number)
    return out


def fold(word: str) -> str:
    """A word without its accents ("Rötental": "Rotental")."""
    text = unicodedata.normalize("NFKD", word)
    return "".join(c for c in text if not unicodedata.combining(c))


def an_ordinal(word: str) -> bool:
    """Whether a word is an ordinal as numbers_in reads one ("first", "ninth", "3rd"), not a
    name that holds a number ("G20", "PTMC-9")."""
    return re.fullmatch(r"\d+(?:st|nd|rd|th)|[a-z]+", word.lower()) is not None and bool(
        numbers_in(word)
    )


def numbers_differ(a: set[str], b: set[str]) -> bool:
    """Whether two names number themselves apart: both give a year, or both another number,
    and none is shared ("the 3rd meeting" and "the fourth meeting"; not "the second forum"
    and "the 2024 forum")."""
    for kind in (lambda n: n.startswith("y"), lambda n: not n.startswith("y")):
        mine, theirs = {n for n in a if kind(n)}, {n for n in b if kind(n)}
        if mine and theirs and not mine & theirs:
            return True
    return False


# A sentence that starts by pointing back ("This session was chaired by ...") means nothing
# without the sentence before it; "It was the first ..." does not point back.
ANAPHOR = re.compile(
    r"^(It|He|She|They|Its|His|Her|Their|This|That|These|Those|The same)\b(?!\s+(is|was)\s+"
    r"(the|a|an)\s+first)"
)
NEGATION = re.compile(r"\b(not|never|no|none|nor|neither|nothing|without|cannot)\b|n't\b", re.I)

# What stands between two listed things: "A, B", "A and B", "A of Myanmar and Police Major B".
LIST_GAP = re.compile(
    r"^(\s+(of|from)\s+[A-Z][\w-]*(\s+[A-Z][\w-]*){0,2})?\s*(,|and|, and|&|or)\s*"
    r"([A-Z][\w.]*\.?\s+){0,3}$"
)

# "at Vigyan Bhawan", "in the Kigali Convention Centre": an organisation's name read as a place.
_AT_PLACE = re.compile(r"\b(at|in)\s+(the\s+)?$")


def place_label(label: str, text: str, start: int) -> str:
    """An entity's label, with an organisation named after "at" or "in (the)" read as a place
    (FAC), whatever the tagger said."""
    if label == "ORG" and _AT_PLACE.search(text[max(0, start - 8) : start]):
        return "FAC"
    return label


class _Located(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def listed_run(items: Sequence[_Located], at: int, text: str) -> tuple[int, int]:
    """(first, last) index of the things listed with items[at] ("Bangladesh and Nepal"):
    neighbours in text order joined by list separators. items must be in text order."""
    first = last = at
    while first > 0 and LIST_GAP.match(text[items[first - 1].end : items[first].start]):
        first -= 1
    while last + 1 < len(items) and LIST_GAP.match(text[items[last].end : items[last + 1].start]):
        last += 1
    return first, last


def join_list(items: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C": how a list of things is written."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return items[0] if items else ""
    return f"{', '.join(items[:-1])} and {items[-1]}"


_QUESTION_TYPES = (
    ("who", r"^(who|whom|whose)\b|\bname of\b"),
    ("when", r"^when\b|^(what|which) (date|day|year|month)"),
    ("where", r"^where\b|^(what|which) (city|venue|place|country)\b"),
    ("how many", r"^how (many|much|long|old)\b"),
    ("which", r"^which\b"),
)


def question_type(question: str) -> str:
    """who / when / where / how many / which / what, from the question's first words (the
    categories evaluation reports are broken down by)."""
    q = re.sub(r"^\s*((and|so|then|also|in|on|at|for|from|by|to)\s+)+", "", question.lower())
    for name, pattern in _QUESTION_TYPES:
        if re.search(pattern, q):
            return name
    return "what"


# An acronym an article defines: "Narcotics Control Bureau (NCB)".
_DEFINED = re.compile(r"((?:[\w'’-]+\s+){1,10})\(\s*([A-Z][A-Za-z]{1,9})\s*\)")
LINK_WORDS = frozenset("of for and the on in at to de du des la le &".split())


def defined_acronyms(text: str) -> dict[str, list[str]]:
    """Acronyms a text defines -> the words of their expansion as written ("NCB" ->
    ["Narcotics", "Control", "Bureau"]): the acronym's capitals must be the initials of the
    words before it (link words such as "of" may stand between)."""
    found: dict[str, list[str]] = {}
    for m in _DEFINED.finditer(text):
        letters = [c for c in m.group(2) if c.isupper()]
        if len(letters) < 2:
            continue
        expansion = _expansion(m.group(1).split(), letters)
        if expansion:
            found[m.group(2)] = expansion
    return found


def _expansion(words: list[str], letters: list[str]) -> list[str]:
    """The words whose initials spell the letters, read backwards; [] when they do not."""
    want = list(letters)
    used: list[str] = []
    for word in reversed(words):
        if not want:
            break
        parts = [p for p in re.split(r"[-–]", word.strip("'’")) if p]
        initials = [p[0].upper() for p in parts]
        k = len(initials)
        if word[:1].isupper() and 0 < k <= len(want) and want[-k:] == initials:
            want = want[:-k]
            used.insert(0, word)
        elif word.lower() in LINK_WORDS:
            used.insert(0, word)
        else:
            return []
    while used and used[0].lower() in LINK_WORDS:
        used.pop(0)
    return used if not want else []


# How a name or an amount is kept whole: "K. Bangarurajan", "G. H. Rao", "Park Ji-woo", "2.3".
_INITIAL_BEFORE = re.compile(r"\b[A-Z]\.\s*$")
_JOINED = re.compile(r"\w[-.,’']\w")  # inside one word or number: "Ji-woo", "2.3", "1,050"


def with_initials(text: str, start: int) -> int:
    """Where a name starting at `start` really starts: initials before it ("G. H. Rao") are
    part of it, whatever a recogniser left out."""
    while initial := _INITIAL_BEFORE.search(text, 0, start):
        start = initial.start()
    return start


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """text[start:end] grown to whole words: never stopping inside a word, a hyphenated name
    or a number ("Park Ji" -> "Park Ji-woo", "2" -> "2.3")."""
    while start > 0 and (text[start - 1].isalnum() or _JOINED.match(text, start - 2)):
        start -= 1
    while end < len(text) and (text[end].isalnum() or _JOINED.match(text, end - 1)):
        end += 1
    return start, end
