"""How a resolution's text is shown: its runs as HTML, and thin tags over resolutions.reading (citations,
paragraph names, opening words), which holds the logic for the views, the API and the exports alike."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..reading import (
    EMPHASIS,
    Link,
    Marker,
    citation_en,
    citation_zh,
    opening_words,
    paragraph_label,
    place,
)

register = template.Library()


def render_runs(runs: list[tuple[str, Link | Marker | str | None]]) -> SafeString:
    """HTML for the runs; every piece of document text is escaped."""
    parts: list[SafeString] = []
    for text, what in runs:
        if isinstance(what, Marker):
            parts.append(
                format_html(
                    '<sup class="fn-marker"><a href="#{}" id="{}-ref" aria-label="脚注 {} footnote">{}</a></sup>',
                    what.anchor,
                    what.anchor,
                    what.number,
                    what.number,
                )
            )
        elif isinstance(what, Link):
            parts.append(
                format_html(
                    '<a class="ref{}" href="{}" title="{}">{}</a>',
                    " ref-external" if what.external else "",
                    what.href,
                    what.title,
                    text,
                )
            )
        elif what == EMPHASIS:
            parts.append(format_html('<span class="opening">{}</span>', text))
        else:
            parts.append(format_html("{}", text))
    return SafeString("".join(parts))


@register.simple_tag
def marked_text(item, language: str = "") -> SafeString:
    """The text of a paragraph or footnote the view prepared (`.text`, `.links`, `.markers`), as HTML.

    With a `language`, the paragraph's opening words are set off as the UN prints them.
    """
    emphasis = len(opening_words(item.text, language, guess=False)) if language else 0
    return render_runs(place(item.text, getattr(item, "links", ()), getattr(item, "markers", ()), emphasis))


# --- Citations, names and opening words: the logic is in resolutions.reading ------------------------

register.simple_tag(citation_zh)
register.simple_tag(citation_en)
register.simple_tag(paragraph_label)
register.filter("opening_words", opening_words)


@register.simple_tag
def excerpt_around(text: str, start: int, end: int, language: str = "", width: int = 40) -> SafeString:
    """The cited words in context, marked, after the paragraph's opening words in bold.

    '<strong>回顾</strong>…其<mark>第 67/161 号决议</mark>以及…'; the opening is not repeated when the
    excerpt begins with it.
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    opening = opening_words(text, language) if language else ""
    if end <= start:
        start = end = min(len(text), width * 2)
    begin = max(0, start - width)
    if begin < len(opening):
        begin = min(len(opening), start)
        lead = format_html('<strong class="opening">{}</strong>', opening) if opening else ""
    else:
        lead = format_html('<strong class="opening">{}</strong>…', opening) if opening else "…"
    if 0 < begin < start and text[begin - 1].isascii() and text[begin - 1].isalnum():
        space = text.find(" ", begin, start)  # English: start the excerpt on a whole word
        begin = space + 1 if space != -1 else begin
    after = text[end : end + width]
    if end + width < len(text) and " " in after and text[end + width].isascii() and text[end + width].isalnum():
        after = after[: after.rfind(" ")]
    return format_html(
        "{}{}<mark>{}</mark>{}{}",
        lead,
        text[begin:start],
        text[start:end],
        after,
        "…" if end + width < len(text) else "",
    )
