"""Recorded answers of a capable model, replayed by a small OpenAI-compatible server, so that
the generative path can be measured and tested with a good model's answers and no model:
`assistant llm-replay FILE` serves them; `assistant eval --backend openai` (with
ASSISTANT_OPENAI_BASE_URL pointing at it) scores them.

A recordings file is JSON: {"about": "...", "answers": [{"question": ..., "answer": ...,
"kind": ..., "passages": {"1": "<text of passage [1] as the prompt gave it>", ...}}]}, each
answer written for the exact prompt the assistant sent for that question (`kind`: right,
declines, wrong-number, invented-name, ... as the writer meant it). The server finds the
question in the prompt ("Question: ...") and replays its answer, streamed word by word when
asked to stream, with its citations renumbered to where the passages it cites stand in the
prompt it is sent (a passage that is not there any more is cited as one that does not
exist, so the answer fails the check, as it should); a question it has no answer for gets
the model's refusal. A request to rewrite a follow-up gets an empty reply (the assistant then
uses its own rewrite).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from assistant.answering import MODEL_DECLINES
from assistant.errors import AssistantError

DECLINE = MODEL_DECLINES  # the reply the prompt asks for
_QUESTION = re.compile(r"\bQuestion:\s*(.+?)\s*\nAnswer:\s*$", re.S)
_WORDS = re.compile(r"[a-z0-9]+")
_PASSAGE = re.compile(r"^\[(\d+)\] \((.+?, (?:\d{4}-\d\d-\d\d|no date))\) (.*)$", re.M)
_CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


@dataclass(frozen=True)
class Recorded:
    question: str
    answer: str
    kind: str = ""
    passages: tuple[tuple[str, str], ...] = ()  # (number in the recorded prompt, its text)


def load_recordings(path: Path) -> list[Recorded]:
    """The recorded answers in a file; errors name the file and what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data["answers"]
        return [Recorded(str(i["question"]), str(i["answer"]), str(i.get("kind", "")),
                         tuple((str(k), str(v)) for k, v in i.get("passages", {}).items()))
                for i in items]  # fmt: skip
    except OSError as exc:
        raise AssistantError(f"cannot read the recordings {path}: {exc.strerror}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise AssistantError(
            f"{path} is not a recordings file ({exc}): expected "
            '{"answers": [{"question": "...", "answer": "..."}]}'
        ) from None


class Recordings:
    """Answers by question: the exact question, else the recorded one sharing most words
    (at least half of them: a follow-up's rewritten question may differ slightly)."""

    def __init__(self, recorded: list[Recorded]) -> None:
        self.by_question = {key_of(r.question): r for r in recorded}

    def answer(self, question: str, passages: dict[str, str] | None = None) -> str:
        """The recorded answer to the question, its citations renumbered to the passages
        (text -> number) of the prompt it answers, when given."""
        found = self.find(question)
        if found is None:
            return DECLINE
        if passages is None or not found.passages:
            return found.answer
        number = {text: n for n, text in passages.items()}
        missing = str(len(passages) + 1)
        moved = {old: number.get(text, missing) for old, text in found.passages}
        return _CITATION.sub(
            lambda m: "[" + ", ".join(moved.get(n.strip(), n.strip())
                                      for n in m.group(1).split(",")) + "]",
            found.answer,
        )  # fmt: skip

    def find(self, question: str) -> Recorded | None:
        found = self.by_question.get(key_of(question))
        if found is None:
            words = set(_WORDS.findall(question.lower()))
            scored = [
                (len(words & set(k.split())) / max(1, len(words | set(k.split()))), r)
                for k, r in self.by_question.items()
            ]
            best = max(scored, key=lambda x: x[0], default=(0.0, None))
            found = best[1] if best[0] >= 0.5 else None
        return found


def key_of(question: str) -> str:
    """A question's words, lower-cased: what a recording is found by."""
    return " ".join(_WORDS.findall(question.lower()))


def passages_of(messages: list[dict[str, Any]]) -> dict[str, str]:
    """The numbered passages of an answer prompt: number -> text."""
    for message in reversed(messages):
        if message.get("role") == "user":
            return dict((n, text) for n, _, text in _PASSAGE.findall(str(message.get("content"))))
    return {}


def question_of(messages: list[dict[str, Any]]) -> str | None:
    """The question an answer prompt asks; None for another prompt (a follow-up rewrite)."""
    for message in reversed(messages):
        if message.get("role") == "user":
            found = _QUESTION.search(str(message.get("content", "")))
            return found.group(1) if found else None
    return None


class ReplayServer:
    """An OpenAI-compatible chat server on host:port replaying recordings (port 0: any free
    one); `start()` runs it in a thread, `close()` stops it."""

    def __init__(self, recordings: Recordings, host: str = "127.0.0.1", port: int = 0) -> None:
        self.recordings = recordings
        self.requests = 0
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def serve(self) -> None:
        self._server.serve_forever()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reply(self, body: dict[str, Any]) -> str:
        self.requests += 1
        messages = list(body.get("messages", []))
        question = question_of(messages)
        if question is None:
            return ""
        return self.recordings.answer(question, passages_of(messages))


def _handler(server: ReplayServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json({"object": "list", "data": [{"id": "replay", "object": "model"}]})
            else:
                self.send_error(404)

        def do_POST(self) -> None:
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self.send_error(404)
                return
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            text = server.reply(body)
            if body.get("stream"):
                self._stream(text)
            else:
                self._json(_completion(text))

        def _json(self, data: dict[str, Any]) -> None:
            payload = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _stream(self, text: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            pieces = re.findall(r"\S+\s*", text) or [""]
            for piece in pieces:
                self._event(_chunk(piece))
            self._event(_chunk("", finish="stop", tokens=len(pieces)))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _event(self, data: dict[str, Any]) -> None:
            self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()

    return Handler


def _completion(text: str) -> dict[str, Any]:
    words = len(text.split())
    return {
        "id": "replay", "object": "chat.completion", "created": int(time.time()),
        "model": "replay",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": words, "total_tokens": words},
    }  # fmt: skip


def _chunk(text: str, finish: str | None = None, tokens: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "replay", "object": "chat.completion.chunk", "created": int(time.time()),
        "model": "replay",
        "choices": [{"index": 0, "delta": {"content": text} if text else {},
                     "finish_reason": finish}],
    }  # fmt: skip
    if finish:
        data["usage"] = {"prompt_tokens": 0, "completion_tokens": tokens,
                         "total_tokens": tokens}  # fmt: skip
    return data
