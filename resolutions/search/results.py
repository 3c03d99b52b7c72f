"""Run a search: matching paragraphs, exact total, facet counts, one sorted page, highlighted snippets.

This is the one search path: the page, the JSON API and the benchmark call `search_paragraphs`.

Speed (see README, bench/search.py): the backend keeps one searcher per thread and reopens it only
after a commit. The matching documents are a set computed once (matching.py: posting lists decoded at
C speed, candidates verified on the folded text), cached per (index generation, query, filters) so
that the next page, the grouped view and the API reuse it. Filters, facet counts and both orders read
per-document column values cached by segment id (segments never change once written): counting
100,000 matches is a C-speed tally, and a page is taken by walking a precomputed order (newest first,
or shortest first for relevance) until it is full, not by sorting every match.
"""
from __future__ import annotations

import math
import operator
import threading
from array import array
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from itertools import islice

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from haystack import connections
from whoosh.analysis import StemmingAnalyzer
from whoosh.searching import Searcher

from ..models import Paragraph, Resolution
from .analysis import fold, fold_with_offsets, runs
from .matching import folded_texts, query_docs
from .query import ParsedQuery, parse_query

FACET_FIELDS = ("body", "language", "kind", "verb", "year", "session")
SORT_FIELDS = ("adopted", "position", "resolution_id")
FILTER_FIELDS = ("session_number",)
MAX_PER_PAGE = 100
SNIPPET_CHARS = 160
CACHED_SEARCHES = 32  # (generation, query, filters) -> matching documents and facets
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

    def apply(self, columns: dict, docs: set[int]) -> set[int]:
        """The documents of `docs` whose column values pass every filter."""
        for name, value in (("body", self.body), ("language", self.language), ("kind", self.kind), ("verb", self.verb)):
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
    """One resolution and its matching paragraphs (results grouped by resolution)."""

    resolution: Resolution
    hits: list[Hit]


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
    docs, facet_counts = found
    docs = set(docs)  # the cache keeps a compact array; membership tests need a set (C speed to build)
    outcome.total = len(docs)
    if facets:
        outcome.facets = facet_counts
    if not docs:
        return outcome
    if group:
        return _grouped(outcome, parsed, columns, docs, sort, page)
    outcome.page = min(max(page, 1), outcome.num_pages)
    end = outcome.page * per_page
    order = columns["by_date"] if sort == "date" else columns["by_length"]
    chosen = _first(order, columns["rank_date" if sort == "date" else "rank_length"], docs, end)[end - per_page :]
    ranked = [(d, None if sort == "date" else relevance_score(columns, d)) for d in chosen]
    outcome.hits = _hits(searcher, parsed, ranked)
    return outcome


_SEARCHES: OrderedDict = OrderedDict()
_SEARCHES_LOCK = threading.Lock()


def _matching(searcher: Searcher, columns: dict, parsed: ParsedQuery, filters: Filters):
    """(matching documents, facet counts), or None when the query has nothing to look for; cached."""
    key = (columns["generation"], parsed, filters)
    with _SEARCHES_LOCK:
        if key in _SEARCHES:
            _SEARCHES.move_to_end(key)
            return _SEARCHES[key]
    docs = query_docs(searcher, parsed, chinese=lambda: columns["chinese"])
    if docs is None:
        return None
    ordered = sorted(filters.apply(columns, docs))
    # 4 bytes a document: a set of 100,000 numbers would take 5 MB of each worker's memory per query.
    found = (array("I", ordered), count_facets(columns, ordered))
    with _SEARCHES_LOCK:
        _SEARCHES[key] = found
        while len(_SEARCHES) > CACHED_SEARCHES:
            _SEARCHES.popitem(last=False)
    return found


def _first(order: array, rank: array, docs: set[int], count: int) -> list[int]:
    """The first `count` of `docs` in `order`: walk the order when matches are dense, else sort them."""
    if len(docs) * 32 < len(order):
        return sorted(docs, key=rank.__getitem__)[:count]
    return list(islice(filter(docs.__contains__, order), count))


def relevance_score(columns: dict, doc: int) -> float:
    """BM25's term-frequency factor for one occurrence in a paragraph of this length (higher: shorter)."""
    ratio = columns["length"][doc] / columns["average_length"]
    return round((BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * ratio)), 4)


def _grouped(outcome: SearchOutcome, parsed: ParsedQuery, columns: dict, docs: set[int], sort: str, page: int) -> SearchOutcome:
    """One row per resolution: by newest first (date) or by most matching paragraphs (relevance)."""
    by_resolution: dict[str, list[int]] = {}
    for doc in sorted(docs):
        by_resolution.setdefault(columns["resolution_id"][doc], []).append(doc)
    if sort == "date":
        order = sorted(by_resolution, key=lambda r: (-columns["adopted"][by_resolution[r][0]], r))
    else:
        order = sorted(by_resolution, key=lambda r: (-len(by_resolution[r]), -columns["adopted"][by_resolution[r][0]], r))
    outcome.total_groups = len(order)
    outcome.groups = [Group(Resolution(), [])]  # marks the outcome as grouped for num_pages
    outcome.page = min(max(page, 1), outcome.num_pages)
    chosen = order[(outcome.page - 1) * outcome.per_page : outcome.page * outcome.per_page]
    searcher = connections["default"].get_backend().searcher()
    ranked = [(d, None) for r in chosen for d in sorted(by_resolution[r], key=lambda d: columns["position"][d])]
    hits = _hits(searcher, parsed, ranked)
    groups: dict[int, Group] = OrderedDict()
    for hit in hits:
        groups.setdefault(hit.paragraph.resolution_id, Group(hit.paragraph.resolution, [])).hits.append(hit)
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


