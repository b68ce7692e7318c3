from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest.chunking import chunk_article, split_sentences
from assistant.ingest.corpus import load_article, load_corpus
from assistant.types import Article

from .conftest import DATA, ROOT


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "This session was chaired by K. Bangarurajan, Joint Drug Controller. It ended.",
            ["This session was chaired by K. Bangarurajan, Joint Drug Controller.", "It ended."],
        ),
        (
            "Minister V. Muraleedharan attended. So did Dr. Rao and Mr. M. K. Osei.",
            ["Minister V. Muraleedharan attended.", "So did Dr. Rao and Mr. M. K. Osei."],
        ),
        (
            "Talks were held w.r.t. the diversion of drugs. The U.N. agency helped. Done!",
            ["Talks were held w.r.t. the diversion of drugs.", "The U.N. agency helped.", "Done!"],
        ),
        (
            'It met on Feb. 14 in Delhi. "Why now?" he asked. (Nobody knew.) Next.',
            ["It met on Feb. 14 in Delhi.", '"Why now?" he asked.', "(Nobody knew.)", "Next."],
        ),
        (
            "Seizures rose 3.5 per cent. Officials said so.",
            ["Seizures rose 3.5 per cent.", "Officials said so."],
        ),
        ("No final punctuation", ["No final punctuation"]),
    ],
)
def test_sentence_splitting(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_offsets_map_back_to_the_exact_text_for_every_article() -> None:
    articles, _ = load_corpus(ROOT / "corpus", 10**6)
    articles += [load_article(p, p.stem, 10**6) for p in sorted((DATA / "sites").iterdir())]
    for article in articles:
        chunks = chunk_article(article, chunk_size=300)
        assert chunks, article.id
        seen = []
        for i, chunk in enumerate(chunks):
            assert chunk.id == f"{article.id}#{i}@{article.content_hash[:12]}"
            assert article.text[chunk.start : chunk.end] == chunk.text
            for start, end in chunk.sentences:
                sentence = article.text[start:end]
                assert sentence == sentence.strip() and sentence
                assert chunk.start <= start < end <= chunk.end
                seen.append((start, end))
        # Sentences cover every word of the article once, in order.
        assert seen == sorted(seen)
        words = " ".join(article.text[s:e] for s, e in seen).split()
        assert words == article.text.split()


def test_chunks_respect_the_size_and_keep_paragraphs_whole_where_they_fit() -> None:
    paragraph = "One sentence about the session and its chair. " * 6
    text = "\n\n".join([paragraph.strip()] * 4)
    article = Article("a", "a.md", "T", "", "", text, "h")
    chunks = chunk_article(article, chunk_size=600)
    assert all(len(c.text) <= 600 for c in chunks)
    assert len(chunks) == 2  # two ~280-char paragraphs per chunk
    long_chunks = chunk_article(article, chunk_size=200)
    assert all(len(c.text) <= 200 for c in long_chunks)
    assert len(long_chunks) > 4  # long paragraphs split at sentence boundaries


def test_initial_never_ends_a_chunk(tmp_path: Path) -> None:
    text = "Background words here. " * 20 + "The panel was chaired by K. Bangarurajan of India."
    article = Article("a", "a.md", "T", "", "", text, "h")
    for size in (200, 300, 470):
        for chunk in chunk_article(article, size):
            assert not chunk.text.endswith(" K.")
