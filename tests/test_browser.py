"""The page in a real browser: Debian's Chromium driven by Playwright (no browser download).

`.ci/run` and `make test` install Chromium when it is missing; without it this test fails.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.app.web.articles_tab import FOLLOW_SECONDS
from assistant.config import Settings
from assistant.store.embeddings import LocalEmbeddings

from .conftest import ScriptedChat, scripted_backend, serve_sample, url_of, write_article
from .documents import CHROMIUM, FLAGS

pytestmark = pytest.mark.e2e  # real servers (and a browser)


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbeddings
) -> Iterator[Settings]:
    with serve_sample(
        tmp_path_factory.mktemp("browser"),
        embedder,
        "Gala night",
        "The gala was opened by <script>alert('x')</script><img src=x onerror=alert(2)> "
        "Mayor Jane Roe.",
        warm=True,
    ) as settings:
        yield settings


@pytest.fixture(scope="module")
def page_url(served: Settings) -> str:
    return url_of(served)


@pytest.fixture
def browser_page(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: run `apt-get install -y chromium`"
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=FLAGS,
            headless=True,
            viewport={"width": 1300, "height": 950},
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def test_a_question_in_the_browser_shows_the_highlighted_quote(
    page_url: str, browser_page, tmp_path: Path
) -> None:
    page = browser_page
    outside: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(page_url) else outside.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    started = time.perf_counter()
    page.goto(page_url)
    box = page.locator("#question textarea")
    box.wait_for()
    ready = time.perf_counter()
    box.fill("Who chaired the session on pharmaceutical drugs?")
    box.press("Enter")
    mark = page.locator("#sources mark").first  # each article saying it is quoted
    mark.wait_for(state="visible", timeout=30_000)
    answered = time.perf_counter()

    assert "Bangarurajan" in mark.inner_text()
    assert page.locator("#sources mark b").first.inner_text() == "K. Bangarurajan"
    assert "Confidence" in page.locator("#sources").inner_text()
    answer = page.locator("#chat").get_by_text("K. Bangarurajan").last
    answer.wait_for()
    page.locator('#chat a[href="#source-1"]').last.click()  # the citation links to the source
    page.locator("#source-1").wait_for(state="visible")

    box.fill("Which countries co-chaired it?")
    page.locator("#ask").click()
    page.locator("#sources mark b", has_text="Nepal").wait_for(timeout=30_000)  # each country
    page.locator('#chat a[href="#source-1"]').nth(1).wait_for()  # the stream has ended
    assert page.locator("#chat").get_by_text("Follow-up read as").count() >= 1
    with page.expect_download() as downloading:  # the conversation as Markdown
        page.locator("#download", has_text="2 answers").click()
    exported = Path(downloading.value.path()).read_text(encoding="utf-8")
    assert exported.startswith("# Conversation with the assistant")
    assert "## 2. Which countries co-chaired it?" in exported and "> This session was" in exported

    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    timings = {
        "page_ready_s": round(ready - started, 3),
        "first_answer_s": round(answered - ready, 3),
        "time_to_first_answer_s": round(answered - started, 3),
    }
    (tmp_path / "timings.json").write_text(json.dumps(timings), encoding="utf-8")
    print(f"\nscreenshot: {tmp_path / 'chat.png'}; {timings}")
    assert (tmp_path / "chat.png").stat().st_size > 10_000
    assert not outside, f"the page fetched from elsewhere: {outside}"
    assert not dialogs


def test_hostile_article_text_is_shown_not_run(page_url: str, browser_page) -> None:
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(page_url)
    box = page.locator("#question textarea")
    box.fill("Who opened the gala?")
    box.press("Enter")
    mark = page.locator("#sources mark")
    mark.wait_for(state="visible", timeout=30_000)
    assert "<script>alert('x')</script>" in mark.inner_text()
    # Handlers of what was just rendered (an onerror, a script) run before the next frame.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
    assert not dialogs and page.locator("#sources img").count() == 0


def test_refusal_clear_and_the_other_tabs(page_url: str, browser_page) -> None:
    page = browser_page
    page.goto(page_url)
    box = page.locator("#question textarea")
    box.fill("What was the budget of the conference?")
    box.press("Enter")
    page.locator("#sources .refusal").wait_for(timeout=30_000)
    # the sources arrive with the first words of the answer; the rest streams in after
    page.locator("#chat").get_by_text("Not in the articles.").wait_for(timeout=10_000)
    assert page.locator("#chat").get_by_text("Not in the articles.").count() == 1
    assert page.locator("#sources .passage").count() >= 1

    page.locator("#clear").click()
    page.locator("#sources .sources-empty").wait_for()
    assert page.locator("#chat").get_by_text("Not in the articles.").count() == 0

    page.get_by_role("tab", name="Articles").click()
    table = page.locator("#articles")
    table.get_by_text("day-2", exact=True).wait_for()
    assert table.get_by_text("preview", exact=True).count() == 1
    page.get_by_role("tab", name="People").click()
    people = page.locator("#people")
    people.locator("li", has_text="K. Bangarurajan").first.wait_for(timeout=30_000)
    assert "<script>" not in people.inner_html()  # the hostile article's text stays text
    page.get_by_role("tab", name="Evaluate").click()
    assert page.locator("#run-eval").is_visible()


def test_clear_during_an_answer_stops_it_and_nothing_of_it_comes_back(
    page_url: str, browser_page
) -> None:
    """Clear while a model is still writing: the answer is cancelled, the chat, the sources
    and the conversation are emptied, and what the model writes afterwards never shows."""
    import threading

    from playwright.sync_api import expect

    gate = threading.Event()
    chat = ScriptedChat("The session was led by K. Bangarurajan [1].", gate)
    with scripted_backend("openai", chat):
        page = browser_page
        page.goto(page_url)
        page.locator("#backend").get_by_label("openai").check()
        box = page.locator("#question textarea")
        box.fill("Who chaired the session on pharmaceutical drugs?")
        box.press("Enter")
        page.locator("#chat").get_by_text("writing…").wait_for(timeout=60_000)  # mid-answer
        page.locator("#clear").click()
        page.locator("#sources .sources-empty").wait_for()
        expect(page.locator("#chat .message-row")).to_have_count(0)
        gate.set()  # the model goes on writing, to nobody
        assert chat.closed.wait(60), "the cancelled answer's model stream never ended"
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
        assert page.locator("#chat .message-row").count() == 0
        assert "sources-empty" in page.locator("#sources").inner_html()
        # the conversation was emptied too: a follow-up has nothing to lean on
        page.locator("#backend").get_by_label("extractive").check()
        box.fill("Which countries co-chaired it?")
        box.press("Enter")
        page.locator("#chat .message-row").nth(1).wait_for(timeout=30_000)
        assert page.locator("#chat").get_by_text("Follow-up read as").count() == 0


def test_dropping_a_pdf_adds_and_indexes_it_in_one_step(
    page_url: str, browser_page, documents: dict[str, Path]
) -> None:
    page = browser_page
    page.goto(page_url)
    page.get_by_role("tab", name="Articles").click()
    page.locator("#uploads input[type=file]").set_input_files(
        [str(documents["article"]), str(documents["encrypted"])]
    )
    # The markdown itself: Gradio's status tracker beside it is made invisible with opacity, so
    # its "0.0s" while the page checks for commits still counts as text of the whole element.
    message = page.locator("#update-message [data-testid=markdown]")
    message.get_by_text("1 added").wait_for(timeout=120_000)  # no other button pressed
    shown = message.inner_text()
    assert "added article.pdf as article article (Port security forum opens in Gdansk)" in shown
    assert "refused encrypted.pdf: encrypted PDF: it needs a password" in shown
    # The page follows commits made elsewhere every FOLLOW_SECONDS; its own stays its message.
    page.wait_for_timeout(2500 * FOLLOW_SECONDS)
    assert message.inner_text() == shown
    page.locator("#articles").get_by_text(
        "Port security forum opens in Gdansk", exact=True
    ).wait_for()
    page.get_by_role("tab", name="Chat").click()
    box = page.locator("#question textarea")
    box.fill("Who chaired the opening session of the Baltic Port Security Forum?")
    box.press("Enter")
    head = page.locator("#sources .source-head").first
    head.wait_for(timeout=30_000)
    assert "<code>" not in head.inner_text() and "article" in head.inner_text()
    assert head.inner_text().endswith("· p. 1")
    assert "Karin Holmqvist" in page.locator("#sources mark").first.inner_text()


def test_the_articles_list_follows_a_sync_made_elsewhere(
    served: Settings, page_url: str, browser_page, embedder: LocalEmbeddings
) -> None:
    from playwright.sync_api import expect

    from assistant.store.sync import sync_index

    page = browser_page
    page.goto(page_url)
    page.get_by_role("tab", name="Articles").click()
    table = page.locator("#articles")
    table.get_by_text("day-2", exact=True).wait_for()
    write_article(served.corpus_dir, "riga-closing.md", "Riga forum closes", "2024-06-03",
                  "The forum in Riga closed with a joint statement on port security.")  # fmt: skip
    report = sync_index(served, embedder)  # another writer: the watcher, another process
    assert report.added == 1
    expect(table).to_contain_text("riga-closing", timeout=30_000)  # no click: the page follows
    expect(page.locator("#update-message")).to_contain_text("updated by another process")


def test_choosing_the_bundled_model_in_the_page(page_url: str, browser_page) -> None:
    page = browser_page
    page.goto(page_url)
    page.locator("#backend").get_by_label("llamacpp").check()
    box = page.locator("#question textarea")
    box.fill("Who chaired the session on pharmaceutical drugs?")
    box.press("Enter")
    page.locator("#sources mark").first.wait_for(timeout=120_000)
    last = page.locator("#chat .message-row").last
    last.get_by_text("[1]").first.wait_for(timeout=30_000)  # streamed to its end
    answer = last.inner_text()
    # SmolLM2's answer is shown only when grounded; otherwise the page says why not
    assert "[1]" in answer and ("llamacpp answer not shown" in answer or "Bangarurajan" in answer)
