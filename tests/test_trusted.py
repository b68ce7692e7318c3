"""Who decides when a capable model answers: a trusted backend's model is asked past the
extractive refusal (above the retrieval floor) and its refusal stands, with the extractive
quote set aside and marked as such; an untrusted one behaves as before. The grounding check
reads names and numbers the way people write them; the recorded answers of a capable model
are replayed by a real OpenAI-compatible server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.answering.generative.generate import GenerativeAnswerer
from assistant.answering.generative.grounding import acronyms, check
from assistant.answering.pipeline import Answerer
from assistant.app.web.render import chat_markdown, render_sources
from assistant.evaluation.replay import Recorded, Recordings, ReplayServer, question_of
from assistant.types import Answer

BUDGET = "What was the budget of the conference?"
CHAIR = "Who chaired the session on pharmaceutical drugs?"


class Counting(GenericFakeChatModel):
    """A fake model that counts the answers it was asked for."""

    asked: int = 0

    def _stream(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        self.asked += 1
        yield from super()._stream(*args, **kwargs)


def model(*replies: str) -> Counting:
    return Counting(messages=iter([AIMessage(content=r) for r in replies]))


def ask(answerer: Answerer, chat: object, question: str, **settings: object) -> Answer:
    merged = answerer.index.settings.model_copy(update=settings)
    g = GenerativeAnswerer(answerer, merged, "openai", chat=chat)
    items = list(g.stream(question))
    assert isinstance(items[-1], Answer)
    return items[-1]


def test_a_trusted_model_is_asked_past_an_extractive_refusal(answerer: Answerer) -> None:
    assert answerer.ask(BUDGET).refused
    chat = model("The session was chaired by K. Bangarurajan [1].")
    answer = ask(answerer, chat, BUDGET, llm_floor=0.0)
    assert chat.asked == 1  # asked, though the extractive step refused
    untrusted = model("The session was chaired by K. Bangarurajan [1].")
    before = ask(answerer, untrusted, BUDGET, openai_trusted=False)
    assert untrusted.asked == 0 and before.refused  # as before: the refusal stands
    # what the model said is shown only if grounded and on the question
    assert answer.refused or answer.grounded


def test_below_the_floor_a_trusted_model_is_not_asked(answerer: Answerer) -> None:
    chat = model("Anything [1].")
    answer = ask(answerer, chat, BUDGET, llm_floor=1.0)
    assert chat.asked == 0 and answer.refused


def test_a_trusted_models_refusal_stands_with_the_quote_set_aside(answerer: Answerer) -> None:
    extractive = answerer.ask(CHAIR)
    assert not extractive.refused
    answer = ask(answerer, model("The articles do not say."), CHAIR)
    assert answer.refused and answer.citations == () and answer.fallback is None
    assert answer.set_aside == extractive.citations  # kept, marked, never the answer
    assert "found no answer" in answer.text and "Bangarurajan" not in chat_markdown(answer)
    panel = render_sources(answer, answerer.threshold)
    assert "Not the answer" in panel and "Bangarurajan" in panel
    # the untrusted model's refusal is replaced by the extractive answer, as before
    untrusted = ask(answerer, model("The articles do not say."), CHAIR, openai_trusted=False)
    assert not untrusted.refused and untrusted.fallback == "extractive"


def test_an_ungrounded_trusted_answer_leaves_the_extractive_refusal(answerer: Answerer) -> None:
    reply = "The budget of the conference was 4 million rupees [1]."
    answer = ask(answerer, model(reply), BUDGET, llm_floor=0.0)
    assert answer.refused and answer.fallback == "extractive" and "grounding" in answer.note
    assert answer.rejected == reply


@pytest.mark.parametrize(
    ("claim", "grounded"),
    [
        ("Park Ji-woo opened it [1].", True),
        ("Park Ji woo opened it [1].", True),  # hyphens either way
        ("The World Health Organization's office froze 2,300,000 dollars [1].", True),
        ("The WHO froze 2.3 million dollars [1].", True),  # acronym and expansion
        ("Twenty-two countries signed [1].", True),  # number words
        ("1050 delegates came [1].", True),  # thousands separators
        ("It was held at the Badagry Gateway Terminal [1].", True),  # the article's title
        ("John Smith opened it [1].", False),  # an invented name
        ("Investigators froze 3.1 million dollars [1].", False),  # a wrong number
        ("Thirty countries signed [1].", False),
    ],
)
def test_grounding_reads_names_and_numbers_as_people_write_them(claim: str, grounded: bool) -> None:
    passage = (
        "Lagos port report (Badagry Gateway Terminal)\nThe summit was opened by Park Ji-woo "
        "of the World Health Organization (WHO). Investigators froze 2.3 million dollars; "
        "twenty-two countries signed; 1,050 delegates came."
    )
    assert check(claim, [passage], acronyms(passage)).grounded is grounded


def test_recordings_are_replayed_by_a_real_openai_compatible_server(
    answerer: Answerer, tmp_path: Path
) -> None:
    recordings = Recordings([
        Recorded(CHAIR, "K. Bangarurajan chaired the session on pharmaceutical drugs [1].",
                 "right"),
        Recorded(BUDGET, "The articles do not say.", "declines"),
    ])  # fmt: skip
    server = ReplayServer(recordings).start()
    try:
        settings = answerer.index.settings.model_copy(update={"openai_base_url": server.url})
        g = GenerativeAnswerer(answerer, settings, "openai")
        answer = g.ask(CHAIR)
        assert answer.grounded and not answer.fallback and "Bangarurajan" in answer.text
        assert answer.citations and answer.tokens > 0
        refused = g.ask(BUDGET)
        assert refused.refused and server.requests >= 1
        # a question asked in other words still finds its recording; an unknown one declines
        assert "Bangarurajan" in recordings.answer("who chaired the pharmaceutical drugs session")
        assert recordings.answer("Who won the football?") == "The articles do not say."
    finally:
        server.close()
    assert question_of([{"role": "user", "content": "Passages...\nQuestion: Who?\nAnswer:"}]) == (
        "Who?"
    )
    assert (
        question_of([{"role": "user", "content": "Last question: it?\nRewritten question:"}])
        is None
    )
    assert json.loads(json.dumps({"ok": True}))


def test_the_bundled_model_is_not_trusted_by_default() -> None:
    from assistant.config import Settings

    defaults = Settings()
    assert not defaults.llamacpp_trusted  # the bundled SmolLM2 path behaves as before
    assert defaults.openai_trusted and defaults.ollama_trusted


def test_replayed_citations_follow_their_passages_to_new_numbers() -> None:
    recording = Recorded("Who?", "Ana chaired it [2]. Ben spoke [1, 2].", "right",
                         (("1", "Ben spoke."), ("2", "Ana chaired.")))  # fmt: skip
    recordings = Recordings([recording])
    now = {"1": "Ana chaired.", "2": "Other.", "3": "Ben spoke."}
    assert recordings.answer("Who?", now) == "Ana chaired it [1]. Ben spoke [3, 1]."
    gone = {"1": "Ben spoke."}  # the cited passage is no longer offered: cited as missing
    assert recordings.answer("Who?", gone) == "Ana chaired it [2]. Ben spoke [1, 2]."
