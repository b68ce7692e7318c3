"""The plain retrieval-augmented pipeline that tutorials build, as a yardstick: LangChain's
RecursiveCharacterTextSplitter (1000/200), Chroma dense top-4, and the bundled SmolLM2
answering from the stuffed context. It sees no conversation history and cites the top
retrieved chunk."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.answering import tutorial_messages
from assistant.store.reader import Snapshot
from assistant.types import Answer, Chunk, Citation, Claim, Passage

REFUSALS = ("don't know", "do not know", "not mentioned", "no information", "cannot answer")


class TutorialRAG:
    """Answers like a tutorial pipeline, returning the same Answer records as the assistant."""

    name = "tutorial"

    def __init__(self, index: Snapshot, embedder: Any, chat_model: Any, workdir: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self.chat_model = chat_model
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=1000, chunk_overlap=200, add_start_index=True
        )
        docs = []
        for record in index.articles():
            meta = {"article_id": record.id, "title": record.title, "date": record.date}
            docs += splitter.create_documents([index.text(record.id)], metadatas=[meta])
        client = chromadb.PersistentClient(
            path=str(workdir), settings=ChromaSettings(anonymized_telemetry=False)
        )
        self.store = Chroma(
            collection_name="tutorial",
            embedding_function=embedder,
            client=client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        if docs:
            self.store.add_documents(docs)

    def ask(self, question: str, history: Sequence[Any] = (), filters: Any = None) -> Answer:
        started = time.perf_counter()
        docs = self.store.similarity_search(question, k=4)
        context = "\n\n".join(d.page_content for d in docs)
        reply = self.chat_model.invoke(tutorial_messages(context, question))
        text = str(reply.content).strip()
        refused = not docs or any(phrase in text.lower() for phrase in REFUSALS)
        passages = tuple(self._passage(d, i) for i, d in enumerate(docs))
        citations = ()
        if docs and not refused:
            top = docs[0]
            start = int(top.metadata.get("start_index", 0))
            citations = (
                Citation(
                    n=1,
                    article_id=top.metadata["article_id"],
                    title=top.metadata.get("title", ""),
                    date=top.metadata.get("date", ""),
                    quote=top.page_content,
                    start=start,
                    end=start + len(top.page_content),
                ),
            )
        return Answer(
            question=question,
            rewritten_question=question,
            text=text,
            claims=() if refused else (Claim(text, citations, 1.0),),
            refused=refused,
            confidence=0.0 if refused else 1.0,
            passages=passages,
            timings_ms={"total": (time.perf_counter() - started) * 1000},
            generated=True,
        )

    @staticmethod
    def _passage(doc: Any, rank: int) -> Passage:
        start = int(doc.metadata.get("start_index", 0))
        chunk = Chunk(
            id=f"{doc.metadata['article_id']}~{start}",
            article_id=doc.metadata["article_id"],
            index=rank,
            text=doc.page_content,
            start=start,
            end=start + len(doc.page_content),
            sentences=(),
        )
        return Passage(chunk, doc.metadata.get("title", ""), doc.metadata.get("date", ""), 0.0)
