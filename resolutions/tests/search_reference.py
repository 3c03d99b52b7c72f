"""The truth search is held to: a brute-force scan over the database's clean texts, folded as the index folds them.

Written from the contract's semantics (SEARCH_CONTRACT.md), not from either engine's code, so that both engines'
exactness tests compare against the same thing:

- a Chinese run matches where the folded text contains it; several runs (残忍、不人道, A/HRC/44/37) must follow
  each other as runs of the text, with only punctuation or spaces between them: the first may start inside a
  longer run and the last may end inside one, the ones in between are whole runs;
- an unquoted Latin-script word matches English texts through its stems (a hyphenated word: consecutive stems)
  and Chinese texts as an exact folded word; a quoted Latin phrase matches the exact folded words in every text;
- `tort*`: any folded word starting with tort, in every text; `人权理*`: the folded text contains 人权理;
- clauses AND, alternatives OR, negated clauses exclude; no positive clause: nothing;
- filters: OR within a facet, AND across; facet counts disjunctive (each facet over the matches filtered by the
  other facets' selections but not its own), year and session as strings, no empty value counted;
- a paragraph's text is what the index holds of it: an article's paragraph starts with the article's number and
  title (search_indexes.indexed_text); its instruments are those it cites (its or its footnotes' article
  citations, a reference to the one resolution that adopted an instrument) or stands in, each counted.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from resolutions.models import Paragraph
from resolutions.openers import opener
from resolutions.search.analysis import fold, runs
from resolutions.parsing.article_citations import instruments
from resolutions.search.engine import FACETS, MULTI_VALUE_FACETS, VALUE_FACETS, Filters
from resolutions.search.query import ParsedQuery, english_stems, is_latin, is_prefix, parse_query, quoted


@dataclass(frozen=True)
class Document:
    """What the scan knows of a paragraph: its folded text as runs, its English stems, its facet values."""

    paragraph_id: int
    language: str
    runs: tuple[tuple[str, bool], ...]  # (text, is Chinese) of each run of the folded text
    stems: tuple[str, ...]
    values: dict  # facet and filter values, as the index holds them

    @classmethod
    def of(cls, paragraph: Paragraph) -> Document:
        from resolutions.search_indexes import indexed_text

        resolution = paragraph.resolution
        text = indexed_text(paragraph)
        folded = fold(text)
        session = resolution.session
        return cls(
            paragraph.pk,
            resolution.language,
            tuple((run.text, run.cjk) for run in runs(folded)),
            tuple(english_stems(text)) if resolution.language == "en" else (),
            {
                "body": resolution.body,
                "language": resolution.language,
                "kind": paragraph.kind,
                "verb": opener(paragraph.text, resolution.language),
                "versions": "one" if resolution.work.alignment == "single" else "both",
                "change": lineage.change if (lineage := getattr(paragraph, "lineage", None)) is not None else "",
                "year": resolution.adopted_on.year if resolution.adopted_on else 0,
                "session": session,
                "session_number": int(session) if session.isdigit() else 0,
                "symbol": resolution.symbol,
                "instrument": instruments_of(paragraph),
            },
        )


def instruments_of(paragraph: Paragraph) -> tuple[str, ...]:
    table = instruments().values()
    keys = {c.instrument for c in paragraph.article_citations.all() if c.instrument}
    for reference in paragraph.references.all():
        adopting = [i.key for i in table if i.symbol == reference.target_symbol]
        if len(adopting) == 1:
            keys.update(adopting)
    for instrument in table:
        if instrument.symbol == paragraph.resolution.symbol and paragraph.eid.startswith(instrument.articles_at):
            keys.add(instrument.key)
            break
    return tuple(sorted(keys))


def documents() -> list[Document]:
    paragraphs = Paragraph.objects.select_related("resolution__work", "lineage", "division").prefetch_related("article_citations", "references")
    return [Document.of(p) for p in paragraphs.order_by("pk")]


def _runs_follow(text_runs: tuple[tuple[str, bool], ...], query_runs: list[tuple[str, bool]], prefix: bool) -> bool:
    """True where the query's runs occur as consecutive runs of the text (see the module docstring)."""
    last = len(query_runs) - 1
    if last < 0:
        return False
    for start in range(len(text_runs) - last):
        for offset, (query, cjk) in enumerate(query_runs):
            text, text_cjk = text_runs[start + offset]
            if cjk != text_cjk:
                break
            if not cjk:
                ok = text.startswith(query) if prefix and offset == last else text == query
            elif last == 0:
                ok = query in text
            elif offset == 0:
                ok = text.endswith(query)
            elif offset == last:
                ok = text.startswith(query)
            else:
                ok = text == query
            if not ok:
                break
        else:
            return True
    return False


def _stems_follow(stems: tuple[str, ...], wanted: list[str]) -> bool:
    n = len(wanted)
    return any(list(stems[i : i + n]) == wanted for i in range(len(stems) - n + 1))


def alternative_matches(document: Document, value: str, *, exact: bool) -> bool:
    prefix = is_prefix(value)
    text = value[:-1] if prefix else value
    query_runs = [(run.text, run.cjk) for run in runs(fold(text))]
    if prefix or exact or not is_latin(text):
        return _runs_follow(document.runs, query_runs, prefix)
    stems = english_stems(text)
    if not stems:  # only stop words: the exact words, in every text
        return _runs_follow(document.runs, query_runs, False)
    if document.language == "en":
        return _stems_follow(document.stems, stems)
    return _runs_follow(document.runs, query_runs, False)


def query_matches(document: Document, parsed: ParsedQuery) -> bool:
    if not parsed.has_positive:
        return False
    exact = quoted(parsed)
    for clause in parsed.clauses:
        found = any(alternative_matches(document, value, exact=value in exact) for value in clause.alternatives)
        if found == clause.negated:
            return False
    return True


def passes(document: Document, filters: Filters) -> bool:
    values = document.values
    if filters.symbol and values["symbol"] != filters.symbol:
        return False
    for name in VALUE_FACETS:
        chosen = getattr(filters, name)
        if chosen and (not set(chosen) & set(values[name]) if name in MULTI_VALUE_FACETS else values[name] not in chosen):
            return False
    for facet, column in (("year", "year"), ("session", "session_number")):
        bounds = filters.range(facet)
        if bounds is not None and not bounds[0] <= values[column] <= bounds[1]:
            return False
    return True


def brute_force(query: str | ParsedQuery, filters: Filters = Filters(), *, scanned: list[Document] | None = None) -> set[int]:
    """Ids of the paragraphs matching `query` under `filters`."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    scanned = documents() if scanned is None else scanned
    return {d.paragraph_id for d in scanned if query_matches(d, parsed) and passes(d, filters)}


def facet_counts(query: str | ParsedQuery, filters: Filters = Filters(), *, scanned: list[Document] | None = None) -> dict[str, dict[str, int]]:
    """Each facet's value -> count over the matches passing every other facet's selection (disjunctive)."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    scanned = documents() if scanned is None else scanned
    matching = [d for d in scanned if query_matches(d, parsed)]
    counts = {}
    for facet in FACETS:
        others = filters.without(facet)
        passing = [d for d in matching if passes(d, others)]
        if facet in MULTI_VALUE_FACETS:
            tally = Counter(value for d in passing for value in d.values[facet])
        else:
            tally = Counter(str(d.values[facet]) for d in passing)
        counts[facet] = {value: count for value, count in tally.items() if value not in ("", "0")}
    return counts
