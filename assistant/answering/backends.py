"""Who words an answer: every backend answers through one small protocol (`ask`, `stream`,
and `answer` from a given snapshot) and is made by name from a registry, so the faces never ask
which kind they hold and tests can register a fake the same way the real ones are registered."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from assistant.answering.pipeline import Answerer
from assistant.config import BACKENDS, Settings
from assistant.errors import AssistantError
from assistant.store.reader import Snapshot
from assistant.types import Answer, Filters, StreamItem


class Backend(Protocol):
    """An answerer: a whole Answer, or checked sentences as they come and then the Answer."""

    name: str
    threshold: float

    def ask(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None
    ) -> Answer: ...

    def stream(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None
    ) -> Iterator[StreamItem]: ...

    def answer(
        self,
        snapshot: Snapshot,
        question: str,
        history: Sequence[Any] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """The Answer from this snapshot only (`ask` takes the current one)."""
        ...


Factory = Callable[[Answerer, Settings, str], Backend]


def _extractive(extractive: Answerer, settings: Settings, name: str) -> Backend:
    return extractive


def _generative(extractive: Answerer, settings: Settings, name: str) -> Backend:
    from assistant.answering.generative.generate import GenerativeAnswerer  # LangChain: lazily

    return GenerativeAnswerer(extractive, settings, name)


_REGISTRY: dict[str, Factory] = {
    "extractive": _extractive,
    **{name: _generative for name in BACKENDS if name != "extractive"},
}


def register(name: str, factory: Factory | None) -> Factory | None:
    """Make `name` a backend (a test's fake, say), built by factory(extractive, settings, name);
    None removes it. Returns the factory it had before."""
    before = _REGISTRY.get(name)
    if factory is None:
        _REGISTRY.pop(name, None)
    else:
        _REGISTRY[name] = factory
    return before


def names() -> list[str]:
    return list(_REGISTRY)


def make_backend(name: str, extractive: Answerer, settings: Settings) -> Backend:
    """The backend of that name, over the extractive answerer."""
    factory = _REGISTRY.get(name)
    if factory is None:
        raise AssistantError(f"unknown backend {name!r}: choose one of {', '.join(_REGISTRY)}")
    return factory(extractive, settings, name)
