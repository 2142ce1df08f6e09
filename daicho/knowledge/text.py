"""Markdown to safe HTML, and the text normalisation and bigrams of the search.

Japanese has no spaces between words, so words cannot be indexed; every pair of adjacent
characters (bigram) is. A query term matches an article when the article holds every bigram of
the term (found through the index) *and* its normalised text contains the term (which removes
the rare false positive of bigrams found apart). Both steps are plain SQL (`IN`, `GROUP BY`,
`LIKE`) on text we normalise ourselves, so SQLite and PostgreSQL return the same rows in the same
order — unlike PostgreSQL's own full-text search (no Japanese parser without extensions) or
SQLite's FTS5 (tokenisers differ).
"""

from __future__ import annotations

import unicodedata

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th",
    "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}


def render_markdown(text: str) -> str:
    """Markdown as HTML with nothing executable left: raw HTML is escaped by the parser, and
    the result is cleaned again by an allow-list (links only to http, https and mailto)."""
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII, half-width kana to full width), lower case,
    runs of white space as one space."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


def bigrams(text: str) -> set[str]:
    """Every pair of adjacent characters within a word of the normalised text."""
    grams: set[str] = set()
    for word in normalise(text).split(" "):
        grams.update(word[i : i + 2] for i in range(len(word) - 1))
    return grams


def terms(query: str) -> list[str]:
    """The words of a query (all must match), normalised, without duplicates."""
    seen: list[str] = []
    for term in normalise(query).split(" "):
        if term and term not in seen:
            seen.append(term)
    return seen[:10]
