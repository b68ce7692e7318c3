"""Gold rows of who did what (data/people/*.yaml, or a file given to `assistant eval --roles`)
and how a people table is scored against them: precision and recall on (event, person,
role), the session agreeing, quotes verbatim."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.countries import country_of
from assistant.errors import AssistantError
from assistant.evaluation.questions import read_yaml
from assistant.ingest.people.mentions import clean_name, same_person
from assistant.roles import ROLES, RoleRow


@dataclass(frozen=True)
class GoldRow:
    event: str
    article: str
    person: str
    role: str
    session: str
    organisation: str
    quote: str = ""

    @property
    def holder(self) -> str:
        return self.person or self.organisation


def is_gold_roles(path: Path) -> bool:
    """Whether a YAML file holds gold people rows (a top-level `rows:`), not questions."""
    try:
        data = read_yaml(path, "gold roles")
    except AssistantError:
        return False
    return isinstance(data, dict) and "rows" in data and "cases" not in data


def load_gold(path: Path) -> tuple[Path | None, list[GoldRow]]:
    """(the corpus folder it names, or None; its rows); an error names the row and field."""
    data = read_yaml(path, "gold roles")
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise AssistantError(f"{path}: expected a top-level 'rows:' list")
    corpus = (path.parent / data["corpus"]).resolve() if data.get("corpus") else None
    rows = []
    for i, item in enumerate(data["rows"], 1):
        if not isinstance(item, dict):
            raise AssistantError(f"{path}: row {i} is not a mapping")
        role = str(item.get("role", ""))
        if role not in ROLES:
            raise AssistantError(f"{path}: row {i}: role {role!r} is not one of {', '.join(ROLES)}")
        person, organisation = str(item.get("person") or ""), str(item.get("organisation") or "")
        if not (person or organisation) or not item.get("article"):
            raise AssistantError(f"{path}: row {i} needs an article and a person or organisation")
        rows.append(GoldRow(str(item.get("event") or data.get("event") or ""),
                            str(item["article"]), person, role, str(item.get("session") or ""),
                            organisation, str(item.get("quote") or "")))  # fmt: skip
    return corpus, rows


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def same_holder(a: str, b: str) -> bool:
    """Whether two holders' names name one person, country or body ("Dr K. Bangarurajan" and
    "Bangarurajan"; "the Philippines" and "Philippine"; "Ministry of Health" in "Kenya's
    Ministry of Health")."""
    a, b = clean_name(a), clean_name(b)
    if not a or not b:
        return False
    ca, cb = country_of(a), country_of(b)
    if ca or cb:
        return ca == cb
    fa, fb = _fold(a), _fold(b)
    if fa == fb or same_person(fa, fb):
        return True
    shorter, longer = sorted((fa, fb), key=len)
    return len(shorter) > 3 and f" {shorter} " in f" {longer} "


def same_session(a: str, b: str) -> bool:
    """Whether two names of a session agree: both empty (the event as a whole), or sharing
    most of the shorter one's content words."""
    wa, wb = set(_fold(a).split()) - _FILLER, set(_fold(b).split()) - _FILLER
    if not wa or not wb:
        return not wa and not wb
    return len(wa & wb) >= 0.5 * min(len(wa), len(wb))


_FILLER = frozenset("the a an on of and session panel in for to".split())


def score(
    predicted: list[RoleRow], gold: list[GoldRow], event_of: dict[str, str] | None = None,
    texts: dict[str, str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Precision and recall of the table on (event, person, role): a predicted row is right
    when a gold row of the same event (the events of their articles: event_of maps an article
    to its event; by default every article is its own) has its role and holder; the session
    agreement of matched rows; and quotes verbatim (texts: the articles' cleaned texts)."""
    event = event_of or {}

    def key(article: str) -> str:
        return event.get(article, article)

    matched_gold: set[int] = set()
    right = sessions_agree = 0
    wrong: list[RoleRow] = []
    for row in predicted:
        hit = next((i for i, g in enumerate(gold)
                    if g.role == row.role and key(g.article) == key(row.article)
                    and same_holder(g.holder, row.person or row.organisation)), None)  # fmt: skip
        if hit is None:
            wrong.append(row)
            continue
        right += 1
        sessions_agree += same_session(gold[hit].session, row.session)
        matched_gold.add(hit)
    # a gold fact (event, holder, role) is recalled when any predicted row has it
    facts: dict[tuple[str, str, str], list[int]] = {}
    for i, g in enumerate(gold):
        facts.setdefault((key(g.article), _fold(clean_name(g.holder)), g.role), []).append(i)
    recalled = sum(any(i in matched_gold for i in ids) for ids in facts.values())
    verbatim = (sum(texts.get(r.article, "")[r.start : r.end] == r.quote for r in predicted)
                / len(predicted)) if texts and predicted else None  # fmt: skip
    return {
        "rows": len(predicted),
        "gold_facts": len(facts),
        "precision": right / len(predicted) if predicted else None,
        "recall": recalled / len(facts) if facts else None,
        "session_agreement": sessions_agree / right if right else None,
        "quotes_verbatim": verbatim,
        "wrong": wrong,
        "missed": [
            gold[ids[0]] for ids in facts.values() if not any(i in matched_gold for i in ids)
        ],
    }


def write_score(result: dict[str, Any], folder: Path, gold: str) -> None:
    """people.json (the figures, the wrong and missed rows) and people.md in the folder."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    figures = {k: v for k, v in result.items() if k not in {"wrong", "missed"}}
    wrong = [r.as_dict() for r in result["wrong"]]
    missed = [vars(g) for g in result["missed"]]
    (folder / "people.json").write_text(
        json.dumps({"gold": gold, "metrics": figures, "wrong": wrong, "missed": missed},
                   indent=2, ensure_ascii=False), encoding="utf-8")  # fmt: skip
    lines = [f"# The people table against {gold}", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k.replace('_', ' ')} | {_shown(v)} |" for k, v in figures.items()]
    lines += ["", "## Rows the table has that the gold does not", ""]
    lines += [f"- {r['role']}: {r['person'] or r['organisation']} ({r['article']}): “{r['quote']}”"
              for r in wrong] or ["(none)"]  # fmt: skip
    lines += ["", "## Gold rows the table misses", ""]
    lines += [f"- {g['role']}: {g['person'] or g['organisation']} ({g['article']})" for g in missed]
    (folder / "people.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.1%}" if isinstance(value, float) else str(value)


def people_summary(result: dict[str, Any]) -> str:
    """One line on the table's figures."""

    def pct(key: str) -> str:
        return _shown(result.get(key))

    return (
        f"people table: {result['rows']} rows; precision {pct('precision')}, recall "
        f"{pct('recall')} of {result['gold_facts']} gold facts (event, person, role); "
        f"sessions agree {pct('session_agreement')}; quotes verbatim {pct('quotes_verbatim')}"
    )
