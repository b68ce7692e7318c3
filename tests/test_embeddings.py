"""The two runtimes of the bundled embedding model give the same vectors."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.errors import AssistantError
from assistant.store.embeddings import LocalEmbeddings, OnnxEmbeddings, embedder_for, onnx_file

TEXTS = [
    "Who chaired the session on pharmaceutical drugs?",
    "On the second day, drug controller K. Bangarurajan led the session on pharmaceutical "
    "drugs, and Social Justice Secretary R. Subrahmanyam led the session on demand reduction.",
    "x",
    "word " * 400,  # longer than the model reads: truncated the same way
]


@pytest.mark.slow
def test_onnx_and_torch_vectors_agree(embedder: LocalEmbeddings) -> None:
    assert isinstance(embedder, OnnxEmbeddings)  # the tests run the default runtime
    onnx = embedder.encode(TEXTS)
    torch = LocalEmbeddings(threads=1).encode(TEXTS)
    assert onnx.shape == torch.shape == (4, 384) and onnx.dtype == np.float32
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    assert float((onnx * torch).sum(axis=1).min()) > 0.9999
    one = embedder.encode([TEXTS[1]])[0]  # batching and padding do not change a vector
    assert float(one @ onnx[1]) > 0.99999
    assert onnx_file().is_file()


def test_unknown_runtime() -> None:
    with pytest.raises(AssistantError, match="onnx or torch"):
        embedder_for("tensorflow")
