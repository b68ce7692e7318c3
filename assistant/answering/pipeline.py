"""Question -> Answer, the path of one question through the stages: make it stand alone and
read it (question/), gather candidate units with their named features (retrieval/,
evidence/), let the fitted model choose one and find the short answer in it (evidence/), then
build the answer as a claim with its quote, or a refusal (compose/).

`candidates()` is the one way candidates are gathered: serving, `assistant train` and the
tests all call it, so the model is fitted on exactly what it is applied to. A question reads
one snapshot of the index from start to end, and nothing about it is kept on the Answerer:
two questions may be answered at once, while the index changes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.answering.compose.compose import (
    answered,
    cite,
    nothing_about,
    numbered,
    quote_bounds,
    refused,
)
from assistant.answering.evidence.choose import Candidates, Evidence, choose, gather
from assistant.answering.evidence.model import EvidenceModel, load_model
from assistant.answering.people.asked import (
    COUNT,
    HOLDER,
    SESSION,
    WHOSE,
    RoleQuestion,
    asks_who_did_not,
    read_role_question,
    says_not_held,
)
from assistant.answering.people.reply import SURE_DESPITE_TABLE, Reply, reply
from assistant.answering.people.table import PeopleView
from assistant.answering.question.analysis import Question, analyse
from assistant.answering.question.conversation import (
    conversation,
    follows_on,
    standalone_question,
)
from assistant.answering.question.reading import search_text
from assistant.answering.retrieval.retrieve import Retriever
from assistant.answering.vocabulary.lexicon import Lexicon
from assistant.answering.vocabulary.similarity import word_vectors
from assistant.countries import countries_in
from assistant.ingest import nlp
from assistant.ingest.people.propose import names_a_document
from assistant.language import NUMBER_VALUES, stem
from assistant.roles import SESSION_NOUNS, roles_of_word
from assistant.store.reader import Index, Snapshot
from assistant.types import Answer, ChatTurn, Claim, Filters, StreamItem


@dataclass(frozen=True)
class Understood:
    """A question as the answer step reads it: standing alone, analysed, and the text that is
    searched with (the question less the event's name it gives)."""

    question: str
    standalone: str
    analysed: Question
    query: str
    turns: tuple[ChatTurn, ...]


@dataclass(frozen=True)
class Explained:
    """An answer with the candidates it was chosen from and the evidence chosen."""

    answer: Answer
    candidates: Candidates
    evidence: Evidence | None


class Answerer:
    """The extractive backend: answers by quoting the article, from one Index with one
    evidence model. `ask` and `stream` take a snapshot of the index; `answer` works on a
    snapshot it is given (the generative backends answer from the same one)."""

    name = "extractive"

    def __init__(
        self,
        index: Index,
        threshold: float | None = None,
        retriever: Retriever | None = None,
        model: EvidenceModel | None = None,
    ) -> None:
        self.index = index
        self.retriever = retriever or Retriever(index.embedder)
        self._model = model
        self._threshold = threshold
        self.words = word_vectors(index.embedder, index.settings.cache_dir)

    @property
    def model(self) -> EvidenceModel:
        """The evidence model, read on first use (gathering candidates needs none)."""
        if self._model is None:
            self._model = load_model(self.index.settings.evidence_model)
        return self._model

    @property
    def threshold(self) -> float:
        """The confidence below which it refuses."""
        return self.model.threshold if self._threshold is None else self._threshold

    def ask(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None
    ) -> Answer:
        """Answer one question in a conversation (history: its earlier turns)."""
        return self.answer(self.index.snapshot(), question, history, filters)

    def stream(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None
    ) -> Iterator[StreamItem]:
        """The answer, whole and at once (a quote is not written word by word)."""
        yield self.ask(question, history, filters)

    def understand(
        self, snapshot: Snapshot, question: str, history: Sequence[Any] = ()
    ) -> Understood:
        """The question made whole from the conversation and read."""
        turns = tuple(conversation(history))
        standalone = standalone_question(question, turns)
        q = analyse(standalone)
        return Understood(question, standalone, q, search_text(q, Lexicon.of(snapshot)), turns)

    def candidates(
        self,
        snapshot: Snapshot,
        understood: Understood,
        filters: Filters | None = None,
        vector: np.ndarray | None = None,
        forced: Sequence[tuple[str, int, int]] = (),
    ) -> Candidates:
        """The candidate units of a question with their named features (vector: the query's
        embedding when already made; forced: spans training adds when retrieval missed
        them)."""
        if vector is None:
            vector = np.asarray(self.index.embedder.embed_query(understood.query), np.float32)
        return gather(understood.analysed, vector, snapshot, Lexicon.of(snapshot),
                      self.retriever, filters, understood.turns, self.words, forced)  # fmt: skip

    def answer(
        self,
        snapshot: Snapshot,
        question: str,
        history: Sequence[Any] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """Answer from this snapshot of the index only."""
        return self.explain(snapshot, question, history, filters).answer

    def explain(
        self,
        snapshot: Snapshot,
        question: str,
        history: Sequence[Any] = (),
        filters: Filters | None = None,
    ) -> Explained:
        """The answer with what it was chosen from: the candidates and their features (as a
        learning-to-rank engine logs the features of a served query) and the evidence."""
        clock = _Clock()
        understood = self.understand(snapshot, question, history)
        clock.lap("rewrite")
        vector = np.asarray(self.index.embedder.embed_query(understood.query), np.float32)
        clock.lap("embed")
        found = self.candidates(snapshot, understood, filters, vector)
        clock.lap("retrieve")
        evidence = choose(self.model, found, snapshot, Lexicon.of(snapshot))
        clock.lap("select")
        passages = found.reading.retrieved.passages
        asked, table = self._from_table(snapshot, understood, filters, evidence)
        if table is not None:
            clock.lap("people")
            if table.refusal:  # as near as the passages came: a trusted model may still answer
                near = max(table.confidence, evidence.confidence if evidence else 0.0)
                answer = refused(question, understood.standalone, table.refusal, near,
                                 passages, clock.laps)  # fmt: skip
            else:
                answer = answered(question, understood.standalone, numbered(table.claims),
                                  table.confidence, passages, clock.laps,
                                  coverage=table.coverage, count=table.count)  # fmt: skip
            return Explained(answer, found, evidence)
        stated = asked is not None and asked.wants == COUNT and evidence is not None
        stated = stated and counts_asked(snapshot, evidence, understood.standalone)
        if evidence is None or (evidence.confidence < self.threshold and not stated):
            reason = nothing_about(evidence.missing) if evidence and evidence.missing else ""
            confidence = evidence.confidence if evidence else 0.0
            clock.lap("compose")
            answer = refused(question, understood.standalone, reason, confidence, passages,
                             clock.laps)  # fmt: skip
            return Explained(answer, found, evidence)
        claim = self._claim(snapshot, evidence, stated=stated)
        if asked is not None:
            claim = _saying_the_role(snapshot, asked, evidence, claim)
        unsupported = _unsupported(snapshot, asked, claim) if asked is not None else None
        if asks_who_did_not(understood.standalone) and not says_not_held(_quoted(snapshot, claim)):
            unsupported = ""  # asked who was to and did not: its quote says no such thing
        if unsupported is not None:  # a who-question's sentence that names no one for it
            clock.lap("compose")
            answer = refused(question, understood.standalone, unsupported, evidence.confidence,
                             passages, clock.laps)  # fmt: skip
            return Explained(answer, found, evidence)
        clock.lap("compose")
        answer = answered(question, understood.standalone, [claim], evidence.confidence,
                          passages, clock.laps)  # fmt: skip
        return Explained(answer, found, evidence)

    def _from_table(
        self, snapshot: Snapshot, understood: Understood, filters: Filters | None,
        evidence: Evidence | None,
    ) -> tuple[RoleQuestion | None, Reply | None]:  # fmt: skip
        """The question read as a who-did-what question (None when it is not one) and the
        people table's answer to it, or None (the table knows nothing of it; a count the
        articles state is the sentence path's)."""
        q = read_role_question(understood.standalone)
        if q is None:
            return None, None
        if q.wants == COUNT and evidence is not None and evidence.short is not None:
            sure = evidence.confidence >= self.threshold and _a_number(evidence.short.text)
            if sure or counts_asked(snapshot, evidence, understood.standalone):
                return q, None  # the number the articles state
        earlier = ([t.rewritten_question or t.question for t in understood.turns]
                   if follows_on(understood.question, understood.standalone) else [])  # fmt: skip
        told = reply(snapshot, PeopleView.of(snapshot, self.index.embedder), q, filters, earlier)
        if (
            told is not None
            and told.refusal
            and evidence is not None
            and evidence.confidence >= SURE_DESPITE_TABLE
            and evidence.short is not None
        ):
            return q, None  # the table missed it; a sentence says it plainly
        return q, told

    def _claim(self, snapshot: Snapshot, evidence: Evidence, stated: bool = False) -> Claim:
        """The chosen unit as a claim: the short answer when the span model gives it enough
        weight (or it is the count a how-many question asks: stated), and the quote that
        holds it."""
        short = evidence.short
        sure = short is not None and (stated or short.probability >= self.model.span_threshold)
        shown = short if sure else None
        unit = evidence.unit
        start, end = quote_bounds(snapshot, unit.sentences, shown.start if shown else None)
        citation = cite(snapshot, 1, unit.article_id, start, end)
        return Claim(shown.text if shown else "", (citation,), evidence.confidence)


def _saying_the_role(
    snapshot: Snapshot, asked: RoleQuestion, evidence: Evidence, claim: Claim
) -> Claim:
    """The claim quoting the sentence after its quote too when the quote does not say the role
    asked and that sentence, of the same unit, does and names the answer ("... who said her
    country would host the meeting. Tunisia will also chair the steering committee")."""
    if asked.wants != HOLDER or not asked.roles <= _SAID_ROLES or len(claim.evidence) != 1:
        return claim
    (cited,) = claim.evidence
    text = snapshot.text(cited.article_id)
    after = [s for s in evidence.unit.sentences if s.start >= cited.end]
    if not after or _says_a_role(text[cited.start : cited.end], asked):
        return claim
    following = text[after[0].start : after[0].end]
    named = claim.text.removesuffix("'s").removesuffix("’s")  # "Tunisia's"
    if not _says_a_role(following, asked) or not named or named not in following:
        return claim
    widened = cite(snapshot, 1, cited.article_id, cited.start, after[0].end)
    return replace(claim, evidence=(widened,))


def _quoted(snapshot: Snapshot, claim: Claim) -> str:
    return " ".join(snapshot.text(c.article_id)[c.start : c.end] for c in claim.evidence)


def _unsupported(snapshot: Snapshot, asked: RoleQuestion, claim: Claim) -> str | None:
    """Why a sentence chosen for a who-did-what question the table could not answer does not
    answer it, or None: asked who, it shows no one as the answer and its quote names no person,
    country or body ("The programme gave no name for whoever was to chair it"), or it shows a
    document; asked which session, neither its answer nor its quote names one; asked
    about a country's delegation or official, it does not name the country ("Who led
    Mongolia's delegation?" is not answered by the Indian delegation's head); asked which
    country someone is from, it names none."""
    quoted = _quoted(snapshot, claim)
    if asked.wants == HOLDER and claim.text and names_a_document(claim.text):
        return ""  # asked who, it shows a charter or a declaration
    if asked.wants == HOLDER and asked.roles <= _SAID_ROLES and not _says_a_role(quoted, asked):
        return ""  # asked who gave the keynote, its quote says no keynote ("... closed it")
    if asked.wants == SESSION and not (_a_session(claim.text) or _a_session(quoted)):
        return ""  # asked which panel, it shows a fund or a person, and its quote no session
    if asked.wants == HOLDER and not claim.text:
        found = nlp.entities([quoted])[0]
        if not any(label in _HOLDERS for *_, label in found):
            return ""
    if asked.place and asked.place not in countries_in(quoted):
        return nothing_about([asked.place])
    if (
        asked.wants == WHOSE
        and asked.holder_kind == "country"
        and not countries_in(f"{claim.text} {quoted}")
    ):
        return ""  # asked which country someone is from, it names none
    return None


_HOLDERS = frozenset({"PERSON", "ORG", "GPE", "NORP"})  # what a recogniser calls one who acts
# roles a sentence names when it says who held them: a keynote, a chair, a delegation's head
# (not speaking or presenting, said in countless ways)
_SAID_ROLES = frozenset(
    "opened chair co-chair moderator keynote head-of-delegation host president signatory "
    "award".split()
)


def _says_a_role(text: str, asked: RoleQuestion) -> bool:
    """Whether a quote holds a word that may say one of the roles asked."""
    return any(roles_of_word(w) & asked.roles for w in re.findall(r"[A-Za-z][\w-]*", text))


def _a_session(text: str) -> bool:
    """Whether a text names a part of a programme ("the panel on shore power", "the
    workshops", "a side event", "the opening ceremony")."""
    words = {w.strip(".,;:'’\"“”").removesuffix("s") for w in text.lower().split()}
    return bool(words & _PROGRAMME)


_PROGRAMME = frozenset(w.removesuffix("s") for w in SESSION_NOUNS) | {
    "workshop", "event", "ceremony", "keynote", "address", "seminar", "lecture", "briefing",
}  # fmt: skip


_HOW_MANY = re.compile(r"\bhow many\s+([^?.!,;]+)", re.IGNORECASE)


def counts_asked(snapshot: Snapshot, evidence: Evidence, question: str) -> bool:
    """Whether the chosen short answer is a number said of what a how-many question counts,
    its noun the first noun after the number ("How many countries sent delegations?":
    "officials from 38 countries"; not "How many people attended?"): the articles state the
    count, whatever the evidence's confidence."""
    asked = _HOW_MANY.search(question)
    short = evidence.short
    if asked is None or short is None or not _a_number(short.text):
        return False
    counted = _first_noun(asked.group(1))
    said = _first_noun(snapshot.text(evidence.unit.article_id)[short.end : short.end + 40])
    return bool(counted) and stem(counted) == stem(said)


def _first_noun(text: str) -> str:
    """The first noun of a phrase, lower case, within its first four words ("" when none)."""
    words = nlp.tag(text)[:4]
    return next((w.lower() for w, pos, _ in words if pos in {"NOUN", "PROPN"}), "")


def _a_number(text: str) -> bool:
    """Whether a short answer states a number ("14", "seven", "a dozen")."""
    words = text.lower().replace("-", " ").split()
    return any(ch.isdigit() for ch in text) or any(w in NUMBER_VALUES for w in words)


class _Clock:
    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = (now - self.last) * 1000
        self.laps["total"] = (now - self.started) * 1000
        self.last = now
