"""The one composer: an Answer is built here, as claims with their quoted evidence, or as a
refusal with its reason; its plain text is rendered here once, from the claims. The faces
(CLI, JSON, the page, a language model's prompt) read the claims, never the text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.language import ANAPHOR
from assistant.store.reader import Snapshot
from assistant.types import Answer, Citation, Claim, Passage, Sentence

# Every wording of a refusal lives here.
REFUSED = "The articles don't say"  # how a refusal's text begins
NOT_IN_ARTICLES = "Not in the articles"  # its headline on the page
NO_REASON = "the closest passages are below, but none answers the question"
MODEL_DECLINES = "The articles do not say."  # what a language model is told to reply
MODEL_FOUND_NOTHING = "the model found no answer in the passages"


def nothing_about(words: Sequence[str]) -> str:
    """The reason of a refusal whose question has words no article holds."""
    return "nothing found about " + ", ".join(f"“{w}”" for w in words)


def declined_by(backend: str) -> str:
    """The reason shown when a trusted language model found no answer in the passages."""
    return MODEL_FOUND_NOTHING.replace("the model", f"the {backend} model")


def refusal_text(reason: str) -> str:
    return f"{REFUSED}: {reason or NO_REASON}."


def cite(snapshot: Snapshot, n: int, article_id: str, start: int, end: int) -> Citation:
    """Citation number n of article_text[start:end], with its title, date, paragraph, page."""
    record = snapshot.article(article_id)
    return Citation.cut(
        n,
        article_id,
        record.title if record else article_id,
        record.date if record else "",
        snapshot.text(article_id),
        start,
        end,
    )


def quote_bounds(
    snapshot: Snapshot, sentences: Sequence[Sentence], short_start: int | None
) -> tuple[int, int]:
    """(start, end) of the quote of a unit of sentences: the sentence that holds the short answer
    shown (with the sentence before when it starts by pointing back: "It was chaired by ..."),
    or the whole unit without one."""
    quoted = [s for s in sentences if short_start is not None and s.start <= short_start < s.end]
    quoted = quoted or list(sentences)
    start, end = quoted[0].start, quoted[-1].end
    first = quoted[0]
    text = snapshot.text(first.article_id)
    if first.position > 0 and ANAPHOR.match(text[first.start : first.end]):
        start = snapshot.sentences(first.article_id)[first.position - 1].start
    return start, end


def answered(
    question: str,
    standalone: str,
    claims: Sequence[Claim],
    confidence: float,
    passages: Sequence[Passage],
    timings_ms: dict[str, float] | None = None,
    **extra: object,
) -> Answer:
    """An answer made of these claims (extra: the other Answer fields)."""
    generated = bool(extra.get("generated", False))
    return Answer(
        question=question,
        rewritten_question=standalone,
        text=plain_text(claims, generated, str(extra.get("coverage", "")), extra.get("count")),  # type: ignore[arg-type]
        claims=tuple(claims),
        refused=False,
        confidence=confidence,
        passages=tuple(passages),
        timings_ms=dict(timings_ms or {}),
        **extra,  # type: ignore[arg-type]
    )


def refused(
    question: str,
    standalone: str,
    reason: str,
    confidence: float,
    passages: Sequence[Passage],
    timings_ms: dict[str, float] | None = None,
    **extra: object,
) -> Answer:
    """A refusal: no claims, its reason and the nearest passages."""
    return Answer(
        question=question,
        rewritten_question=standalone,
        text=refusal_text(reason),
        claims=(),
        refused=True,
        confidence=confidence,
        passages=tuple(passages),
        reason=reason or NO_REASON,
        timings_ms=dict(timings_ms or {}),
        **extra,  # type: ignore[arg-type]
    )


def numbered(claims: Sequence[Claim]) -> list[Claim]:
    """The claims with their quotes numbered 1, 2, ... in order of first appearance (a quote
    two claims rest on keeps one number)."""
    numbers: dict[tuple[str, int, int], int] = {}
    out = []
    for claim in claims:
        evidence = []
        for c in claim.evidence:
            n = numbers.setdefault((c.article_id, c.start, c.end), len(numbers) + 1)
            evidence.append(replace(c, n=n))
        out.append(replace(claim, evidence=tuple(evidence)))
    return out


def plain_text(
    claims: Sequence[Claim], generated: bool = False, coverage: str = "", count: int | None = None
) -> str:
    """The answer as plain text: a generated answer's sentences as checked; a quoted claim as
    `short: “quote” [n]`; several claims one per line, under a count's number when one was
    asked for."""
    if generated:
        return " ".join(_with_numbers(c) for c in claims)
    lines = []
    for claim in claims:
        quotes = " ".join(f"“{' '.join(c.quote.split())}” [{c.n}]" for c in claim.evidence)
        lines.append(f"{claim.text}: {quotes}" if claim.text else quotes)
    text = lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)
    if count is not None:
        text = f"{count_line(count)}\n" + "\n".join(f"- {line}" for line in lines)
    return f"{text}\n({coverage})" if coverage else text


def count_line(count: int) -> str:
    """The first line of a count's answer."""
    return f"{count} named in the articles:"


def _with_numbers(claim: Claim) -> str:
    """A generated sentence with the numbers of its sources before its full stop: "... [1]."."""
    marks = "".join(f" [{c.n}]" for c in claim.evidence)
    text = claim.text.rstrip()
    if text[-1:] in ".!?":
        return f"{text[:-1]}{marks}{text[-1]}"
    return f"{text}{marks}"
