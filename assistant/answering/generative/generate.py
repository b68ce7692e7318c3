"""Generated answers, kept honest: the extractive answer decides whether to answer at all, a
language model words the answer from numbered passages, and the grounding check decides
whether the user sees it.

    question ─ extractive answer (a follow-up: the rule rewrite, or the model's rewrite when
               its evidence is at least as strong)
        refused?  → the refusal stands (a model never overrides it)
        else      → prompt with the cited chunk and the next passages, numbered
                  → stream; each finished sentence is checked before it is shown
                  → any failure, refusal, error or timeout: the extractive answer instead

Nothing a user sees from the model has failed the check: sentences are released one at a
time, after they pass.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answering.compose.compose import (
    MODEL_FOUND_NOTHING,
    answered,
    cite,
    declined_by,
    refused,
)
from assistant.answering.generative.grounding import (
    REFUSAL,
    acronyms,
    check,
    check_sentence,
    cited_numbers,
    complete_sentences,
    uncited,
)
from assistant.answering.generative.llm import chat_model
from assistant.answering.generative.prompts import answer_messages, condense_messages
from assistant.answering.pipeline import Answerer
from assistant.answering.question.analysis import synonyms
from assistant.answering.question.conversation import chat_messages, conversation
from assistant.answering.vocabulary.similarity import SAME_MEANING
from assistant.config import Settings
from assistant.language import STOPWORDS, stem
from assistant.store.reader import Snapshot
from assistant.types import Answer, Citation, Claim, Drafting, Filters, Passage, StreamItem

_WORD = re.compile(r"[a-z0-9]+")
DECLINED = MODEL_FOUND_NOTHING
DRAFT_EVERY = 0.1  # seconds between two reports of the tokens written so far


@dataclass
class _Run:
    """What one generation did: the text so far, the sentences shown, tokens, any failure."""

    generated: str = ""
    shown: list[str] = field(default_factory=list)
    tokens: int = 0
    chunks: int = 0  # pieces streamed (about one token each)
    failure: str = ""


def _content(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in STOPWORDS and len(w) > 2}


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    name = type(exc).__name__
    if "timeout" in name.lower() or "timed out" in text.lower():
        return f"it did not answer in time ({text[:160]})"
    if "connect" in name.lower() or "connection" in text.lower():
        return f"the server cannot be reached ({text[:160]})"
    return text[:200]


class GenerativeAnswerer:
    """Answers with a language model behind the extractive answerer's retrieval and
    confidence; safe to share between threads (per-question state lives in the call)."""

    def __init__(
        self,
        extractive: Answerer,
        settings: Settings,
        backend: str,
        chat: Any = None,
    ) -> None:
        self.extractive = extractive
        self.settings = settings
        self.backend = self.name = backend
        self._chat = chat
        self._lock = threading.Lock()

    @property
    def threshold(self) -> float:
        return self.extractive.threshold

    def chat(self) -> Any:
        """The chat model, made on first use (an error names what is missing)."""
        with self._lock:
            if self._chat is None:
                self._chat = chat_model(self.settings, self.backend)
            return self._chat

    def ask(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None
    ) -> Answer:
        return self.answer(self.extractive.index.snapshot(), question, history, filters)

    def answer(
        self,
        snapshot: Snapshot,
        question: str,
        history: Sequence[Any] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """Answer from this snapshot of the index only."""
        answer = None
        for item in self._stream(snapshot, question, history, filters):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def condense(self, question: str, history: Sequence[dict[str, str]]) -> str | None:
        """The follow-up rewritten by the model, or None when its output is not a question
        about the conversation: empty, long, quoting an answer, or sharing no content word
        with the conversation (then the rule rewrite is used)."""
        reply = self.chat().invoke(condense_messages(question, history))
        text = " ".join(str(reply.content).split()).strip().strip('"“”')
        text = re.sub(r"^(rewritten question|question)\s*:\s*", "", text, flags=re.IGNORECASE)
        context = _content(question + " " + " ".join(m.get("content", "") for m in history))
        asks = text.endswith("?") and not re.search(r"[“”\[\]:]", text)
        if not asks or len(text.split()) > len(question.split()) + 15:
            return None
        return text if _content(text) & context else None

    @property
    def trusted(self) -> bool:
        """Whether this backend's model answers (and declines) on its own (Settings)."""
        return bool(getattr(self.settings, f"{self.backend}_trusted", False))

    def stream(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None
    ) -> Iterator[StreamItem]:
        """Yields progress (Drafting), each checked claim as it passes, then the Answer.
        The whole question reads one snapshot of the index."""
        yield from self._stream(self.extractive.index.snapshot(), question, history, filters)

    def _stream(
        self, snapshot: Snapshot, question: str, history: Sequence[Any], filters: Filters | None
    ) -> Iterator[StreamItem]:
        started = time.perf_counter()
        base, note, messages_before = self._extractive(snapshot, question, history, filters)
        if base.refused and (not self.trusted or base.confidence < self.settings.llm_floor):
            # an untrusted model is never asked past the extractive refusal; a trusted one
            # is not asked when retrieval found nothing near the question at all
            yield self._total(base, started)
            return
        passages = self._passages(base)
        texts = [f"{p.title}\n{p.chunk.text}" for p in passages]  # names may come from titles
        defined: dict[str, set[str]] = {}
        for article_id in {p.chunk.article_id for p in passages}:
            for acronym, words in acronyms(snapshot.text(article_id)).items():
                defined.setdefault(acronym, set()).update(words)
        messages = answer_messages(
            base.rewritten_question,
            [(f"{p.title}, {p.date or 'no date'}", p.chunk.text) for p in passages],
            messages_before,
        )
        topic = _content(f"{base.rewritten_question} {base.short_answer}")
        run = _Run()
        generate_started = time.perf_counter()
        for item in self._generate(messages, texts, defined, topic, run):
            if isinstance(item, int):
                yield Drafting(item)
            else:  # a checked sentence, cited as far as the answer goes yet
                citations = self._citations(snapshot, run.shown, passages)
                yield self._claim(item, citations, base.confidence)
        timings = {**base.timings_ms, "generate": (time.perf_counter() - generate_started) * 1000}
        tokens = run.tokens or len(run.generated.split())
        if run.failure:
            instead = self._instead(base, run.failure, note, tokens, timings)
            if run.failure != DECLINED:
                instead = dataclasses.replace(instead, rejected=run.generated.strip())
            yield self._total(instead, started)
            return
        citations = self._citations(snapshot, run.shown, passages)
        claims = [self._claim(sentence, citations, base.confidence) for sentence in run.shown]
        yield self._total(
            answered(base.question, base.rewritten_question, claims, base.confidence,
                     passages, timings, backend=self.backend, grounded=True, note=note,
                     tokens=tokens, generated=True),  # passages: what the answer's [n] number
            started,
        )  # fmt: skip

    def _extractive(
        self, snapshot: Snapshot, question: str, history: Sequence[Any], filters: Filters | None
    ) -> tuple[Answer, str, list[dict[str, str]]]:
        """The extractive answer (with the model's rewrite of a follow-up when its evidence is
        at least as strong), a note on what went wrong, and the conversation as messages."""
        started = time.perf_counter()
        turns = conversation(history)
        messages_before = chat_messages(turns)
        condensed, note = None, ""
        if turns:
            try:
                condensed = self.condense(question, messages_before)
            except Exception as exc:  # the rule rewrite still works
                note = f"the {self.backend} model could not rewrite the follow-up: {_reason(exc)}"
        condense_ms = (time.perf_counter() - started) * 1000
        base = self.extractive.answer(snapshot, question, turns, filters)
        if condensed and condensed != base.rewritten_question:
            other = self.extractive.answer(snapshot, condensed, (), filters)
            if other.confidence >= base.confidence:
                base = dataclasses.replace(other, question=question, rewritten_question=condensed)
        base = dataclasses.replace(
            base, backend=self.backend, timings_ms={**base.timings_ms, "condense": condense_ms}
        )
        return base, note, messages_before

    def _generate(
        self, messages: Any, texts: list[str], defined: dict[str, set[str]], topic: set[str],
        run: _Run,
    ) -> Iterator[str | int]:  # fmt: skip
        """Stream the model's answer: the number of tokens so far as they come (at most ten
        times a second), and each sentence once it passed the check; what happened is left
        in run (a failure, the sentences shown, tokens)."""
        told = 0.0
        try:
            chunks = self.chat().stream(messages)
            try:
                for chunk in chunks:
                    run.generated += str(chunk.content)
                    run.chunks += 1
                    usage = getattr(chunk, "usage_metadata", None)
                    if usage:
                        run.tokens = max(run.tokens, int(usage.get("output_tokens", 0)))
                    if time.perf_counter() - told >= DRAFT_EVERY:
                        told = time.perf_counter()
                        yield max(run.tokens, run.chunks)
                    done, _ = complete_sentences(run.generated)
                    run.failure = self._release(done, run.shown, texts, topic, defined)
                    if run.failure:
                        break
                    while len(run.shown) < len(done):
                        run.shown.append(done[len(run.shown)])
                        yield run.shown[-1]
            finally:
                close = getattr(chunks, "close", None)
                if close:
                    close()
            if run.failure:
                return
            done, rest = complete_sentences(run.generated)
            final = done + ([rest] if rest.strip() else [])
            run.failure = self._release(final, run.shown, texts, topic, defined)
            if not run.failure:
                verdict = check(" ".join(final), texts, defined)
                if verdict.refusal:
                    run.failure = DECLINED
                elif not verdict.grounded:
                    run.failure = "the model's answer states nothing it can cite"
                else:
                    for sentence in final[len(run.shown) :]:
                        run.shown.append(sentence)
                        yield sentence
        except Exception as exc:
            run.failure = f"the {self.backend} backend failed: {_reason(exc)}"

    def _instead(
        self, base: Answer, failure: str, note: str, tokens: int, timings: dict[str, float]
    ) -> Answer:
        """What is shown when the model's answer is not: a trusted model's refusal stands (the
        extractive quote set aside); otherwise the extractive answer, or its refusal."""
        if failure == DECLINED and self.trusted:
            return refused(
                base.question, base.rewritten_question, declined_by(self.backend),
                base.confidence, base.passages, timings, backend=self.backend,
                set_aside=base.citations, grounded=True, tokens=tokens,
                note="; ".join(n for n in (note, f"the {self.backend} model declined") if n),
            )  # fmt: skip
        shown = (
            "the extractive refusal stands" if base.refused
            else "the extractive answer is shown instead"
        )  # fmt: skip
        return dataclasses.replace(
            base,
            grounded=False,
            fallback="extractive",
            note="; ".join(n for n in (note, f"{failure}; {shown}") if n),
            tokens=tokens,
            timings_ms=timings,
        )

    def _release(
        self, done: list[str], shown: list[str], texts: list[str], topic: set[str],
        defined: dict[str, set[str]] | None = None,
    ) -> str:  # fmt: skip
        """'' when the newly finished sentences may be shown, else why not. The first one must
        also share a word with the question or the extractive short answer: an answer about
        something else (an instruction planted in an article, say) is not shown."""
        for k, sentence in enumerate(done[len(shown) :], len(shown)):
            checked = check_sentence(sentence, texts, defined)
            if checked.refusal or REFUSAL.search(sentence):
                return DECLINED
            if k == 0 and topic and not self._addresses(_content(sentence), topic):
                return "the model's answer does not address the question"
            if checked.problems:
                return "the model's answer failed the grounding check: " + "; ".join(
                    checked.problems[:3]
                )
        return ""

    def _addresses(self, said: set[str], topic: set[str]) -> bool:
        """Whether a sentence speaks of the question: a word, its stem or a synonym in
        common, or words that mean the same by their vectors ("flames": "fire")."""
        if said & topic:
            return True
        related = {s for w in topic for s in synonyms().get(stem(w), {stem(w)})}
        if {stem(w) for w in said} & related:
            return True
        if not said:
            return False
        vectors = self.extractive.words.of(sorted(said | topic))
        at = {w: i for i, w in enumerate(sorted(said | topic))}
        similar = vectors[[at[w] for w in said]] @ vectors[[at[w] for w in topic]].T
        return bool(similar.max() >= SAME_MEANING)

    def _passages(self, base: Answer) -> list[Passage]:
        """The chunk holding the extractive quote first, then the next retrieved passages."""
        cited = base.citations[0] if base.citations else None
        ordered = sorted(
            base.passages,
            key=lambda p: (
                not (
                    cited
                    and p.chunk.article_id == cited.article_id
                    and p.chunk.start <= cited.start < p.chunk.end
                )
            ),
        )
        chosen: list[Passage] = []
        for p in ordered:
            if all(p.chunk.id != q.chunk.id for q in chosen):
                chosen.append(p)
        return chosen[: self.settings.llm_passages]

    @staticmethod
    def _citations(
        snapshot: Snapshot, sentences: list[str], passages: list[Passage]
    ) -> dict[int, Citation]:
        """For each passage the answer cites (by its number), the sentence of it that shares
        most with the sentences citing it, quoted exactly."""
        citations = {}
        for n, passage in enumerate(passages, 1):
            claims = [s for s in sentences if n in cited_numbers(s)]
            if not claims:
                continue
            words = _content(" ".join(claims))
            text = snapshot.text(passage.chunk.article_id)
            bounds = passage.chunk.sentences or ((passage.chunk.start, passage.chunk.end),)
            start, end = max(bounds, key=lambda b: len(_content(text[b[0] : b[1]]) & words))
            citations[n] = cite(snapshot, n, passage.chunk.article_id, start, end)
        return citations

    @staticmethod
    def _claim(sentence: str, citations: dict[int, Citation], support: float) -> Claim:
        """A checked sentence of the model as a claim: its words, and the quotes of the
        passages it cites."""
        cited = tuple(citations[n] for n in cited_numbers(sentence) if n in citations)
        return Claim(uncited(sentence), cited, support)

    @staticmethod
    def _total(answer: Answer, started: float) -> Answer:
        timings = {**answer.timings_ms, "total": (time.perf_counter() - started) * 1000}
        return dataclasses.replace(answer, timings_ms=timings)
