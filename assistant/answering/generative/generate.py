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
from typing import Any

from assistant.answering.answer import Answerer
from assistant.answering.conversation import conversation
from assistant.answering.generative.grounding import (
    REFUSAL,
    check,
    check_sentence,
    complete_sentences,
)
from assistant.answering.generative.llm import chat_model
from assistant.answering.generative.prompts import answer_messages, condense_messages
from assistant.answering.rules import STOPWORDS
from assistant.config import Settings
from assistant.store.reader import Snapshot
from assistant.types import Answer, Citation, Filters, Passage, chat_messages

_WORD = re.compile(r"[a-z0-9]+")


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
        answer = None
        for item in self.stream(question, history, filters):
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

    def stream(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None
    ) -> Iterator[str | Answer]:
        """Yields checked sentences of the generated answer as they pass, then the Answer
        (which may be the extractive one, with a note, if the generated one failed). The
        whole question reads one snapshot of the index."""
        started = time.perf_counter()
        snapshot = self.extractive.index.snapshot()
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
            # the model's rewrite is used when the evidence for it is at least as strong
            other = self.extractive.answer(snapshot, condensed, (), filters)
            if other.confidence >= base.confidence:
                base = dataclasses.replace(other, question=question, rewritten_question=condensed)
        base = dataclasses.replace(
            base, backend=self.backend, timings_ms={**base.timings_ms, "condense": condense_ms}
        )
        if base.refused:  # decided by retrieval confidence; the model is not asked
            yield self._total(base, started)
            return
        passages = self._passages(base)
        texts = [p.chunk.text for p in passages]
        messages = answer_messages(
            base.rewritten_question,
            [(f"{p.title}, {p.date or 'no date'}", p.chunk.text) for p in passages],
            messages_before,
        )
        topic = _content(f"{base.rewritten_question} {base.short_answer}")
        generated, shown, tokens = "", [], 0
        failure = ""
        generate_started = time.perf_counter()
        try:
            chunks = self.chat().stream(messages)
            try:
                for chunk in chunks:
                    generated += str(chunk.content)
                    usage = getattr(chunk, "usage_metadata", None)
                    if usage:
                        tokens = max(tokens, int(usage.get("output_tokens", 0)))
                    done, _ = complete_sentences(generated)
                    failure = self._release(done, shown, texts, topic)
                    if failure:
                        break
                    while len(shown) < len(done):
                        shown.append(done[len(shown)])
                        yield shown[-1] + " "
            finally:
                close = getattr(chunks, "close", None)
                if close:
                    close()
            if not failure:
                done, rest = complete_sentences(generated)
                final = done + ([rest] if rest.strip() else [])
                failure = self._release(final, shown, texts, topic)
                if not failure:
                    verdict = check(" ".join(final), texts)
                    if verdict.refusal:
                        failure = "the model found no answer in the passages"
                    elif not verdict.grounded:
                        failure = "the model's answer states nothing it can cite"
                    else:
                        for sentence in final[len(shown) :]:
                            shown.append(sentence)
                            yield sentence + " "
        except Exception as exc:
            failure = f"the {self.backend} backend failed: {_reason(exc)}"
        generate_ms = (time.perf_counter() - generate_started) * 1000
        tokens = tokens or len(generated.split())
        timings = {**base.timings_ms, "generate": generate_ms}
        if failure:
            reason = f"{failure}; the extractive answer is shown instead"
            yield self._total(
                dataclasses.replace(
                    base,
                    grounded=False,
                    fallback="extractive",
                    note="; ".join(n for n in (note, reason) if n),
                    tokens=tokens,
                    timings_ms=timings,
                ),
                started,
            )
            return
        text = " ".join(shown)
        yield self._total(
            dataclasses.replace(
                base,
                text=text,
                short_answer=re.sub(r"\s*\[\d+(?:\s*,\s*\d+)*\]", "", text).strip(),
                citations=self._citations(snapshot, shown, passages),
                passages=tuple(passages),  # what the answer's [n] number
                grounded=True,
                note=note,
                tokens=tokens,
                timings_ms=timings,
            ),
            started,
        )

    @staticmethod
    def _release(done: list[str], shown: list[str], texts: list[str], topic: set[str]) -> str:
        """'' when the newly finished sentences may be shown, else why not. The first one must
        also share a word with the question or the extractive short answer: an answer about
        something else (an instruction planted in an article, say) is not shown."""
        for k, sentence in enumerate(done[len(shown) :], len(shown)):
            if k == 0 and topic and not (_content(sentence) & topic):
                return "the model's answer does not address the question"
            checked = check_sentence(sentence, texts)
            if checked.refusal or REFUSAL.search(sentence):
                return "the model found no answer in the passages"
            if checked.problems:
                return "the model's answer failed the grounding check: " + "; ".join(
                    checked.problems[:3]
                )
        return ""

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
    ) -> tuple[Citation, ...]:
        """For each passage the answer cites, the sentence of it that shares most with the
        sentences citing it, quoted exactly."""
        citations = []
        for n, passage in enumerate(passages, 1):
            claims = [
                s for s in sentences if re.search(rf"\[(?:\d+\s*,\s*)*{n}(?:\s*,\s*\d+)*\]", s)
            ]
            if not claims:
                continue
            words = _content(" ".join(claims))
            text = snapshot.text(passage.chunk.article_id)
            bounds = passage.chunk.sentences or ((passage.chunk.start, passage.chunk.end),)
            start, end = max(bounds, key=lambda b: len(_content(text[b[0] : b[1]]) & words))
            record = snapshot.article(passage.chunk.article_id)
            citations.append(
                Citation.cut(
                    n,
                    passage.chunk.article_id,
                    record.title if record else passage.title,
                    record.date if record else passage.date,
                    text,
                    start,
                    end,
                )
            )
        return tuple(citations)

    @staticmethod
    def _total(answer: Answer, started: float) -> Answer:
        timings = {**answer.timings_ms, "total": (time.perf_counter() - started) * 1000}
        return dataclasses.replace(answer, timings_ms=timings)
