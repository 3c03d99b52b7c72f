"""tantivy (a compiled engine, Rust) over the same paragraphs, as the speed to compare ours with: bench/search.py.

Not part of the archive (pip install -r bench/requirements.txt). The text is the archive's folded text pre-split
into tokens so that a phrase query is the archive's exact substring match:

    a Chinese run c0 c1 … cn  ->  ^c0  c0c1  c1c2 …  cn$     (its start, its overlapping bigrams, its end)
    a word of letters/digits  ->  the word

A query run of Chinese characters is the phrase of its bigrams; in a text of several runs (残忍、不人道,
第1条) a run that must end a run of the text adds its `cn$`, one that must start one its `^c0`, exactly as
resolutions.search.matching.run_pattern says. One character alone is a term of the `chars` field. English texts
also have their stems (`stems`, the archive's own stemmer). Filters are fast fields; facets are terms
aggregations; each query returns its count, the 20 best by BM25 and the facet counts, as a results page needs.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import tantivy

FACET_FIELDS = ("body", "language", "kind", "verb")


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("chars", tokenizer_name="whitespace", index_option="basic")
    builder.add_text_field("stems", tokenizer_name="whitespace", index_option="position")
    for name in FACET_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    builder.add_integer_field("year", fast=True, indexed=True)
    builder.add_integer_field("session_number", fast=True, indexed=True)
    builder.add_integer_field("paragraph_id", stored=True, fast=True)
    return builder.build()


def run_tokens(run_text: str, cjk: bool) -> list[str]:
    if not cjk:
        return [run_text]
    return [f"^{run_text[0]}"] + [run_text[i : i + 2] for i in range(len(run_text) - 1)] + [f"{run_text[-1]}$"]


def document_fields(paragraph) -> dict:
    from resolutions.openers import opener
    from resolutions.search.analysis import CJK_RE, fold, runs
    from resolutions.search.query import english_stems

    resolution = paragraph.resolution
    folded = fold(paragraph.text)
    session = resolution.session
    return {
        "text": " ".join(token for run in runs(folded) for token in run_tokens(run.text, run.cjk)),
        "chars": " ".join(sorted({c for c in folded if CJK_RE.match(c)})),
        "stems": " ".join(english_stems(paragraph.text)) if resolution.language == "en" else "",
        "body": resolution.body,
        "language": resolution.language,
        "kind": paragraph.kind,
        "verb": opener(paragraph.text, resolution.language),
        "year": resolution.adopted_on.year if resolution.adopted_on else 0,
        "session_number": int(session) if session.isdigit() else 0,
        "paragraph_id": paragraph.pk,
    }


def build(directory: Path, paragraphs: Iterable) -> int:
    """Index the paragraphs (select_related resolution) into a fresh tantivy index; returns their number."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    index = tantivy.Index(schema(), path=str(directory))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    count = 0
    for paragraph in paragraphs:
        writer.add_document(tantivy.Document(**document_fields(paragraph)))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


class Reference:
    """Queries of the archive's syntax, answered by tantivy."""

    def __init__(self, directory: Path):
        self.index = tantivy.Index.open(str(directory))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def _term(self, field: str, value) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def _phrase(self, field: str, tokens: list[str]) -> tantivy.Query:
        return self._term(field, tokens[0]) if len(tokens) == 1 else tantivy.Query.phrase_query(self.schema, field, tokens)

    def exact(self, text: str) -> tantivy.Query:
        """The folded text as the archive's bigram field matches it (see the module docstring)."""
        from resolutions.search.analysis import fold, runs

        parts = list(runs(fold(text)))
        if len(parts) == 1 and parts[0].cjk:
            run = parts[0].text
            if len(run) == 1:
                return self._term("chars", run)
            return self._phrase("text", [run[i : i + 2] for i in range(len(run) - 1)])
        tokens: list[str] = []
        last = len(parts) - 1
        for i, run in enumerate(parts):
            if not run.cjk:
                tokens.append(run.text)
                continue
            tokens += ([f"^{run.text[0]}"] if i > 0 else []) + [run.text[j : j + 2] for j in range(len(run.text) - 1)]
            tokens += [f"{run.text[-1]}$"] if i < last else []
        return self._phrase("text", tokens)

    def alternative(self, value: str, *, exact: bool) -> tantivy.Query:
        from resolutions.search.query import english_stems, is_latin

        if exact or not is_latin(value):
            return self.exact(value)
        stems = english_stems(value)
        if not stems:
            return self.exact(value)
        chinese = tantivy.Query.boolean_query([(tantivy.Occur.Must, self._term("language", "zh")), (tantivy.Occur.Must, self.exact(value))])
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, chinese), (tantivy.Occur.Should, self._phrase("stems", stems))])

    def query(self, text: str, filters: dict) -> tantivy.Query | None:
        from resolutions.search.query import parse_query, quoted

        parsed = parse_query(text)
        if not parsed.has_positive:
            return None
        exact = quoted(parsed)
        clauses = []
        for clause in parsed.clauses:
            alternatives = [self.alternative(value, exact=value in exact) for value in clause.alternatives]
            either = alternatives[0] if len(alternatives) == 1 else tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in alternatives])
            clauses.append((tantivy.Occur.MustNot if clause.negated else tantivy.Occur.Must, either))
        for name, value in filters.items():
            if name in FACET_FIELDS:
                values = value if isinstance(value, (list, tuple)) else [value]
                either = tantivy.Query.boolean_query([(tantivy.Occur.Should, self._term(name, v)) for v in values])
                clauses.append((tantivy.Occur.Must, either))
        for field, low, high in (("year", "year_from", "year_to"), ("session_number", "session_from", "session_to")):
            if filters.get(low) is not None or filters.get(high) is not None:
                ranged = tantivy.Query.range_query(self.schema, field, tantivy.FieldType.Integer, filters.get(low), filters.get(high))
                clauses.append((tantivy.Occur.Must, ranged))
        return tantivy.Query.boolean_query(clauses)

    def search(self, text: str, filters: dict) -> int:
        """Count, the 20 best paragraph ids and facet counts, as a page needs; returns the count."""
        query = self.query(text, filters)
        if query is None:
            return 0
        result = self.searcher.search(query, 20)
        for _, address in result.hits:
            self.searcher.doc(address)
        aggregations = {name: {"terms": {"field": name, "size": 15}} for name in FACET_FIELDS}
        aggregations["year"] = {"terms": {"field": "year", "size": 15}}
        self.searcher.aggregate(query, aggregations)
        return result.count
