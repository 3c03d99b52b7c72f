"""What changed between two texts of a resolution series, paragraph by paragraph. Never imports Django.

Paragraphs are paired by their text, not their number, so a paragraph keeps its partner when the
paragraphs around it are added or dropped (renumbered), when it moves, and when it is split in two or
two are merged into one:

1. Identical texts pair first (in order where the order is kept, then wherever they moved).
2. The others are scored by difflib's ratio over their words (Chinese: characters); pairs scoring at
   least MATCH_MIN, or a paragraph whose words are nearly all inside the other's (cut or extended, at
   least CONTAINED_MIN of the shorter one), are candidates, and an optimal assignment (the Hungarian
   algorithm, over each group of paragraphs that compete) picks the pairs whose scores add up highest.
3. A paragraph left over whose words nearly all stand in a paragraph already paired was split off from
   it (new side) or merged into it (old side).
4. Pairs out of the order the rest keep (the heaviest increasing run) moved.

Texts are compared folded (width, traditional/simplified script, case): 國家 and 国家 are the same
characters. English is compared word by word, Chinese character by character; spacing never counts, nor
does the closing punctuation of a paragraph (";" or "." only says where it stands).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum

from .search.analysis import CJK_RE, fold
from .verb_strength import Direction, VerbChange, compare_verbs

MATCH_MIN = 0.5  # difflib ratio over content words from which two paragraphs may be one paragraph changed
CONTAINED_MIN = 0.85  # share of the shorter paragraph found, in runs, inside the longer (cut, extended, split)
CONTAINED_RATIO_MIN = 0.25  # ... while still sharing this much overall
SPLIT_MIN_WORDS = 6  # a shorter piece than this is too generic to call split off or merged
RUN_MIN = 3  # words in a row that count as the same passage when measuring containment
KIND_PENALTY = 0.05  # a preambular paragraph becoming operative is rarer than staying where it was
POSITION_WEIGHT = 0.02  # between equally similar partners, the one at the same place in the text
CONTAINED_WEIGHT = 0.05  # what a pair below MATCH_MIN (cut or extended) weighs in the assignment

# A token: one Chinese character, a word (with its inner hyphens and apostrophes), or one other character;
# each with the spaces after it, which are shown but never compared.
_TOKEN_RE = re.compile(
    rf"(?:(?P<cjk>{CJK_RE.pattern})|(?P<word>[^\W_]+(?:[-'’][^\W_]+)*)|(?P<other>\S))(?P<space>\s*)"
)
_CLOSING = frozenset(";；.。,，:：")


class Change(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    NEW = "new"
    DROPPED = "dropped"


class Op(StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


@dataclass(frozen=True)
class Passage:
    """One paragraph as the comparison sees it: its address, kind and text."""

    eid: str
    kind: str
    text: str


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


@dataclass(frozen=True)
class Row:
    """One line of a comparison: a paragraph of the new text with its partner in the old one, or either alone.

    `old` and `new` index the passages given; a split-off piece and a merged paragraph also name the
    paragraph they came from or went into (`split` / `merged` True) and are diffed against the part of it
    they match.
    """

    change: Change
    old: int | None
    new: int | None
    similarity: float = 0.0
    moved: bool = False
    split: bool = False
    merged: bool = False
    diff: tuple[Segment, ...] = ()
    verb: VerbChange | None = None


@dataclass(frozen=True)
class Counts:
    new: int = 0
    dropped: int = 0
    changed: int = 0
    unchanged: int = 0
    moved: int = 0
    split: int = 0
    merged: int = 0
    strengthened: int = 0
    softened: int = 0
    verbs_changed: int = 0  # every verb change, strengthened and softened included


@dataclass(frozen=True)
class Comparison:
    old: tuple[Passage, ...]
    new: tuple[Passage, ...]
    language: str
    rows: tuple[Row, ...]
    counts_by_kind: dict[str, Counts] = field(default_factory=dict)

    @property
    def counts(self) -> Counts:
        """All kinds together."""
        totals = Counter()
        for counts in self.counts_by_kind.values():
            totals.update({name: getattr(counts, name) for name in Counts.__dataclass_fields__})
        return Counts(**totals)

    def partner_of_new(self, index: int) -> int | None:
        """The old paragraph a new paragraph continues (its main partner, or what it was split from)."""
        return next((row.old for row in self.rows if row.new == index and not row.merged), None)


@dataclass
class _Prepared:
    index: int
    passage: Passage
    tokens: list[str]  # as printed, each with its trailing spaces
    keys: list  # folded, compared (then numbered by compare())
    words: list  # folded content words (no punctuation), for similarity
    position: float  # 0 … 1 within its text
    closing: str  # the closing punctuation, shown but not compared


def _prepare(passages: Sequence[Passage]) -> list[_Prepared]:
    prepared = []
    total = max(len(passages) - 1, 1)
    for index, passage in enumerate(passages):
        text = passage.text.strip()
        folded = fold(text)
        aligned = len(folded) == len(text)  # nearly always: then a token's key is the same slice of `folded`
        tokens, keys, words = [], [], []
        for match in _TOKEN_RE.finditer(text):
            start, end = match.span(1) if match.start(1) >= 0 else match.span(2) if match.start(2) >= 0 else match.span(3)
            key = folded[start:end] if aligned else fold(text[start:end])
            tokens.append(match.group())
            keys.append(key)
            if match.start(3) < 0:  # not punctuation
                words.append(key)
        closing = ""
        while keys and keys[-1] in _CLOSING:
            keys.pop()
            closing = tokens.pop() + closing
        prepared.append(_Prepared(index, passage, tokens, keys, words, index / total, closing))
    return prepared


def _ratio(a: list[str], b: list[str]) -> float:
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _contained(short: list[str], long: list[str]) -> tuple[float, tuple[int, int]]:
    """Share of `short` found inside `long` in runs of RUN_MIN words or more, and the span of `long` it covers."""
    if not short:
        return 0.0, (0, 0)
    blocks = [b for b in SequenceMatcher(None, short, long, autojunk=False).get_matching_blocks() if b.size >= RUN_MIN]
    if not blocks:
        return 0.0, (0, 0)
    found = sum(b.size for b in blocks)
    return found / len(short), (blocks[0].b, blocks[-1].b + blocks[-1].size)


def _shared_counts(left: list[Counter], right: list[Counter]) -> list[list[int]]:
    """shared[i][j]: tokens paragraphs left[i] and right[j] have in common, repeats counted (difflib's quick_ratio).

    Through an inverted index, so that each pair costs only the words it shares.
    """
    postings: dict[str, list[tuple[int, int]]] = {}
    for j, counts in enumerate(right):
        for token, count in counts.items():
            postings.setdefault(token, []).append((j, count))
    shared = [[0] * len(right) for _ in left]
    for i, counts in enumerate(left):
        row = shared[i]
        for token, count in counts.items():
            for j, other in postings.get(token, ()):
                row[j] += min(count, other)
    return shared


def _assign(weights: list[list[float]]) -> list[tuple[int, int]]:
    """Maximum-weight assignment of rows to columns (Hungarian algorithm with potentials); rows <= columns."""
    rows, columns = len(weights), len(weights[0])
    infinity = float("inf")
    u, v = [0.0] * (rows + 1), [0.0] * (columns + 1)
    owner, way = [0] * (columns + 1), [0] * (columns + 1)
    for row in range(1, rows + 1):
        owner[0], column0 = row, 0
        least, used = [infinity] * (columns + 1), [False] * (columns + 1)
        while True:
            used[column0] = True
            row0, delta, column1 = owner[column0], infinity, 0
            for column in range(1, columns + 1):
                if used[column]:
                    continue
                cost = -weights[row0 - 1][column - 1] - u[row0] - v[column]
                if cost < least[column]:
                    least[column], way[column] = cost, column0
                if least[column] < delta:
                    delta, column1 = least[column], column
            for column in range(columns + 1):
                if used[column]:
                    u[owner[column]] += delta
                    v[column] -= delta
                else:
                    least[column] -= delta
            column0 = column1
            if owner[column0] == 0:
                break
        while column0:
            column1 = way[column0]
            owner[column0] = owner[column1]
            column0 = column1
    return [(owner[column] - 1, column - 1) for column in range(1, columns + 1) if owner[column]]


def _groups(edges: dict[tuple[int, int], float]) -> list[tuple[list[int], list[int]]]:
    """The connected groups of old and new paragraphs that compete for each other."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node):
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for old, new in edges:
        parent[find(("o", old))] = find(("n", new))
    members: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for node in list(parent):
        side, index = node
        group = members.setdefault(find(node), ([], []))
        (group[0] if side == "o" else group[1]).append(index)
    return [(sorted(olds), sorted(news)) for olds, news in members.values()]


def _pair_by_similarity(
    old: list[_Prepared], new: list[_Prepared], ratios: dict[tuple[int, int], float]
) -> dict[int, tuple[int, float]]:
    """{old index: (new index, weight)} for the best assignment among candidate pairs; fills `ratios`."""
    edges: dict[tuple[int, int], float] = {}
    shared = _shared_counts([Counter(o.words) for o in old], [Counter(n.words) for n in new])
    for i, o in enumerate(old):
        for j, n in enumerate(new):
            shorter = min(len(o.words), len(n.words))
            if not shorter or not shared[i][j]:
                continue
            bound = 2 * shared[i][j] / (len(o.words) + len(n.words))  # no ratio can be higher
            if bound < MATCH_MIN and shared[i][j] / shorter < CONTAINED_MIN:
                continue
            score = ratios[(o.index, n.index)] = _ratio(o.words, n.words)
            if score < MATCH_MIN:
                short, long = (o.words, n.words) if len(o.words) <= len(n.words) else (n.words, o.words)
                if score < CONTAINED_RATIO_MIN or len(short) < SPLIT_MIN_WORDS or _contained(short, long)[0] < CONTAINED_MIN:
                    continue
            if o.passage.kind != n.passage.kind:
                score -= KIND_PENALTY
            # Weighed by how far above the threshold: one close pair outweighs two middling ones.
            weight = max(score - MATCH_MIN, 0.0) + CONTAINED_WEIGHT
            edges[(o.index, n.index)] = weight + POSITION_WEIGHT * (1 - abs(o.position - n.position))
    pairs: dict[int, tuple[int, float]] = {}
    for olds, news in _groups(edges):
        flip = len(olds) > len(news)
        rows, columns = (news, olds) if flip else (olds, news)
        weights = [
            [edges.get((c, r) if flip else (r, c), 0.0) for c in columns] for r in rows
        ]
        for r, c in _assign(weights):
            o, n = (columns[c], rows[r]) if flip else (rows[r], columns[c])
            if (o, n) in edges:
                pairs[o] = (n, edges[(o, n)])
    return pairs


def _pieces(pieces: list[_Prepared], wholes: list[_Prepared]) -> dict[int, tuple[int, tuple[int, int]]]:
    """{piece: (whole, span of the whole)} for each piece nearly all found inside one of the wholes."""
    pieces = [p for p in pieces if len(p.words) >= SPLIT_MIN_WORDS]
    if not pieces or not wholes:
        return {}
    shared = _shared_counts([Counter(p.keys) for p in pieces], [Counter(w.keys) for w in wholes])
    found: dict[int, tuple[int, tuple[int, int]]] = {}
    for i, piece in enumerate(pieces):
        best, best_share = None, CONTAINED_MIN
        for j, whole in enumerate(wholes):
            if shared[i][j] / len(piece.keys) < best_share:  # cannot reach the best found so far
                continue
            share, span = _contained(piece.keys, whole.keys)
            if share >= best_share:
                best, best_share = (whole.index, span), share
        if best is not None:
            found[piece.index] = best
    return found


def _diff(before: _Prepared, after: _Prepared, old_span: slice = slice(None), new_span: slice = slice(None)) -> tuple[Segment, ...]:
    """Word-level (Chinese: character-level) diff on folded keys; equal runs are shown as the new text prints them.

    Short equal runs squeezed between changes are folded into them (diff-match-patch's semantic clean-up:
    an equality shorter than the edits on both sides), so that a rewritten clause reads as one change.
    """
    old_tokens, old_keys = before.tokens[old_span], before.keys[old_span]
    new_tokens, new_keys = after.tokens[new_span], after.keys[new_span]
    parts: list[list] = []  # [op, old text, new text]
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes():
        old_text, new_text = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if tag == "equal":
            parts.append([Op.EQUAL, old_text, new_text])
            continue
        if old_text:
            parts.append([Op.DELETE, old_text, ""])
        if new_text:
            parts.append([Op.INSERT, "", new_text])
    parts = _regroup(parts)
    absorbed = True
    while absorbed:
        absorbed = False
        for i in range(1, len(parts) - 1):
            if parts[i][0] != Op.EQUAL:
                continue
            left = _edit_length(parts, i, -1)
            right = _edit_length(parts, i, +1)
            if left and right and len(parts[i][2].strip()) < min(left, right):
                _, old_text, new_text = parts[i]
                parts[i : i + 1] = [[Op.DELETE, old_text, ""], [Op.INSERT, "", new_text]]
                parts = _regroup(parts)
                absorbed = True
                break
    if new_span == slice(None) and after.closing:
        if parts and parts[-1][0] == Op.EQUAL:
            parts[-1][2] += after.closing
        else:
            parts.append([Op.EQUAL, "", after.closing])
    return tuple(
        Segment(op, old_text if op == Op.DELETE else new_text) for op, old_text, new_text in parts if old_text or new_text
    )


def _regroup(parts: list[list]) -> list[list]:
    """Within each run of edits: one deletion, then one insertion."""
    grouped: list[list] = []
    run: list[list] = []
    for part in [*parts, [Op.EQUAL, "", ""]]:
        if part[0] != Op.EQUAL:
            run.append(part)
            continue
        deleted = "".join(p[1] for p in run if p[0] == Op.DELETE)
        inserted = "".join(p[2] for p in run if p[0] == Op.INSERT)
        if deleted:
            grouped.append([Op.DELETE, deleted, ""])
        if inserted:
            grouped.append([Op.INSERT, "", inserted])
        run = []
        if part[1] or part[2]:
            grouped.append(part)
    return grouped


def _edit_length(parts: list[list], i: int, step: int) -> int:
    """Length of the longer side of the run of edits next to parts[i] (0 when there is none)."""
    lengths = {Op.DELETE: 0, Op.INSERT: 0}
    j = i + step
    while 0 <= j < len(parts) and parts[j][0] != Op.EQUAL:
        lengths[parts[j][0]] += len((parts[j][1] or parts[j][2]).strip())
        j += step
    return max(lengths.values())


def _increasing_heaviest(pairs: list[tuple[int, int, float]]) -> set[tuple[int, int]]:
    """The pairs (old, new, weight) forming the heaviest run increasing on both sides: those that kept their order."""
    pairs = sorted(pairs)
    best: list[float] = []
    back: list[int] = []
    for i, (_, new, weight) in enumerate(pairs):
        best.append(weight)
        back.append(-1)
        for j in range(i):
            if pairs[j][1] < new and best[j] + weight > best[i]:
                best[i], back[i] = best[j] + weight, j
    kept: set[tuple[int, int]] = set()
    i = max(range(len(pairs)), key=best.__getitem__) if pairs else -1
    while i >= 0:
        kept.add(pairs[i][:2])
        i = back[i]
    return kept


def compare(old: Sequence[Passage], new: Sequence[Passage], language: str) -> Comparison:
    """Pair the paragraphs of `old` and `new` (two texts of one series, in `language`) and say what changed."""
    old_p, new_p = _prepare(old), _prepare(new)
    # Words as small integers: difflib hashes and compares them faster than strings.
    vocabulary: dict[str, int] = {}
    for prepared in (*old_p, *new_p):
        prepared.keys = [vocabulary.setdefault(key, len(vocabulary)) for key in prepared.keys]
        prepared.words = [vocabulary.setdefault(word, len(vocabulary)) for word in prepared.words]
    pairs: dict[int, tuple[int, float]] = {}  # old -> (new, score)

    # 1. Identical texts: in order first, then those that moved.
    old_keys, new_keys = [tuple(p.keys) for p in old_p], [tuple(p.keys) for p in new_p]
    for block in SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            pairs[block.a + k] = (block.b + k, 1.0 + POSITION_WEIGHT)
    taken = {n for n, _ in pairs.values()}
    waiting: dict[tuple, list[int]] = {}
    for n in new_p:
        if n.index not in taken:
            waiting.setdefault(new_keys[n.index], []).append(n.index)
    for o in old_p:
        if o.index not in pairs and waiting.get(old_keys[o.index]):
            pairs[o.index] = (waiting[old_keys[o.index]].pop(0), 1.0)

    # 2. Similar texts, by an optimal assignment.
    taken = {n for n, _ in pairs.values()}
    rest_old = [o for o in old_p if o.index not in pairs]
    rest_new = [n for n in new_p if n.index not in taken]
    ratios: dict[tuple[int, int], float] = {}
    pairs.update(_pair_by_similarity(rest_old, rest_new, ratios))
    partner_of_new = {n: o for o, (n, _) in pairs.items()}

    # 3. Split off (a new paragraph inside a paired old one) and merged (an old paragraph inside a paired new one).
    split = _pieces(
        [n for n in new_p if n.index not in partner_of_new], [old_p[o] for o in sorted(pairs)]
    )  # new -> (old, span of old)
    merged = _pieces(
        [o for o in old_p if o.index not in pairs], [new_p[n] for n in sorted(partner_of_new)]
    )  # old -> (new, span of new)

    # 4. Moved: pairs outside the heaviest run that keeps its order.
    kept = _increasing_heaviest([(o, n, score) for o, (n, score) in pairs.items()])

    rows_for_new: dict[int, list[Row]] = {}
    for o, (n, score) in pairs.items():
        before, after = old_p[o], new_p[n]
        diff = _diff(before, after)
        changed = any(s.op != Op.EQUAL for s in diff)
        verb = compare_verbs(before.passage.text, after.passage.text, language) if changed else None
        rows_for_new.setdefault(n, []).append(
            Row(
                Change.CHANGED if changed else Change.UNCHANGED,
                o,
                n,
                similarity=round(ratios.get((o, n)) or _ratio(before.words, after.words), 3) if changed else 1.0,
                moved=(o, n) not in kept,
                diff=diff,
                verb=verb,
            )
        )
    for n, (o, (start, end)) in split.items():
        before, after = old_p[o], new_p[n]
        diff = _diff(before, after, old_span=slice(start, end))
        rows_for_new.setdefault(n, []).append(
            Row(Change.CHANGED, o, n, similarity=round(_ratio(before.keys[start:end], after.keys), 3), split=True, diff=diff)
        )
    for n in new_p:
        if n.index not in rows_for_new:
            rows_for_new[n.index] = [Row(Change.NEW, None, n.index, diff=(Segment(Op.INSERT, n.passage.text),))]
    merged_rows: dict[int, Row] = {}
    for o, (n, (start, end)) in merged.items():
        before, after = old_p[o], new_p[n]
        diff = _diff(before, after, new_span=slice(start, end))
        merged_rows[o] = Row(
            Change.CHANGED, o, n, similarity=round(_ratio(before.keys, after.keys[start:end]), 3), merged=True, diff=diff
        )

    rows = _in_reading_order(old_p, new_p, rows_for_new, pairs, kept, merged_rows)
    return Comparison(tuple(old), tuple(new), language, tuple(rows), _count(rows, old, new))


SECTION_ORDER = {"preambular": 0, "operative": 1, "annex": 2}


def _in_reading_order(old_p, new_p, rows_for_new, pairs, kept, merged_rows) -> list[Row]:
    """Rows in the order of the new text; an old paragraph without a partner of its own at its old place.

    Its old place lies between the new partners of the paired paragraphs around it (those that kept their
    order); within that stretch it goes after the new paragraphs of earlier sections, so that a dropped
    operative paragraph is shown among operative paragraphs.
    """
    in_order = dict(sorted(kept))
    anchored: dict[int, list[int]] = {}  # new index after which the old paragraph is shown (-1: at the start)
    for o in old_p:
        if o.index in pairs:
            continue
        after = next((in_order[a] for a in range(o.index - 1, -1, -1) if a in in_order), -1)
        before = next((in_order[a] for a in range(o.index + 1, len(old_p)) if a in in_order), len(new_p))
        section = SECTION_ORDER.get(o.passage.kind, 0)
        while after + 1 < before and SECTION_ORDER.get(new_p[after + 1].passage.kind, 0) < section:
            after += 1
        anchored.setdefault(after, []).append(o.index)

    def dropped_after(anchor: int) -> list[Row]:
        return [
            merged_rows.get(o, Row(Change.DROPPED, o, None, diff=(Segment(Op.DELETE, old_p[o].passage.text),)))
            for o in anchored.get(anchor, [])
        ]

    rows = dropped_after(-1)
    for n in new_p:
        rows.extend(rows_for_new[n.index])
        rows.extend(dropped_after(n.index))
    return rows


def _count(rows: list[Row], old: Sequence[Passage], new: Sequence[Passage]) -> dict[str, Counts]:
    tallies: dict[str, Counter] = {}
    for row in rows:
        kind = new[row.new].kind if row.new is not None and not row.merged else old[row.old].kind
        tally = tallies.setdefault(kind, Counter())
        if row.split:
            tally["split"] += 1
        elif row.merged:
            tally["merged"] += 1
        else:
            tally[str(row.change)] += 1
        if row.moved:
            tally["moved"] += 1
        if row.verb is not None:
            tally["verbs_changed"] += 1
            if row.verb.direction == Direction.STRENGTHENED:
                tally["strengthened"] += 1
            elif row.verb.direction == Direction.SOFTENED:
                tally["softened"] += 1
    return {kind: Counts(**tally) for kind, tally in tallies.items()}
