"""What the index sees of a text: folded script and width, overlapping Chinese bigrams, English words.

Folding works character by character (NFKC, then OpenCC t2s, then lower case), so that folding a
substring of a text always gives a substring of the folded text: that is what makes a query found in
every paragraph that contains it. OpenCC's phrase-level conversion would fold the same characters
differently depending on their neighbours, and a query could then miss the text it was cut from.

Chinese runs become overlapping bigrams (国家防范 -> 国家 家防 防范, then the run's last character 范 on
its own), one position each, so a query of n >= 2 characters is the phrase of its n - 1 bigrams and
matches exactly the texts containing it; a one-character query is a prefix query on the same terms.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import opencc
from whoosh.analysis import Token, Tokenizer

_T2S = opencc.OpenCC("t2s")

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af\U00020000-\U0003134f"
CJK_RE = re.compile(f"[{_CJK}]")
# A run of Chinese characters, or a run of other letters and digits (a word in a Latin script: 第1条 -> 第, 1, 条).
RUN_RE = re.compile(f"(?P<cjk>[{_CJK}]+)|(?P<word>[^\\W_{_CJK}]+)")


class _FoldTable(dict):
    """str.translate table that folds each character on first sight and remembers it."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        folded = unicodedata.normalize("NFKC", char)
        folded = "".join(_T2S.convert(c) if CJK_RE.match(c) else c for c in folded).lower()
        self[codepoint] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Fold full/half width, traditional to simplified script and case: 國家防範機制 -> 国家防范机制."""
    return text.translate(_FOLD)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original character."""
    folded = text.translate(_FOLD)
    if len(folded) == len(text):  # every character folds to one character (none folds to nothing)
        return folded, list(range(len(text)))
    parts: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = char.translate(_FOLD)
        parts.append(folded)
        offsets.extend([index] * len(folded))
    return "".join(parts), offsets


@dataclass(frozen=True)
class Run:
    """A run of folded text: Chinese characters (`cjk` True) or one word of letters and digits."""

    text: str
    cjk: bool
    start: int  # in the folded text
    end: int


def runs(folded: str) -> Iterator[Run]:
    for match in RUN_RE.finditer(folded):
        yield Run(match.group(), match.lastgroup == "cjk", match.start(), match.end())


def index_terms(run: Run) -> list[str]:
    """Terms a run gives the index, one position each: bigrams then the last character, or the word."""
    if not run.cjk:
        return [run.text]
    text = run.text
    return [text[i : i + 2] for i in range(len(text) - 1)] + [text[-1]]


def query_terms(run: Run) -> list[str]:
    """Terms a query run must match at consecutive positions (bigrams only; one character alone)."""
    if not run.cjk or len(run.text) == 1:
        return [run.text]
    text = run.text
    return [text[i : i + 2] for i in range(len(text) - 1)]


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer over folded text: Chinese bigrams and Latin-script words, positions continuous."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BigramTokenizer)

    __hash__ = Tokenizer.__hash__

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if chars:
            folded, offsets = fold_with_offsets(value)
            offsets.append(len(value))
        else:
            folded, offsets = fold(value), []
        position = start_pos
        for run in runs(folded):
            terms = query_terms(run) if mode == "query" else index_terms(run)
            for i, term in enumerate(terms):
                token.text = term
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = term
                if positions:
                    token.pos = position
                if chars:
                    begin = run.start + (i if run.cjk else 0)
                    token.startchar = start_char + offsets[begin]
                    token.endchar = start_char + offsets[min(begin + len(term), len(offsets) - 1)]
                position += 1
                yield token


def BigramAnalyzer() -> BigramTokenizer:  # noqa: N802 - named like whoosh's analyzer factories
    """The analyzer of the `text` field (Chinese and exact Latin-script words)."""
    return BigramTokenizer()