def count_facets(columns: dict, docs: list[int]) -> dict[str, list[tuple[str, int]]]:
    """Counts of each facet value among `docs`, most frequent first (years and sessions newest first)."""
    facets: dict[str, list[tuple[str, int]]] = {}
    pick = operator.itemgetter(*docs) if docs else None
    for name in FACET_FIELDS:
        if pick is None:
            facets[name] = []
            continue
        values = pick(columns[name])
        counts = Counter(values if len(docs) > 1 else (values,))
        counts.pop("", None)
        counts.pop(0, None)
        if name in ("year", "session"):
            items = sorted(counts.items(), key=lambda kv: (-int(kv[0]) if str(kv[0]).isdigit() else 0, str(kv[0])))
        else:
            items = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        facets[name] = [(str(value), count) for value, count in items]
    return facets


# Per segment (by id): column values and the two orders. Per generation: their concatenation.
_SEGMENT_COLUMNS: dict[str, dict[str, list]] = {}
_COLUMNS_BY_GENERATION: dict[tuple, dict] = {}
_COLUMNS_LOCK = threading.Lock()


def _columns(searcher: Searcher) -> dict:
    """Per-document values of the facet, filter and sort fields, indexed by global document number.

    Also: "length" (bytes of folded text), "by_date" and "by_length" (every document in page
    order), "rank_date" and "rank_length" (each document's place in them), "chinese" (the documents
    of Chinese texts) and "generation" (a key for this set of segments and deletions).
    """
    leaves = searcher.leaf_searchers()
    segment_ids = [leaf.reader().segment().segment_id() if leaf.reader().segment() else str(id(leaf)) for leaf, _ in leaves]
    generation = tuple((sid, offset, leaf.reader().doc_count()) for sid, (leaf, offset) in zip(segment_ids, leaves))
    with _COLUMNS_LOCK:
        cached = _COLUMNS_BY_GENERATION.get(generation)
        if cached is not None:
            return cached
        texts = folded_texts(searcher)
        segments = []
        for (leaf, _), segment_id, (folded, _, _) in zip(leaves, segment_ids, texts):
            segment = _SEGMENT_COLUMNS.get(segment_id)
            if segment is None:
                segment = _SEGMENT_COLUMNS[segment_id] = _read_segment(leaf.reader(), folded)
            segments.append(segment)
        for stale in set(_SEGMENT_COLUMNS) - set(segment_ids):
            del _SEGMENT_COLUMNS[stale]
        columns: dict = {"generation": generation}
        for name in FACET_FIELDS + SORT_FIELDS + FILTER_FIELDS:
            columns[name] = [value for segment in segments for value in segment[name]]
        columns["length"] = array("I", (value for segment in segments for value in segment["length"]))
        offsets = [offset for _, offset in leaves]
        for order in ("by_date", "by_length"):
            # Arrays of 4-byte numbers: a list would hold an int object of 28 bytes per document.
            if len(segments) == 1:
                merged = segments[0][order]
            else:
                every = (d + offset for segment, offset in zip(segments, offsets) for d in segment[order])
                merged = array("I", sorted(every, key=_page_key(columns, order)))
            columns[order] = merged
            rank = array("I", bytes(4 * len(merged)))
            for place, doc in enumerate(merged):
                rank[doc] = place
            columns["rank_" + order[3:]] = rank
        lengths = columns["length"]
        columns["average_length"] = max(1.0, sum(lengths) / max(1, len(lengths)))
        language = columns["language"]
        columns["chinese"] = {d for d, value in enumerate(language) if value == "zh"}
        _COLUMNS_BY_GENERATION.clear()
        _COLUMNS_BY_GENERATION[generation] = columns
        return columns


def _page_key(columns: dict, order: str):
    adopted, resolution, position, length = columns["adopted"], columns["resolution_id"], columns["position"], columns["length"]
    if order == "by_date":
        return lambda d: (-adopted[d], resolution[d], position[d])
    return lambda d: (length[d], -adopted[d], resolution[d], position[d])


def _read_segment(reader, folded) -> dict[str, list]:
    segment: dict[str, list] = {name: _read_column(reader, name) for name in FACET_FIELDS + SORT_FIELDS + FILTER_FIELDS}
    segment["length"] = array("I", folded.byte_lengths())
    for order in ("by_date", "by_length"):
        segment[order] = array("I", sorted(range(reader.doc_count_all()), key=_page_key(segment, order)))
    return segment


def _read_column(reader, name: str) -> list:
    if not reader.has_column(name):
        return [""] * reader.doc_count_all()
    interned: dict = {}
    return [interned.setdefault(value, value) for value in reader.column_reader(name)]


_ENGLISH = StemmingAnalyzer()


def highlight(text: str, words: list[str], language: str, *, width: int = SNIPPET_CHARS) -> SafeString:
    """A snippet of `text` around its first match, HTML-escaped first, then matches wrapped in <mark>."""
    spans = match_spans(text, words, language)
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


def match_spans(text: str, words: list[str], language: str) -> list[tuple[int, int]]:
    """Where the query's words occur in `text` (after folding), as merged (start, end) in the original."""
    folded, offsets = fold_with_offsets(text)
    offsets.append(len(text))
    spans: list[tuple[int, int]] = []
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
                at = folded.find(needle, at + 1)
    if language == "en":
        stems = {token.text for word in words for token in _ENGLISH(fold(word), mode="query")}
        if stems:
            for token in _ENGLISH(folded, chars=True, mode="index"):
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
