"""What every search engine behind the seam takes and gives (see /work/coord/SEARCH_CONTRACT.md).

The seam (resolutions.search.service) turns a researcher's query into a SearchRequest, asks the engine the
settings name (`get_engine()`), and turns the EngineResult into pages: snippets, highlighting, labels. Engines
know nothing of pages; pages know nothing of engines.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .query import ParsedQuery

if TYPE_CHECKING:
    from ..models import Paragraph

ENGINES = ("whoosh", "opensearch")
SORTS = ("relevance", "date", "document")
FACETS = ("body", "language", "kind", "verb", "change", "versions", "instrument", "year", "session")
# The facets a filter selects values of (OR within one), and the range filters that select a year or session.
VALUE_FACETS = ("body", "language", "kind", "verb", "change", "versions", "instrument")
# Facets of which one paragraph may hold several values (it cites two instruments): counted once under each.
MULTI_VALUE_FACETS = ("instrument",)
RANGE_FACETS = {"year": ("year", "year_from", "year_to"), "session": ("session_number", "session_from", "session_to")}


# Relevance, the same rule on both engines. A paragraph's score is the sum, over the query's clauses (a word or
# phrase; OR-alternatives add up; a clause of English stop words only does not count), of BM25's saturation of
# the clause's frequency `tf` in it, with a length normalisation that never rewards shortness:
#     (RANK_K1 + 1) * tf / (tf + RANK_K1 * (1 - RANK_B + RANK_B * max(1, folded_bytes / RANK_REFERENCE_BYTES)))
# A paragraph up to RANK_REFERENCE_BYTES (UTF-8 bytes of its folded text: ~130 Chinese characters, ~65 English
# words) counts as that long, so a six-word lead-in and a full paragraph that each hold the words once tie, and
# ties go to the newest resolution (then symbol, language, position). `tf` is the number of occurrences of the
# clause's one index term (a two-character Chinese word, an English stem, an exact word); a longer phrase, a
# single character or a prefix counts once. No idf: every hit holds every clause, and the engines' statistics
# (shards, segments) would differ.
RANK_K1, RANK_B = 1.2, 0.75
RANK_REFERENCE_BYTES = 400


def length_factor(folded_bytes: int) -> float:
    """The length normalisation of the relevance rule (1 up to RANK_REFERENCE_BYTES)."""
    return 1 - RANK_B + RANK_B * max(1.0, folded_bytes / RANK_REFERENCE_BYTES)


def clause_score(tf: float, factor: float) -> float:
    """One clause's share of the relevance score (1.0 for one occurrence in a paragraph of at most the reference length)."""
    return (RANK_K1 + 1) * tf / (tf + RANK_K1 * factor) if tf else 0.0


class SearchUnavailable(Exception):
    """The engine cannot answer now (node down, bad response): the page says so (503), never shows nothing."""


@dataclass(frozen=True)
class Filters:
    """Every facet filter may hold several values: OR within a facet, AND across facets."""

    body: tuple[str, ...] = ()  # "GA", "HRC" ...
    language: tuple[str, ...] = ()  # "zh", "en"
    kind: tuple[str, ...] = ()  # "preambular", "operative", "annex"
    verb: tuple[str, ...] = ()  # openers (resolutions.openers): 决定, 请 ... / decides, calls upon ... / other
    change: tuple[str, ...] = ()  # in its series: "new" (no match in the previous member: new this year), "changed", "unchanged"
    versions: tuple[str, ...] = ()  # "both": its resolution is held in Chinese and English; "one": in one language
    instrument: tuple[str, ...] = ()  # keys of instruments.toml ("udhr", "cat"): cited by the paragraph, or its own
    session_from: int | None = None  # on the integer session_number field
    session_to: int | None = None
    year_from: int | None = None  # on the integer year field
    year_to: int | None = None
    symbol: str = ""  # one resolution (exact symbol)

    def __post_init__(self) -> None:
        # A single string given for a facet is one value, not its characters.
        for name in VALUE_FACETS:
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, (value,) if value else ())
            elif not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    def selects(self, facet: str) -> bool:
        """True when this facet's own filter is in force (its counts then ignore it: disjunctive facets)."""
        if facet in VALUE_FACETS:
            return bool(getattr(self, facet))
        _, low, high = RANGE_FACETS[facet]
        return getattr(self, low) is not None or getattr(self, high) is not None

    def without(self, facet: str) -> Filters:
        """The same filters but this facet's own selection."""
        if facet in VALUE_FACETS:
            return Filters(**{**self.__dict__, facet: ()})
        _, low, high = RANGE_FACETS[facet]
        return Filters(**{**self.__dict__, low: None, high: None})

    def range(self, facet: str) -> tuple[float, float] | None:
        """(low, high) of a year or session selection, open ends as infinities; None when not selected."""
        _, low, high = RANGE_FACETS[facet]
        low_value, high_value = getattr(self, low), getattr(self, high)
        if low_value is None and high_value is None:
            return None
        return (-math.inf if low_value is None else low_value, math.inf if high_value is None else high_value)


