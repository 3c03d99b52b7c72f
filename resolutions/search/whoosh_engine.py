"""The Whoosh engine behind the seam: matching paragraphs, exact total, disjunctive facet counts, one sorted page.

Speed (see README, bench/search.py): the backend keeps one searcher per thread and reopens it only after a
commit. Everything expensive is kept per index segment, by segment id, because a segment never changes once
written except that documents in it get deleted (and deletions only grow): its column values and page orders,
and the documents each recent query matches in it (matching.py: posting lists decoded at C speed, candidates
verified on the folded text). A commit adds a small segment, so the first search after it matches only that
segment anew and subtracts the deletions from the others; nothing is rebuilt across the whole index. The
combined matches and facet counts are cached per (index generation, query, filters) for the next page, the
grouped view and the API. Filters and facet counts read the columns (a C-speed tally over 100,000 matches); a
page is the first documents of each segment in its own precomputed order, merged.

Segments, postings, deletions and the folded texts come from the fenced module (whoosh_fast): its fast path
after a passing self-check, Whoosh's public API otherwise (then the whole index is one "segment").
"""
from __future__ import annotations

import heapq
import operator
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, filterfalse, islice, takewhile

from haystack.constants import ID
from haystack.utils import get_identifier
from whoosh import query as wq
from whoosh.searching import Searcher

from . import whoosh_fast
from .engine import (
    FACETS,
    GROUP_HITS,
    MULTI_VALUE_FACETS,
    RANGE_FACETS,
    VALUE_FACETS,
    EngineGroup,
    EngineHit,
    RANK_K1,
    EngineResult,
    Filters,
    SearchRequest,
    clause_score,
    length_factor,
)
from .matching import Path, close_texts, forget_segments, leaf_texts, query_docs
from .query import ParsedQuery
from .suggest import within_one_edit

SORT_FIELDS = ("adopted", "position", "resolution_id")
FILTER_FIELDS = ("session_number", "symbol")
CACHED_SEARCHES = 32  # (generation, query, filters) -> matching documents and facets
CACHED_RANKED_DOCUMENTS = 1_000_000  # scored frequent matches kept across searches (~12 MB)
CACHED_SEGMENT_MATCHES = 128  # per segment: query (and query with filters) -> its documents in that segment
ORDERS = {"date": "by_date", "document": "by_document"}  # relevance: engine.py's rule (_most_relevant)


