"""Candidate (holder, role) pairs of a table row as the Word and PDF readers write it
("Country: Kenya; Head of delegation: Dr Ann Mwangi, Minister of Health"): a header that says a
role proposes it for each item of its value, described by the same features as a sentence's."""

from __future__ import annotations

import re

from assistant.ingest.people.mentions import BODY, COUNTRY, PERSON, Mention, name_in
from assistant.ingest.people.propose import NAMES, Candidate, holder_features
from assistant.language import stem
from assistant.roles import SESSION_NOUNS, TABLE_CELL, roles_of_word

_HOLDER_HEADERS = frozenset(
    "country delegation organisation organization member party state institution body".split()
)


def is_table_row(text: str) -> bool:
    """Whether a sentence is a table row as the Word and PDF readers write them."""
    return len(TABLE_CELL.findall(text)) >= 2


def table_candidates(text: str, start: int, end: int, mentions: list[Mention]) -> list[Candidate]:
    """A table row read as "Header: value" pairs ("Country: Kenya; Head of delegation: Dr Ann
    Mwangi, Minister of Health"): in a value whose header says a role, each item of the list
    it holds names its holder first (what follows a comma describes them)."""
    row = text[start:end]
    cells = [(m.group(1), start + m.start(2), start + m.end(2)) for m in TABLE_CELL.finditer(row)]
    if len(cells) < 2:
        return []
    # "Country", "Country / body", "Member state": a header of holders that says no role
    organisation = next((text[a:b].strip() for h, a, b in cells if _of_holders(h)), "")
    # "Session title", "Topic": the session's name; a lone "Title" in a row that names a
    # country or a body is its person's title ("Title: Minister of Works and Transport")
    named = {"topic", "theme"} | ({"title"} if not organisation else set())
    session = next((text[a:b].strip() for h, a, b in cells
                    if (h.lower().split()[-1] in SESSION_NOUNS | named
                        or (h.lower().split()[-1] == "title" and len(h.split()) > 1))
                    and not is_table_row(text[a:b])), "")  # fmt: skip
    session = re.sub(r"^(?:session|panel)\s*\d+\s*(?:\([^)]*\))?\s*:\s*", "", session, flags=re.I)
    out = []
    for header, a, b in cells:
        roles: set[str] = set()
        words = header.lower().replace("-", " ").split()
        if "delegation" in words and "head" in words:
            roles = {"head-of-delegation"}
        else:
            for w in words:
                roles |= roles_of_word(w)
        if not roles:
            continue
        # the header's own words, as a cue word in a sentence is described
        said_by = {f"cue_{stem(w)}": 1.0 for w in words if roles_of_word(w)}
        items = _items(text, a, b)
        # a role the value says in closing brackets is every item's ("A and B (co-chairs)")
        # or after its last comma, in a word or two ("A (Ghana) and B (Netherlands), co-chairs",
        # "C (Bulgaria), Conference President"; not "D, Chair of the National Board")
        closing = re.search(r"\(([^)]*)\)\s*$", text[a:b]) or re.search(
            r",\s*((?:[\w-]+\s+)?[\w-]+)\s*$", text[a:b]
        )
        all_said = _said(closing.group(1)) if closing else set()
        for n, (x, y) in enumerate(items):
            inside = [m for m in mentions if x <= m.start < y]
            holder = inside[0] if inside else None
            whole = name_in(text, x, y)  # a cell that is one name is the name, whole
            if (
                whole is not None
                and whole.kind == PERSON
                and (holder is None or holder.start >= whole.start)
            ):
                holder = whole
            if holder is None or holder.start - x > 12:  # the item does not open with a name
                continue
            # a role the item itself says overrides its header's ("Chair: A (moderator)")
            said = {r for inner in re.findall(r"\(([^)]*)\)", text[x:y]) for r in _said(inner)}
            for role in said or all_said or roles:
                values = {f"role_{role}": 1.0, "relation_table": 1.0, "nearest": float(n == 0),
                          "in_list": float(len(items) > 1),
                          "person": float(holder.kind == PERSON),
                          "country": float(holder.kind == COUNTRY),
                          "body": float(holder.kind == BODY),
                          "holders": min(len(mentions), 6) / 6, "cue_noun": 1.0,
                          "cue_ambiguous": float(len(roles) > 1 and not said),
                          **said_by, **holder_features(holder, None)}  # fmt: skip
                own = organisation if holder.kind == PERSON else ""
                out.append(Candidate(holder, role, start, end, header,
                                     tuple(values.get(name, 0.0) for name in NAMES), own,
                                     session=session, at=a))  # fmt: skip
    return out


def _of_holders(header: str) -> bool:
    words = re.findall(r"[a-z]+", header.lower())
    others = [w for w in words if w not in _HOLDER_HEADERS]  # "head" of "Head of delegation"
    return len(others) < len(words) and not any(map(roles_of_word, others))


def _said(words: str) -> set[str]:
    """The roles a few words say ("co-chairs", "moderator")."""
    return {r for w in words.split() for r in roles_of_word(w.strip(",;."))}


def _items(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The items of a cell's value: people listed with ";" or " and ", or the whole value."""
    value = text[a:b]
    parts, at = [], a
    for piece in re_split_items(value):
        x = text.index(piece, at, b) if piece in text[at:b] else at
        parts.append((x, x + len(piece)))
        at = x + len(piece)
    return parts or [(a, b)]


def re_split_items(value: str) -> list[str]:
    """ "A, Minister; B and C" -> ["A, Minister", "B", "C"]: a list of people in a cell."""
    pieces = [p for p in re.split(r"\s*(?:;|\band\b|&)\s*", value) if p.strip()]
    return pieces
