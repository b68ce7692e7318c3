"""The grounding check on a generated answer: every sentence cites a numbered passage, and the
names, numbers and dates it states occur in the passages it cites.

It is deliberately literal about facts, not about their spelling: case, hyphens ("Ji-woo",
"Ji woo"), possessives, thousands separators, number words ("twenty-two", "2.3 million") and
acronyms with their expansions ("WHO", "World Health Organization", as an article defines
them) are read as the same; a model that paraphrases "5,977 kilograms" as "about six tonnes"
still fails it. Names may come from a cited passage's text or its article's title. A refusal
("The articles do not say.") is recognised as such and carries no claim.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.language import (
    HONORIFICS,
    LINK_WORDS,
    NUMBER_VALUES,
    STOPWORDS,
    defined_acronyms,
)

_CITE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
# citations written after the full stop belong to the sentence before it
_CITE_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*,\s*\d+)*\])+)")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Dr|Mr|Mrs|Ms|Prof|St|No|Nos|Gen|Col|Maj|Lt|Capt|Sgt|Jr|Sr|Inc|Ltd|Co|vs|etc|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$"
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITAL = re.compile(r"\b[A-Z][\w'’.-]*")
_WORD = re.compile(r"[\w'’-]+")
REFUSAL = re.compile(
    r"\b(articles?|passages?|text|context)\b.{0,40}\b(do(es)?\s*n[o']t|never)\s+"
    r"(say|state|mention|contain|answer|include|specify|provide)|"
    r"\b(don'?t|do not|cannot|can'?t)\s+(know|answer|find|tell)|\bno information\b|"
    r"\bnot (mentioned|stated|specified)\b",
    re.IGNORECASE,
)
# Capitalised at the start of a sentence without being a name.
_FUNCTION_WORDS = (
    STOPWORDS | HONORIFICS | frozenset("according yes however while one answer there".split())
)
_NUMBER_WORDS = NUMBER_VALUES
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALED = re.compile(r"(\d+(?:[.,]\d+)*)\s*(thousand|million|billion|trillion)\b")


@dataclass(frozen=True)
class CheckedSentence:
    """One sentence of a generated answer and what is wrong with it (nothing when grounded)."""

    text: str
    cited: tuple[int, ...]
    problems: tuple[str, ...]
    refusal: bool = False


@dataclass(frozen=True)
class Grounding:
    """The verdict on a whole generated answer."""

    grounded: bool
    refusal: bool
    sentences: tuple[CheckedSentence, ...]

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(p for s in self.sentences for p in s.problems)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    return text.casefold()


def _number(token: str) -> str:
    token = token.replace(",", "")
    if "." in token:
        token = token.rstrip("0").rstrip(".") if re.fullmatch(r"\d+\.\d+", token) else token
    return token.rstrip(".").lstrip("0") or "0"


def _words(folded: str) -> set[str]:
    """The words of a folded text, each hyphenated word also as its parts and joined."""
    words = set()
    for w in _WORD.findall(folded):
        w = w.strip("'-")
        words.add(w)
        if "-" in w:
            words |= {p for p in w.split("-") if p} | {w.replace("-", "")}
    return words | {w[:-2] for w in words if w.endswith("'s")}


def _values(folded: str) -> set[str]:
    """The numbers of a folded text: as written, spelled out, and scaled ("2.3 million" is
    also 2300000)."""
    numbers = {_number(n) for n in _NUMBER.findall(folded)}
    numbers |= {_NUMBER_WORDS[w] for w in _words(folded) if w in _NUMBER_WORDS}
    for m in _SCALED.finditer(folded):
        try:
            value = float(m.group(1).replace(",", "")) * _SCALES[m.group(2)]
        except ValueError:
            continue
        numbers.add(_number(f"{value:.0f}" if value == int(value) else str(value)))
    return numbers


def acronyms(text: str) -> dict[str, set[str]]:
    """Acronyms a text defines ("World Health Organization (WHO)") -> the words of their
    expansion, folded; an expansion's words read as its acronym and back."""
    found: dict[str, set[str]] = {}
    for acronym, expansion in defined_acronyms(text).items():
        words = [w for w in _WORD.findall(_fold(" ".join(expansion))) if w not in LINK_WORDS]
        found.setdefault(acronym.lower(), set()).update(words)
    return found


def _passage_facts(
    text: str, defined: dict[str, set[str]] | None = None
) -> tuple[set[str], set[str]]:
    folded = _fold(text)
    words = _words(folded)
    for acronym, expansion in (defined or {}).items():
        if acronym in words or expansion <= words:
            words |= expansion | {acronym}
    return words, _values(folded)