class WhooshEngine:
    """The embedded engine (no service): haystack's Whoosh backend subclass in resolutions.search.backend."""

    name = "whoosh"

    def __init__(self, backend):
        self.backend = backend

    # --- Searching ---------------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> EngineResult:
        path = whoosh_fast.active()
        try:
            return self._search(path, request)
        except (AttributeError, TypeError) as error:
            if path is whoosh_fast.PUBLIC:
                raise
            # A segment of a kind the self-check did not meet: leave the fast path rather than answer wrongly.
            whoosh_fast.fall_back(error)
            forget_everything()
            return self._search(whoosh_fast.PUBLIC, request)

    def _search(self, path: Path, request: SearchRequest) -> EngineResult:
        searcher = self.backend.searcher()
        columns = _columns(path, searcher)
        key = (path.name, columns["generation"], request.query, request.filters)
        found = _matching(key, path, columns, request.query, request.filters)
        if found is None:
            return EngineResult(0, (), {})
        ordered, facet_counts, frequencies = found
        facets = {name: facet_counts[name] for name in request.facets}
        if not ordered or request.limit <= 0:
            return EngineResult(len(ordered), (), facets, total_groups=_count_groups(columns, ordered) if request.group_by_resolution else 0)
        if request.group_by_resolution:
            groups, total_groups = _grouped(searcher, columns, ordered, request)
            return EngineResult(len(ordered), (), facets, groups, total_groups)
        docs = set(ordered)  # membership tests need a set (C speed to build)
        end = request.offset + request.limit
        if request.sort in ORDERS:
            chosen = _first(columns, ORDERS[request.sort], ordered, docs, end)[request.offset : end]
            hits = tuple(_hit(searcher, columns, d, None) for d in chosen)
        else:
            ranked = _most_relevant(key, columns, ordered, docs, frequencies, end)[request.offset : end]
            hits = tuple(_hit(searcher, columns, d, round(score, 4)) for score, d in ranked)
        return EngineResult(len(ordered), hits, facets)

    def warm_up(self) -> int:
        """Read every segment's columns and page orders now, then let go of the index files; returns documents."""
        try:
            searcher = self.backend.searcher()
            _columns(whoosh_fast.active(), searcher)
            documents = searcher.doc_count()
        finally:
            self.backend.close_searcher()
            close_texts()
        return documents

    def close(self) -> None:
        self.backend.close_searcher()

    def words_near(self, word: str) -> list[str]:
        """The indexed words (of the text field) one edit from `word` that start with its letter (did-you-mean).

        A walk over the term dictionary's words with that first letter, in Whoosh's public API: a few thousand
        words at archive scale, each compared by length first.
        """
        reader = self.backend.searcher().reader()
        near = set()
        for term in reader.expand_prefix("text", word[:1]):
            term = term.decode("utf-8") if isinstance(term, bytes) else term
            if within_one_edit(word, term):
                near.add(term)
        return sorted(near)

    # --- Writing (the caller holds the single-writer lock: resolutions.search.indexing) --------------------

    def _index(self):
        from haystack import connections

        from ..models import Paragraph

        return connections[self.backend.connection_alias].get_unified_index().get_index(Paragraph)

    def update(self, paragraphs: Iterable) -> None:
        paragraphs = list(paragraphs)
        self.backend.replace_documents(self._index(), ID, [get_identifier(p) for p in paragraphs], paragraphs)

    def remove_resolution(self, resolution_id: int) -> None:
        self.backend.replace_documents(self._index(), "resolution_id", [resolution_id], [])

    def replace_resolutions(self, resolution_ids: Iterable[int], paragraphs: Iterable) -> None:
        """Every document of these resolutions replaced by `paragraphs`, in one commit (no reader sees a gap)."""
        self.backend.replace_documents(self._index(), "resolution_id", sorted(resolution_ids), paragraphs)

    def clear(self) -> None:
        writer = self.backend.writer()
        writer.delete_by_query(wq.Every())
        writer.commit()

    def indexed_state(self) -> dict[int, tuple]:
        state: dict[int, tuple] = {}
        for fields in self.backend.searcher().all_stored_fields():
            state[int(fields["django_id"])] = (
                int(fields["resolution_id"]), fields["kind"], fields["position"], fields.get("verb", ""), fields["symbol"], fields.get("text_hash", ""),
                fields.get("instrument", "") or "",
            )
        return state

    def rebuild(self, paragraphs: Iterable) -> int:
        return self.backend.rebuild(self._index(), paragraphs)


def _hit(searcher: Searcher, columns: dict, docnum: int, score: float | None) -> EngineHit:
    return EngineHit(int(searcher.stored_fields(docnum)["django_id"]), int(columns["resolution_id"][docnum]), score)


_SEARCHES: OrderedDict = OrderedDict()
# Search key -> the documents holding a clause more than once, best first, and their scores negated (ascending).
# Bounded by documents rather than searches: a repeated query whose search left _SEARCHES is not re-scored, and a
# few huge queries cannot take the worker's memory (12 bytes a document).
_RANKED: OrderedDict = OrderedDict()
_RANKED_SIZE = [0]
_SEARCHES_LOCK = threading.Lock()


