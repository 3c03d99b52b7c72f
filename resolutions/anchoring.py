"""Carry a text's cross-references and footnote markers to the same words when the text changes.

Pure Python over plain data (no Django): the services apply the result to the stored rows, the
admin's live preview shows it before anything is saved.

A reference whose cited words an edit left untouched moves with them. One whose words were edited
is matched to a citation of the same document found again in the new text near the old place
(the parser's own patterns, `find_references`); failing that it is flagged for a curator, never left
on other words. Citations the edit wrote into the text become new references. A footnote marker
follows the character before it (`Alignment.point`) or is flagged.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .parsing import ParsedReference
from .textdiff import Alignment


@dataclass(frozen=True)
class StoredReference:
    key: object  # the caller's handle (a Reference pk)
    symbol: str
    start: int
    end: int
    paragraphs: tuple[int, ...] = ()
    is_resolution: bool = True
    anchored: bool = True  # False: flagged earlier, waiting for a curator
    note: str = ""  # why it was flagged


@dataclass(frozen=True)
class CarriedReference:
    key: object | None  # None: a citation the edit added
    symbol: str
    start: int
    end: int
    paragraphs: tuple[int, ...]
    is_resolution: bool
    note: str = ""  # why the archive could not place it; empty when placed

    @property
    def anchored(self) -> bool:
        return not self.note


@dataclass(frozen=True)
class StoredMarker:
    key: object  # the caller's handle (a Footnote pk)
    number: int
    offset: int | None


@dataclass(frozen=True)
class CarriedMarker:
    key: object
    number: int
    offset: int | None
    note: str = ""


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def carry_references(
    old_text: str, new_text: str, stored: Sequence[StoredReference], found: Iterable[ParsedReference]
) -> list[CarriedReference]:
    """The references of `new_text`: the stored ones carried over, and those its new words add.

    `found` is what the parser's patterns find in `new_text`.
    """
    alignment = Alignment(old_text, new_text)
    candidates = list(found)
    used: set[int] = set()
    carried: list[CarriedReference] = []

    changed = alignment.changed_new_ranges()

    def take(symbol: str, near: int) -> ParsedReference | None:
        """The nearest unused citation of `symbol` in words the edit wrote."""
        choices = [
            (abs(ref.start - near), i)
            for i, ref in enumerate(candidates)
            if i not in used and ref.symbol == symbol and _written_by_edit(ref, changed)
        ]
        if not choices:
            return None
        _, index = min(choices)
        used.add(index)
        return candidates[index]

    pending: list[StoredReference] = []
    for ref in stored:
        moved = alignment.span(ref.start, ref.end) if ref.anchored else None
        if moved is None:
            pending.append(ref)
            continue
        # The cited words are untouched: the parser may still see more (paragraph numbers added after them).
        again = next(
            (i for i, c in enumerate(candidates) if i not in used and c.symbol == ref.symbol and _overlaps((c.start, c.end), moved)),
            None,
        )
        if again is not None:
            used.add(again)
            match = candidates[again]
            carried.append(CarriedReference(ref.key, ref.symbol, match.start, match.end, match.paragraphs, ref.is_resolution))
        else:
            carried.append(CarriedReference(ref.key, ref.symbol, *moved, ref.paragraphs, ref.is_resolution))

    for ref in pending:
        match = take(ref.symbol, alignment.near(ref.start) if ref.anchored else 0)
        if match is not None:
            carried.append(CarriedReference(ref.key, ref.symbol, match.start, match.end, match.paragraphs, ref.is_resolution))
            continue
        old_words = old_text[ref.start : ref.end] if ref.anchored else ""
        note = (
            f"an edit changed the cited words «{old_words}»; {ref.symbol} is no longer cited in the text as it was"
            if ref.anchored
            else ref.note or f"{ref.symbol} is not placed in the text"
        )
        carried.append(CarriedReference(ref.key, ref.symbol, 0, 0, ref.paragraphs, ref.is_resolution, note))

    # Citations the edit itself wrote: new references. Citations in untouched words that had no reference
    # stay without one (a curator may have removed it on purpose).
    for i, match in enumerate(candidates):
        if i in used or not _written_by_edit(match, changed):
            continue
        carried.append(CarriedReference(None, match.symbol, match.start, match.end, match.paragraphs, match.is_resolution))
    return sorted(carried, key=lambda c: (not c.anchored, c.start, c.end))


def _written_by_edit(ref: ParsedReference, changed: list[tuple[int, int]]) -> bool:
    return any(_overlaps((ref.start, ref.end), span) for span in changed)


def carry_markers(old_text: str, new_text: str, stored: Sequence[StoredMarker]) -> list[CarriedMarker]:
    """Footnote markers moved with the character each follows, or flagged with the reason."""
    alignment = Alignment(old_text, new_text)
    carried = []
    for marker in stored:
        if marker.offset is None:
            carried.append(CarriedMarker(marker.key, marker.number, None, ""))
            continue
        offset = alignment.point(marker.offset)
        if offset is None:
            before = old_text[max(0, marker.offset - 12) : marker.offset]
            note = f"an edit changed the words «{before}» that footnote {marker.number}'s marker followed"
            carried.append(CarriedMarker(marker.key, marker.number, None, note))
        else:
            carried.append(CarriedMarker(marker.key, marker.number, offset))
    return carried


def locate(text: str, words: str, near: int) -> int | None:
    """Start of the occurrence of `words` in `text` nearest to `near`; None when they do not occur."""
    if not words:
        return None
    best, start = None, text.find(words)
    while start != -1:
        if best is None or abs(start - near) < abs(best - near):
            best = start
        start = text.find(words, start + 1)
    return best