def split_sentences(text: str) -> list[str]:
    """Sentences of a generated answer, with citations written after a full stop moved onto
    the sentence they follow."""
    text = _CITE_AFTER_STOP.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", text.strip())
    text = re.sub(r"\s+(?=\s\[\d)", "", text)
    sentences, start = [], 0
    for m in re.finditer(r"[.!?](?=\s+\S)", text):
        piece = text[start : m.end()]
        following = text[m.end() :].lstrip()
        if _ABBREVIATION.search(piece) or following[:1].islower() or following[:1].isdigit():
            continue
        sentences.append(piece.strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def complete_sentences(text: str) -> tuple[list[str], str]:
    """While a model streams: the sentences already finished, and the unfinished rest."""
    sentences = split_sentences(text)
    if not sentences:
        return [], text
    last = sentences[-1]
    ends_open = not re.search(r"[.!?](\s*\[\d+(?:\s*,\s*\d+)*\])*\s*$", text)
    if ends_open or not text[-1:].isspace() or _ABBREVIATION.search(last):
        return sentences[:-1], sentences[-1]
    return sentences, ""


def cited_numbers(sentence: str) -> tuple[int, ...]:
    """The passage numbers a model's sentence cites ("... [1, 3]."): where a language model's
    text comes in, the only place its [n] markers are read."""
    groups = _CITE.findall(sentence)
    return tuple(sorted({int(n) for group in groups for n in re.split(r"\s*,\s*", group)}))


def uncited(sentence: str) -> str:
    """A model's sentence without its [n] markers (what the claim says)."""
    text = " ".join(_CITE.sub(" ", sentence).split())
    return re.sub(r"\s+([.,;:!?])", r"\1", text)


def check_sentence(
    sentence: str, passages: Sequence[str], defined: dict[str, set[str]] | None = None
) -> CheckedSentence:
    """One sentence against the numbered passages (passages[0] is [1]; each may begin with
    its article's title); defined: the acronyms the passages' articles define."""
    cited = cited_numbers(sentence)
    claim = _CITE.sub(" ", sentence)
    if REFUSAL.search(claim):
        return CheckedSentence(sentence, cited, (), refusal=True)
    if not _WORD.search(claim):
        return CheckedSentence(sentence, cited, ())  # a stray citation or punctuation
    problems = []
    if not cited:
        problems.append(f"cites no passage: “{claim.strip()}”")
    unknown = [n for n in cited if not 1 <= n <= len(passages)]
    if unknown:
        problems.append(f"cites a passage that does not exist: {unknown}")
    words: set[str] = set()
    numbers: set[str] = set()
    for n in cited:
        if 1 <= n <= len(passages):
            w, num = _passage_facts(passages[n - 1], defined)
            words |= w
            numbers |= num
    claimed = _fold(claim)
    for m in _SCALED.finditer(claimed):  # "2.3 million": its value must be there
        if not (_values(m.group()) - {_number(m.group(1))}) & numbers:
            problems.append(f"the number {m.group()} is not in the cited passages")
    plain = _SCALED.sub(" ", claimed)
    for token in _NUMBER.findall(plain):
        if _number(token) not in numbers:
            problems.append(f"the number {token} is not in the cited passages")
    first = True
    for m in _CAPITAL.finditer(claim):
        word = _fold(m.group()).strip(".'-")
        word = word[:-2] if word.endswith("'s") else word
        if "-" in word and all(p in words for p in word.split("-") if p):
            continue
        at_start = first and not claim[: m.start()].strip()
        first = False
        if not word or (at_start and word in _FUNCTION_WORDS) or word == "i":
            continue
        if word in _NUMBER_WORDS and _NUMBER_WORDS[word] in numbers:
            continue
        if word not in words:
            problems.append(f"“{m.group()}” is not in the cited passages")
    for m in _WORD.finditer(_fold(claim)):
        value = _NUMBER_WORDS.get(m.group())
        if value and value not in numbers and m.group() not in words:
            problems.append(f"the number “{m.group()}” is not in the cited passages")
    return CheckedSentence(sentence, cited, tuple(problems))


def check(
    answer: str, passages: Sequence[str], defined: dict[str, set[str]] | None = None
) -> Grounding:
    """The whole answer: grounded when it says something and every sentence passes."""
    sentences = tuple(check_sentence(s, passages, defined) for s in split_sentences(answer))
    refusal = any(s.refusal for s in sentences)
    claims = [s for s in sentences if not s.refusal and _WORD.search(_CITE.sub(" ", s.text))]
    grounded = bool(claims) and not refusal and not any(s.problems for s in sentences)
    return Grounding(grounded, refusal, sentences)
