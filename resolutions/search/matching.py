"""Exact matching at archive scale: candidates from posting lists, verified on the folded text.

Whoosh can match a phrase of bigrams exactly, but it checks positions in Python for every candidate
(3.7 s for a phrase of frequent bigrams in 15,000 paragraphs). Here a query's text is matched in two
steps instead:

1. candidates: the documents holding every term the text needs (its bigrams, its Latin-script words),
   intersected rarest first as Python sets; a term's posting list is decoded block by block
   (`term_docs`), not posting by posting through a Whoosh matcher;
2. verification: each candidate's folded text, kept in a column (backend.FOLDED) and read through an
   mmap, must contain the folded query (`bytes.find` on the mapped file, no copy) or, for text made of
   several runs (残忍、不人道, A/HRC/44/37), match a pattern that says exactly what the old phrase of
   index terms said (`run_pattern`).

A text that is a single index term (人权, torture) needs no verification; one Chinese character is the
union of the terms that start with it (its bigrams and itself as the last character of a run).
All sets hold global document numbers of one searcher (segment offset + segment docnum).
"""
from __future__ import annotations

import mmap
import re
import threading
from collections.abc import Callable, Iterable
from itertools import accumulate

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import wrappers
from whoosh.searching import Searcher

from .analysis import _CJK, Run, fold, query_terms, runs
from .backend import FOLDED
from .query import ParsedQuery, english_stems, is_latin, quoted

# Below this many candidates, testing each folded text is cheaper than reading one more long posting
# list (a test is a bytes.find on a mapped page; a posting costs about as much to decode and intersect).
VERIFY_INSTEAD_OF_INTERSECTING = 4


def term_docs(searcher: Searcher, fieldname: str, term: str) -> set[int]:
    """Global numbers of the live documents whose `fieldname` holds `term`."""
    found: set[int] = set()
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if not reader.doc_count_all() or (fieldname, term) not in reader:
            continue
        found.update(_segment_postings(reader, fieldname, term, offset))
    return found


def _segment_postings(reader, fieldname: str, term: str, offset: int) -> Iterable[int]:
    matcher = reader.postings(fieldname, term)
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, wrappers.FilterMatcher):  # the segment has deletions
        deleted = reader.deleted_docs_set  # a property
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher):
        ids: list[int] = []
        # Whoosh's own matcher decodes each block's deltas with a Python generator and steps through
        # them one call per posting; accumulate() over the unpickled block decodes at C speed.
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            ids.extend(accumulate(matcher._data[0]))
            matcher._next_block()
    else:
        ids = list(matcher.all_ids())
    if deleted:
        ids = [i for i in ids if i not in deleted]
    return ids if not offset else map(offset.__add__, ids)


def prefix_docs(searcher: Searcher, fieldname: str, prefix: str) -> set[int]:
    """Documents with any term starting with `prefix` (one Chinese character: every text holding it)."""
    found: set[int] = set()
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if not reader.doc_count_all():
            continue
        for term in reader.expand_prefix(fieldname, prefix):
            term = term.decode("utf-8") if isinstance(term, bytes) else term
            found.update(_segment_postings(reader, fieldname, term, offset))
    return found


def doc_frequency(searcher: Searcher, fieldname: str, term: str) -> int:
    return searcher.doc_frequency(fieldname, term)


