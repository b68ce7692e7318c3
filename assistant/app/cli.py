"""The `assistant` command: thin wrappers that turn errors into messages and exit codes."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.app.arguments import service_of
from assistant.app.tools import cmd_eval, cmd_llm_replay, cmd_llm_server, cmd_train
from assistant.config import BACKENDS, Settings
from assistant.errors import AssistantError
from assistant.roles import ROLES


def cmd_index(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    service = service_of(args)
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():  # a log: one line per step ("embedding 512/1400 texts")
            print(f"embedding {done}/{total} texts", file=sys.stderr, flush=True)
            return
        if bar is None:
            bar = tqdm(total=total, unit="text", desc="embedding", file=sys.stderr)
        bar.update(done - bar.n)

    def reading(path: str, done: int, total: int) -> None:
        # one line per scanned page read: OCR takes about a second a page
        print(f"OCR {path}: page {done}/{total}", file=sys.stderr, flush=True)

    if args.watch:
        from assistant.app import watch

        if args.dry_run or args.json:
            raise AssistantError("--watch keeps the index in step: not with --dry-run or --json")
        return watch.index_and_watch(service, args.rebuild, _log)
    try:
        report = service.sync(rebuild=args.rebuild, dry_run=args.dry_run, progress=progress,
                              ocr_progress=reading)  # fmt: skip
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
        print(report.summary(), file=sys.stderr)
        return 0
    for skipped in report.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}")
    print(report.summary())
    return 0


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def cmd_people(args: argparse.Namespace) -> int:
    from assistant.app.terminal import format_people

    service = service_of(args)
    service.check_index()
    rows = service.people(args.event or "", args.role or "")
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
        return 0
    print(format_people(rows))
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    service = service_of(args)
    service.check_index()
    records = service.articles()
    if args.json:
        print(json.dumps([r.as_dict() for r in records], indent=2, ensure_ascii=False))
        return 0
    if not records:
        print(
            "the index holds no articles: add files to the corpus folder and run `assistant index`"
        )
    for r in records:
        print(f"{r.id}\t{r.date or '(no date)'}\t{r.chunks} chunks\t{r.title}")
    return 0


def _read_history(path: Path | None) -> list[dict[str, Any]]:
    """Earlier turns: chat messages ({"role", "content"}) or turn records (a "question" with
    what was answered, as `assistant ask --json` prints an answer)."""
    if path is None:
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AssistantError(f"cannot read --history file {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise AssistantError(f"--history file {path} is not JSON: {exc}") from None
    ok = isinstance(data, list) and all(
        isinstance(m, dict)
        and (
            (m.get("role") in {"user", "assistant"} and isinstance(m.get("content"), str))
            or isinstance(m.get("question"), str)
        )
        for m in data
    )
    if not ok:
        raise AssistantError(
            f"--history file {path} must be a JSON list of "
            '{"role": "user" | "assistant", "content": "..."} messages or of turn records '
            '{"question": "...", "answer": "...", "short_answer": "...", ...} '
            "(what `assistant ask --json` prints)"
        )
    return data


def _filters(args: argparse.Namespace) -> Any:
    from assistant.types import Filters

    return Filters.parse(args.article, args.since or "", args.until or "")


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.answering import plain_text
    from assistant.app.terminal import format_answer
    from assistant.types import Answer, Claim

    service = service_of(args)
    settings = service.settings
    history = _read_history(args.history)
    filters = _filters(args)
    if not args.question.strip():
        raise AssistantError("the question is empty")
    backend = args.backend or settings.backend
    service.check_index()
    answer, streamed = None, False
    for item in service.stream(args.question, history, filters, backend):
        if isinstance(item, Claim):
            if not (args.json or args.markdown):  # a model's checked sentences, as they pass
                print(plain_text([item], generated=True), end=" ", flush=True)
                streamed = True
        elif isinstance(item, Answer):
            answer = item
    assert answer is not None
    if streamed:
        print()
    if answer.fallback:
        print(f"error: {answer.note}", file=sys.stderr)
    if args.json:
        print(json.dumps(answer.as_dict(), indent=2, ensure_ascii=False))
    elif args.markdown:
        from assistant.app.web.render import conversation_markdown

        print(conversation_markdown([answer]))
    else:
        print(format_answer(answer, skip_text=not answer.fallback and backend != "extractive"
                            and not answer.refused))  # fmt: skip
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.app import watch
    from assistant.app.api import check_exposure, serve

    service = service_of(args)
    check_exposure(service.settings, args.insecure)  # reported before anything starts
    service.check_index()
    watcher = watch.of(service.settings, service.sync, _log) if service.settings.watch else None
    with watcher or contextlib.nullcontext():  # answers go on from the build while it syncs
        serve(service, args.insecure)
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", type=Path, help="folder of articles (default: corpus)")
    common.add_argument("--index", type=Path, help="folder of the index (default: index)")
    parser = argparse.ArgumentParser(
        prog="assistant", description="Answers about conference proceedings, with citations."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", parents=[common], help="bring the index in step with the corpus")
    p.add_argument("--rebuild", action="store_true", help="build a new index from scratch")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--wait", type=float, help="seconds to wait for another writer (default 0)")
    p.add_argument(
        "--watch", action="store_true",
        help="then keep watching the corpus folder and sync after each change (Ctrl-C stops)",
    )  # fmt: skip
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("articles", parents=[common], help="list the articles in the index")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(func=cmd_articles)

    p = sub.add_parser(
        "people", parents=[common], help="who did what: the people, roles and sessions read"
    )
    p.add_argument("--event", metavar="TEXT", help="only the event whose name holds TEXT")
    p.add_argument("--role", choices=ROLES, help="only this role")
    p.add_argument("--json", action="store_true", help="print the rows as JSON")
    p.set_defaults(func=cmd_people)

    p = sub.add_parser("ask", parents=[common], help="answer a question, citing the articles")
    p.add_argument("question", help="the question, in quotes")
    p.add_argument("--history", type=Path, help="JSON file of earlier messages (follow-ups)")
    p.add_argument("--article", action="append", metavar="ID", help="only this article (repeat)")
    p.add_argument("--since", metavar="DATE", help="only articles dated on or after YYYY-MM-DD")
    p.add_argument("--until", metavar="DATE", help="only articles dated on or before YYYY-MM-DD")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="print the answer as JSON")
    shown.add_argument(
        "--markdown", action="store_true", help="print the answer as Markdown, with its quotes"
    )
    p.add_argument("--backend", choices=BACKENDS, help="who words the answer (default: setting)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", parents=[common], help="score answers on a question set")
    p.add_argument("--questions", type=Path, help="question set (default corpus/questions.yaml)")
    p.add_argument("--squad", type=Path, help="a SQuAD 2.0 JSON file instead (own temporary index)")
    p.add_argument(
        "--coqa",
        type=Path,
        help="a CoQA JSON file instead: its conversations, turn by turn (own index)",
    )
    p.add_argument("--roles", type=Path, metavar="GOLD.yaml",
                   help="score the people table against gold rows instead (precision and "
                        "recall on event, person, role; sessions; quotes)")  # fmt: skip
    p.add_argument("--per-article", action="store_true",
                   help="ask each CoQA conversation about its own story only (as a user who "
                        "picked it in the filters)")  # fmt: skip
    p.add_argument("--report", type=Path, help="report folder (default reports/eval-<time>)")
    p.add_argument("--json", type=Path, help="also write metrics and cases to this JSON file")
    p.add_argument(
        "--backend", action="append", choices=BACKENDS, metavar="NAME",
        help="answering backend (repeat to compare backends side by side; default: setting)",
    )  # fmt: skip
    p.add_argument("--baselines", action="store_true", help="also run the baselines, side by side")
    p.add_argument(
        "--fail-under", action="append", metavar="METRIC=VALUE",
        help="exit 1 when a metric is below its bar (repeatable)",
    )  # fmt: skip
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser(
        "train", parents=[common], help="fit the evidence and people models on the data"
    )
    p.add_argument(
        "--only", choices=("evidence", "people"),
        help="fit one model: evidence (data/training.yaml, minutes) or people (data/people)",
    )  # fmt: skip
    p.add_argument("--config", type=Path, help="training sets (default data/training.yaml)")
    p.add_argument("--out", type=Path, help="evidence model file (default: the package's model)")
    p.add_argument(
        "--people-out", type=Path, help="people model file (default: the package's model)"
    )
    p.add_argument("--work", type=Path, help="keep the training indexes in this folder")
    p.add_argument(
        "--check",
        action="store_true",
        help="train into a temporary file and compare it with the model (exit 1 if not equal)",
    )
    p.add_argument(
        "--verify",
        action="store_true",
        help="check in seconds that the model was made from the data and trainer in the "
        "repository and that serving computes the features it was fitted on (exit 1 if not)",
    )
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("llm-server", help="serve a GGUF model over an OpenAI-compatible API")
    p.add_argument("--model", type=Path, help="GGUF file (default: the bundled SmolLM2-135M)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.set_defaults(func=cmd_llm_server)

    p = sub.add_parser(
        "llm-replay",
        help="serve recorded answers of a model over an OpenAI-compatible API (for eval)",
    )
    p.add_argument("answers", type=Path, help="recordings file (JSON, see evaluation/replay.py)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.set_defaults(func=cmd_llm_replay)

    p = sub.add_parser("serve", parents=[common], help="serve the web page and the HTTP API")
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.add_argument("--auth", metavar="USER:PASS", help="require this login (default: none)")
    p.add_argument(
        "--api-key",
        metavar="KEY",
        help="API calls (/api, /v1) need `Authorization: Bearer KEY` (default: none)",
    )
    p.add_argument("--insecure", action="store_true",
                   help="serve beyond loopback with neither an API key nor a login")  # fmt: skip
    p.set_defaults(func=cmd_serve)
    return parser


def _debug() -> bool:
    try:
        return Settings().debug
    except Exception:  # the settings themselves are broken: no details then
        return False


def main(argv: list[str] | None = None) -> int:
    """Run one command; a user sees a one-line message, never a traceback."""
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    except KeyboardInterrupt:
        print("interrupted: the index that was answering before is unchanged", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so plainly, keep the traceback for ASSISTANT_DEBUG
        if _debug():
            traceback.print_exc()
        print(
            f"unexpected error: {type(exc).__name__}: {exc} (set ASSISTANT_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 2
