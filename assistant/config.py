"""All settings in one place; each can be set by an environment variable ASSISTANT_<NAME>."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings for indexing, retrieval and serving (env prefix ASSISTANT_)."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of articles.")
    index_dir: Path = Field(Path("index"), description="Folder of the built index.")
    chunk_size: int = Field(900, ge=200, le=8000, description="Target chunk length (chars).")
    max_file_bytes: int = Field(2_000_000, ge=1, description="Larger corpus files are skipped.")
    embed_batch_size: int = Field(64, ge=1, le=1024)
    threads: int = Field(2, ge=1, le=64, description="CPU threads for torch.")
    lock_wait: float = Field(0.0, ge=0, description="Seconds to wait for another writer.")
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=0, le=65535)
    auth: str = Field("", description="USER:PASSWORD to require a login on the web page.")
    max_upload_bytes: int = Field(5_000_000, ge=1, description="Largest file the page accepts.")
    queue_size: int = Field(32, ge=1, description="Requests waiting beyond this are refused.")
    evidence_model: Path | None = Field(
        None, description="Evidence model file (default: the one shipped in the package)."
    )