def _matching(key: tuple, path: Path, columns: dict, parsed: ParsedQuery, filters: Filters):
    """(matching documents in a sorted array, facet counts), or None when the query has nothing to look for; cached
    under `key` (index, generation, query, filters)."""
    with _SEARCHES_LOCK:
        if key in _SEARCHES:
            _SEARCHES.move_to_end(key)
            return _SEARCHES[key]
    if not parsed.has_positive:
        return None
    # 4 bytes a document: a set of 100,000 numbers would take 5 MB of each worker's memory per query.
    ordered = array("I")
    frequencies: list[dict[int, int]] | None = None  # per scored clause: global document -> frequency, where not 1
    counters: dict[str, Counter] = {name: Counter() for name in FACETS}
    selected = [facet for facet in FACETS if filters.selects(facet)]
    for leaf, segment in zip(columns["leaves"], columns["segments"]):
        if not leaf.doc_count:
            continue
        local, counts, matched, local_frequencies = _segment_matching(path, leaf, segment, parsed, filters)
        if frequencies is None:
            frequencies = [{} for _ in local_frequencies]
        for into, found_here in zip(frequencies, local_frequencies):
            into.update(zip(map(leaf.offset.__add__, found_here), found_here.values()) if leaf.offset else found_here.items())
        deleted = path.deleted(leaf)
        gone = deleted.intersection(matched) if deleted else ()
        if gone:
            local = filterfalse(gone.__contains__, local)
        ordered.extend(map(leaf.offset.__add__, local) if leaf.offset else local)
        for name in FACETS:
            counters[name].update(counts[name])
        if gone:
            _uncount(segment.values, filters, selected, gone, counters)
    found = (ordered, _facet_lists(counters), frequencies or [])
    with _SEARCHES_LOCK:
        _SEARCHES[key] = found
        while len(_SEARCHES) > CACHED_SEARCHES:
            _SEARCHES.popitem(last=False)
    return found


def _segment_matching(path: Path, leaf, segment: SegmentColumns, parsed: ParsedQuery, filters: Filters) -> tuple[array, dict, array, list]:
    """The documents of one segment matching `parsed` and passing `filters` (sorted local numbers), their facet
    counts, and the query's matches they came from; cached with the segment, the bare query's matches too (other
    filters start from them).

    They were computed without the documents deleted then; deletions only grow, so the caller subtracts the
    segment's deletions of now from the query's matches.
    """
    key = (parsed, filters)
    with _SEARCHES_LOCK:
        found = segment.matches.get(key)
        if found is not None:
            segment.matches.move_to_end(key)
            return found
        bare = segment.matches.get(parsed)
    if bare is None:
        frequencies = []
        matched = sorted(query_docs(path, leaf, parsed, chinese=lambda: segment.chinese, frequencies=frequencies))
        docs = array("I", matched)
    else:
        docs, frequencies = bare
        matched = docs.tolist()  # numbers as objects once, not again by every lookup below
    passing, counters = _filter_and_count(segment.values, matched, filters)
    found = (array("I", passing), counters, docs, frequencies)
    with _SEARCHES_LOCK:
        # The bare query's matches and frequencies as one entry: two entries a query, as many queries kept as
        # before ranking needed the frequencies (a third entry had pushed a repeated 50-query mix out).
        segment.matches[parsed] = (docs, frequencies)
        segment.matches[key] = found
        while len(segment.matches) > CACHED_SEGMENT_MATCHES:
            segment.matches.popitem(last=False)
    return found


def _keep(values: dict, filters: Filters, facet: str, docs: list[int]) -> list[int]:
    """The documents of `docs` that this facet's selection lets through."""
    if facet in MULTI_VALUE_FACETS:  # each document's values are a tuple: any of them chosen
        column, wanted = values[facet], frozenset(getattr(filters, facet))
        return [d for d in docs if not wanted.isdisjoint(column[d])]
    if facet in VALUE_FACETS:
        column, wanted = values[facet], frozenset(getattr(filters, facet))
        return [d for d in docs if column[d] in wanted]
    column = values[RANGE_FACETS[facet][0]]
    low, high = filters.range(facet)
    return [d for d in docs if low <= column[d] <= high]


def _filter_and_count(values: dict, matched: list[int], filters: Filters) -> tuple[list[int], dict[str, Counter]]:
    """The matches passing every filter, and each facet's counts over the matches passing every OTHER facet's
    selection (disjunctive: choosing GA still shows how many HRC would add)."""
    base = matched
    if filters.symbol:
        column = values["symbol"]
        base = [d for d in base if column[d] == filters.symbol]
    selected = [facet for facet in FACETS if filters.selects(facet)]
    passing = base
    for facet in selected:
        passing = _keep(values, filters, facet, passing)
    counted = {facet: passing for facet in FACETS}
    for facet in selected:
        others = base
        for other in selected:
            if other != facet:
                others = _keep(values, filters, other, others)
        counted[facet] = others
    counters = {}
    for facet, docs in counted.items():
        column = values[facet]
        if facet in MULTI_VALUE_FACETS:
            counters[facet] = Counter(chain.from_iterable(map(column.__getitem__, docs)))
        else:
            counters[facet] = Counter(operator.itemgetter(*docs)(column)) if len(docs) > 1 else Counter(column[d] for d in docs)
    return passing, counters


