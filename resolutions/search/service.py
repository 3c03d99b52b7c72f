"""The search seam: what the pages, the API, the exports, gunicorn and the commands call, whichever engine answers.

Nothing outside resolutions/search/ imports another search module (a test walks the imports). The engine the
settings choose (resolutions.search.engine.get_engine: Whoosh by default, OpenSearch by SEARCH_ENGINE) finds the
matching paragraphs, the exact total and the facet counts; this module reads the paragraphs from the database
and computes their snippets and highlighted spans from the clean text, so results read the same whoever found them.
Index changes reach the engine only through the IndexTask outbox and its single writer (indexing.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.utils.safestring import SafeString

from ..models import Paragraph, Resolution
from ..reading import aligned_in, language_names, paired_in, paragraph_label, partly_paired_versions
from .engine import FACETS, GROUP_HITS, EngineHit, Filters, SearchRequest, SearchUnavailable, engine_name, get_engine
from .forms import ALIGNED_LANGUAGES, SearchForm
from .indexing import IndexDifference, compare_index, drain_index_tasks, rebuild_index, repair_index, schedule_reindex
from .query import MAX_QUERY_LENGTH, ParsedQuery, QueryError, parse_query, symbol_in
from .snippets import SNIPPET_CHARS, match_spans, snippet
from .suggest import Word, correctable_words, join_chinese, replace_words

# What a 503 asks the reader (or a feed reader) to wait when the engine cannot answer.
SEARCH_RETRY_AFTER_SECONDS = 10

__all__ = [
    "SEARCH_RETRY_AFTER_SECONDS", "ALIGNED_LANGUAGES", "FACETS", "GROUP_HITS", "MAX_PER_PAGE", "MAX_QUERY_LENGTH", "Filters", "Group", "Hit", "IndexDifference",
    "QueryError", "SearchOutcome", "SearchUnavailable", "Suggestion", "did_you_mean", "compare_index", "drain_index_tasks", "engine_name",
    "rebuild_index", "repair_index", "schedule_reindex", "search_arguments", "search_paragraphs", "symbol_in",
    "warm_up",
]

MAX_PER_PAGE = 100


@dataclass
class Hit:
    paragraph: Paragraph
    score: float | None
    snippet: SafeString
    spans: list[tuple[int, int]] = field(default_factory=list)  # where the query matched, in paragraph.text
    # With `beside` or `show_in`: the paragraph aligned with this one in that language, and what was found:
    # "paired", "unaligned" (that version is held but the checked alignment paired nothing), "not_held";
    # "" for a hit already in that language.
    aligned: Paragraph | None = None
    aligned_state: str = ""

    @property
    def resolution(self) -> Resolution:
        return self.paragraph.resolution

    @property
    def aligned_label(self) -> str:
        return "" if self.aligned is None else paragraph_label(self.aligned, self.aligned.resolution.language)


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
    grouped: bool = False
    beside: str = ""  # each hit shows its aligned paragraph in this language
    show_in: str = ""  # cross-language: the query ran over `matched_in`; each hit is shown by its paragraph in this
    matched_in: str = ""
    aligned_total: int = 0  # cross-language: of the `total` matches, those with an aligned paragraph in `show_in`

    @property
    def aligned_names(self) -> tuple[str, str]:
        """How the language of the aligned paragraphs is named: ('英文', 'English')."""
        return language_names(self.show_in or self.beside) if (self.show_in or self.beside) else ("", "")

    @property
    def matched_names(self) -> tuple[str, str]:
        return language_names(self.matched_in) if self.matched_in else ("", "")

    @property
    def num_pages(self) -> int:
        count = self.total_groups if self.grouped else self.total
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
    beside: str = "",
    show_in: str = "",
) -> SearchOutcome:
    """Paragraphs matching `q` under `filters`; `page` is clamped to the pages that exist.

    `beside` ("zh", "en") gives each hit its aligned paragraph in that language. `show_in` searches across
    languages: the query runs over the other language's paragraphs of resolutions held in more than one language
    (whatever the language and versions filters say), ungrouped; each hit gets its aligned paragraph in `show_in`,
    and `aligned_total` counts, exactly, the matches that have one.

    Raises QueryError for a query the archive refuses (a prefix too short), SearchUnavailable when the engine
    cannot answer. Relevance: engine.py's rule (each word's occurrences, no reward for shortness; ties: newest).
    """
    parsed = q if isinstance(q, ParsedQuery) else parse_query(q)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    show_in = show_in if show_in in ALIGNED_LANGUAGES else ""
    beside = "" if show_in or beside not in ALIGNED_LANGUAGES else beside
    matched_in = other_language(show_in) if show_in else ""
    if show_in:
        filters, group = replace(filters, language=(matched_in,), versions=("both",)), False
    outcome = SearchOutcome(parsed, 0, 1, per_page, grouped=group, beside=beside, show_in=show_in, matched_in=matched_in)
    if not parsed.has_positive:
        return outcome
    engine = get_engine()
    request = SearchRequest(
        query=parsed,
        filters=filters,
        sort=sort if sort in ("relevance", "date", "document") else "relevance",
        offset=(max(page, 1) - 1) * per_page,
        limit=per_page,
        facets=FACETS if facets else (),
        group_by_resolution=group,
    )
    result = engine.search(request)
    outcome.total, outcome.total_groups = result.total, result.total_groups
    outcome.facets = result.facets if facets else {}
    outcome.page = min(max(page, 1), outcome.num_pages)
    if outcome.page != max(page, 1):  # past the last page: show the last one
        result = engine.search(SearchRequest(**{**request.__dict__, "offset": (outcome.page - 1) * per_page}))
    words = parsed.words
    if group:
        wanted = [hit for g in result.groups for hit in g.hits]
        paragraphs = _paragraphs(wanted)
        for engine_group in result.groups:
            hits = [_hit(paragraphs, hit, words) for hit in engine_group.hits if hit.paragraph_id in paragraphs]
            if hits:
                outcome.groups.append(Group(hits[0].paragraph.resolution, hits, engine_group.total))
    else:
        paragraphs = _paragraphs(result.hits)
        # A paragraph deleted since the engine answered is left out: the outbox is dropping it from the index.
        outcome.hits = [_hit(paragraphs, hit, words) for hit in result.hits if hit.paragraph_id in paragraphs]
    if beside or show_in:
        hits = outcome.hits + [hit for g in outcome.groups for hit in g.hits]
        found = aligned_in([hit.paragraph for hit in hits], show_in or beside)
        for hit in hits:
            hit.aligned_state, hit.aligned = found.get(hit.paragraph.pk, ("", None))
    if show_in:
        # Every match is in `matched_in`, held in several languages: the language and versions facets say nothing.
        outcome.facets = {name: values for name, values in outcome.facets.items() if name not in ("language", "versions")}
        if outcome.total:
            outcome.aligned_total = outcome.total - _matches_without_aligned(engine, parsed, filters, show_in)
    return outcome


def other_language(language: str) -> str:
    """The language a cross-language search matches in when it shows `language` (zh <-> en)."""
    return next(other for other in ALIGNED_LANGUAGES if other != language)


def _matches_without_aligned(engine, parsed: ParsedQuery, filters: Filters, show_in: str) -> int:
    """How many matches under `filters` (one language) have no aligned paragraph in `show_in`, exactly.

    Such a match can only lie in a version some of whose paragraphs are unpaired (a misnumbered work): only
    those versions' matches are read, one version at a time, however many matches the query has elsewhere."""
    missing = 0
    for symbol, paragraph_count in partly_paired_versions(filters.language[0], show_in):
        if filters.symbol and filters.symbol != symbol:
            continue
        request = SearchRequest(query=parsed, filters=replace(filters, symbol=symbol), limit=max(paragraph_count, 1), facets=())
        ids = [hit.paragraph_id for hit in engine.search(request).hits]
        missing += len(ids) - len(paired_in(ids, show_in))
    return missing


