"""Which paragraphs of two language versions of a resolution are the same paragraph: checked, not assumed.

Paragraphs pair by structure, their eid (op7 with op7, op3(a) with op3(a), an annex article with the same
article), under three checks, so that a version numbered differently is reported instead of mispaired:

- Printed numbers (operative paragraphs, lettered items, articles) pair where both versions run the same. When
  the sequences differ, only the common beginning and the common end pair: a paragraph missing in one version
  leaves the rest paired, but a version whose numbering has shifted pairs nothing after the shift (pairing
  "op6 with op6" there would put article 5 beside article 6).
- Paragraphs numbered by their position (preambular paragraphs, unnumbered annex paragraphs) pair only when
  both versions have as many of them: one paragraph split or merged moves every later number.
- Each candidate pair is checked against what does not depend on the language: the resolutions its text cites
  and the footnotes it carries. Two paragraphs citing different resolutions, or carrying different footnotes,
  are not the same paragraph, whatever their numbers say.

Pure Python on plain data (no Django), so that services and migrations compute the same alignment.
Every mismatch is a JSON-ready dict with a "problem" (count, only_in, order, anchors, unpaired), the two
"languages", and what differs.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

SINGLE, ALIGNED, MISMATCHED = "single", "aligned", "mismatched"
POSITIONAL_EID_RE = re.compile(r"(?:pp|annex)\d+")


def numbered_by_position(kind: str, eid: str) -> bool:
    """pp3 is the third preambular paragraph, annex2 the second paragraph of the annex: numbers by position."""
    return kind == "preambular" or bool(POSITIONAL_EID_RE.fullmatch(eid))


@dataclass(frozen=True)
class Unit:
    """One paragraph as alignment sees it: its address, kind and what anchors it in any language."""

    eid: str
    kind: str
    references: frozenset[str] = frozenset()  # symbols its text cites: A/RES/60/251 …
    footnotes: frozenset[int] = frozenset()  # numbers of the footnotes it carries

    @property
    def positional(self) -> bool:
        return numbered_by_position(self.kind, self.eid)


@dataclass(frozen=True)
class PairAlignment:
    languages: tuple[str, str]
    paired: tuple[str, ...]  # eids paired, in the first version's order
    mismatches: tuple[dict, ...]


@dataclass(frozen=True)
class WorkAlignment:
    status: str  # SINGLE, ALIGNED or MISMATCHED
    pairs: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    mismatches: tuple[dict, ...] = ()


def align_versions(versions: dict[str, Sequence[Unit]]) -> WorkAlignment:
    """Align every two versions of a work; `versions` maps a language to its paragraphs in document order."""
    languages = list(versions)
    if len(languages) < 2:
        return WorkAlignment(SINGLE)
    pairs: dict[tuple[str, str], tuple[str, ...]] = {}
    mismatches: list[dict] = []
    for first, second in combinations(languages, 2):
        result = align_pair(first, versions[first], second, versions[second])
        pairs[(first, second)] = result.paired
        mismatches.extend(result.mismatches)
    return WorkAlignment(MISMATCHED if mismatches else ALIGNED, pairs, tuple(mismatches))


def align_pair(first: str, units_a: Sequence[Unit], second: str, units_b: Sequence[Unit]) -> PairAlignment:
    """The eids paired between two versions, and every difference found, kind by kind."""
    languages = [first, second]
    mismatches: list[dict] = []
    paired: list[str] = []
    for kind in _kinds(units_a, units_b):
        a = [u for u in units_a if u.kind == kind]
        b = [u for u in units_b if u.kind == kind]
        eids_a, eids_b = [u.eid for u in a], [u.eid for u in b]
        candidates: list[tuple[Unit, Unit]]
        if a and b and any(u.positional for u in (*a, *b)) and len(a) != len(b):
            mismatches.append(
                {"problem": "count", "languages": languages, "kind": kind, "counts": {first: len(a), second: len(b)}}
            )
            candidates = []
        elif eids_a == eids_b:
            candidates = list(zip(a, b))
        else:
            held_a, held_b = set(eids_a), set(eids_b)
            only_a = [e for e in eids_a if e not in held_b]
            only_b = [e for e in eids_b if e not in held_a]
            if only_a or only_b:
                mismatches.append(
                    {
                        "problem": "only_in",
                        "languages": languages,
                        "kind": kind,
                        "eids": {first: only_a, second: only_b},
                    }
                )
            else:
                mismatches.append({"problem": "order", "languages": languages, "kind": kind})
            candidates = _common_ends(a, b)
        for unit_a, unit_b in candidates:
            contradiction = _contradiction(unit_a, unit_b)
            if contradiction is None:
                paired.append(unit_a.eid)
                continue
            what, values_a, values_b = contradiction
            mismatches.append(
                {
                    "problem": "anchors",
                    "languages": languages,
                    "kind": kind,
                    "eid": unit_a.eid,
                    "what": what,
                    "values": {first: values_a, second: values_b},
                }
            )
        kept = set(paired)
        unpaired_a = [e for e in eids_a if e not in kept]
        unpaired_b = [e for e in eids_b if e not in kept]
        if unpaired_a or unpaired_b:
            mismatches.append(
                {
                    "problem": "unpaired",
                    "languages": languages,
                    "kind": kind,
                    "eids": {first: unpaired_a, second: unpaired_b},
                }
            )
    return PairAlignment((first, second), tuple(paired), tuple(mismatches))


def _kinds(*versions: Iterable[Unit]) -> list[str]:
    """Kinds in the order they first appear: preambular, operative, annex …"""
    seen: dict[str, None] = {}
    for units in versions:
        for unit in units:
            seen.setdefault(unit.kind, None)
    return list(seen)


def _common_ends(a: list[Unit], b: list[Unit]) -> list[tuple[Unit, Unit]]:
    """The pairs at the common beginning and the common end of two sequences of eids, never crossing."""
    shorter = min(len(a), len(b))
    head = 0
    while head < shorter and a[head].eid == b[head].eid:
        head += 1
    tail = 0
    while tail < shorter - head and a[len(a) - 1 - tail].eid == b[len(b) - 1 - tail].eid:
        tail += 1
    return list(zip(a[:head], b[:head])) + list(zip(a[len(a) - tail :], b[len(b) - tail :]))


def _contradiction(a: Unit, b: Unit) -> tuple[str, list, list] | None:
    """What shows two candidate paragraphs are not the same: disjoint citations or disjoint footnotes.

    One version citing where the other does not is not a contradiction (a citation the parser missed in one
    language must not unpair a paragraph); citing wholly different resolutions is.
    """
    if a.references and b.references and not a.references & b.references:
        return "references", sorted(a.references), sorted(b.references)
    if a.footnotes and b.footnotes and not a.footnotes & b.footnotes:
        return "footnotes", sorted(a.footnotes), sorted(b.footnotes)
    return None


# Facts of the work that every version states alike; a difference is shown to curators.
WORK_FACTS = ("body", "session", "number", "adopted_on", "meeting_number", "votes_for", "votes_against", "votes_abstaining")


def metadata_differences(versions: dict[str, dict]) -> list[dict]:
    """[{"field": "adopted_on", "values": {"zh": "1948-12-10", "en": None}}] for facts the versions disagree on."""
    differences = []
    for name in WORK_FACTS:
        values = {language: facts.get(name) for language, facts in versions.items()}
        if len({str(value) for value in values.values()}) > 1:
            differences.append({"field": name, "values": {k: _plain(v) for k, v in values.items()}})
    return differences


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
