"""Site furniture: lines a news site wraps around an article (share and follow lines, "Also
read" links, sign-up boxes, author boxes, copyright footers). General patterns, not one site's
sentences: each rule is a kind of furniture seen across sites."""

from __future__ import annotations

import re

# sentences: each rule is a kind of furniture seen across sites.
_SOCIAL = (
    r"facebook|twitter|linkedin|instagram|youtube|whatsapp|telegram|threads|pinterest|reddit|"
    r"tiktok|mastodon|bluesky|social media|\bx\b"
)
_FURNITURE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        # "Also read: ...", "Related: ...", "Read more >>"
        (
            "related link",
            r"^\W*(also read|read also|read more|more from|related( stories| articles| news)?|"
            r"see also|recommended( for you| reading)?|you (may|might) also like|don'?t miss|"
            r"must read|trending( now)?|further reading)\b\s*([:>»|\-–—]|$)",
        ),
        # "Follow X on Facebook, Twitter ..." / "Share this article on WhatsApp"
        (
            "share/follow line",
            rf"^\W*(follow|like|share|join|connect with|find)\b(?!-).{{0,150}}({_SOCIAL})",
        ),
        ("share/follow line", r"^\W*(share|tweet|email|print) (this|the) (article|story|post)\b"),
        # "Subscribe to X to receive ...", "Sign up for our newsletter"
        (
            "subscribe line",
            r"^\W*(subscribe|sign up|signup|register|get (our|the)\b.{0,60}\b(newsletter|briefing))"
            r"\b.{0,200}(newsletter|inbox|e-?mail|briefing|updates|mailing list|alerts|news)",
        ),
        # "Success! You're on the list.", "Thanks for subscribing", "No spam, we promise."
        (
            "sign-up confirmation",
            r"(you'?re on the list|you are on the list|thanks? (you )?for (subscribing|signing up)|"
            r"you('re| are| have been) (now )?subscribed|check your (inbox|e-?mail) to confirm|"
            r"\bno spam\b)",
        ),
        # Author boxes and comment prompts
        (
            "author box",
            r"^\W*(about the author|(daily |latest )?(stories|articles|posts) by\b|"
            r"more by this author|"
            r"have (some|any)? ?feedback for|click here to comment|leave a (comment|reply)|"
            r"\d+ comments?\b|comments? \(\d+\)|view all posts by|written by .{0,40}\bstaff\b)",
        ),
        (
            "page footer",
            r"^\W*(©|\(c\)|copyright\b|all rights reserved|advertisement\b|sponsored\b|"
            r"tags?:|filed under\b|posted in\b|image (credit|source):|photo:)",
        ),
    )
)
_SHORT_WORDS = 12  # a paragraph this short in the tail zone is taken as a byline or footer


def furniture_kind(paragraph: str) -> str | None:
    """The kind of site furniture this paragraph is, or None when it is article text."""
    text = paragraph.strip()
    if len(text.split()) > 60:  # real furniture is short; a long paragraph is article text
        return None
    for name, pattern in _FURNITURE_RULES:
        if pattern.search(text):
            return name
    return None


def article_paragraphs(paragraphs: list[str]) -> list[int]:
    """Indexes of the paragraphs that are article text: furniture paragraphs are dropped, and
    the whole footer once the rest is furniture or short."""
    kinds = [furniture_kind(p) for p in paragraphs]
    for i, kind in enumerate(kinds):
        if kind is None:
            continue
        tail = range(i + 1, len(paragraphs))
        if all(kinds[j] or len(paragraphs[j].split()) <= _SHORT_WORDS for j in tail):
            kinds = kinds[:i]
            break
    return [i for i, kind in enumerate(kinds) if kind is None]


def strip_furniture(paragraphs: list[str]) -> list[str]:
    """The paragraphs that are article text (article_paragraphs)."""
    return [paragraphs[i] for i in article_paragraphs(paragraphs)]
