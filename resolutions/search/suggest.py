"""Did-you-mean, the pure part: near forms of a query that found nothing (the seam runs them, service.did_you_mean).

Two repairs, each kept within one word or "phrase" of the query so that its operators (OR, -, quotes) stay:
- a Chinese text cut by a stray space or punctuation mark ("禁止 酷刑", 人权，理事会) is joined up: between two
  Chinese characters nothing but other Chinese characters (traditional and full-width forms are folded already);
- a word in a Latin script of at least MIN_CORRECTED_LENGTH letters that the archive does not know is replaced by
  an indexed word one edit away (a letter added, dropped, changed, or two neighbours swapped: tortue -> torture),
  its first letter kept, as most misspellings keep it (and as Lucene's spell checker assumes, prefix_length 1).
Negated words and prefixes (tort*) are left as typed: correcting them would not make a query find anything.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .analysis import _CJK, RUN_RE, fold
from .query import NOT_WORDS, OPERATORS, TOKEN_RE

MIN_CORRECTED_LENGTH = 4  # shorter words have too many neighbours one edit away (and Lucene's default is 4)
GAP_BETWEEN_CHINESE_RE = re.compile(f"(?<=[{_CJK}])[\\W_]+(?=[{_CJK}])")


@dataclass(frozen=True)
class Word:
    """A word of the query that may be misspelt: where it stands in the query text, and its folded form."""

    start: int
    end: int
    folded: str


def within_one_edit(a: str, b: str) -> bool:
    """True when b is a with one letter inserted, deleted, substituted, or two neighbouring letters swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i + 1 :] or (i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :])


def _positive_segments(text: str) -> list[tuple[int, str]]:
    """(start, text) of each word and phrase of the query that asks for something (no operator, negation, prefix)."""
    segments: list[tuple[int, str]] = []
    negate_next = False
    for match in TOKEN_RE.finditer(text):
        word, phrase = match.group("word"), match.group("phrase")
        if word is not None:
            if word in OPERATORS:
                negate_next = word in NOT_WORDS
                continue
            negated = negate_next or (word.startswith("-") and len(word) > 1)
            negate_next = False
            if not negated and not word.endswith("*"):
                segments.append((match.start("word"), word))
        else:
            if not negate_next:
                segments.append((match.start("phrase"), phrase))
            negate_next = False
    return segments


def join_chinese(text: str) -> str:
    """The query with the spaces and punctuation between two Chinese characters of one word or phrase dropped."""
    pieces, last = [], 0
    for start, segment in _positive_segments(text):
        pieces.append(text[last:start])
        pieces.append(GAP_BETWEEN_CHINESE_RE.sub("", segment))
        last = start + len(segment)
    pieces.append(text[last:])
    return "".join(pieces)


def correctable_words(text: str) -> list[Word]:
    """The words of a Latin script the query asks for, MIN_CORRECTED_LENGTH letters or more, no digit."""
    found = []
    for start, segment in _positive_segments(text):
        for run in RUN_RE.finditer(segment):
            folded = fold(run.group())
            if run.lastgroup == "word" and folded.isalpha() and len(folded) >= MIN_CORRECTED_LENGTH and RUN_RE.fullmatch(folded):
                found.append(Word(start + run.start(), start + run.end(), folded))
    return found


def replace_words(text: str, replacements: dict[Word, str]) -> str:
    """The query with each word replaced, in the case it was typed (Tortue -> Torture, TORTUE -> TORTURE)."""
    for word, new in sorted(replacements.items(), key=lambda item: -item[0].start):
        typed = text[word.start : word.end]
        if typed.isupper() and len(typed) > 1:
            new = new.upper()
        elif typed[:1].isupper():
            new = new[:1].upper() + new[1:]
        text = text[: word.start] + new + text[word.end :]
    return text