def _uncount(values: dict, filters: Filters, selected: list[str], gone: Iterable[int], counters: dict[str, Counter]) -> None:
    """Take documents deleted since a segment's counts were cached out of the facets that counted them."""
    for doc in gone:
        if filters.symbol and values["symbol"][doc] != filters.symbol:
            continue
        failing = [facet for facet in selected if not _keep(values, filters, facet, [doc])]
        for facet in FACETS if not failing else failing if len(failing) == 1 else ():
            value = values[facet][doc]
            for one in value if facet in MULTI_VALUE_FACETS else (value,):
                counters[facet][one] -= 1


def _first(columns: dict, order: str, ordered: array, docs: set[int], count: int, *, subset: bool = False) -> list[int]:
    """The first `count` of `docs` in page order: each segment's first in its own order, merged.

    `ordered` holds `docs` sorted, or (`subset`) more documents than `docs`.

    Where a segment's matches are dense, its precomputed order is walked until `count` are found;
    where they are sparse, they are sorted.
    """
    key = _page_key(columns, order)
    firsts = []
    for segment, offset in zip(columns["segments"], columns["offsets"]):
        low, high = bisect_left(ordered, offset), bisect_left(ordered, offset + segment.doc_count)
        if low == high:
            continue
        if (high - low) * 32 < segment.doc_count:
            firsts.append(heapq.nsmallest(count, filter(docs.__contains__, ordered[low:high]) if subset else ordered[low:high], key=key))
        else:
            walk = map(offset.__add__, segment.orders[order]) if offset else segment.orders[order]
            firsts.append(list(islice(filter(docs.__contains__, walk), count)))
    if len(firsts) == 1:
        return firsts[0]
    return list(islice(heapq.merge(*firsts, key=key), count))


def _most_relevant(key: tuple, columns: dict, ordered: array, docs: set[int], frequencies: list[dict[int, int]], count: int) -> list[tuple[float, int]]:
    """The first `count` of `docs` by engine.py's relevance rule, (score, document), ties newest first.

    Most matches hold each clause once and are no longer than the reference: they all score exactly the number of
    clauses and are walked in the precomputed date order. Only the documents holding a clause more than once, or
    longer than the reference, are scored one by one (and the long ones only when the page reaches below that tier).
    """
    clauses = len(frequencies)
    date_key = _page_key(columns, "by_date")
    if not clauses:
        return [(0.0, d) for d in _first(columns, "by_date", ordered, docs, count)]
    factors = columns["length_factor"]

    def score(d: int) -> float:
        factor = factors[d]
        return sum(clause_score(tf.get(d, 1), factor) for tf in frequencies)

    # The documents holding a clause more than once, scored and sorted once per search (a next page, or the same
    # search again, reuses them).
    with _SEARCHES_LOCK:
        kept = _RANKED.get(key)
        if kept is not None:
            _RANKED.move_to_end(key)
    if kept is None:
        frequent = docs.intersection(*frequencies) if clauses == 1 else docs.intersection(set().union(*frequencies))
        if clauses == 1:
            tf, k1 = frequencies[0], RANK_K1
            scored = [((k1 + 1) * tf[d] / (tf[d] + k1 * factors[d]), d) for d in frequent]
        else:
            scored = [(score(d), d) for d in frequent]
        scored.sort(key=lambda item: (-item[0], *date_key(item[1])))
        kept = (array("I", [d for _, d in scored]), array("d", [-s for s, _ in scored]))
        with _SEARCHES_LOCK:
            if key not in _RANKED:
                _RANKED[key] = kept
                _RANKED_SIZE[0] += len(kept[0])
            while _RANKED_SIZE[0] > CACHED_RANKED_DOCUMENTS and len(_RANKED) > 1:
                _RANKED_SIZE[0] -= len(_RANKED.popitem(last=False)[1][0])
    ranked, negated = kept
    base = float(clauses)
    # Best first: the documents scoring above the base, at it and below it are three runs.
    above_end, tied_end = bisect_left(negated, -base), bisect_right(negated, -base)
    if above_end >= count:
        return [(-negated[i], ranked[i]) for i in range(count)]
    above = [(-negated[i], ranked[i]) for i in range(above_end)]
    frequent = set(ranked)
    plain = docs - frequent - columns["long"]
    tied = ranked[above_end:tied_end].tolist()
    middle = sorted(tied + _first(columns, "by_date", ordered, plain, count, subset=True), key=date_key)[: count - len(above)]
    result = above + [(base, d) for d in middle]
    if len(result) >= count:
        return result
    below = [(-negated[i], ranked[i]) for i in range(tied_end, len(ranked))] + [(score(d), d) for d in (docs - frequent) & columns["long"]]
    return result + heapq.nsmallest(count - len(result), below, key=lambda item: (-item[0], *date_key(item[1])))


