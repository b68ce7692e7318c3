"""The Evaluate tab: run the corpus's question set (or an uploaded one) against the current
index and show the metrics, plots and failing turns, with the report as a zip; or score the
people table against uploaded gold rows."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from assistant.app.service import Service
from assistant.app.web.render import evaluation_summary, failing_rows, md_escape, metrics_rows
from assistant.errors import AssistantError
from assistant.evaluation.people_gold import is_gold_roles, people_summary


def build(service: Service) -> None:
    """The tab's components inside the current gr.Blocks."""
    import gradio as gr

    def evaluate(upload: str | None, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        if upload and is_gold_roles(Path(upload)):
            return score_roles(Path(upload))
        progress(0, desc="Asking the questions")
        try:
            result = service.evaluate(
                Path(upload) if upload else None,
                progress=lambda done, total: progress((done, total), desc="Asking", unit="cases"),
            )
        except AssistantError as exc:
            return f"**Evaluation failed:** {md_escape(str(exc))}", [], [], [], None
        out = result.report_dir
        assert out is not None
        archive = shutil.make_archive(str(out), "zip", out)
        plots = [str(p) for p in sorted(out.glob("*.png"))]
        return (
            evaluation_summary(result), metrics_rows(result.metrics), plots,
            failing_rows(result.cases), archive,
        )  # fmt: skip

    def score_roles(gold: Path) -> tuple[Any, ...]:
        out = Path(tempfile.mkdtemp(prefix="assistant-people-")) / "people-report"
        try:
            result = service.score_people(gold, out)
        except AssistantError as exc:
            return f"**Evaluation failed:** {md_escape(str(exc))}", [], [], [], None
        figures = {k: result[k] for k in ("precision", "recall", "session_agreement",
                                          "quotes_verbatim")}  # fmt: skip
        # in the failing turns' columns: article, role, holder, why, quote, confidence
        rows = [[r.article, r.role, r.person or r.organisation, "not in the gold rows", r.quote,
                 r.confidence] for r in result["wrong"]]  # fmt: skip
        rows += [[g.article, g.role, g.holder, "missed", g.quote, ""] for g in result["missed"]]
        archive = shutil.make_archive(str(out), "zip", out)
        return md_escape(people_summary(result)), metrics_rows(figures), [], rows, archive

    gr.Markdown(
        "Runs the question set in the corpus folder (`questions.yaml`), or one you "
        "upload in the same format, against the current index. Upload a gold people file "
        "(`rows:` of event, article, person, role, session, organisation) to score the "
        "people table instead."
    )
    questions_upload = gr.File(
        label="Question set or gold people rows (.yaml), optional", file_types=[".yaml", ".yml"]
    )
    run_button = gr.Button("Run evaluation", variant="primary", elem_id="run-eval")
    eval_summary = gr.Markdown(elem_id="eval-summary")
    metrics_table = gr.Dataframe(headers=["metric", "value"], label="Metrics")
    plots = gr.Gallery(label="Plots", columns=2, height=720, object_fit="contain")
    failing = gr.Dataframe(
        headers=["case", "turn", "question", "why", "answer", "confidence"],
        label="Failing turns",
        wrap=True,
    )
    report_file = gr.File(label="Report (zip: report.html, report.md, results.json)")
    run_button.click(
        evaluate,
        questions_upload,
        [eval_summary, metrics_table, plots, failing, report_file],
        api_name="evaluate",
        concurrency_limit=1,
    )
