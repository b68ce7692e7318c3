"""What the page shows, as plain functions tested without a server: the chat's Markdown, the
sources panel's HTML, tables, and the messages for the service's results.

Every piece of article text reaches the page escaped: a hostile article cannot inject markup.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.answering import NOT_IN_ARTICLES, REFUSED, count_line
from assistant.evaluation.records import Evaluation
from assistant.types import Answer, Article, ArticleRecord, Claim, IndexReport, Passage

EXAMPLES = [
    "Who chaired the session on pharmaceutical drugs?",
    "Which countries co-chaired it?",
    "Where was the BIMSTEC conference held?",
    "Who inaugurated the conference?",
    "What was the budget of the conference?",
]
SOURCES_EMPTY = '<div class="sources-empty">Sources for the answer appear here.</div>'

CSS = """
#sources { max-height: 640px; overflow-y: auto; }
.source { border-left: 3px solid #d0d7de; padding: 0.2em 0.8em; margin: 0.6em 0; }
.source.flash { border-left-color: #f59e0b; }
.source-head { font-size: 0.9em; color: #555; }
.source mark { background: #fde68a; color: inherit; padding: 0 0.1em; }
.confidence { font-size: 0.9em; margin-bottom: 0.4em; }
.confidence meter { width: 8em; vertical-align: middle; }
.refusal { font-weight: 600; margin-bottom: 0.4em; }
"""
# Citation numbers in the chat link to "#source-N": scroll the sources panel to it.
HEAD = """
<script>
document.addEventListener("click", function (event) {
  const link = event.target.closest && event.target.closest('a[href^="#source-"]');
  if (!link) return;
  const target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  event.preventDefault();
  target.scrollIntoView({behavior: "smooth", block: "nearest"});
  target.classList.add("flash");
  setTimeout(function () { target.classList.remove("flash"); }, 1500);
}, true);
</script>
"""

# Brackets escaped, no link can form; emphasis, code, tables and strike-through are escaped too.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(text: str) -> str:
    """Text shown literally inside Markdown: no markup, no HTML, no links."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def confidence_label(confidence: float, refused: bool) -> str:
    """The confidence in words: it is a calibrated probability that the quote answers."""
    if refused:
        return "too low to answer"
    return "high" if confidence >= 0.8 else "medium" if confidence >= 0.5 else "low"


def chat_markdown(answer: Answer, links: bool = True) -> str:
    """The answer as it appears in the chat, from its claims; citation numbers link to the
    sources panel (links=False: plain numbers, as in an exported conversation)."""
    if answer.refused:
        text = (
            f"**{NOT_IN_ARTICLES}.** {REFUSED}: {md_escape(answer.reason)}. "
            "The nearest passages are beside the chat."
        )
    else:
        text = claims_markdown(answer.claims, answer.generated, links=links)
        if answer.count is not None:  # the number, then every holder it counts
            listed = "\n".join(f"- {_quoted(c, links)}" for c in answer.claims)
            text = f"**{md_escape(count_line(answer.count))}**\n\n{listed}"
        if answer.coverage:
            text += f"\n\n_{md_escape(answer.coverage[:1].upper() + answer.coverage[1:])}._"
    if answer.fallback:
        text += f"\n\n_{md_escape(f'({answer.backend} answer not shown: {answer.note}.)')}_"
    return text


def claims_markdown(
    claims: Sequence[Claim], generated: bool, drafting: int = 0, links: bool = True
) -> str:
    """Claims as Markdown: a quoted claim as **short answer**: “quote” [n]; a model's checked
    sentences with their numbers; several quoted claims as a list. drafting: tokens a model
    has written beyond them (shown as progress, not as words)."""
    if generated:
        text = " ".join(_generated(c, links) for c in claims)
    else:
        lines = [_quoted(c, links) for c in claims]
        text = lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)
    if drafting:
        text += f"{' ' if text else ''}_(writing… {drafting} tokens)_"
    return text


def _link(n: int, link: bool = True) -> str:
    return f"[\\[{n}\\]](#source-{n})" if link else f"\\[{n}\\]"


def _quoted(claim: Claim, link: bool = True) -> str:
    quotes = " ".join(f"“{md_escape(' '.join(c.quote.split()))}” {_link(c.n, link)}"
                      for c in claim.evidence)  # fmt: skip
    return f"**{md_escape(claim.text)}**: {quotes}" if claim.text else quotes


def _generated(claim: Claim, link: bool = True) -> str:
    links = "".join(f" {_link(c.n, link)}" for c in claim.evidence)
    text = md_escape(claim.text.rstrip())
    if text[-1:] in ".!?":
        return f"{text[:-1]}{links}{text[-1]}"
    return f"{text}{links}"


def conversation_markdown(answers: Sequence[Answer]) -> str:
    """A conversation as a Markdown document (the page's download, `assistant ask
    --markdown`): each question, its answer with numbered citations, and each source's
    quote with its article, date and page; a refusal with its reason. Article text escaped."""
    out = ["# Conversation with the assistant"]
    for number, answer in enumerate(answers, 1):
        out.append(f"## {number}. {md_escape(answer.question)}")
        if answer.rewritten_question != answer.question:
            out.append(f"_Read as: {md_escape(answer.rewritten_question)}_")
        if answer.refused:
            out.append(f"**{NOT_IN_ARTICLES}.** {REFUSED}: {md_escape(answer.reason)}.")
        else:
            out.append(chat_markdown(answer, links=False))
        sources = []
        for c in answer.citations:
            page = f", {c.where}" if c.page else ""
            sources.append(
                f"- \\[{c.n}\\] {md_escape(c.title)}, {c.date or 'no date'} "
                f"(article `{c.article_id}`{page}):\n  > {md_escape(' '.join(c.quote.split()))}"
            )
        if sources:
            out.append("Sources:\n\n" + "\n".join(sources))
        label = confidence_label(answer.confidence, answer.refused)
        out.append(f"_Confidence {answer.confidence:.2f} ({label})._")
    return "\n\n".join(out) + "\n"


def render_sources(answer: Answer, threshold: float = 0.5) -> str:
    """The sources panel: confidence, then each cited paragraph with the quote highlighted and
    the short answer in bold; for a refusal, the nearest passages."""
    level = confidence_label(answer.confidence, answer.refused)
    out = [
        f'<div class="confidence conf-{level.split()[0]}">Confidence: '
        f'<meter min="0" max="1" low="{threshold:.2f}" high="0.8" optimum="1" '
        f'value="{answer.confidence:.2f}"></meter> {level} ({answer.confidence:.2f})</div>'
    ]
    if answer.rewritten_question != answer.question:
        out.append(
            '<details class="rewritten"><summary>Question as understood</summary>'
            f"{html.escape(answer.rewritten_question)}</details>"
        )
    for c in answer.citations:
        before = c.paragraph[: max(0, c.start - c.paragraph_start)]
        after = c.paragraph[c.end - c.paragraph_start :] if c.paragraph else ""
        quote = html.escape(c.quote)
        for claim in answer.claims:
            if claim.text and not answer.generated and c in claim.evidence:
                short = html.escape(claim.text)
                quote = quote.replace(short, f"<b>{short}</b>", 1)
        page = f" · {c.where}" if c.page else ""  # a PDF's page
        out.append(
            f'<div class="source" id="source-{c.n}"><div class="source-head">[{c.n}] '
            f"<b>{html.escape(c.title)}</b> · {html.escape(c.date or 'no date')} · "
            f"<code>{html.escape(c.article_id)}</code>{page}</div>"
            f"<p>{html.escape(before)}<mark>{quote}</mark>{html.escape(after)}</p></div>"
        )
    for c in answer.set_aside:
        out.append(
            '<div class="source set-aside"><div class="source-head">Not the answer: what the '
            "extractive step would have quoted, set aside because the model found no answer "
            f"in the passages · <b>{html.escape(c.title)}</b> · "
            f"<code>{html.escape(c.article_id)}</code>{f' · {c.where}' if c.page else ''}</div>"
            f"<p>{html.escape(c.quote)}</p></div>"
        )
    if answer.refused:
        out.append(f'<div class="refusal">{NOT_IN_ARTICLES}. Nearest passages:</div>')
        out.append(render_passages(answer.passages[:3]))
    return "\n".join(out)


def render_passages(passages: tuple[Passage, ...] | list[Passage]) -> str:
    """Passages as HTML; every piece of article text is escaped."""
    items = []
    for p in passages:
        date = html.escape(p.date or "no date")
        items.append(
            f'<div class="source passage"><div class="source-head"><b>{html.escape(p.title)}</b>'
            f" · {date} · <code>{html.escape(p.chunk.article_id)}</code></div>"
            f"<p>{html.escape(p.chunk.text)}</p></div>"
        )
    return "\n".join(items)


def article_choices(rows: list[list[Any]]) -> list[tuple[str, str]]:
    """Dropdown choices ("title (id)", id) from the rows of the articles table."""
    return [(f"{row[1]} ({row[0]})", row[0]) for row in rows]


def metrics_rows(metrics: dict[str, Any]) -> list[list[str]]:
    rows = []
    for key, value in metrics.items():
        if value is None:
            shown = "–"
        elif key in {"turns", "false_refusals", "median_answer_words"}:
            shown = f"{value:g}"
        elif key.endswith("_ms"):
            shown = f"{value:.0f} ms"
        elif key == "calibration_error":
            shown = f"{value:.3f}"
        else:
            shown = f"{value:.1%}"
        rows.append([key.replace("_", " "), shown])
    return rows


def failing_rows(cases: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [c["id"], c["turn"], c["question"], c["reason"], c["answer"], round(c["confidence"], 2)]
        for c in cases
        if not c["correct"]
    ]


def article_rows(records: list[ArticleRecord]) -> list[list[Any]]:
    """The rows of the articles table."""
    return [[r.id, r.title, r.date, r.chunks, r.indexed_at] for r in records]


def added_files_message(
    results: list[tuple[str, Article | str]], report: IndexReport | str | None = None
) -> str:
    """(file name, the article added or why it was refused) and the sync that followed (its
    report, or why it failed) -> Markdown."""
    lines = [
        f"added {md_escape(name)} as article `{got.id}` ({md_escape(got.title)})"
        if isinstance(got, Article)
        else f"refused {md_escape(got)}"
        for name, got in results
    ]
    return "\n".join(f"- {line}" for line in lines) + _after_adding(report)


def added_text_message(article: Article, report: IndexReport | str | None = None) -> str:
    return (
        f"added pasted article `{article.id}` ({md_escape(article.title)}, "
        f"{article.date or 'no date'})" + _after_adding(report)
    )


def _after_adding(report: IndexReport | str | None) -> str:
    if isinstance(report, IndexReport):
        return "\n\n" + update_message(report)
    if isinstance(report, str):
        return f"\n\n**Index not updated:** {md_escape(report)}"
    return ""


def synced_message(last: tuple[dt.datetime, IndexReport, str] | None, version: str) -> str:
    """What the page says when the index changed outside it: the report of this process's
    last sync when that made the version the page now sees (the corpus watcher), else that
    another process updated it."""
    if last is None or last[2] != version:
        return "**The index was updated** by another process."
    when, report, _ = last
    return update_message(report).replace(
        "**Index updated:**", f"**Index updated** at {when.astimezone():%H:%M:%S}:", 1
    )


def update_message(report: IndexReport) -> str:
    lines = [f"**Index updated:** {report.summary()}"]
    lines += [f"- skipped `{s.path}`: {s.reason}" for s in report.skipped]
    return "\n".join(lines)


def deleted_message(article_id: str, path: Path, report: IndexReport) -> str:
    return f"deleted `{article_id}` ({path.name}); {report.summary()}"


def evaluation_summary(evaluation: Evaluation) -> str:
    m = evaluation.metrics
    return (
        f"**{int(m['turns'] or 0)} turns from {md_escape(Path(evaluation.questions).name)}:** "
        f"accuracy {(m['accuracy'] or 0):.1%}; answerable: evidence right "
        f"{(m['evidence_accuracy'] or 0):.1%}, short answer right "
        f"{(m['short_answer_accuracy'] or 0):.1%}; refusal recall "
        f"{(m['refusal_recall'] or 0):.1%}, citations {(m['citation_accuracy'] or 0):.1%}."
    )
