"""Differences between two texts, word by word in English and character by character in Chinese.

Pure Python (difflib), no Django: the admin shows revisions with it, and the services carry
references and footnote markers from an old text to the same words of a new one (`Alignment`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

# A token is a run of Latin letters or digits (an English word, "60", "251"), a run of spaces, or any
# other single character: so a Chinese text is compared character by character, an English one word by word.
TOKEN_RE = re.compile(r"[^\W_]+|\s+|.", re.S)
CJK_RE = re.compile(r"[\u3000-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


def tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of every token of `text`; together they cover it exactly."""
    spans: list[tuple[int, int]] = []
    for match in TOKEN_RE.finditer(text):
        start, end = match.span()
        if CJK_RE.search(text, start, end):
            # A word run that holds Chinese characters (\w matches them): one token per character.
            spans.extend((i, i + 1) for i in range(start, end))
        else:
            spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Block:
    """One stretch of the comparison, in characters: old[i1:i2] became new[j1:j2]."""

    tag: str  # "equal", "replace", "delete", "insert"
    i1: int
    i2: int
    j1: int
    j2: int


class Alignment:
    """How `new` differs from `old`, and where a position of `old` lies in `new`."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    @cached_property
    def blocks(self) -> list[Block]:
        old_spans, new_spans = tokens(self.old), tokens(self.new)
        old_words = [self.old[a:b] for a, b in old_spans]
        new_words = [self.new[a:b] for a, b in new_spans]
        # autojunk off: in a long paragraph the spaces and 的/the would otherwise be ignored as noise.
        matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)

        def chars(spans: list[tuple[int, int]], first: int, last: int, size: int) -> tuple[int, int]:
            if first == last:
                at = spans[first][0] if first < len(spans) else size
                return at, at
            return spans[first][0], spans[last - 1][1]

        found = []
        for tag, a1, a2, b1, b2 in matcher.get_opcodes():
            i1, i2 = chars(old_spans, a1, a2, len(self.old))
            j1, j2 = chars(new_spans, b1, b2, len(self.new))
            found.append(Block(tag, i1, i2, j1, j2))
        return found

    @property
    def unchanged(self) -> bool:
        return self.old == self.new

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Where old[start:end] is in `new` when those words are untouched; None when an edit reached them."""
        if not (0 <= start < end <= len(self.old)):
            return None
        for block in self.blocks:
            if block.tag == "equal":
                if block.i1 <= start and end <= block.i2:
                    shift = block.j1 - block.i1
                    return start + shift, end + shift
                continue
            # An edit touches the span when it removes or replaces some of its characters, or inserts
            # strictly inside it (an insertion at either edge lies outside the cited words).
            if block.i1 < block.i2 and block.i1 < end and start < block.i2:
                return None
            if block.i1 == block.i2 and start < block.i1 < end:
                return None
        return None

    def near(self, offset: int) -> int:
        """Where `offset` of `old` falls in `new`, as closely as the edit allows (for searching near it)."""
        offset = max(0, min(offset, len(self.old)))
        for block in self.blocks:
            if block.i1 <= offset < block.i2 or (block.i1 == offset == block.i2):
                if block.tag == "equal":
                    return block.j1 + offset - block.i1
                return block.j1
        return len(self.new)

    def point(self, offset: int) -> int | None:
        """Where a footnote marker sitting after old[offset - 1] goes in `new`; None when that word is gone.

        The marker follows the character before it: it moves with that character, and when an edit
        replaced the words ending there, it follows their replacement. A marker whose words were deleted,
        or replaced in their middle, cannot be placed by the archive.
        """
        if offset <= 0:
            return 0 if self.old[:1] == self.new[:1] or not self.old else None
        if offset > len(self.old):
            return None
        before = offset - 1
        for block in self.blocks:
            if not (block.i1 <= before < block.i2):
                continue
            if block.tag == "equal":
                return block.j1 + before - block.i1 + 1
            if block.tag == "replace" and before == block.i2 - 1:
                return block.j2
            return None
        return None

    def changed_new_ranges(self) -> list[tuple[int, int]]:
        """The stretches of `new` an edit wrote (inserted or replacing text)."""
        return [(b.j1, b.j2) for b in self.blocks if b.tag in ("insert", "replace") and b.j1 < b.j2]


def diff_runs(old: str, new: str) -> list[tuple[str, str]]:
    """[(tag, text)]: "equal", "delete" (only in old) or "insert" (only in new), in reading order."""
    runs: list[tuple[str, str]] = []
    for block in Alignment(old, new).blocks:
        if block.tag == "equal":
            runs.append(("equal", old[block.i1 : block.i2]))
            continue
        if block.i1 < block.i2:
            runs.append(("delete", old[block.i1 : block.i2]))
        if block.j1 < block.j2:
            runs.append(("insert", new[block.j1 : block.j2]))
    return runs


def similarity(old: str, new: str) -> float:
    """0..1, how much of the two texts is the same (by tokens)."""
    if not old and not new:
        return 1.0
    old_words = [old[a:b] for a, b in tokens(old)]
    new_words = [new[a:b] for a, b in tokens(new)]
    return SequenceMatcher(None, old_words, new_words, autojunk=False).ratio()
