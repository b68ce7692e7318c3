"""Server mode: the index lives on a Chroma server (setting `chroma_url`) instead of in files.

Collections on the server, for a namespace N (setting `chroma_namespace`, default
"assistant"):

    N-meta                 "current" pointer record {build, generation}: the commit point;
                           "manifest:<build>:<generation>" records holding the manifest JSON
    N-chunks-<build>       chunk vectors with their text and metadata (what dense search reads)
    N-sentences-<build>    one vector per sentence read in context, id "<article>#<position>"

A sync writes the chunk and sentence records, then the new manifest record, then moves the
pointer; a crash before the pointer moves leaves the previous state answering, and records
written beyond it are pruned by the next sync. A rebuild writes a new build's collections and
switches the pointer. Every replica (any number of `assistant serve` processes, on any
machine that reaches the server) reads the pointer before a question, and when it has moved
loads the manifest and the sentence vectors and rebuilds its keyword index in memory: nothing
is shared through local files. Only the writer lock is local, so run syncs from one host.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from assistant.errors import AssistantError
from assistant.store.layout import HNSW, widened

POINTER = "current"


def namespace_of(namespace: str, index_dir: Path) -> str:
    """The namespace setting as used: `auto` names one after the index folder, so that each
    `--index` folder keeps its own index on a shared server, as with files."""
    if namespace != "auto":
        return namespace
    digest = hashlib.sha256(str(index_dir.resolve()).encode("utf-8")).hexdigest()
    return f"index-{digest[:16]}"


def client_for(url: str) -> Any:
    """A Chroma HttpClient for http(s)://host:port (telemetry off)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    parsed = urlparse(url if "://" in url else f"http://{url}")
    if not parsed.hostname:
        raise AssistantError(f"ASSISTANT_CHROMA_URL {url!r} is not a URL like http://host:8000")
    try:
        return chromadb.HttpClient(
            host=parsed.hostname,
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False),
        )
    except Exception as exc:
        raise AssistantError(
            f"cannot reach the Chroma server at {url} ({' '.join(str(exc).split())[:160]}): "
            "start it (`chroma run --path DIR --port 8000`) or unset ASSISTANT_CHROMA_URL"
        ) from None


class Remote:
    """The index's state on a Chroma server."""

    def __init__(self, url: str, namespace: str) -> None:
        self.url = url
        self.namespace = namespace
        self.client = client_for(url)

    def _meta(self) -> Any:
        return self.client.get_or_create_collection(
            f"{self.namespace}-meta", embedding_function=None
        )

    def collection(self, kind: str, build: str, metadata: dict[str, Any] | None = None) -> Any:
        """The chunks or sentences collection of a build (created on first use)."""
        return widened(
            self.client.get_or_create_collection(
                f"{self.namespace}-{kind}-{build}",
                configuration={"hnsw": dict(HNSW)},
                metadata=metadata or None,
                embedding_function=None,
            )
        )

    def current(self) -> tuple[str, int] | None:
        """(build, generation) that answers queries, or None before the first sync."""
        found = self._meta().get(ids=[POINTER], include=["metadatas"])
        if not found["ids"]:
            return None
        meta = found["metadatas"][0]
        return str(meta["build"]), int(meta["generation"])

    def manifest(self, build: str, generation: int) -> dict[str, Any]:
        found = self._meta().get(ids=[f"manifest:{build}:{generation}"], include=["documents"])
        if not found["ids"]:
            raise AssistantError(
                f"the index on {self.url} is damaged (no manifest for {build} generation "
                f"{generation}): run `assistant index --rebuild`"
            )
        return json.loads(found["documents"][0])

    def commit(self, build: str, generation: int, manifest: dict[str, Any]) -> None:
        """Store the manifest, then move the pointer to it (the commit point)."""
        meta = self._meta()
        meta.upsert(
            ids=[f"manifest:{build}:{generation}"],
            documents=[json.dumps(manifest, ensure_ascii=False)],
            embeddings=[[0.0]],
            metadatas=[{"build": build, "generation": generation}],
        )
        meta.upsert(
            ids=[POINTER],
            documents=[""],
            embeddings=[[0.0]],
            metadatas=[{"build": build, "generation": generation}],
        )

    def remove_stale(self, build: str, generation: int, previous: str = "") -> None:
        """Collections of builds other than this one and the previous one, and manifests older
        than the one before this (questions may still be reading the previous state)."""
        meta = self._meta()
        keep = {f"manifest:{build}:{generation}", f"manifest:{build}:{generation - 1}"}
        if previous and previous != build:
            keep |= {
                i for i in meta.get(include=[])["ids"] if i.startswith(f"manifest:{previous}:")
            }
        old = [
            i for i in meta.get(include=[])["ids"] if i.startswith("manifest:") and i not in keep
        ]
        if old:
            meta.delete(ids=old)
        for collection in self.client.list_collections():
            name = collection.name if hasattr(collection, "name") else str(collection)
            for kind in ("chunks", "sentences"):
                prefix = f"{self.namespace}-{kind}-"
                if name.startswith(prefix) and name not in {
                    f"{prefix}{build}",
                    f"{prefix}{previous}",
                }:
                    self.client.delete_collection(name)
