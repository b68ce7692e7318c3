from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.store.remote import namespace_of

from .conftest import ON_SERVER, ROOT, run_cli, wait_until, where

KEYS = {"added", "updated", "deleted", "unchanged", "skipped", "chunks", "seconds"}


@pytest.mark.e2e
def test_index_json_then_articles_json(settings: Settings) -> None:
    (settings.corpus_dir / "empty.md").write_text("")
    dry = run_cli("index", "--dry-run", "--json", *where(settings))
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["added"] == 4
    assert not (settings.index_dir / "CURRENT").exists()

    result = run_cli("index", "--json", *where(settings))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == KEYS
    assert (report["added"], report["updated"], report["deleted"]) == (4, 0, 0)
    assert report["skipped"] == [
        {"path": str(settings.corpus_dir / "empty.md"), "reason": "empty file"}
    ]
    assert report["chunks"] > 4
    assert "4 added" in result.stderr  # the summary line

    listed = run_cli("articles", "--json", *where(settings))
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["id"] for r in rows] == ["overview", "day-2", "day-1", "preview"]
    assert rows[1]["title"].startswith("BIMSTEC drug trafficking conference, day 2")
    assert rows[1]["date"] == "2020-02-14"
    assert sum(r["chunks"] for r in rows) == report["chunks"]

    plain = run_cli("index", *where(settings))
    assert plain.returncode == 0
    assert "skipped" in plain.stdout and "empty.md: empty file" in plain.stdout
    assert "0 added, 0 updated, 0 deleted, 4 unchanged, 1 skipped" in plain.stdout


@pytest.mark.e2e
def test_errors_are_one_line_messages_without_traceback(tmp_path: Path) -> None:
    missing = run_cli("articles", "--index", str(tmp_path / "none"))
    assert missing.returncode == 1
    where_none = str(tmp_path / "none")
    if ON_SERVER:  # the index would be on the server, in the folder's own namespace
        namespace = namespace_of("auto", tmp_path / "none")
        url = os.environ["ASSISTANT_CHROMA_URL"]
        where_none = f"the Chroma server at {url} (namespace {namespace})"
    assert missing.stderr.strip() == (
        f"error: no index in {where_none}: run `assistant index` to build it"
    )
    no_corpus = run_cli("index", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "i"))
    assert no_corpus.returncode == 1
    assert "corpus folder" in no_corpus.stderr and "does not exist" in no_corpus.stderr
    bad_setting = run_cli("articles", env={"ASSISTANT_CHUNK_SIZE": "ten"})
    assert bad_setting.returncode == 1
    assert "ASSISTANT_CHUNK_SIZE" in bad_setting.stderr
    for result in (missing, no_corpus, bad_setting):
        assert "Traceback" not in result.stderr


@pytest.mark.e2e
def test_settings_mismatch_via_cli(settings: Settings) -> None:
    assert run_cli("index", *where(settings)).returncode == 0
    result = run_cli("articles", *where(settings), env={"ASSISTANT_CHUNK_SIZE": "500"})
    assert result.returncode == 1
    assert "run `assistant index --rebuild`" in result.stderr


@pytest.mark.e2e
def test_ask_prints_the_answer_and_its_source(sample_settings: Settings) -> None:
    result = run_cli(
        "ask", "Who chaired the session on pharmaceutical drugs?", *where(sample_settings)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("K. Bangarurajan: “")
    assert lines[0].endswith(("[1]", "[2]"))  # one quote from each article that says it
    assert lines[1].startswith("(from 2 articles about Conference on Combating Drug Trafficking")
    assert lines[2].startswith("[1] BIMSTEC") and '"' in lines[2]
    assert lines[-1].startswith("(confidence ")


@pytest.mark.e2e
def test_ask_json_with_history_and_filters(sample_settings: Settings, tmp_path: Path) -> None:
    history = tmp_path / "history.json"
    history.write_text(
        json.dumps(
            [
                {"role": "user", "content": "Who chaired the session on pharmaceutical drugs?"},
                {"role": "assistant", "content": "K. Bangarurajan chaired it. [1]"},
            ]
        )
    )
    args = ["--history", str(history), "--article", "day-2", "--since", "2020-02-01", "--json"]
    result = run_cli("ask", "Which countries co-chaired it?", *args, *where(sample_settings))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["rewritten_question"] == (
        "Which countries co-chaired the session on pharmaceutical drugs?"
    )
    assert data["short_answer"] == "Bangladesh and Nepal" and not data["refused"]
    assert [c["article_id"] for c in data["citations"]] == ["day-2"]
    assert all(p["article_id"] == "day-2" for p in data["passages"])
    assert {"embed", "retrieve", "select", "total"} <= set(data["timings_ms"])


@pytest.mark.e2e
def test_ask_refusal_and_bad_arguments(sample_settings: Settings, tmp_path: Path) -> None:
    refused = run_cli("ask", "What was the budget of the conference?", *where(sample_settings))
    assert refused.returncode == 0
    assert refused.stdout.startswith("The articles don't say")
    assert "Closest passages:" in refused.stdout
    bad_date = run_cli("ask", "Who?", "--since", "14/02/2020", *where(sample_settings))
    assert bad_date.returncode == 1 and "use YYYY-MM-DD" in bad_date.stderr
    bad_history = tmp_path / "h.json"
    bad_history.write_text('[{"role": "bot"}]')
    result = run_cli("ask", "Who?", "--history", str(bad_history), *where(sample_settings))
    assert result.returncode == 1 and "--history file" in result.stderr
    assert "Traceback" not in result.stderr + bad_date.stderr


@pytest.mark.e2e
def test_serve_refuses_a_bad_login_or_a_missing_index(tmp_path: Path) -> None:
    bad_auth = run_cli("serve", "--auth", "ann", "--index", str(tmp_path / "none"))
    assert bad_auth.returncode == 1
    assert bad_auth.stderr.strip() == "error: --auth must be USER:PASSWORD (both non-empty)"
    no_index = run_cli("serve", "--index", str(tmp_path / "none"))
    assert no_index.returncode == 1 and "no index in" in no_index.stderr


@pytest.mark.e2e
def test_app_py_serves_the_three_tabs(sample_settings: Settings) -> None:
    import urllib.request

    from assistant.app.daemons import free_port

    port = free_port()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
        "ASSISTANT_CORPUS_DIR": str(sample_settings.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(sample_settings.index_dir),
        "ASSISTANT_PORT": str(port),
    }
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def served() -> str:
            if server.poll() is not None:
                raise AssertionError(f"app.py did not serve: {server.stderr.read()}")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=5) as r:
                return r.read().decode()

        config = str(wait_until(served, what="app.py to serve its page"))
        assert config, f"app.py did not serve: {server.stderr.read() if server.poll() else ''}"
        for tab in ('"Chat"', '"Articles"', '"Evaluate"'):
            assert tab in config
    finally:
        server.terminate()
        server.wait(timeout=30)
