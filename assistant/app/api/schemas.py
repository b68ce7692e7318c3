"""The request and response bodies of the HTTP API (pydantic models: validation and the
OpenAPI schema at /docs). Responses are the records' own dictionaries (Answer.as_dict,
RoleRow.as_dict, ...): one serializer for the CLI's --json and the API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.config import BACKENDS
from assistant.roles import ROLES
from assistant.types import ChatTurn, Filters

Backend = Literal[BACKENDS]  # type: ignore[valid-type]
Role = Literal[ROLES]  # type: ignore[valid-type]
MAX_QUESTION = 1000  # characters, as the page's question box


class Strict(BaseModel):
    """A request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class FiltersIn(Strict):
    """Only these articles, only articles dated in this range (YYYY-MM-DD, inclusive)."""

    article_ids: list[str] = Field(default_factory=list)
    since: str = ""
    until: str = ""


def filters_of(filters: FiltersIn | None) -> Filters | None:
    """A request's filters as the service takes them (a bad date is an error naming it)."""
    if filters is None:
        return None
    return Filters.parse(filters.article_ids, filters.since, filters.until,
                         ("filters.since", "filters.until"))  # fmt: skip


class ChatMessageIn(Strict):
    """An earlier message of the conversation."""

    role: Literal["user", "assistant"]
    content: str


class TurnIn(BaseModel):
    """An earlier turn as `assistant ask --json` (or /api/ask) returned it: its question and
    answer; its other fields (citations, short_answer ...) are read when present."""

    model_config = ConfigDict(extra="allow")
    question: str
    answer: str = ""

    @model_validator(mode="after")
    def _readable(self) -> TurnIn:
        try:  # what the conversation reads of it: a 422 now, not a 500 later
            ChatTurn.from_dict(self.model_dump())
        except (TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"a turn of the history cannot be read: {exc}") from None
        return self


def _question(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("the question is empty")
    return value


class AskIn(Strict):
    """One question, with the conversation so far (oldest first) and optional filters."""

    question: str = Field(max_length=MAX_QUESTION, examples=["Who chaired the session?"])
    history: list[ChatMessageIn | TurnIn] = Field(default_factory=list)
    filters: FiltersIn | None = None
    backend: Backend | None = Field(None, description="who words the answer (default: setting)")

    _check_question = field_validator("question")(_question)


class QuoteOut(BaseModel):
    quote: str
    article: str
    page: int | None
    start: int
    end: int


class ClaimOut(BaseModel):
    """What the answer states (`text`) and the sentence it rests on, verbatim (exactly the
    article's text from `start` to `end`); more quotes of it under `also`."""

    text: str
    quote: str
    article: str
    page: int | None
    start: int
    end: int
    support: float
    also: list[QuoteOut] | None = None


class AnswerOut(BaseModel):
    """An answer as `assistant ask --json` prints it (the main fields; the response has
    them all, in that order)."""

    model_config = ConfigDict(extra="allow")
    question: str
    rewritten_question: str
    answer: str
    short_answer: str
    refused: bool
    reason: str
    confidence: float
    claims: list[ClaimOut]
    citations: list[dict[str, Any]]
    passages: list[dict[str, Any]]
    backend: str
    grounded: bool
    fallback: str | None
    note: str


class ArticleOut(BaseModel):
    id: str
    title: str
    date: str
    chunks: int
    source: str
    indexed_at: str


class SkippedOut(BaseModel):
    path: str
    reason: str


class SyncOut(BaseModel):
    """An index sync's report, as `assistant index --json` prints it."""

    added: int
    updated: int
    deleted: int
    unchanged: int
    skipped: list[SkippedOut]
    chunks: int
    seconds: float


class AddedOut(BaseModel):
    file: str
    id: str
    title: str


class RefusedOut(BaseModel):
    file: str
    reason: str


class UploadOut(BaseModel):
    """Which files were added (and as which article), which refused and why, and the sync."""

    added: list[AddedOut]
    refused: list[RefusedOut]
    sync: SyncOut


class DeletedOut(BaseModel):
    deleted: str
    file: str
    sync: SyncOut


class ErrorBody(BaseModel):
    message: str
    type: str


class ErrorOut(BaseModel):
    """Every error of the API, in the shape OpenAI clients read."""

    error: ErrorBody


# OpenAI-compatible chat (/v1)


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str = ""


class OpenAIMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text for p in self.content if p.type == "text")
        return self.content or ""


class ChatCompletionIn(BaseModel):
    """An OpenAI chat completion request: the last message is the question, the earlier
    user and assistant messages the conversation. Sampling options are accepted and ignored:
    the answer is quoted, not sampled. `filters` and `backend` are this API's own."""

    model_config = ConfigDict(extra="allow")
    model: str = "assistant"
    messages: list[OpenAIMessage] = Field(min_length=1)
    stream: bool = False
    filters: FiltersIn | None = None
    backend: Backend | None = None
