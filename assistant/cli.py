"""The `assistant` command: thin wrappers that turn errors into messages and exit codes."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import BACKENDS, Settings
from assistant.errors import AssistantError


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if args.corpus is not None:
        overrides["corpus_dir"] = args.corpus
    if args.index is not None:
        overrides["index_dir"] = args.index
    if getattr(args, "wait", None) is not None:
        overrides["lock_wait"] = args.wait
    for name in ("host", "port", "auth"):
        if getattr(args, name, None) is not None:
            overrides[name] = getattr(args, name)
    from pydantic import ValidationError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"ASSISTANT_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise AssistantError(f"invalid setting: {problems}") from None


def _embedder(settings: Settings) -> Any:
    from assistant.embeddings import embedder_for

    return embedder_for(settings.embedding_runtime, settings.threads, settings.embed_batch_size)


def cmd_index(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from assistant.index import sync_index

    settings = _settings(args)
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="chunk", desc="embedding", file=sys.stderr, disable=None)
        bar.update(done - bar.n)

    try:
        report = sync_index(
            settings,
            _embedder(settings),
            rebuild=args.rebuild,
            dry_run=args.dry_run,
            progress=progress,
        )
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


def cmd_articles(args: argparse.Namespace) -> int:
    from assistant.index import open_index

    settings = _settings(args)
    records = open_index(settings, _embedder(settings)).articles()
    if args.json:
        rows = [
            {
                "id": r.id,
                "title": r.title,
                "date": r.date,
                "chunks": r.chunks,
                "source": r.source,
                "indexed_at": r.indexed_at,
            }
            for r in records
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not records:
        print(
            "the index holds no articles: add files to the corpus folder and run `assistant index`"
        )
    for r in records:
        print(f"{r.id}\t{r.date or '(no date)'}\t{r.chunks} chunks\t{r.title}")
    return 0


def _read_history(path: Path | None) -> list[dict[str, str]]:
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
        and m.get("role") in {"user", "assistant"}
        and isinstance(m.get("content"), str)
        for m in data
    )
    if not ok:
        raise AssistantError(
            f"--history file {path} must be a JSON list of "
            '{"role": "user" | "assistant", "content": "..."} messages'
        )
    return data


def _filters(args: argparse.Namespace) -> Any:
    import datetime as dt

    from assistant.retrieve import Filters

    for name in ("since", "until"):
        value = getattr(args, name)
        if value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise AssistantError(f"--{name} {value!r} is not a date: use YYYY-MM-DD") from None
    return Filters(tuple(args.article or ()), args.since or "", args.until or "")


def format_answer(answer: Any, skip_text: bool = False) -> str:
    """An answer as text for a terminal: the answer (unless already streamed), its sources,
    what it rests on."""
    lines = [] if skip_text else [answer.text]
    if answer.fallback:
        lines.insert(0, f"(extractive answer shown: {answer.note})")
    for c in answer.citations:
        lines.append(f'[{c.n}] {c.title}, {c.date or "no date"} ({c.article_id}): "{c.quote}"')
    if answer.refused and answer.passages:
        lines.append("Closest passages:")
        for p in answer.passages[:3]:
            snippet = " ".join(p.chunk.text.split())
            snippet = snippet if len(snippet) <= 240 else snippet[:237] + "..."
            lines.append(f"- {p.title}, {p.date or 'no date'} ({p.chunk.article_id}): {snippet}")
    note = f"confidence {answer.confidence:.2f}"
    if answer.backend != "extractive":
        state = "grounded" if answer.grounded else "not grounded"
        note += f"; {answer.backend}: {state}, {answer.tokens} tokens"
    if answer.rewritten_question != answer.question:
        note += f"; read as: {answer.rewritten_question}"
    lines.append(f"({note})")
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.answer import Answerer
    from assistant.generate import answerer_for
    from assistant.index import open_index

    settings = _settings(args)
    history = _read_history(args.history)
    filters = _filters(args)
    if not args.question.strip():
        raise AssistantError("the question is empty")
    backend = args.backend or settings.backend
    answerer = answerer_for(Answerer(open_index(settings, _embedder(settings))), settings, backend)
    if backend == "extractive":
        answer = answerer.ask(args.question, history, filters)
    else:
        answer = None
        streamed = False
        for item in answerer.stream(args.question, history, filters):
            if isinstance(item, str):
                if not args.json:  # checked sentences, as they pass
                    print(item, end="", flush=True)
                    streamed = True
            else:
                answer = item
        if streamed:
            print()
        if answer.fallback:
            print(f"error: {answer.note}", file=sys.stderr)
    if args.json:
        print(json.dumps(answer.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_answer(answer, skip_text=not answer.fallback and backend != "extractive"
                            and not answer.refused))  # fmt: skip
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import datetime as dt
    import tempfile

    from tqdm import tqdm

    from assistant import report
    from assistant.answer import Answerer
    from assistant.evaluate import below_bars, evaluation, load_questions, load_squad, parse_bars
    from assistant.generate import answerer_for
    from assistant.index import open_index, sync_index
    from assistant.metrics import compute
    from assistant.retrieve import Retriever

    bars = parse_bars(args.fail_under or [], compute([]).keys())
    settings = _settings(args)
    embedder = _embedder(settings)
    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as scratch:
        if args.squad:
            cases = load_squad(args.squad, Path(scratch) / "corpus")
            settings = settings.model_copy(
                update={
                    "corpus_dir": Path(scratch) / "corpus",
                    "index_dir": Path(scratch) / "index",
                }
            )
            sync_index(settings, embedder)
            source = str(args.squad)
        else:
            path = args.questions or settings.corpus_dir / "questions.yaml"
            cases = load_questions(path)
            source = str(path)
        index = open_index(settings, embedder)
        backends = list(dict.fromkeys(args.backend or [settings.backend]))
        extractive = Answerer(index)
        systems = {"assistant": answerer_for(extractive, settings, backends[0])}
        for backend in backends[1:]:
            systems[f"{backend} backend"] = answerer_for(extractive, settings, backend)
        if args.baselines:
            from assistant.baseline import TutorialRAG
            from assistant.llm import chat_model

            chat = chat_model(settings, "llamacpp")
            tutorial = TutorialRAG(index, chat, Path(scratch) / "tutorial-chroma")
            systems["tutorial RAG (SmolLM2)"] = tutorial
            dense = Retriever(index, keywords=False)
            systems["dense-only retrieval"] = Answerer(index, retriever=dense)
        started = dt.datetime.now(dt.UTC)
        runs = {}
        with tqdm(
            total=len(cases) * len(systems), unit="case", file=sys.stderr, disable=None
        ) as bar:
            for name, answerer in systems.items():
                runs[name] = evaluation(
                    cases, lambda q, h, a=answerer: a.ask(q, h), index.text, bar.update
                )
    data = {
        "questions": source,
        "backend": backends[0],
        "started": started.isoformat(timespec="seconds"),
        **runs.pop("assistant"),
        "baselines": {name: {"metrics": run["metrics"]} for name, run in runs.items()},
    }
    report_dir = args.report or Path("reports") / f"eval-{started:%Y%m%d-%H%M%S}"
    previous = report.previous_run(report_dir)
    data["previous"] = previous["_path"] if previous else None
    data["diff"] = report.flips(previous, data["cases"])
    report.write(data, report_dir, systems["assistant"].threshold)
    if args.json:
        args.json.write_text(
            json.dumps({"metrics": data["metrics"], "cases": data["cases"]}, indent=2,
                       ensure_ascii=False),
            encoding="utf-8",
        )  # fmt: skip
    print(_summary(data, report_dir))
    failures = below_bars(data["metrics"], bars)
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _summary(data: dict[str, Any], report_dir: Path) -> str:
    m = data["metrics"]

    def pct(key: str) -> str:
        return "–" if m.get(key) is None else f"{m[key]:.1%}"

    failing = [c for c in data["cases"] if not c["correct"]]
    lines = [
        f"{int(m['turns'])} turns from {data['questions']}",
        f"accuracy {pct('accuracy')} "
        f"(95% CI {m['accuracy_ci_low']:.1%}-{m['accuracy_ci_high']:.1%})"
        f"; refusal recall {pct('refusal_recall')}, precision {pct('refusal_precision')}",
        f"answerable: evidence right {pct('evidence_accuracy')}, short answer right "
        f"{pct('short_answer_accuracy')}; calibration error "
        + ("–" if m.get("calibration_error") is None else f"{m['calibration_error']:.3f}"),
        f"citations {pct('citation_accuracy')}; quotes exact {pct('quote_faithfulness')}; "
        f"retrieval hit@1 {pct('hit_at_1')}, hit@5 {pct('hit_at_5')}",
        f"latency p50 {m['latency_p50_ms']:.0f} ms, p95 {m['latency_p95_ms']:.0f} ms",
    ]
    if data.get("backend", "extractive") != "extractive":
        lines.append(_generation_line(data["backend"], m))
    for name, run in data["baselines"].items():
        b = run["metrics"]
        lines.append(
            f"baseline {name}: accuracy {b['accuracy']:.1%}, evidence "
            f"{(b['evidence_accuracy'] or 0):.1%}, short answer "
            f"{(b['short_answer_accuracy'] or 0):.1%}, "
            f"refusal recall {(b['refusal_recall'] or 0):.1%}"
        )
        if b.get("tokens_per_second") is not None:
            lines.append(_generation_line(name, b))
    diff = data["diff"]
    if data.get("previous"):
        lines.append(f"since previous run: {len(diff['broke'])} broke, {len(diff['fixed'])} fixed")
    lines += [f"failing: {c['id']}/{c['turn']} ({c['reason']})" for c in failing[:10]]
    if len(failing) > 10:
        lines.append(f"... and {len(failing) - 10} more")
    lines.append(f"report: {report_dir / 'report.html'}")
    return "\n".join(lines)


def _generation_line(name: str, m: dict[str, Any]) -> str:
    def pct(key: str) -> str:
        return "–" if m.get(key) is None else f"{m[key]:.1%}"

    speed = m.get("tokens_per_second")
    return (
        f"{name}: grounded {pct('grounded_rate')} of answers, fallback to extractive "
        f"{pct('fallback_rate')}, " + ("–" if speed is None else f"{speed:.1f}") + " tokens/s"
    )


def cmd_train(args: argparse.Namespace) -> int:
    import tempfile

    from assistant.model import MODEL_PATH
    from assistant.train import CONFIG, same_model, train

    settings = _settings(args)

    def log(line: str) -> None:
        print(line, file=sys.stderr)

    if not args.check:
        train(args.config or CONFIG, args.out, args.work, threads=settings.threads, log=log)
        return 0
    shipped = args.out or MODEL_PATH
    with tempfile.TemporaryDirectory(prefix="assistant-check-") as scratch:
        fresh = Path(scratch) / "evidence.json"
        train(args.config or CONFIG, fresh, args.work, threads=settings.threads, log=log)
        difference = same_model(shipped, fresh)
    if difference:
        print(f"FAIL: {shipped} is not what `assistant train` makes of the data: {difference}",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"{shipped} is reproduced by `assistant train` (to the tolerance of same_model)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.chat import serve

    settings = _settings(args)
    serve(settings, _embedder(settings))
    return 0


def cmd_llm_server(args: argparse.Namespace) -> int:
    import signal
    import threading

    from assistant.llm import serve_gguf

    settings = Settings()
    server = serve_gguf(
        args.model or settings.llm_model_path, args.host, args.port, settings.threads,
        settings.llm_context,
    )  # fmt: skip
    print(f"serving {args.model or 'the bundled SmolLM2-135M'} at "
          f"http://{args.host}:{args.port}/v1 (Ctrl-C stops)", flush=True)  # fmt: skip
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    del server
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
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("articles", parents=[common], help="list the articles in the index")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(func=cmd_articles)

    p = sub.add_parser("ask", parents=[common], help="answer a question, citing the articles")
    p.add_argument("question", help="the question, in quotes")
    p.add_argument("--history", type=Path, help="JSON file of earlier messages (follow-ups)")
    p.add_argument("--article", action="append", metavar="ID", help="only this article (repeat)")
    p.add_argument("--since", metavar="DATE", help="only articles dated on or after YYYY-MM-DD")
    p.add_argument("--until", metavar="DATE", help="only articles dated on or before YYYY-MM-DD")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.add_argument("--backend", choices=BACKENDS, help="who words the answer (default: setting)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", parents=[common], help="score answers on a question set")
    p.add_argument("--questions", type=Path, help="question set (default corpus/questions.yaml)")
    p.add_argument("--squad", type=Path, help="a SQuAD 2.0 JSON file instead (own temporary index)")
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

    p = sub.add_parser("train", parents=[common], help="fit the evidence model on the data")
    p.add_argument("--config", type=Path, help="training sets (default data/training.yaml)")
    p.add_argument("--out", type=Path, help="model file (default: the package's model)")
    p.add_argument("--work", type=Path, help="keep the training indexes in this folder")
    p.add_argument(
        "--check",
        action="store_true",
        help="train into a temporary file and compare it with the model (exit 1 if not equal)",
    )
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("llm-server", help="serve a GGUF model over an OpenAI-compatible API")
    p.add_argument("--model", type=Path, help="GGUF file (default: the bundled SmolLM2-135M)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.set_defaults(func=cmd_llm_server)

    p = sub.add_parser("serve", parents=[common], help="serve the web page")
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.add_argument("--auth", metavar="USER:PASS", help="require this login (default: none)")
    p.set_defaults(func=cmd_serve)
    return parser


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
        if os.environ.get("ASSISTANT_DEBUG"):
            traceback.print_exc()
        print(
            f"unexpected error: {type(exc).__name__}: {exc} (set ASSISTANT_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 2
