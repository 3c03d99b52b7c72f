"""Snippets and highlighting, computed by the archive from a paragraph's clean text, whichever engine found it.

`match_spans` finds where the query's words occur in the text (after folding, as the index sees it; English
stems in English texts; a prefix marks the whole word it starts), `highlight` cuts a snippet around the
first and marks the spans, escaping the text first.
"""
from __future__ import annotations

import functools

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from whoosh.analysis import STOP_WORDS, StemmingAnalyzer
from whoosh.analysis.tokenizers import default_pattern as ENGLISH_WORD_RE
from whoosh.lang.porter import stem

from .analysis import CJK_RE, fold, fold_with_offsets, runs
from .query import is_prefix, only_stop_words

SNIPPET_CHARS = 160

_ENGLISH = StemmingAnalyzer()


@functools.lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return stem(word)


def highlight(text: str, words: list[str], language: str, *, width: int = SNIPPET_CHARS) -> SafeString:
    """A snippet of `text` around its first match, HTML-escaped first, then matches wrapped in <mark>."""
    return snippet(text, match_spans(text, words, language, width=width), width=width)


def snippet(text: str, spans: list[tuple[int, int]], *, width: int = SNIPPET_CHARS) -> SafeString:
    """`width` characters of `text` from a little before the first span, escaped, each span in <mark>."""
    if not spans:
        return mark_safe(escape(_cut(text, 0, width)))
    start = max(0, spans[0][0] - width // 4)
    end = min(len(text), start + width)
    if len(text) - start < width:
        start = max(0, len(text) - width)
    pieces: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(escape(text[cursor:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces))


def _word_char(char: str) -> bool:
    """A character that continues a Latin-script word as the index reads it (a Chinese character does not)."""
    return char.isalnum() and not CJK_RE.match(char)


def _cut(text: str, start: int, width: int) -> str:
    return text[start : start + width] + ("…" if len(text) > start + width else "")


def match_spans(text: str, words: list[str], language: str, *, width: int | None = None) -> list[tuple[int, int]]:
    """Where the query's words occur in `text` (after folding), as merged (start, end) in the original.

    With `width` (a snippet's), English stems are looked for only up to `width` characters past the first
    exact match: the snippet shows nothing further, and stemming a whole long paragraph is what costs.
    """
    # English stop words (the, to) are not marked beside the words that carry the query; alone they are.
    carrying = [word for word in words if not only_stop_words(word, exact=False)]
    words = carrying or words
    folded, offsets = fold_with_offsets(text)
    offsets.append(len(text))
    spans: list[tuple[int, int]] = []
    first = len(folded)  # the first exact match, in the folded text
    for word in words:
        prefix = is_prefix(word)
        parts = list(runs(fold(word[:-1] if prefix else word)))
        for i, run in enumerate(parts):
            needle = run.text
            continues = prefix and i == len(parts) - 1 and not run.cjk  # tort* marks the whole of torture
            at = folded.find(needle)
            while at != -1:
                end = at + len(needle)
                if continues:
                    while end < len(folded) and _word_char(folded[end]):
                        end += 1
                boundary_ok = run.cjk or ((at == 0 or not _word_char(folded[at - 1])) and (end == len(folded) or not _word_char(folded[end])))
                if boundary_ok:
                    spans.append((offsets[at], offsets[end]))
                    first = min(first, at)
                at = folded.find(needle, at + 1)
    if language == "en":
        stems = {token.text for word in words if not is_prefix(word) for token in _ENGLISH(fold(word), mode="query")}
        scanned = folded
        if width is not None and spans:
            # Cut at a space, so that the word at the cut is stemmed whole.
            end = folded.find(" ", first + width)
            scanned = folded if end == -1 else folded[:end]
        if stems:
            # The English field's tokens (its tokenizer's pattern, stop words and minimum size), each stemmed once
            # per process: running the whole analyzer chain over each paragraph cost ~7 ms a hit.
            for match in ENGLISH_WORD_RE.finditer(scanned):
                word = match.group()
                if len(word) >= 2 and word not in STOP_WORDS and _stem(word) in stems:
                    spans.append((offsets[match.start()], offsets[match.end()]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and span[0] <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span[1]))
        else:
            merged.append(span)
    return merged
