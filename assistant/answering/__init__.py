"""Question -> cited answer, by stage: question/ reads the question (and follow-ups),
vocabulary/ knows the index's words, retrieval/ finds passages and candidate sentences,
evidence/ describes each candidate unit and lets the fitted model choose, compose/ builds the
Answer as claims; people/ answers who-did-what questions from the people table the index
keeps; pipeline.py runs them in that order and generative/ words the answer with a language
model behind a grounding check.

What the other parts (evaluation/, app/) may use is exported here and nowhere else; the
language-model parts load on first use.
"""

from __future__ import annotations

from typing import Any

from assistant.answering.backends import Backend, make_backend, names, register
from assistant.answering.compose.compose import (
    MODEL_DECLINES,
    NOT_IN_ARTICLES,
    REFUSED,
    count_line,
    plain_text,
    refused,
)
from assistant.answering.evidence.candidates import Unit
from assistant.answering.evidence.choose import Candidates, Choice, rank
from assistant.answering.evidence.model import (
    MODEL_PATH,
    Calibration,
    EvidenceModel,
    feature_set,
    load_model,
    save_model,
)
from assistant.answering.evidence.schema import (
    CONFIDENCE_FEATURES,
    CONFIDENCE_SIGNS,
    SPAN_FEATURES,
    SPAN_SIGNS,
    UNIT_FEATURES,
    UNIT_SIGNS,
)
from assistant.answering.evidence.spans import ShortAnswer, logged_spans
from assistant.answering.people.table import people_table
from assistant.answering.pipeline import Answerer, Understood
from assistant.answering.retrieval.retrieve import Retriever, fuse
from assistant.answering.vocabulary.lexicon import Lexicon
from assistant.fitted import Linear, Tree, Trees, sigmoid, signs

# The language-model parts import LangChain: only when asked for.
_LAZY = {
    "GenerativeAnswerer": "assistant.answering.generative.generate",
    "chat_model": "assistant.answering.generative.llm",
    "serve_gguf": "assistant.answering.generative.llm",
    "tutorial_messages": "assistant.answering.generative.prompts",
    "grounding": "assistant.answering.generative.grounding",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(_LAZY[name])
        return module if name == "grounding" else getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CONFIDENCE_FEATURES",
    "CONFIDENCE_SIGNS",
    "MODEL_DECLINES",
    "MODEL_PATH",
    "NOT_IN_ARTICLES",
    "REFUSED",
    "SPAN_FEATURES",
    "SPAN_SIGNS",
    "UNIT_FEATURES",
    "UNIT_SIGNS",
    "Answerer",
    "Backend",
    "Calibration",
    "Candidates",
    "Choice",
    "EvidenceModel",
    "Lexicon",
    "Linear",
    "Retriever",
    "ShortAnswer",
    "Tree",
    "Trees",
    "Understood",
    "Unit",
    "count_line",
    "feature_set",
    "fuse",
    "load_model",
    "logged_spans",
    "make_backend",
    "names",
    "people_table",
    "plain_text",
    "rank",
    "refused",
    "register",
    "save_model",
    "sigmoid",
    "signs",
]
