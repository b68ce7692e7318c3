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


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def cmd_train(args: argparse.Namespace) -> int:
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
