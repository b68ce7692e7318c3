"""Dates as articles write them ("14 February 2020", "February 14, 2020", "2020-02-14"), and
dates given in front matter or a document's properties, as YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_PATTERNS = (
    re.compile(r"\b(?P<y>(19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(st|nd|rd|th)?\s+(?P<mon>{_MONTHS})\.?,?\s+(?P<y>(19|20)\d\d)\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<mon>{_MONTHS})\.?\s+(?P<d>\d{{1,2}})(st|nd|rd|th)?,?\s+(?P<y>(19|20)\d\d)\b",
        re.IGNORECASE,
    ),
)


def _month_number(name: str) -> int:
    return [m[:3] for m in _MONTHS.split("|")[:12]].index(name.lower()[:3]) + 1


def find_date(text: str) -> str:
    """The first calendar date written in the text, as YYYY-MM-DD, or ""."""
    found: list[tuple[int, str]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = int(parts["m"]) if parts.get("m") else _month_number(parts["mon"])
            try:
                day = dt.date(int(parts["y"]), month, int(parts["d"]))
            except ValueError:
                continue
            found.append((match.start(), day.isoformat()))
            break
    return min(found)[1] if found else ""


# where news gives an article's date: its headline, byline and dateline
TOP = 600
_MONTH_DAY = re.compile(
    rf"\b(?P<mon>{_MONTHS})\.?\s+(?P<d>\d{{1,2}})\b(?!,?\s+(?:19|20)\d\d)"
    rf"|\b(?P<d2>\d{{1,2}})\s+(?P<mon2>{_MONTHS})\b(?!\.?,?\s+(?:19|20)\d\d)",
    re.IGNORECASE,
)


def article_date(text: str) -> str:
    """An article's date as news gives it, at its top: a date there, or a dateline's month and
    day ("WINDHOEK, Sept 17 (Meridian)") with the year of a date of that month the text gives
    ("from 14 to 17 September 2026"); "" when the top gives none: a date further down is of
    something else ("She will succeed Solheim on Jan. 1, 2027")."""
    top = text[:TOP]
    found = find_date(top)
    if found:
        return found
    short = _MONTH_DAY.search(top)
    if short is None:
        return ""
    month = _month_number(short.group("mon") or short.group("mon2"))
    day = int(short.group("d") or short.group("d2"))
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            if (int(parts["m"]) if parts.get("m") else _month_number(parts["mon"])) == month:
                try:
                    return dt.date(int(parts["y"]), month, day).isoformat()
                except ValueError:
                    return ""
    return ""


def normalise_date(value: object) -> str:
    """A front-matter date (date, datetime or string) as YYYY-MM-DD; ValueError if it is not one."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        found = find_date(text)
        if not found:
            raise ValueError(f"date {text!r} is not a date (write it as YYYY-MM-DD)") from None
        return found
