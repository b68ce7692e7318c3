"""The OpenAI-compatible face (/v1): the assistant as a model named `assistant`, so that any
OpenAI client or chat front end can ask it. The reply is the answer's text with its [n]
markers and the numbered sources after it; the answer as data (claims, quotes, offsets) rides
along in the extra field `assistant`. With `stream: true`, server-sent events in OpenAI's
chunk format: a language model's checked sentences as they pass, ending `data: [DONE]`."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from assistant.answering import plain_text
from assistant.app.api.guard import ApiError, require_key
from assistant.app.api.schemas import MAX_QUESTION, ChatCompletionIn, OpenAIMessage, filters_of
from assistant.app.service import Service
from assistant.app.terminal import sources_text
from assistant.errors import AssistantError
from assistant.types import Answer, Claim, StreamItem

MODEL = "assistant"  # the one model this server offers
SOURCES = "\n\nSources:\n"  # where a reply's sources begin (cut from earlier replies)


def reply_text(answer: Answer) -> str:
    """The chat message an answer makes: its text with [n] markers, then its sources."""
    return answer.text + sources_text(answer)


def question_and_history(messages: list[OpenAIMessage]) -> tuple[str, list[dict[str, str]]]:
    """The last message is the question (a user's); the user and assistant messages before it
    are the conversation (an earlier reply without its sources list)."""
    *earlier, last = messages
    if last.role != "user":
        raise ApiError(400, "the last message must be the user's question")
    question = last.text().strip()
    if not question:
        raise ApiError(400, "the question (the last user message) is empty")
    if len(question) > MAX_QUESTION:
        raise ApiError(400, f"the question is over {MAX_QUESTION} characters")
    history = [{"role": m.role, "content": m.text().split(SOURCES, 1)[0]}
               for m in earlier if m.role in ("user", "assistant")]  # fmt: skip
    return question, history


def completion(answer: Answer) -> dict[str, Any]:
    """A whole answer as an OpenAI chat completion."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": reply_text(answer)}}],
        "usage": {"prompt_tokens": 0, "completion_tokens": answer.tokens,
                  "total_tokens": answer.tokens},
        MODEL: answer.as_dict(),
    }  # fmt: skip


def chunks(items: Iterable[StreamItem]) -> Iterator[str]:
    """Server-sent events of a streamed answer in OpenAI's chunk format: the role, each
    checked sentence as it passes (a quoted answer comes whole), the sources, then a last
    chunk carrying the answer as data, and `data: [DONE]`."""
    head = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": MODEL}  # fmt: skip

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra}  # fmt: skip
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    streamed, answer = False, None
    try:
        for item in items:
            if isinstance(item, Claim):
                yield event({"content": (" " if streamed else "") + plain_text([item], True)})
                streamed = True
            elif isinstance(item, Answer):
                answer = item
    except AssistantError as exc:  # after the headers: the error as the last event
        yield f"data: {json.dumps({'error': {'message': str(exc), 'type': 'server_error'}})}\n\n"
        yield "data: [DONE]\n\n"
        return
    assert answer is not None
    rest = "" if streamed else answer.text
    if streamed and answer.fallback:  # the sentences sent are not the answer after all
        rest = f"\n\n({answer.backend} answer not kept: {answer.note})\n\n{answer.text}"
    yield event({"content": rest + sources_text(answer)})
    yield event({}, "stop", **{MODEL: answer.as_dict()})
    yield "data: [DONE]\n\n"


def router(service: Service) -> APIRouter:
    """/v1/chat/completions and /v1/models."""
    routes = APIRouter(prefix="/v1", dependencies=[Depends(require_key(service.settings))])

    @routes.get("/models")
    def models() -> dict[str, Any]:
        """The one model: `assistant`."""
        model = {"id": MODEL, "object": "model", "created": 0, "owned_by": MODEL}
        return {"object": "list", "data": [model]}

    @routes.post("/chat/completions")
    def completions(body: ChatCompletionIn) -> Any:
        """Answer the last user message (the earlier ones are the conversation), as an OpenAI
        chat completion; with `stream: true`, as server-sent events."""
        if body.model != MODEL:
            raise ApiError(404, f"unknown model {body.model!r}: this server has one, {MODEL!r}",
                           "not_found")  # fmt: skip
        question, history = question_and_history(body.messages)
        filters = filters_of(body.filters)
        service.check_index()
        if not body.stream:
            return completion(service.ask(question, history, filters, body.backend))
        items = service.stream(question, history, filters, body.backend)
        first = next(items)  # what fails at once (a bad backend setting) is a status code
        return StreamingResponse(chunks(chain([first], items)), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})  # fmt: skip

    return routes