@dataclass(frozen=True)
class SearchRequest:
    query: ParsedQuery
    filters: Filters = Filters()
    sort: str = "relevance"  # "relevance" | "date" (newest first, then symbol, then position)
    #                          | "document" (resolution by resolution: symbol, then position)
    offset: int = 0
    limit: int = 20  # 0 = no hits, only total and facets
    facets: tuple[str, ...] = FACETS
    group_by_resolution: bool = False


@dataclass(frozen=True)
class EngineHit:
    paragraph_id: int  # Paragraph.pk (haystack's django_id)
    resolution_id: int
    score: float | None  # None when sorted by date or document


@dataclass(frozen=True)
class EngineGroup:
    """One resolution of a grouped result: its number of matching paragraphs and the first of them."""

    resolution_id: int
    total: int
    hits: tuple[EngineHit, ...]  # at most GROUP_HITS, in the order of the resolution's text


@dataclass(frozen=True)
class EngineResult:
    total: int  # the exact number of matching paragraphs
    hits: tuple[EngineHit, ...]  # hits[offset:offset + limit] in the request's order
    # value -> count, count descending then value (year and session: newest first); each facet counted over the
    # matches filtered by every other facet's selection but not its own (disjunctive counts).
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    groups: tuple[EngineGroup, ...] = ()  # groups[offset:offset + limit] when group_by_resolution
    total_groups: int = 0


GROUP_HITS = 5  # paragraphs of each resolution in a grouped result; the rest are a link away


class SearchEngine(Protocol):
    name: str  # "whoosh" | "opensearch"

    def search(self, request: SearchRequest) -> EngineResult: ...

    def update(self, paragraphs: Iterable[Paragraph]) -> None: ...  # add or replace (select_related resolution)

    def remove_resolution(self, resolution_id: int) -> None: ...  # every document of one resolution

    def clear(self) -> None: ...

    def indexed_state(self) -> dict[int, tuple]: ...  # paragraph_id -> (resolution_id, kind, position, verb,
    #                                                     symbol, text_hash, instruments joined by ","), for check and repair

    def rebuild(self, paragraphs: Iterable[Paragraph]) -> int: ...  # build beside, then swap (no empty window)

    def words_near(self, word: str) -> list[str]: ...  # indexed words of the text field one edit from a folded
    #                                                    word, same first letter, sorted (did-you-mean: suggest.py)


def replace_resolutions(engine: SearchEngine, resolution_ids: Iterable[int], paragraphs: Iterable[Paragraph]) -> None:
    """Replace every document of these resolutions by `paragraphs`, in one commit where the engine can."""
    replace = getattr(engine, "replace_resolutions", None)
    if replace is not None:
        replace(resolution_ids, paragraphs)
        return
    for resolution_id in resolution_ids:
        engine.remove_resolution(resolution_id)
    engine.update(paragraphs)


def engine_name() -> str:
    from django.conf import settings

    name = getattr(settings, "SEARCH_ENGINE", "whoosh") or "whoosh"
    if name not in ENGINES:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"SEARCH_ENGINE={name!r}: choose one of {', '.join(ENGINES)}.")
    return name


def get_engine() -> SearchEngine:
    """The engine the settings choose, on haystack's default connection (re-read when tests point it elsewhere)."""
    from haystack import connections

    backend = connections["default"].get_backend()
    engine = getattr(backend, "archive_engine", None)
    if engine is None:
        if engine_name() == "opensearch":
            # Imported only when chosen: the Whoosh archive needs neither the module nor elasticsearch-py.
            from .opensearch_engine import OpenSearchEngine as engine_class
        else:
            from .whoosh_engine import WhooshEngine as engine_class
        engine = engine_class(backend)
        backend.archive_engine = engine
    return engine
