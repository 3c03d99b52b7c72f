"""Run a search: matching paragraphs, exact total, facet counts, one sorted page, highlighted snippets.

This is the one search path: the page, the JSON API and the benchmark call `search_paragraphs`.

Speed (see README, bench/search.py): the backend keeps one searcher per thread and reopens it only
after a commit. Everything expensive is kept per index segment, by segment id, because a segment never
changes once written except that documents in it get deleted (and deletions only grow): its column
values and page orders, and the documents each recent query matches in it (matching.py: posting lists
decoded at C speed, candidates verified on the folded text). A commit adds a small segment, so the
first search after it matches only that segment anew and subtracts the deletions from the others;
nothing is rebuilt across the whole index. The combined matches and facet counts are cached per
(index generation, query, filters) for the next page, the grouped view and the API. Filters and facet
counts read the columns (a C-speed tally over 100,000 matches); a page is the first documents of each
segment in its own precomputed order (newest first, or shortest first for relevance), merged.
"""
from __future__ import annotations

import heapq
import math
import operator
import threading
from array import array
from bisect import bisect_left
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from itertools import chain, filterfalse, islice

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from haystack import connections
from whoosh.analysis import StemmingAnalyzer
from whoosh.searching import Searcher

from ..models import Paragraph, Resolution
from .analysis import fold, fold_with_offsets, runs
from .matching import close_texts, folded_texts, forget_segments, query_docs
from .query import ParsedQuery, parse_query

FACET_FIELDS = ("body", "language", "kind", "verb", "year", "session")
SORT_FIELDS = ("adopted", "position", "resolution_id")
FILTER_FIELDS = ("session_number", "symbol")
MAX_PER_PAGE = 100
GROUP_HITS = 5  # paragraphs shown under each resolution in the grouped view; the rest are a link away
SNIPPET_CHARS = 160
CACHED_SEARCHES = 32  # (generation, query, filters) -> matching documents and facets
CACHED_SEGMENT_MATCHES = 128  # per segment: query (and query with filters) -> its documents in that segment
# BM25's length normalisation (Whoosh's defaults); see relevance_score.
BM25_K1, BM25_B = 1.2, 0.75


@dataclass(frozen=True)
class Filters:
    body: str = ""
    language: str = ""
    kind: str = ""
    verb: str = ""
    session_from: int | None = None
    session_to: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    symbol: str = ""  # one resolution (with `language`, one text of it)

    def apply(self, columns: dict, docs: set[int]) -> set[int]:
        """The documents of `docs` whose column values pass every filter."""
        pairs = (("body", self.body), ("language", self.language), ("kind", self.kind), ("verb", self.verb), ("symbol", self.symbol))
        for name, value in pairs:
            if value:
                column = columns[name]
                docs = {d for d in docs if column[d] == value}
        for name, low, high in (("session_number", self.session_from, self.session_to), ("year", self.year_from, self.year_to)):
            if low is not None or high is not None:
                column = columns[name]
                low = -math.inf if low is None else low
                high = math.inf if high is None else high
                docs = {d for d in docs if low <= column[d] <= high}
        return docs


@dataclass
class Hit:
    paragraph: Paragraph
    score: float | None
    snippet: SafeString

    @property
    def resolution(self) -> Resolution:
        return self.paragraph.resolution


@dataclass
class Group:
    """One resolution and its first matching paragraphs (results grouped by resolution); `total` counts them all."""

    resolution: Resolution
    hits: list[Hit]
    total: int = 0


