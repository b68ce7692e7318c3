"""The developer's commands of `assistant`: eval (run a question set), train (fit, check or
verify the evidence model), llm-server and llm-replay (local model servers)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from assistant.app.arguments import service_of, settings_of
from assistant.config import Settings


def cmd_eval(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from assistant.app.terminal import eval_summary
    from assistant.evaluation.metrics import compute
    from assistant.evaluation.runner import below_bars, parse_bars

    if args.roles is not None:
        return _eval_roles(args)
    bars = parse_bars(args.fail_under or [], compute([]).keys())
    service = service_of(args)
    with tqdm(unit="case", file=sys.stderr, disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        result = service.evaluate(
            args.questions, squad=args.squad, coqa=args.coqa, per_article=args.per_article,
            backends=args.backend, baselines=args.baselines,
            report_dir=args.report or Path("reports") / f"eval-{_now():%Y%m%d-%H%M%S}",
            progress=progress,
        )  # fmt: skip
    if args.json:
        args.json.write_text(
            json.dumps({"metrics": result.metrics, "cases": result.cases}, indent=2,
                       ensure_ascii=False),
            encoding="utf-8",
        )  # fmt: skip
    print(eval_summary(result))
    failures = below_bars(result.metrics, bars)
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _eval_roles(args: argparse.Namespace) -> int:
    from assistant.evaluation.people_gold import people_summary
    from assistant.evaluation.runner import below_bars, parse_bars

    keys = ("precision", "recall", "session_agreement", "quotes_verbatim")
    bars = parse_bars(args.fail_under or [], keys)
    service = service_of(args)
    service.check_index()
    report = args.report or Path("reports") / f"people-{_now():%Y%m%d-%H%M%S}"
    result = service.score_people(args.roles, report)
    print(people_summary(result))
    for r in result["wrong"][:10]:
        print(f"wrong: {r.role}: {r.person or r.organisation} ({r.article})")
    for g in result["missed"][:10]:
        print(f"missed: {g.role}: {g.person or g.organisation} ({g.article})")
    print(f"report: {report / 'people.md'}")
    failures = below_bars({k: result.get(k) for k in keys}, bars)
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def cmd_train(args: argparse.Namespace) -> int:
    """Fit (or --check, --verify) the evidence model, the people model, or both."""
    parts = [args.only] if args.only else ["evidence", "people"]
    status = 0
    for part in parts:
        status |= (_train_evidence if part == "evidence" else _train_people)(args)
    return status


def _train_evidence(args: argparse.Namespace) -> int:
    import tempfile

    import numpy as np

    from assistant.answering import MODEL_PATH
    from assistant.evaluation.train import train
    from assistant.evaluation.training_data import CONFIG
    from assistant.evaluation.training_report import same_model

    settings = settings_of(args)

    def log(line: str) -> None:
        print(line, file=sys.stderr)

    if args.verify:
        from assistant.answering import load_model
        from assistant.app.service import embedder_of
        from assistant.evaluation.model_check import verify

        shipped = args.out or MODEL_PATH
        problems = verify(load_model(shipped), args.config or CONFIG, embedder_of(settings))
        if problems:
            print(f"FAIL: {shipped} is not what `assistant train` makes of the repository now: "
                  f"{'; '.join(problems)}: run `assistant train`", file=sys.stderr)  # fmt: skip
            return 1
        print(f"{shipped} matches the training data, the trainer and the serving path")
        return 0
    if not args.check:
        train(args.config or CONFIG, args.out, args.work, threads=settings.threads, log=log)
        return 0
    shipped = args.out or MODEL_PATH
    with tempfile.TemporaryDirectory(prefix="assistant-check-") as scratch:
        fresh, probe = Path(scratch) / "evidence.json", Path(scratch) / "rows.npy"
        train(args.config or CONFIG, fresh, args.work, threads=settings.threads, log=log,
              probe=probe)  # fmt: skip
        difference = same_model(shipped, fresh, rows=np.load(probe))
    if difference:
        print(f"FAIL: {shipped} is not what `assistant train` makes of the data: {difference}",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"{shipped} is reproduced by `assistant train` (to the tolerance of same_model)")
    return 0


def _train_people(args: argparse.Namespace) -> int:
    import tempfile

    from assistant.evaluation.people_train import same_people_model, train_people, verify_people
    from assistant.ingest.people.model import MODEL_PATH, PeopleModel, load_people_model

    def log(line: str) -> None:
        print(line, file=sys.stderr)

    shipped = args.people_out or MODEL_PATH
    if not (args.verify or args.check):
        train_people(shipped, log=log)
        load_people_model.cache_clear()
        return 0
    model = load_people_model(shipped)
    if args.verify:
        problems = verify_people(model)
        if problems:
            print(f"FAIL: {shipped} is not what `assistant train` makes of the repository now: "
                  f"{'; '.join(problems)}: run `assistant train --only people`",
                  file=sys.stderr)  # fmt: skip
            return 1
        print(f"{shipped} matches the people data and the code that reads and fits it")
        return 0
    with tempfile.TemporaryDirectory(prefix="assistant-check-") as scratch:
        fresh: PeopleModel = train_people(Path(scratch) / "people.json", log=log)
    difference = same_people_model(model, fresh)
    if difference:
        print(f"FAIL: {shipped} is not what `assistant train` makes of the data: {difference}",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"{shipped} is reproduced by `assistant train --only people`")
    return 0


def cmd_llm_server(args: argparse.Namespace) -> int:
    import signal
    import threading

    from assistant.answering import serve_gguf

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


def cmd_llm_replay(args: argparse.Namespace) -> int:
    import signal
    import threading

    from assistant.evaluation.replay import Recordings, ReplayServer, load_recordings

    server = ReplayServer(Recordings(load_recordings(args.answers)), args.host, args.port)
    print(f"replaying {args.answers} at {server.url} (Ctrl-C stops)", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server.start()
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    server.close()
    return 0
