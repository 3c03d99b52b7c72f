"""Run a search: matching paragraphs, exact total, facet counts, one sorted page, highlighted snippets.

This is the one search path: the page, the JSON API and the benchmark call `search_paragraphs`.

Speed (see README, bench/search.py): the backend keeps one searcher per thread and reopens it only
after a commit; the set of matching documents is computed once without scoring; facet counts and date
sorting read per-segment value lists cached by segment id (segments never change once written), so
counting 100,000 matches is a C-speed tally, not a Whoosh facet query.
"""
from __future__ import annotations

import heapq
import operator
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from haystack import connections
from whoosh import query as wq
from whoosh.analysis import StemmingAnalyzer
from whoosh.searching import Searcher

from ..models import Paragraph, Resolution
from .analysis import fold, fold_with_offsets, runs
from .query import ParsedQuery, build_query, parse_query

FACET_FIELDS = ("body", "language", "kind", "verb", "year", "session")
SORT_FIELDS = ("adopted", "position", "resolution_id")
MAX_PER_PAGE = 100
SNIPPET_CHARS = 160


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

    def query(self) -> wq.Query | None:
        parts: list[wq.Query] = [
            wq.Term(name, value)
            for name, value in (("body", self.body), ("language", self.language), ("kind", self.kind), ("verb", self.verb))
            if value
        ]
        for name, low, high in (("session_number", self.session_from, self.session_to), ("year", self.year_from, self.year_to)):
            if low is not None or high is not None:
                parts.append(wq.NumericRange(name, low, high))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)


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
    """Paragraphs matching `q` under `filters`; `page` is clamped to the pages that exist."""
    parsed = q if isinstance(q, ParsedQuery) else parse_query(q)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    outcome = SearchOutcome(parsed, 0, 1, per_page)
    text_query = build_query(parsed)
    if text_query is None:
        return outcome
    backend = connections["default"].get_backend()
    searcher = backend.searcher()
    filter_query = filters.query()
    matching = text_query if filter_query is None else wq.And([text_query, filter_query])
    docs = sorted(searcher.docs_for_query(matching))
    outcome.total = len(docs)
    columns = _columns(searcher)
    if facets:
        outcome.facets = count_facets(columns, docs)
    if not docs:
        return outcome
    if group:
        return _grouped(outcome, parsed, columns, docs, sort, page)
    outcome.page = min(max(page, 1), outcome.num_pages)
    end = outcome.page * per_page
    if sort == "date":
        adopted, position = columns["adopted"], columns["position"]
        top = heapq.nsmallest(end, docs, key=lambda d: (-adopted[d], columns["resolution_id"][d], position[d]))
        ranked = [(d, None) for d in top[end - per_page :]]
    else:
        results = searcher.search(text_query, filter=set(docs), limit=end)
        ranked = [(hit.docnum, hit.score) for hit in results[end - per_page : end]]
    outcome.hits = _hits(searcher, parsed, ranked)
    return outcome


def _grouped(outcome: SearchOutcome, parsed: ParsedQuery, columns: dict, docs: list[int], sort: str, page: int) -> SearchOutcome:
    """One row per resolution: by newest first (date) or by most matching paragraphs (relevance)."""
    by_resolution: dict[str, list[int]] = {}
    for doc in docs:
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


_SEGMENT_COLUMNS: dict[tuple[str, str], list] = {}
_COLUMNS_BY_GENERATION: dict[tuple, dict[str, list]] = {}
_COLUMNS_LOCK = threading.Lock()


def _columns(searcher: Searcher) -> dict[str, list]:
    """Per-document values of the facet and sort fields, indexed by global document number."""
    leaves = searcher.leaf_searchers()
    key = tuple((leaf.reader().segment().segment_id() if leaf.reader().segment() else id(leaf), offset) for leaf, offset in leaves)
    with _COLUMNS_LOCK:
        cached = _COLUMNS_BY_GENERATION.get(key)
        if cached is not None:
            return cached
        columns: dict[str, list] = {}
        live_segments = set()
        for name in FACET_FIELDS + SORT_FIELDS:
            values: list = []
            for (leaf, _), (segment_id, _) in zip(leaves, key):
                live_segments.add((segment_id, name))
                segment_values = _SEGMENT_COLUMNS.get((segment_id, name))
                if segment_values is None:
                    reader = leaf.reader()
                    segment_values = _read_column(reader, name)
                    _SEGMENT_COLUMNS[(segment_id, name)] = segment_values
                values.extend(segment_values)
            columns[name] = values
        for stale in set(_SEGMENT_COLUMNS) - live_segments:
            del _SEGMENT_COLUMNS[stale]
        _COLUMNS_BY_GENERATION.clear()
        _COLUMNS_BY_GENERATION[key] = columns
        return columns


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


def kind_label(paragraph: Paragraph) -> str:
    """序言部分第 3 段 / 执行部分第 7 段 / preambular paragraph 3 / operative paragraph 3 (a)."""
    number = f"{paragraph.number}" + (f" ({paragraph.item})" if paragraph.item else "")
    if paragraph.resolution.language == "zh":
        part = {"preambular": "序言部分", "operative": "执行部分"}.get(paragraph.kind, "附件")
        return f"{part}第 {number} 段"
    part = {"preambular": "preambular", "operative": "operative"}.get(paragraph.kind, "annex")
    return f"{part} paragraph {number}"