@dataclass
class SearchOutcome:
    query: ParsedQuery
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    total_groups: int = 0
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def num_pages(self) -> int:
        count = self.total_groups if self.groups else self.total
        return max(1, -(-count // self.per_page))


def search_paragraphs(
    q: str | ParsedQuery,
    *,
    filters: Filters = Filters(),
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    group: bool = False,
    facets: bool = True,
) -> SearchOutcome:
    """Paragraphs matching `q` under `filters`; `page` is clamped to the pages that exist.

    Relevance is BM25 with each query word counted once per paragraph: among paragraphs that all
    contain the query, the shorter one ranks first (ties: newest first). Counting occurrences would
    mean reading every matching paragraph, for an order that differs only where a word repeats.
    """
    parsed = q if isinstance(q, ParsedQuery) else parse_query(q)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    outcome = SearchOutcome(parsed, 0, 1, per_page)
    backend = connections["default"].get_backend()
    searcher = backend.searcher()
    columns = _columns(searcher)
    found = _matching(searcher, columns, parsed, filters)
    if found is None:
        return outcome
    ordered, facet_counts = found
    docs = set(ordered)  # membership tests need a set (C speed to build)
    outcome.total = len(docs)
    if facets:
        outcome.facets = facet_counts
    if not docs:
        return outcome
    if group:
        return _grouped(outcome, parsed, columns, ordered, sort, page)
    outcome.page = min(max(page, 1), outcome.num_pages)
    end = outcome.page * per_page
    chosen = _first(columns, "by_date" if sort == "date" else "by_length", ordered, docs, end)[end - per_page :]
    ranked = [(d, None if sort == "date" else relevance_score(columns, d)) for d in chosen]
    outcome.hits = _hits(searcher, parsed, ranked)
    return outcome


_SEARCHES: OrderedDict = OrderedDict()
_SEARCHES_LOCK = threading.Lock()


def _matching(searcher: Searcher, columns: dict, parsed: ParsedQuery, filters: Filters):
    """(matching documents in a sorted array, facet counts), or None when the query has nothing to look for; cached."""
    key = (_generation(searcher), parsed, filters)
    with _SEARCHES_LOCK:
        if key in _SEARCHES:
            _SEARCHES.move_to_end(key)
            return _SEARCHES[key]
    if not any(not clause.negated for clause in parsed.clauses):
        return None
    # 4 bytes a document: a set of 100,000 numbers would take 5 MB of each worker's memory per query.
    ordered = array("I")
    counters: dict[str, Counter] = {name: Counter() for name in FACET_FIELDS}
    for (leaf, offset), segment in zip(searcher.leaf_searchers(), columns["segments"]):
        reader = leaf.reader()
        if not reader.doc_count_all():
            continue
        local, counts = _segment_matching(leaf, segment, parsed, filters)
        gone = reader.deleted_docs_set.intersection(local) if reader.has_deletions() else ()
        if gone:
            local = filterfalse(gone.__contains__, local)
        ordered.extend(map(offset.__add__, local) if offset else local)
        for name in FACET_FIELDS:
            counters[name].update(counts[name])
            if gone:
                counters[name].subtract(map(segment.values[name].__getitem__, gone))
    found = (ordered, _facet_lists(counters))
    with _SEARCHES_LOCK:
        _SEARCHES[key] = found
        while len(_SEARCHES) > CACHED_SEARCHES:
            _SEARCHES.popitem(last=False)
    return found


def _generation(searcher: Searcher) -> tuple:
    """A key for the searcher's segments and their deletions (a segment's deletions only ever grow)."""
    return tuple((_segment_id(leaf), leaf.reader().doc_count()) for leaf, _ in searcher.leaf_searchers())


def _segment_matching(leaf: Searcher, segment: SegmentColumns, parsed: ParsedQuery, filters: Filters) -> tuple[array, dict]:
    """The documents of one segment matching `parsed` and passing `filters` (sorted local numbers), and their facet
    counts; cached with the segment, the bare query's matches too (other filters start from them).

    They were computed without the documents deleted then; deletions only grow, so the caller subtracts the
    segment's deletions of now.
    """
    key = (parsed, filters)
    with _SEARCHES_LOCK:
        found = segment.matches.get(key)
        if found is not None:
            segment.matches.move_to_end(key)
            return found
        docs = segment.matches.get(parsed)
    if docs is None:
        matched = sorted(query_docs(leaf, parsed, chinese=lambda: segment.chinese))
        docs = array("I", matched)
    else:
        matched = docs.tolist()  # numbers as objects once, not again by every lookup below
    passing = sorted(filters.apply(segment.values, matched)) if filters != Filters() else matched
    found = (array("I", passing), _facet_counters(segment.values, passing))
    with _SEARCHES_LOCK:
        segment.matches[parsed] = docs
        segment.matches[key] = found
        while len(segment.matches) > CACHED_SEGMENT_MATCHES:
            segment.matches.popitem(last=False)
    return found


def _first(columns: dict, order: str, ordered: array, docs: set[int], count: int) -> list[int]:
    """The first `count` of `docs` in page order: each segment's first in its own order, merged.

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
            firsts.append(heapq.nsmallest(count, ordered[low:high], key=key))
        else:
            walk = map(offset.__add__, segment.orders[order]) if offset else segment.orders[order]
            firsts.append(list(islice(filter(docs.__contains__, walk), count)))
    if len(firsts) == 1:
        return firsts[0]
    return list(islice(heapq.merge(*firsts, key=key), count))


def relevance_score(columns: dict, doc: int) -> float:
    """BM25's term-frequency factor for one occurrence in a paragraph of this length (higher: shorter)."""
    ratio = columns["length"][doc] / columns["average_length"]
    return round((BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * ratio)), 4)


def _grouped(outcome: SearchOutcome, parsed: ParsedQuery, columns: dict, ordered: array, sort: str, page: int) -> SearchOutcome:
    """One row per resolution: by newest first (date) or by most matching paragraphs (relevance)."""
    resolution_of = list(map(columns["resolution_id"].__getitem__, ordered))
    counts = Counter(resolution_of)
    adopted = columns["adopted"]
    some_doc = dict(zip(resolution_of, ordered))  # the adoption date is the same in all of a resolution's documents
    if sort == "date":
        order = sorted(counts, key=lambda r: (-adopted[some_doc[r]], r))
    else:
        order = sorted(counts, key=lambda r: (-counts[r], -adopted[some_doc[r]], r))
    outcome.total_groups = len(order)
    outcome.groups = [Group(Resolution(), [])]  # marks the outcome as grouped for num_pages
    outcome.page = min(max(page, 1), outcome.num_pages)
    chosen = order[(outcome.page - 1) * outcome.per_page : outcome.page * outcome.per_page]
    wanted = set(chosen)
    by_resolution: dict[str, list[int]] = {r: [] for r in chosen}
    for doc, resolution in zip(ordered, resolution_of):
        if resolution in wanted:
            by_resolution[resolution].append(doc)
    searcher = connections["default"].get_backend().searcher()
    position = columns["position"].__getitem__
    ranked = [(d, None) for r in chosen for d in heapq.nsmallest(GROUP_HITS, by_resolution[r], key=position)]
    hits = _hits(searcher, parsed, ranked)
    groups: dict[int, Group] = OrderedDict()
    for hit in hits:
        resolution_id = hit.paragraph.resolution_id
        groups.setdefault(resolution_id, Group(hit.paragraph.resolution, [], counts[str(resolution_id)])).hits.append(hit)
    outcome.groups = list(groups.values())
    return outcome


def _hits(searcher: Searcher, parsed: ParsedQuery, ranked: list[tuple[int, float | None]]) -> list[Hit]:
    ids = [int(searcher.stored_fields(docnum)["django_id"]) for docnum, _ in ranked]
    paragraphs = Paragraph.objects.select_related("resolution").in_bulk(ids)
    words = parsed.words
    return [
        Hit(paragraphs[pk], score, highlight(paragraphs[pk].text, words, paragraphs[pk].resolution.language))
        for pk, (_, score) in zip(ids, ranked)
        if pk in paragraphs  # deleted since the searcher opened: the outbox will drop it from the index
    ]


def _facet_counters(values: dict[str, list], docs) -> dict[str, Counter]:
    """How often each facet value occurs among `docs` (a C-speed tally over the columns)."""
    pick = operator.itemgetter(*docs) if len(docs) > 1 else None
    counters = {}
    for name in FACET_FIELDS:
        column = values[name]
        counters[name] = Counter(pick(column) if pick else [column[d] for d in docs])
    return counters


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
    orders: dict[str, array]  # "by_date", "by_length": every document in page order
    chinese: frozenset[int]
    matches: OrderedDict = field(default_factory=OrderedDict)  # recent queries -> their documents here


# Per segment (by id): its columns. Per layout (segments and where each starts): their concatenation.
_SEGMENT_COLUMNS: dict[str, SegmentColumns] = {}
_COLUMNS_BY_LAYOUT: dict[tuple, dict] = {}
_COLUMNS_LOCK = threading.Lock()


def _segment_id(leaf: Searcher) -> str:
    segment = leaf.reader().segment()
    return segment.segment_id() if segment is not None else f"empty-{id(leaf)}"


def _columns(searcher: Searcher) -> dict:
    """Per-document values of the facet, filter and sort fields, indexed by global document number.

    Also: "length" (bytes of folded text), "average_length", "segments" (each segment's SegmentColumns,
    in the searcher's order) and "offsets" (where each segment's numbers start). Deleting documents
    changes none of it; for a new segment only that segment is read, the rest is concatenated at C speed.
    """
    leaves = searcher.leaf_searchers()
    segment_ids = [_segment_id(leaf) for leaf, _ in leaves]
    layout = tuple(zip(segment_ids, (offset for _, offset in leaves)))
    with _COLUMNS_LOCK:
        cached = _COLUMNS_BY_LAYOUT.get(layout)
        if cached is not None:
            return cached
        texts = folded_texts(searcher)
        segments = []
        for (leaf, _), segment_id, (folded, _, _) in zip(leaves, segment_ids, texts):
            segment = _SEGMENT_COLUMNS.get(segment_id)
            if segment is None:
                segment = _SEGMENT_COLUMNS[segment_id] = _read_segment(segment_id, leaf.reader(), folded)
            segments.append(segment)
        for stale in set(_SEGMENT_COLUMNS) - set(segment_ids):
            del _SEGMENT_COLUMNS[stale]
        forget_segments(segment_ids)
        columns: dict = {"segments": segments, "offsets": [offset for _, offset in leaves]}
        for name in FACET_FIELDS + SORT_FIELDS + FILTER_FIELDS:
            columns[name] = list(chain.from_iterable(segment.values[name] for segment in segments))
        lengths = array("I")
        for segment in segments:
            lengths.extend(segment.length)
        columns["length"] = lengths
        columns["average_length"] = max(1.0, sum(lengths) / max(1, len(lengths)))
        _COLUMNS_BY_LAYOUT.clear()
        _COLUMNS_BY_LAYOUT[layout] = columns
        return columns


def warm_up() -> int:
    """Read every segment's columns and page orders now, then let go of the index files; returns documents.

    gunicorn's master calls this before it forks its workers (gunicorn.conf.py): each worker starts with the
    columns in memory it shares with the others, instead of spending seconds reading them on its first
    search, as every worker did at start and again whenever gunicorn replaced it.
    """
    backend = connections["default"].get_backend()
    try:
        searcher = backend.searcher()
        _columns(searcher)
        documents = searcher.doc_count()
    finally:
        backend.close_searcher()
        close_texts()
    return documents


def _page_key(columns: dict, order: str):
    adopted, resolution, position, length = columns["adopted"], columns["resolution_id"], columns["position"], columns["length"]
    if order == "by_date":
        return lambda d: (-adopted[d], resolution[d], position[d])
    return lambda d: (length[d], -adopted[d], resolution[d], position[d])


def _read_segment(segment_id: str, reader, folded) -> SegmentColumns:
    values = {name: _read_column(reader, name) for name in FACET_FIELDS + SORT_FIELDS + FILTER_FIELDS}
    length = array("I", folded.byte_lengths())
    local = {**values, "length": length}
    orders = {order: array("I", sorted(range(reader.doc_count_all()), key=_page_key(local, order))) for order in ("by_date", "by_length")}
    chinese = frozenset(d for d, value in enumerate(values["language"]) if value == "zh")
    return SegmentColumns(segment_id, reader.doc_count_all(), values, length, orders, chinese)


def _read_column(reader, name: str) -> list:
    if not reader.has_column(name):
        return [""] * reader.doc_count_all()
    interned: dict = {}
    return [interned.setdefault(value, value) for value in reader.column_reader(name)]


_ENGLISH = StemmingAnalyzer()


def highlight(text: str, words: list[str], language: str, *, width: int = SNIPPET_CHARS) -> SafeString:
    """A snippet of `text` around its first match, HTML-escaped first, then matches wrapped in <mark>."""
    spans = match_spans(text, words, language, width=width)
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


def _cut(text: str, start: int, width: int) -> str:
    return text[start : start + width] + ("…" if len(text) > start + width else "")


def match_spans(text: str, words: list[str], language: str, *, width: int | None = None) -> list[tuple[int, int]]:
    """Where the query's words occur in `text` (after folding), as merged (start, end) in the original.

    With `width` (a snippet's), English stems are looked for only up to `width` characters past the first
    exact match: the snippet shows nothing further, and stemming a whole long paragraph is what costs.
    """
    folded, offsets = fold_with_offsets(text)
    offsets.append(len(text))
    spans: list[tuple[int, int]] = []
    first = len(folded)  # the first exact match, in the folded text
    for word in words:
        for run in runs(fold(word)):
            needle = run.text
            at = folded.find(needle)
            while at != -1:
                boundary_ok = run.cjk or (
                    (at == 0 or not folded[at - 1].isalnum()) and (at + len(needle) == len(folded) or not folded[at + len(needle)].isalnum())
                )
                if boundary_ok:
                    spans.append((offsets[at], offsets[at + len(needle)]))
                    first = min(first, at)
                at = folded.find(needle, at + 1)
    if language == "en":
        stems = {token.text for word in words for token in _ENGLISH(fold(word), mode="query")}
        scanned = folded
        if width is not None and spans:
            # Cut at a space, so that the word at the cut is stemmed whole.
            end = folded.find(" ", first + width)
            scanned = folded if end == -1 else folded[:end]
        if stems:
            for token in _ENGLISH(scanned, chars=True, mode="index"):
                if token.text in stems:
                    spans.append((offsets[token.startchar], offsets[token.endchar]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and span[0] <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span[1]))
        else:
            merged.append(span)
    return merged
