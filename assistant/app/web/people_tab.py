"""The People tab: who did what, as the index read it: per event, its sessions with their
chairs, moderators and speakers, then the delegations and the event's other roles; each name
shows the sentence it rests on and its article. Filter by event or role; JSON by API."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from assistant.app.service import Service
from assistant.errors import AssistantError
from assistant.roles import ROLES, RoleRow

PEOPLE_EMPTY = (
    '<div class="sources-empty">Nobody in a role yet: add articles that say who opened, '
    "chaired, moderated or spoke.</div>"
)
# the order roles are shown in, within a session and at the event
_ORDER = {role: n for n, role in enumerate(
    ("chair", "co-chair", "moderator", "keynote", "speaker", "panelist", "presenter", "opened",
     "president", "host", "head-of-delegation", "signatory", "award", "other"))}  # fmt: skip
_SHOWN = {"head-of-delegation": "head of delegation"}


def render_people(rows: Sequence[RoleRow]) -> str:
    """The table as HTML, every piece of article text escaped: per event, its sessions, then
    the delegations and the rest."""
    if not rows:
        return PEOPLE_EMPTY
    out = []
    for event in dict.fromkeys(r.event for r in rows):
        mine = [r for r in rows if r.event == event]
        out.append(f'<div class="event"><h3>{html.escape(event or "(event not named)")}</h3>')
        sessions = [s for s in dict.fromkeys(r.session for r in mine) if s]
        for session in sessions:
            out.append(f"<h4>{html.escape(session)}</h4>")
            out.append(_list([r for r in mine if r.session == session]))
        delegations = [r for r in mine if not r.session and r.role == "head-of-delegation"]
        if delegations:
            out.append("<h4>Delegations</h4>" + _list(delegations))
        rest = [r for r in mine if not r.session and r.role != "head-of-delegation"]
        if rest:
            out.append("<h4>The event as a whole</h4>" + _list(rest))
        out.append("</div>")
    return "\n".join(out)


def _list(rows: Sequence[RoleRow]) -> str:
    items = []
    for r in sorted(rows, key=lambda r: (_ORDER.get(r.role, 99), r.person or r.organisation)):
        who = html.escape(r.person or r.organisation)
        if r.person and r.organisation:
            who += f' <span class="org">({html.escape(r.organisation)})</span>'
        where = html.escape(r.article) + (f", p. {r.page}" if r.page else "")
        items.append(
            f"<li><b>{html.escape(_SHOWN.get(r.role, r.role))}</b>: {who} "
            f"<details><summary>{where}</summary><q>{html.escape(r.quote)}</q></details></li>"
        )
    return f'<ul class="people">{"".join(items)}</ul>'


def build(service: Service) -> Any:
    """The tab's components inside the current gr.Blocks; returns (refresh, outputs)."""
    import gradio as gr

    def show(event: str, role: str | None) -> str:
        try:
            return render_people(service.people(event or "", role or ""))
        except AssistantError as exc:
            return f'<div class="refusal">{html.escape(str(exc))}</div>'

    def people_api(event: str = "", role: str = "") -> list[dict[str, Any]]:
        """The table's rows as `assistant people --json` prints them."""
        if role and role not in ROLES:
            raise gr.Error(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
        try:
            return [r.as_dict() for r in service.people(event or "", role or "")]
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    with gr.Row():
        event = gr.Textbox(label="Event", placeholder="any event (words of its name)", scale=3)
        role = gr.Dropdown(["", *ROLES], value="", label="Role", scale=1)
        refresh = gr.Button("Show", scale=1, elem_id="people-show")
    table = gr.HTML(PEOPLE_EMPTY, elem_id="people")
    refresh.click(show, [event, role], table, api_name=False)
    event.submit(show, [event, role], table, api_name=False)
    gr.api(people_api, api_name="people")
    return lambda: show("", ""), table
