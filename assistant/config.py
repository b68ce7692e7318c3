"""All settings in one place; each can be set by an environment variable ASSISTANT_<NAME>."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

BACKENDS = ("extractive", "llamacpp", "openai", "ollama")  # who words an answer


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/assistant, or ~/.cache/assistant."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "assistant"


class Settings(BaseSettings):
    """Settings for indexing, retrieval and serving (env prefix ASSISTANT_)."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of articles.")
    index_dir: Path = Field(Path("index"), description="Folder of the built index.")
    chunk_size: int = Field(900, ge=200, le=8000, description="Target chunk length (chars).")
    max_file_bytes: int = Field(2_000_000, ge=1, description="Larger corpus files are skipped.")
    max_document_bytes: int = Field(
        50_000_000, ge=1, description="Larger PDF and Word files are skipped."
    )
    embed_batch_size: int = Field(64, ge=1, le=1024)
    threads: int = Field(2, ge=1, le=64, description="CPU threads for the models.")
    embedding_runtime: str = Field(
        "onnx", description="onnx (default, faster) or torch: what runs the embedding model."
    )
    lock_wait: float = Field(0.0, ge=0, description="Seconds to wait for another writer.")
    # The corpus folder that syncs itself (`assistant serve`, `assistant index --watch`)
    watch: bool = Field(True, description="`serve` syncs the index when the corpus changes.")
    watch_delay: float = Field(
        2.0, ge=0.1, le=3600, description="Seconds of quiet in the corpus folder before a sync."
    )
    watch_polling: bool = Field(
        False, description="Scan the corpus folder for changes instead of file-system events."
    )
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=0, le=65535)
    auth: str = Field("", description="USER:PASSWORD to require a login on the web page.")
    api_key: str = Field(
        "", description="Bearer key the HTTP API (/api, /v1) asks for; empty: none (loopback)."
    )
    max_upload_bytes: int = Field(5_000_000, ge=1, description="Largest file the page accepts.")
    queue_size: int = Field(32, ge=1, description="Requests waiting beyond this are refused.")
    evidence_model: Path | None = Field(
        None, description="Evidence model file (default: the one shipped in the package)."
    )
    chroma_url: str = Field(
        "", description="A Chroma server (http://host:8000) to hold the index instead of files."
    )
    chroma_namespace: str = Field(
        "assistant",
        description="Prefix of this index's collections on the Chroma server; `auto`: one "
        "namespace per index folder, as with files.",
    )
    # Generative answers (README, "Generative answers"); the extractive answer is the default.
    backend: str = Field(
        "extractive", description="extractive, llamacpp, openai or ollama (answers, web chat)."
    )
    llm_model_path: Path | None = Field(
        None, description="GGUF chat model for llamacpp (default: the bundled SmolLM2-135M)."
    )
    llm_context: int = Field(4096, ge=512, description="Context window (tokens) for llamacpp.")
    llm_max_tokens: int = Field(160, ge=8, description="Longest generated answer (tokens).")
    llm_timeout: float = Field(60.0, gt=0, description="Seconds to wait for a model server.")
    llm_passages: int = Field(3, ge=1, le=10, description="Numbered passages the model reads.")
    # Who decides whether to answer (README, "Generative answers"): a trusted backend's model
    # is asked whenever retrieval found anything near the question, and its refusal stands; an
    # untrusted one is asked only when the extractive step answers.
    llamacpp_trusted: bool = Field(
        False, description="Trust the llamacpp model (the bundled SmolLM2-135M is too weak)."
    )
    openai_trusted: bool = Field(True, description="Trust the model behind `openai`.")
    ollama_trusted: bool = Field(True, description="Trust the model behind `ollama`.")
    llm_floor: float = Field(
        0.01,
        ge=0,
        le=1,
        description="A trusted model is not asked below this extractive confidence.",
    )
    openai_base_url: str = Field(
        "http://127.0.0.1:8080/v1", description="OpenAI-compatible server for `openai`."
    )
    openai_model: str = Field("default", description="Model name sent to that server.")
    openai_api_key_env: str = Field(
        "OPENAI_API_KEY", description="Environment variable holding that server's API key."
    )
    ollama_url: str = Field("http://127.0.0.1:11434", description="Ollama server for `ollama`.")
    ollama_model: str = Field("llama3.2", description="Ollama model name.")
    cache_dir: Path = Field(
        default_factory=lambda: default_cache_dir(),
        description="Where the ONNX export of the embedding model is kept.",
    )
    debug: bool = Field(False, description="Print the traceback of an unexpected error.")

    def openai_api_key(self) -> str:
        """The key for the OpenAI-compatible server, from the variable openai_api_key_env names."""
        return os.environ.get(self.openai_api_key_env) or "not-needed"

    @field_validator("embedding_runtime")
    @classmethod
    def _known_runtime(cls, value: str) -> str:
        if value not in ("onnx", "torch"):
            raise ValueError(f"unknown embedding runtime {value!r}: use onnx or torch")
        return value

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value not in BACKENDS:
            raise ValueError(f"unknown backend {value!r}: choose one of {', '.join(BACKENDS)}")
        return value
