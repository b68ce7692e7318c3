"""The Chat tab: a conversation whose answers stream in with a sources panel beside it, the
backend choice and filters, and the conversation to download as Markdown; and the /ask API
that answers one question as JSON."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.app.service import Service
from assistant.app.web.render import (
    EXAMPLES,
    SOURCES_EMPTY,
    article_choices,
    chat_markdown,
    claims_markdown,
    conversation_markdown,
    md_escape,
    render_sources,
)
from assistant.config import BACKENDS
from assistant.errors import AssistantError
from assistant.types import Answer, ChatTurn, Claim, Drafting, Filters

DATE_LABELS = ("From date", "To date")  # what the date filters are called on the page
DOWNLOAD = "Download conversation (Markdown)"
_EXPORTS: list[Path] = []  # the folder the conversations to download are written in


def export_file(answers: Sequence[Answer]) -> Path | None:
    """The conversation as a Markdown file to download (None before the first answer); the
    same conversation is the same file."""
    if not answers:
        return None
    text = conversation_markdown(answers)
    if not _EXPORTS:
        _EXPORTS.append(Path(tempfile.mkdtemp(prefix="assistant-conversations-")))
    folder = _EXPORTS[0] / hashlib.sha256(text.encode()).hexdigest()[:16]
    folder.mkdir(exist_ok=True)
    path = folder / "conversation.md"
    path.write_text(text, encoding="utf-8")
    return path


def build(service: Service, initial_rows: list[list[Any]]) -> Any:
    """The tab's components inside the current gr.Blocks; returns the article filter (the
    Articles tab refreshes its choices)."""
    import gradio as gr

    def respond(
        message: str,
        shown: list[dict[str, Any]],
        conversation: list[ChatTurn],
        answers: list[Answer],
        article_ids: list[str] | None,
        since: str,
        until: str,
        backend: str | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """The answer as it comes: a model's checked claims one by one with its progress,
        an extractive answer at once; the conversation grows only when the answer is whole
        (Clear cancels this and nothing of the answer is kept)."""
        shown, conversation = list(shown or []), list(conversation or [])
        if not message.strip():
            yield shown, conversation, gr.skip(), "", gr.skip()
            return
        shown.append({"role": "user", "content": message})
        yield shown, conversation, gr.skip(), "", gr.skip()
        try:
            filters = Filters.parse(article_ids, since or "", until or "", DATE_LABELS)
            answer, claims = None, []
            for item in service.stream(message, conversation, filters, backend or None):
                if isinstance(item, Answer):
                    answer = item
                    continue
                if isinstance(item, Claim):
                    claims.append(item)
                drafting = item.tokens if isinstance(item, Drafting) else 0
                draft = {"role": "assistant",
                         "content": claims_markdown(claims, True, drafting)}  # fmt: skip
                yield [*shown, draft], conversation, gr.skip(), "", gr.skip()
            assert answer is not None
        except AssistantError as exc:
            shown.append({"role": "assistant", "content": f"**Error:** {md_escape(str(exc))}"})
            yield shown, conversation, gr.skip(), "", gr.skip()
            return
        if answer.rewritten_question != answer.question:
            shown.append(
                {
                    "role": "assistant",
                    "content": md_escape(answer.rewritten_question),
                    "metadata": {"title": "Follow-up read as", "status": "done"},
                }
            )
        shown.append({"role": "assistant", "content": chat_markdown(answer)})
        conversation.append(ChatTurn.of(answer))
        yield (shown, conversation, render_sources(answer, service.answerer.threshold), "",
               [*(answers or []), answer])  # fmt: skip

    def ask_api(
        question: str,
        history: list[dict[str, Any]] | None = None,
        article_ids: list[str] | None = None,
        since: str = "",
        until: str = "",
        backend: str = "",
    ) -> dict[str, Any]:
        """One question (history: earlier turns as chat messages or turn records) -> the answer
        as JSON, as `assistant ask --json`."""
        try:
            filters = Filters.parse(article_ids, since, until, DATE_LABELS)
            answer = service.ask(question, list(history or []), filters, backend or None)
            return answer.as_dict()
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    conversation = gr.State([])
    answers = gr.State([])  # the answers whole, for the Markdown download
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="Conversation",
                elem_id="chat",
                height=480,
                feedback_options=None,
                buttons=["copy"],
                placeholder="Ask a question; every answer quotes the article it rests on.",
            )
            with gr.Row():
                question = gr.Textbox(
                    show_label=False,
                    placeholder=EXAMPLES[0],
                    elem_id="question",
                    scale=5,
                    max_length=1000,
                )
                ask_button = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
            backend = gr.Radio(
                list(BACKENDS),
                value=service.settings.backend,
                label="Answer with",
                info="extractive quotes the article; the others word the answer with a "
                "language model, shown only when every claim is found in the sources",
                elem_id="backend",
            )
            with gr.Accordion("Filters", open=False):
                article_filter = gr.Dropdown(
                    label="Only these articles",
                    choices=article_choices(initial_rows),
                    multiselect=True,
                )
                with gr.Row():
                    since = gr.Textbox(label=DATE_LABELS[0], placeholder="YYYY-MM-DD")
                    until = gr.Textbox(label=DATE_LABELS[1], placeholder="YYYY-MM-DD")
            gr.Examples(EXAMPLES, inputs=question, label="Example questions")
            with gr.Row():
                clear = gr.Button("Clear conversation", elem_id="clear")
                download = gr.DownloadButton(DOWNLOAD, value=None,
                                             interactive=False, elem_id="download")  # fmt: skip
        with gr.Column(scale=2):
            gr.Markdown("### Sources")
            sources = gr.HTML(SOURCES_EMPTY, elem_id="sources")
    chat_inputs = [question, chatbot, conversation, answers, article_filter, since, until,
                   backend]  # fmt: skip
    chat_outputs = [chatbot, conversation, sources, question, answers]

    def export(answers: list[Answer]) -> Any:
        path = export_file(answers)
        if path is None:
            return cleared
        shown = f"{len(answers)} answer{'s' if len(answers) > 1 else ''}"
        return gr.update(value=str(path), interactive=True, label=f"{DOWNLOAD} ({shown})")

    cleared = gr.update(value=None, interactive=False, label=DOWNLOAD)
    asked = [
        ask_button.click(respond, chat_inputs, chat_outputs, api_name="chat"),
        question.submit(respond, chat_inputs, chat_outputs, api_name=False),
    ]
    for event in asked:
        event.then(export, answers, download, api_name=False, show_progress="hidden")
    # Clear during an answer stops it: the answer is cancelled, and chat, conversation,
    # sources and question are emptied; nothing of the cancelled answer comes back later.
    clear.click(
        lambda: ([], [], SOURCES_EMPTY, "", [], cleared),
        None,
        [chatbot, conversation, sources, question, answers, download],
        api_name=False,
        cancels=asked,
    )
    chatbot.clear(
        lambda: ([], SOURCES_EMPTY, [], cleared), None, [conversation, sources, answers, download],
        api_name=False, cancels=asked,
    )  # fmt: skip
    gr.api(ask_api, api_name="ask")
    return article_filter