def _count_groups(columns: dict, ordered: array) -> int:
    return len(set(map(columns["resolution_id"].__getitem__, ordered)))


def _grouped(searcher: Searcher, columns: dict, ordered: array, request: SearchRequest) -> tuple[tuple[EngineGroup, ...], int]:
    """One row per resolution: most matching paragraphs first (relevance), newest first (date) or by symbol
    (document); under each, its first GROUP_HITS matching paragraphs in the order of its text."""
    resolution_of = list(map(columns["resolution_id"].__getitem__, ordered))
    counts = Counter(resolution_of)
    adopted, symbol, language = columns["adopted"], columns["symbol"], columns["language"]
    some_doc = dict(zip(resolution_of, ordered))  # the same adoption date and symbol in all of a resolution's documents

    def named(r: str) -> tuple:
        return (symbol[some_doc[r]], language[some_doc[r]])

    if request.sort == "date":
        order = sorted(counts, key=lambda r: (-adopted[some_doc[r]], *named(r)))
    elif request.sort == "document":
        order = sorted(counts, key=named)
    else:
        order = sorted(counts, key=lambda r: (-counts[r], -adopted[some_doc[r]], *named(r)))
    chosen = order[request.offset : request.offset + request.limit]
    wanted = set(chosen)
    by_resolution: dict[str, list[int]] = {r: [] for r in chosen}
    for doc, resolution in zip(ordered, resolution_of):
        if resolution in wanted:
            by_resolution[resolution].append(doc)
    position = columns["position"].__getitem__
    groups = tuple(
        EngineGroup(
            int(r),
            counts[r],
            tuple(_hit(searcher, columns, d, None) for d in heapq.nsmallest(GROUP_HITS, by_resolution[r], key=position)),
        )
        for r in chosen
    )
    return groups, len(order)


def _facet_lists(counters: dict[str, Counter]) -> dict[str, list[tuple[str, int]]]:
    """Counts of each facet value, most frequent first (years and sessions newest first); none of no value."""
    facets: dict[str, list[tuple[str, int]]] = {}
    for name, counts in counters.items():
        counts = {value: count for value, count in counts.items() if count > 0 and value not in ("", 0)}
        if name in ("year", "session"):
            items = sorted(counts.items(), key=lambda kv: (-int(kv[0]) if str(kv[0]).isdigit() else 0, str(kv[0])))
        else:
            items = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        facets[name] = [(str(value), count) for value, count in items]
    return facets


@dataclass(frozen=True)
class SegmentColumns:
    """One segment's per-document values (local document numbers), its page orders and its Chinese documents."""

    segment_id: str
    doc_count: int  # every document, deleted ones included: local numbers run 0 .. doc_count - 1
    values: dict[str, list]
    length: array  # bytes of folded text
    orders: dict[str, array]  # "by_date", "by_document": every document in page order
    chinese: frozenset[int]
    matches: OrderedDict = field(default_factory=OrderedDict)  # recent queries -> their documents here


# Per segment (by id): its columns. Per layout (segments and where each starts): their concatenation.
_SEGMENT_COLUMNS: dict[str, SegmentColumns] = {}
_COLUMNS_BY_LAYOUT: dict[tuple, dict] = {}
_COLUMNS_LOCK = threading.Lock()