class FoldedTexts:
    """Random access to the folded text of each document of one segment, through an mmap when it can."""

    def __init__(self, reader):
        # An empty index (no segment yet) has an EmptyReader, which has no columns at all.
        if reader.has_column(FOLDED):
            column = reader.column_reader(FOLDED, translate=False)
        else:
            column = [b""] * reader.doc_count_all()
        self._column = column
        self.starts = getattr(column, "_offsets", None)
        self.lengths = getattr(column, "_lengths", None)
        self.base = getattr(column, "_basepos", 0)
        self.map: mmap.mmap | None = None
        dbfile = getattr(column, "_dbfile", None)
        fileobj = getattr(dbfile, "file", None)
        if self.starts is not None and hasattr(fileobj, "fileno"):
            try:
                self.map = mmap.mmap(fileobj.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # not a real file (a compound segment): read through Whoosh
                self.map = None

    def contains(self, docnum: int, needle: bytes) -> bool:
        if self.map is not None:
            start = self.base + self.starts[docnum]
            return self.map.find(needle, start, start + self.lengths[docnum]) != -1
        return needle in self._column[docnum]

    def contains_literal(self, docnum: int, needle: bytes, word_start: bool, word_end: bool) -> bool | None:
        """True if `needle` occurs with no ASCII letter or digit touching a word end of it; else None.

        None means "not settled here": the text may still match the caller's pattern with other
        characters between the runs (第 1 条 for 第1条), or next to a non-ASCII neighbour.
        """
        if self.map is None:
            return None
        start = self.base + self.starts[docnum]
        end = start + self.lengths[docnum]
        at = self.map.find(needle, start, end)
        while at != -1:
            before = self.map[at - 1] if word_start and at > start else None
            after = self.map[at + len(needle)] if word_end and at + len(needle) < end else None
            if (before is None or before < 0x80 and not _ASCII_WORD[before]) and (after is None or after < 0x80 and not _ASCII_WORD[after]):
                return True
            at = self.map.find(needle, at + 1, end)
        return None

    def text(self, docnum: int) -> str:
        if self.map is not None:
            start = self.base + self.starts[docnum]
            return self.map[start : start + self.lengths[docnum]].decode("utf-8")
        return self._column[docnum].decode("utf-8")

    def byte_lengths(self) -> list[int]:
        if self.lengths is not None:
            return list(self.lengths)
        return [len(value) for value in self._column]

    def close(self) -> None:
        if self.map is not None:
            self.map.close()
            self.map = None


# ASCII bytes that continue a word in the folded text (folding lower-cases: no A-Z).
_ASCII_WORD = [chr(b).isalnum() for b in range(128)]

# Segment files never change once written, so a segment's texts are opened once, by segment id.
_TEXTS: dict[str, FoldedTexts] = {}
_TEXTS_LOCK = threading.Lock()


def folded_texts(searcher: Searcher) -> list[tuple[FoldedTexts, int, int]]:
    """(texts, offset, doc count) for each segment of `searcher`, opened once per segment."""
    leaves = []
    with _TEXTS_LOCK:
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            key = reader.segment().segment_id() if reader.segment() is not None else str(id(reader))
            texts = _TEXTS.get(key)
            if texts is None:
                texts = _TEXTS[key] = FoldedTexts(reader)
            leaves.append((texts, offset, reader.doc_count_all()))
    return leaves


def close_texts() -> None:
    """Close every segment's texts (before a fork: a child must not share the parent's open files)."""
    with _TEXTS_LOCK:
        for texts in _TEXTS.values():
            texts.close()
        _TEXTS.clear()


def forget_segments(live: Iterable[str]) -> None:
    """Drop the texts of segments merged away (another thread's older searcher may still read them: no close)."""
    live = set(live)
    with _TEXTS_LOCK:
        for stale in set(_TEXTS) - live:
            del _TEXTS[stale]


def verify(searcher: Searcher, candidates: Iterable[int], test) -> set[int]:
    """The candidates whose folded text passes `test(texts, local_docnum)`."""
    leaves = folded_texts(searcher)
    if len(leaves) == 1:
        texts = leaves[0][0]
        return {d for d in candidates if test(texts, d)}
    kept = set()
    for doc in candidates:
        for texts, offset, count in leaves:
            if offset <= doc < offset + count:
                if test(texts, doc - offset):
                    kept.add(doc)
                break
    return kept


# Characters that make index terms: Chinese (a run of bigrams) or letters and digits (a word).
_TOKEN_CHAR = f"[{_CJK}]|[^\\W_{_CJK}]"
_BETWEEN = f"(?:(?!{_TOKEN_CHAR}).)*"


def run_pattern(parts: list[Run]) -> re.Pattern:
    """The folded texts where `parts` follow each other as index terms did in the old phrase query.

    Between two runs only characters that make no term (punctuation, spaces). A word is a whole word;
    a Chinese run after the first starts a run of the text, and one before the last ends one; the
    first run may start and the last may end inside a longer run of the text.
    """
    pieces = []
    last = len(parts) - 1
    for i, run in enumerate(parts):
        text = re.escape(run.text)
        if run.cjk:
            before = f"(?<![{_CJK}])" if i > 0 else ""
            after = f"(?![{_CJK}])" if i < last else ""
        else:
            before, after = f"(?<![^\\W_{_CJK}])", f"(?![^\\W_{_CJK}])"
        pieces.append(before + text + after)
    return re.compile(_BETWEEN.join(pieces), re.DOTALL)


def text_docs(searcher: Searcher, text: str, *, within: set[int] | None = None, fieldname: str = "text") -> set[int]:
    """Documents (among `within`) whose folded text contains `text` as the bigram field sees it, exactly."""
    parts = list(runs(fold(text)))
    if not parts:
        return set()
    single_chars = [run.text for run in parts if run.cjk and len(run.text) == 1]
    terms = sorted({term for run in parts for term in query_terms(run) if not (run.cjk and len(run.text) == 1)})
    if len(parts) == 1 and (single_chars or len(terms) == 1):
        # One character (every term starting with it), one bigram or one word: the terms are the match.
        found = prefix_docs(searcher, fieldname, single_chars[0]) if single_chars else term_docs(searcher, fieldname, terms[0])
        return found if within is None else found & within
    terms.sort(key=lambda term: doc_frequency(searcher, fieldname, term))
    candidates = term_docs(searcher, fieldname, terms[0]) if terms else prefix_docs(searcher, fieldname, single_chars[0])
    if within is not None:
        candidates &= within
    for term in terms[1:]:
        if not candidates or len(candidates) * VERIFY_INSTEAD_OF_INTERSECTING < doc_frequency(searcher, fieldname, term):
            break
        candidates &= term_docs(searcher, fieldname, term)
    if len(parts) == 1:
        needle = parts[0].text.encode("utf-8")
        return verify(searcher, candidates, lambda texts, doc: texts.contains(doc, needle))
    pattern = run_pattern(parts)
    # The query's own text matches its pattern wherever it occurs, provided a word at either end does
    # not run on into the text around it: most matches are settled by bytes.find, without decoding.
    literal = fold(text)[parts[0].start : parts[-1].end].encode("utf-8")
    bounded = (not parts[0].cjk, not parts[-1].cjk)

    def test(texts: FoldedTexts, doc: int) -> bool:
        settled = texts.contains_literal(doc, literal, *bounded)
        return settled if settled is not None else pattern.search(texts.text(doc)) is not None

    return verify(searcher, candidates, test)


def query_docs(searcher: Searcher, parsed: ParsedQuery, *, chinese: Callable[[], set[int]]) -> set[int] | None:
    """Documents matching every positive clause and no negative one; None when nothing positive.

    `chinese()` gives the documents of Chinese texts: an unquoted Latin-script word is matched by
    stem in English texts and exactly (a whole word) in Chinese ones (UNESCO, A/HRC/44/37).
    """
    exact = quoted(parsed)
    positive: list[set[int]] = []
    negative: set[int] = set()
    for clause in parsed.clauses:
        found: set[int] = set()
        for value in clause.alternatives:
            found |= _alternative_docs(searcher, value, exact=value in exact, chinese=chinese)
        if clause.negated:
            negative |= found
        else:
            positive.append(found)
    if not positive:
        return None
    positive.sort(key=len)
    docs = positive[0].intersection(*positive[1:])
    return docs - negative


def _alternative_docs(searcher: Searcher, value: str, *, exact: bool, chinese: Callable[[], set[int]]) -> set[int]:
    if exact or not is_latin(value):
        return text_docs(searcher, value)
    stems = english_stems(value)
    if not stems:  # only stop words: the exact words, in every text
        return text_docs(searcher, value)
    found = text_docs(searcher, value, within=chinese())
    if len(stems) == 1:
        found |= term_docs(searcher, "text_en", stems[0])
    elif stems:
        # A phrase of stems (capacity-building, Secretary-General): Whoosh checks its positions.
        found.update(searcher.docs_for_query(wq.Phrase("text_en", stems)))
    return found
