"""Article -> Chunks of whole sentences, each sentence with its offsets in the article text.

LangChain's splitters cut by character counts and lose sentence boundaries (they split
"chaired by K. Bangarurajan" at the initial), so sentences are found here with rules that know
initials, titles and dotted abbreviations, and chunks are packed from whole paragraphs.
"""

from __future__ import annotations

import re

from assistant.types import Article, Chunk

SPLITTER_VERSION = "sentences-v2"  # bump when splitting changes: the index must be rebuilt

# Words that end in a period without ending a sentence (titles, ranks, months, references).
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st sh smt shri km gen col lt capt maj sgt cmdr adm brig hon rev gov
    sen rep insp supt dept govt asst no nos vol fig approx est jan feb mar apr jun jul aug sep
    sept oct nov dec vs mt ft eng engr amb""".split()
)
_CANDIDATE = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9]")


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    if not _NEXT_STARTS_SENTENCE.match(text, match.end()):
        return False
    if match.group()[0] != ".":
        return True
    word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
    word = word.lstrip("\"'“‘([")
    if len(word) == 1 and word.isalpha():  # an initial: "K. Bangarurajan"
        return False
    if "." in word:  # a dotted abbreviation: "w.r.t.", "U.N."
        return False
    return word.lower() not in _ABBREVIATIONS


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each sentence in text, shifted by offset; whitespace is left outside."""
    spans = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        if _ends_sentence(text, match):
            spans.append((start, match.end()))
            start = match.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        piece = text[s:e]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            out.append((offset + s + lead, offset + s + lead + len(stripped)))
    return out


def chunk_article(article: Article, chunk_size: int) -> list[Chunk]:
    """Pack whole paragraphs into chunks of about chunk_size characters; split long paragraphs
    at sentence boundaries. Every chunk's text is exactly article.text[start:end]."""
    groups: list[list[tuple[int, int]]] = []  # each group: the sentences of one chunk
    current: list[tuple[int, int]] = []
    for p_start, p_end in article.paragraphs():
        sentences = split_sentences(article.text[p_start:p_end], p_start)
        if current and p_end - current[0][0] > chunk_size:
            groups.append(current)
            current = []
        for sentence in sentences:
            if current and sentence[1] - current[0][0] > chunk_size:
                groups.append(current)
                current = []
            current.append(sentence)
    if current:
        groups.append(current)
    chunks = []
    for i, group in enumerate(groups):
        start, end = group[0][0], group[-1][1]
        chunks.append(
            Chunk(
                id=chunk_id(article.id, article.content_hash, i),
                article_id=article.id,
                index=i,
                text=article.text[start:end],
                start=start,
                end=end,
                sentences=tuple(group),
            )
        )
    return chunks


def chunk_id(article_id: str, content_hash: str, i: int) -> str:
    """The id of an article's chunk i: the content's version in it, so an edit writes new
    records beside the old ones, which readers of the previous build still use."""
    return f"{article_id}#{i}@{content_hash[:12]}"
