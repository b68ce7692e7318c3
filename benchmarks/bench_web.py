"""The web page's time to first answer, as a user meets it: `assistant serve` started as a
process on the sample corpus, then Debian's Chromium (Playwright) opens the page, asks a
question and waits for the highlighted quote in the sources panel. Figures go to
benchmarks/results.md.

Usage: .venv/bin/python benchmarks/bench_web.py   (needs /usr/bin/chromium: `make browser`)
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.results_file import write_section  # noqa: E402
from tests.test_browser import CHROMIUM, FLAGS  # noqa: E402 (the flags that work here)
from tests.test_web import free_port  # noqa: E402

WORK = ROOT / "benchmarks" / ".work-web"
BIN = Path(sys.executable).parent
QUESTIONS = [
    "Who chaired the session on pharmaceutical drugs?",
    "Who inaugurated the conference?",
    "Which session discussed the dark net?",
    "What was the budget of the conference?",
    "How many sessions were held over the two days?",
]


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url} within {seconds:.0f} s")


def main() -> None:
    from playwright.sync_api import sync_playwright

    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(ROOT / "corpus", WORK / "corpus")
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "ASSISTANT_CORPUS_DIR": str(WORK / "corpus"),
        "ASSISTANT_INDEX_DIR": str(WORK / "index"),
    }
    subprocess.run([BIN / "assistant", "index"], env=env, check=True, capture_output=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    server = subprocess.Popen(
        [BIN / "assistant", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(url, 120)
        serving = time.perf_counter() - started
        loads, firsts, answers = [], [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for question in QUESTIONS:
                page = browser.new_page(viewport={"width": 1300, "height": 950})
                t0 = time.perf_counter()
                page.goto(url)
                box = page.locator("#question textarea")
                box.wait_for()
                t1 = time.perf_counter()
                box.fill(question)
                box.press("Enter")
                page.locator("#sources .confidence").wait_for(timeout=30_000)
                t2 = time.perf_counter()
                page.locator('#chat a[href="#source-1"], #chat strong').last.wait_for()
                loads.append(t1 - t0)
                firsts.append(t2 - t0)
                answers.append(t2 - t1)
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [
        "## Web page: time to first answer (`benchmarks/bench_web.py`)",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; `assistant serve` on the sample "
        f"corpus, Debian's Chromium headless via Playwright, {len(QUESTIONS)} fresh pages, "
        "each asking one question and waiting for the sources panel.",
        "",
        "| step | median | max |",
        "|---|---|---|",
        f"| `assistant serve` start until the page answers HTTP | {serving:.1f} s | – |",
        f"| page load until the question box is ready | {statistics.median(loads):.2f} s | "
        f"{max(loads):.2f} s |",
        f"| question sent until the sources panel shows the answer | "
        f"{statistics.median(answers):.2f} s | {max(answers):.2f} s |",
        f"| **time to first answer** (page opened until answer shown) | "
        f"**{statistics.median(firsts):.2f} s** | {max(firsts):.2f} s |",
    ]
    write_section("web", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