def _paragraphs(hits) -> dict[int, Paragraph]:
    return Paragraph.objects.select_related("resolution").in_bulk([hit.paragraph_id for hit in hits])


def _hit(paragraphs: dict[int, Paragraph], hit: EngineHit, words: list[str]) -> Hit:
    paragraph = paragraphs[hit.paragraph_id]
    spans = match_spans(paragraph.text, words, paragraph.resolution.language, width=SNIPPET_CHARS)
    return Hit(paragraph, hit.score, snippet(paragraph.text, spans), spans)


MAX_CORRECTED_WORDS = 4  # misspelt words looked at in one query (from its start)
MAX_NEAR_WORDS = 10  # words one edit away tried for each, in alphabetical order


@dataclass(frozen=True)
class Suggestion:
    query: str
    total: int  # paragraphs it finds, under the same filters


def did_you_mean(q: str, *, filters: Filters = Filters()) -> Suggestion | None:
    """A near form of `q` that finds paragraphs under `filters`, for a query that finds none (suggest.py says
    which forms); None when no such form finds anything.

    Each word the archive does not know (alone it finds nothing, even by its stem) is replaced by the indexed word
    one edit away that finds the most paragraphs alone (ties: alphabetical); a Chinese text cut by a space or a
    punctuation mark is joined. Every count comes from the engine's exact totals, so both engines suggest the same.
    """
    engine = get_engine()

    def count(text: str, within: Filters = Filters()) -> int:
        try:
            parsed = parse_query(text)
        except QueryError:
            return 0
        if not parsed.has_positive:
            return 0
        return engine.search(SearchRequest(query=parsed, filters=within, limit=0, facets=())).total

    joined = join_chinese(q)
    replacements: dict[Word, str] = {}
    for word in correctable_words(joined)[:MAX_CORRECTED_WORDS]:
        if count(word.folded):
            continue
        near = [(count(candidate), candidate) for candidate in engine.words_near(word.folded)[:MAX_NEAR_WORDS]]
        best = min(near, key=lambda found: (-found[0], found[1]), default=(0, ""))
        if best[0]:
            replacements[word] = best[1]
    for candidate in dict.fromkeys((replace_words(joined, replacements), joined)):
        if candidate != q:
            total = count(candidate, filters)
            if total:
                return Suggestion(candidate, total)
    return None


def search_arguments(params) -> dict:
    """The search page's, the API's and the CSV export's parameters (a QueryDict) as search_paragraphs arguments."""
    return SearchForm(params).search_arguments()


def warm_up() -> int:
    """Read what the engine keeps in memory before gunicorn forks its workers; returns the documents indexed."""
    engine = get_engine()
    warm = getattr(engine, "warm_up", None)
    return warm() if warm is not None else 0
