"""Which prize a question names and whether a quote (or its paragraph) is of it: "the IMCA
Sphagnum Medal" is not the IMCA Lifetime Achievement Award; "collected the award" points back
to the prize named last before it."""

from __future__ import annotations

import re

from assistant.answering.people.sessions import content_words
from assistant.roles import AWARD_NOUNS


def only_prize(paragraph: str, words: set[str], quote: str = "") -> bool:
    """Whether the prize a paragraph names for a quote naming none is that one: the last prize
    named before the quote ("The top honour, the GAEC Award, went to the Authority. Its chief,
    Josefa Naivalu, collected the award"), or, when none is named before it, the one prize
    every sentence naming a prize names ("... the Lifetime Award went to B": two)."""
    at = paragraph.find(quote[:40]) if quote else -1
    before = [x for x in re.split(r"(?<=[.!?])\s+", paragraph[:at]) if names_a_prize(x)]
    if at > 0 and before:
        return names_words(before[-1], words)
    said = [x for x in re.split(r"(?<=[.!?])\s+", paragraph) if names_a_prize(x)]
    return bool(said) and all(names_words(x, words) for x in said)


def names_a_prize(quote: str) -> bool:
    """Whether a quote names a prize ("the Young Innovator Award"), not one it points back to
    ("collected the award")."""
    return any(w.lower().rstrip("s") in AWARD_NOUNS and w[0].isupper()
               for w in re.findall(r"[A-Za-z]+", quote))  # fmt: skip


_PRIZES = "|".join(sorted(AWARD_NOUNS))
# "the IMCA Sphagnum Medal", "the Women in Science Award"; "the award for institutional
# excellence"
_PRIZE = re.compile(
    rf"((?:[A-Z][\w'’-]*\s+(?:(?:of|in|for|and|the|on)\s+)*){{1,6}})(?i:{_PRIZES})s?\b"
)
_PRIZE_FOR = re.compile(
    rf"\b(?:{_PRIZES})s?\s+for\s+(.+?)(?=\s+(?:at|in|during|this|from)\b|[?.,;]|$)",
    re.IGNORECASE,
)
_ASKING = frozenset({"which", "what", "who", "whose", "whom"})


def prize_words(question: str) -> set[str]:
    """The words that tell a prize the question names ("IMCA Sphagnum Medal": imca, sphagnum;
    "the award for institutional excellence": institutional, excellence)."""
    found = _PRIZE.search(question) or _PRIZE_FOR.search(question)
    return content_words(found.group(1)) - _ASKING if found else set()


def names_words(quote: str, words: set[str]) -> bool:
    """Whether a quote holds at least two thirds of these words."""
    return 3 * len(words & content_words(quote)) >= 2 * len(words)
