"""Stage 4, footnotes: the footnote blocks lifted out of the running text.

A block starts at a `_______________` rule (or, without its rule, right after the line whose glued marker
cites it) and holds footnotes numbered on from the last one: "12 See A/78/1.", or the number alone on a line
and the text on the next. It ends where the page ends, where running text comes back (a Chinese footnote
ends with 。), or where an operative number shows the footnote's text is missing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import text as t
from .furniture import Furniture


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str
    line: int  # where its text starts


@dataclass(frozen=True)
class Footnotes:
    furniture: Furniture
    notes: tuple[Footnote, ...]
    taken: frozenset[int]  # the lines of the footnote blocks (rules, numbers, texts, blank lines between)

    @property
    def skipped(self) -> frozenset[int]:
        """Lines that are not running text: furniture and footnotes."""
        return self.furniture.dropped | self.taken


def lift_footnotes(furniture: Furniture) -> Footnotes:
    blocks = furniture.blocks
    lines, rules, scope = blocks.lines, blocks.decoded.rules, furniture.scope
    dropped = furniture.dropped
    notes: list[tuple[int, t.RunningText, int]] = []  # number, text, line: grown here, frozen at the end
    taken: set[int] = set()
    check = blocks.decoded.deadline.check
    k = 0
    while k < len(scope):
        if not k % 256:
            check()
        i = scope[k]
        if not t.FOOTNOTE_RULE_RE.match(lines[i]):
            if not _ruleless_footnote(lines, rules, scope, k, notes):
                k += 1
                continue
        else:
            taken.add(i)
            k += 1
        current: tuple[int, t.RunningText, int] | None = None
        pending_number: int | None = None
        while k < len(scope):
            i = scope[k]
            line = lines[i]
            if i in dropped:
                k += 1
                if current is not None or pending_number is not None:
                    break  # the page ended: the block is over
                continue
            if not line.strip():
                taken.add(i)
                k += 1
                continue
            expected = (notes[-1][0] + 1) if notes else 1
            start = rules.footnote_start_re.match(line)
            ended = current is not None and _ended(rules, current[1])
            if pending_number is not None and rules.operative_number_re.match(line):
                break  # the footnote's text is missing: "37. …" is running text again, not footnote 10
            if pending_number is not None:
                current = (pending_number, t.RunningText(line), i)
                notes.append(current)
                pending_number = None
            elif start and int(start["n"]) in (expected, expected + 1) and (start["text"] or current is None or ended):
                if start["text"]:
                    current = (int(start["n"]), t.RunningText(start["text"]), i)
                    notes.append(current)
                else:
                    pending_number = int(start["n"])
            elif current is not None and (not ended or rules.continues_footnote(line)):
                current[1].add(line)
            else:
                break  # back to running text (Chinese footnotes end with 。)
            taken.add(i)
            k += 1
    return Footnotes(
        furniture=furniture,
        notes=tuple(Footnote(number, t.squeeze_spaces(text.text), line) for number, text, line in notes),
        taken=frozenset(taken),
    )


def _ended(rules, text: t.RunningText) -> bool:
    return bool(rules.footnotes_end_with) and text.ends_with(rules.footnotes_end_with)


def _ruleless_footnote(lines, rules, scope: tuple[int, ...], k: int, notes: list) -> bool:
    """A footnote printed without its rule, right after the line whose glued marker cites it (45/32):
    "…的必要性；1" then "1 另见 A/HRC/44/37。"."""
    start = rules.footnote_start_re.match(lines[scope[k]])
    expected = (notes[-1][0] + 1) if notes else 1
    if not start or not start["text"] or int(start["n"]) != expected:
        return False
    previous = next((lines[scope[j]] for j in range(k - 1, -1, -1) if lines[scope[j]].strip()), "")
    return bool(re.search(rf"(?<!\d){expected}\s*$", previous)) and not rules.operative_number_re.match(lines[scope[k]])