def forget_everything() -> None:
    """Drop every cached column, order and match (when the path changes: what the other one found is not kept)."""
    with _COLUMNS_LOCK, _SEARCHES_LOCK:
        _SEGMENT_COLUMNS.clear()
        _COLUMNS_BY_LAYOUT.clear()
        _SEARCHES.clear()
        _RANKED.clear()
        _RANKED_SIZE[0] = 0
    close_texts()


def _columns(path: Path, searcher: Searcher) -> dict:
    """Per-document values of the facet, filter and sort fields, indexed by global document number.

    Also: "length" (bytes of folded text), "length_factor" and "long" (the relevance rule's), "leaves" and "segments" (each segment's Leaf and
    SegmentColumns, in the searcher's order), "offsets" (where each segment's numbers start) and "generation" (the
    segments and their live documents: a key for cached results). Deleting documents changes none of the columns;
    for a new segment only that segment is read, the rest is concatenated at C speed.
    """
    leaves = path.leaves(searcher)
    layout = tuple((leaf.key, leaf.offset) for leaf in leaves)
    generation = tuple((leaf.key, leaf.reader.doc_count()) for leaf in leaves)
    with _COLUMNS_LOCK:
        cached = _COLUMNS_BY_LAYOUT.get(layout)
        if cached is not None:
            # This searcher's own leaves: another thread's may be closed under it at its next commit.
            return {**cached, "leaves": leaves, "generation": generation}
        segments = []
        for leaf in leaves:
            segment = _SEGMENT_COLUMNS.get(leaf.key)
            if segment is None:
                segment = _SEGMENT_COLUMNS[leaf.key] = _read_segment(leaf, leaf_texts(path, leaf))
            segments.append(segment)
        keys = [leaf.key for leaf in leaves]
        for stale in set(_SEGMENT_COLUMNS) - set(keys):
            del _SEGMENT_COLUMNS[stale]
        forget_segments(keys)
        columns: dict = {"leaves": leaves, "segments": segments, "offsets": [leaf.offset for leaf in leaves], "generation": generation}
        for name in FACETS + SORT_FIELDS + FILTER_FIELDS:
            columns[name] = list(chain.from_iterable(segment.values[name] for segment in segments))
        lengths = array("I")
        for segment in segments:
            lengths.extend(segment.length)
        columns["length"] = lengths
        columns["length_factor"] = array("d", map(length_factor, lengths))
        columns["long"] = {d for d, factor in enumerate(columns["length_factor"]) if factor > 1}
        _COLUMNS_BY_LAYOUT.clear()
        _COLUMNS_BY_LAYOUT[layout] = columns
        return columns


def _page_key(columns: dict, order: str):
    adopted, symbol, language, position = columns["adopted"], columns["symbol"], columns["language"], columns["position"]
    if order == "by_date":
        return lambda d: (-adopted[d], symbol[d], language[d], position[d])
    return lambda d: (symbol[d], language[d], position[d])


def _read_segment(leaf, folded) -> SegmentColumns:
    reader = leaf.reader
    values = {name: _read_column(reader, name, leaf.doc_count) for name in FACETS + SORT_FIELDS + FILTER_FIELDS}
    length = array("I", folded.byte_lengths())
    local = {**values, "length": length}
    orders = {order: array("I", sorted(range(leaf.doc_count), key=_page_key(local, order))) for order in ("by_date", "by_document")}
    chinese = frozenset(d for d, value in enumerate(values["language"]) if value == "zh")
    return SegmentColumns(leaf.key, leaf.doc_count, values, length, orders, chinese)


def _read_column(reader, name: str, doc_count: int) -> list:
    multiple = name in MULTI_VALUE_FACETS
    # A segment written before the field existed has no column: no value (check_search_index --repair fills it).
    if not doc_count or not reader.has_column(name):
        return [()] * doc_count if multiple else [""] * doc_count
    interned: dict = {}
    if multiple:  # "cat,udhr" -> ("cat", "udhr"), one tuple per distinct value

        def split(value: str) -> tuple[str, ...]:
            found = interned.get(value)
            if found is None:
                found = interned[value] = tuple(v for v in value.split(",") if v)
            return found

        return [split(value) for value in reader.column_reader(name)]
    return [interned.setdefault(value, value) for value in reader.column_reader(name)]
