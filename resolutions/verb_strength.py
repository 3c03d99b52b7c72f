"""How the opening verb of a paragraph changed between two texts of it, and whether it grew stronger. Never
imports Django.

Negotiators strengthen a text by moving a paragraph up a scale ("encourages" -> "calls upon" -> "urges" ->
"demands") and soften it by moving it down. The openers and the scales are the curated vocabulary's
(resolutions/data/openers.toml, read by resolutions.openers): this module only compares.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .openers import opening, strength


class Direction(StrEnum):
    STRENGTHENED = "strengthened"
    SOFTENED = "softened"
    OTHER = ""  # a different verb, on another scale or on none


@dataclass(frozen=True)
class VerbChange:
    before: str  # the verb as the vocabulary names it, with its intensifier: "encourages", "strongly urges", "鼓励"
    after: str
    direction: Direction
    scale: str = ""  # the scale both verbs are on, when they share one

    def __str__(self) -> str:
        return f"{self.before} → {self.after}"


def compare_verbs(before_text: str, after_text: str, language: str) -> VerbChange | None:
    """How the opening verb changed between two texts of a paragraph, or None when it did not.

    An opening outside the vocabulary (a lettered item, a paragraph opening with a noun) has no verb, so that no
    verb change is ever named from a guess.
    """
    before_opening, after_opening = opening(before_text, language), opening(after_text, language)
    before, after = before_opening.verb, after_opening.verb
    if not before or not after or before == after:
        return None
    before_ranks, after_ranks = strength(before, language), strength(after, language)
    same_step = [s for s in before_ranks if s in after_ranks and before_ranks[s] == after_ranks[s]]
    if same_step:  # two openers of one step: "notes" / "takes note of", "大力鼓励" / "强烈鼓励"
        return None
    for scale in before_ranks:
        if scale in after_ranks:
            direction = Direction.STRENGTHENED if after_ranks[scale] > before_ranks[scale] else Direction.SOFTENED
            return VerbChange(before, after, direction, scale)
    if before_opening.opener == after_opening.opener:
        # One opener on no scale, with an intensifier and without: "Supports" -> "Strongly supports".
        if bool(before_opening.intensifier) == bool(after_opening.intensifier):
            return None  # two intensifiers of one strength: "大力支持" / "强烈支持"
        direction = Direction.STRENGTHENED if after_opening.intensifier else Direction.SOFTENED
        return VerbChange(before, after, direction)
    return VerbChange(before, after, Direction.OTHER)
