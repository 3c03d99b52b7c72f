"""Exact matching at archive scale: candidates from posting lists, verified on the folded text.

Whoosh can match a phrase of bigrams exactly, but it checks positions in Python for every candidate
(3.7 s for a phrase of frequent bigrams in 15,000 paragraphs). Here a query's text is matched in two
steps instead, one index segment (a `Leaf`) at a time:

1. candidates: the documents holding every term the text needs (its bigrams, its Latin-script words),
   intersected rarest first as Python sets; posting lists come from the fenced module
   (resolutions.search.whoosh_fast), decoded block by block at C speed on its fast path;
2. verification: each candidate's folded text, kept in a column (backend.FOLDED) and read through an
   mmap on the fast path, must contain the folded query (`bytes.find`, no copy) or, for text made of
   several runs (残忍、不人道, A/HRC/44/37), match a pattern that says exactly what the old phrase of
   index terms said (`run_pattern`).

A text that is a single index term (人权, torture) needs no verification; one Chinese character is the
union of the terms that start with it (its bigrams and itself as the last character of a run); a Latin
prefix (tort*) is the union of the words that start with it. All sets hold local document numbers of one leaf.
Nothing here reads Whoosh's internals: that is whoosh_fast's job, and its public twin's when it is off.
"""
from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable

from whoosh import query as wq

from .analysis import _CJK, CJK_RE, Run, fold, query_terms, runs
from .query import ParsedQuery, english_stems, is_latin, is_prefix, only_stop_words, quoted, single_term
from .whoosh_fast import FastPath, Leaf, PublicPath

# Below this many candidates, testing each folded text is cheaper than reading one more long posting
# list (a test is a bytes.find on a mapped page; a posting costs about as much to decode and intersect).
VERIFY_INSTEAD_OF_INTERSECTING = 4

Path = FastPath | PublicPath

# A segment's files never change once written, so its texts are opened once, by leaf key.
_TEXTS: dict[str, object] = {}
_TEXTS_LOCK = threading.Lock()


def leaf_texts(path: Path, leaf: Leaf):
    """The folded texts of `leaf` (FoldedTexts or PublicTexts), opened once per leaf."""
    with _TEXTS_LOCK:
        texts = _TEXTS.get(leaf.key)
        if texts is None:
            texts = _TEXTS[leaf.key] = path.texts(leaf)
        return texts


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


def verify(path: Path, leaf: Leaf, candidates: Iterable[int], test) -> set[int]:
    """The candidates whose folded text passes `test(texts, local_docnum)`."""
    texts = leaf_texts(path, leaf)
    return {d for d in candidates if test(texts, d)}


# Compiled once per process: a pattern with these character classes takes ~60 ms to compile, far more than a
# query takes, so none is compiled per query.
_WORD_CHAR_RE = re.compile(f"[^\\W_{_CJK}]")
_NOT_TERM_RE = re.compile(f"(?:(?![{_CJK}]|[^\\W_{_CJK}]).)*", re.DOTALL)  # what may stand between two runs


class RunSequence:
    """The folded texts where `parts` follow each other as index terms did in the old phrase query.

    Between two runs only characters that make no term (punctuation, spaces). A word is a whole word; a Chinese
    run after the first starts a run of the text, and one before the last ends one; the first run may start and
    the last may end inside a longer run of the text. With `prefix`, a last word may go on (tort* finds torture).
    Each occurrence of the first run is followed from there, with patterns compiled once for all queries.
    """

    def __init__(self, parts: list[Run], *, prefix: bool = False):
        self.parts = [(run.text, run.cjk) for run in parts]
        self.prefix = prefix

    def search(self, folded: str) -> bool:
        first = self.parts[0][0]
        at = folded.find(first)
        while at != -1:
            if self._follows(folded, at):
                return True
            at = folded.find(first, at + 1)
        return False

    def _follows(self, text: str, pos: int) -> bool:
        last = len(self.parts) - 1
        for i, (query, cjk) in enumerate(self.parts):
            if i > 0:
                pos = _NOT_TERM_RE.match(text, pos).end()
                if not text.startswith(query, pos):
                    return False
            end = pos + len(query)
            if cjk:
                if i > 0 and pos > 0 and CJK_RE.match(text, pos - 1):
                    return False
                if i < last and end < len(text) and CJK_RE.match(text, end):
                    return False
            else:
                if pos > 0 and _WORD_CHAR_RE.match(text, pos - 1):
                    return False
                if not (self.prefix and i == last) and end < len(text) and _WORD_CHAR_RE.match(text, end):
                    return False
            pos = end
        return True


def run_pattern(parts: list[Run], *, prefix: bool = False) -> RunSequence:
    """The test a candidate's folded text must pass for a text of several runs (see RunSequence)."""
    return RunSequence(parts, prefix=prefix)


def doc_frequency(leaf: Leaf, fieldname: str, term: str) -> int:
    return leaf.searcher.doc_frequency(fieldname, term)


def text_docs(path: Path, leaf: Leaf, text: str, *, prefix: bool = False, within: set[int] | None = None, fieldname: str = "text") -> set[int]:
    """Documents of `leaf` (among `within`) whose folded text contains `text` as the bigram field sees it, exactly.

    With `prefix`, a last run of Latin letters or digits may be the start of a longer word (a Chinese
    run may always be continued).
    """
    parts = list(runs(fold(text)))
    if not parts:
        return set()
    prefix_word = parts[-1].text if prefix and not parts[-1].cjk else None
    single_chars = [run.text for run in parts if run.cjk and len(run.text) == 1]
    terms = sorted({term for run in parts for term in query_terms(run) if not (run.cjk and len(run.text) == 1)} - {prefix_word})
    # 人人人 has one distinct bigram but is not one term: only a run of at most two characters, or a word, is.
    if len(parts) == 1 and (single_chars or prefix_word or not parts[0].cjk or len(parts[0].text) == 2):
        # One character (every term starting with it), one word's start, one bigram or one word: the terms are the match.
        if single_chars or prefix_word:
            found = path.prefix_postings(leaf, fieldname, single_chars[0] if single_chars else prefix_word)
        else:
            found = set(path.postings(leaf, fieldname, terms[0]))
        return found if within is None else found & within
    terms.sort(key=lambda term: doc_frequency(leaf, fieldname, term))
    if terms:
        candidates = set(path.postings(leaf, fieldname, terms[0]))
    else:
        candidates = path.prefix_postings(leaf, fieldname, single_chars[0] if single_chars else prefix_word)
    if within is not None:
        candidates &= within
    for term in terms[1:]:
        if not candidates or len(candidates) * VERIFY_INSTEAD_OF_INTERSECTING < doc_frequency(leaf, fieldname, term):
            break
        candidates &= set(path.postings(leaf, fieldname, term))
    if len(parts) == 1:
        needle = parts[0].text.encode("utf-8")
        return verify(path, leaf, candidates, lambda texts, doc: texts.contains(doc, needle))
    pattern = run_pattern(parts, prefix=prefix)
    # The query's own text matches its pattern wherever it occurs, provided a word at either end does
    # not run on into the text around it: most matches are settled by bytes.find, without decoding.
    literal = fold(text)[parts[0].start : parts[-1].end].encode("utf-8")
    bounded = (not parts[0].cjk, not parts[-1].cjk and prefix_word is None)

    def test(texts, doc: int) -> bool:
        settled = texts.contains_literal(doc, literal, *bounded)
        return settled if settled is not None else pattern.search(texts.text(doc))

    return verify(path, leaf, candidates, test)


def query_docs(
    path: Path, leaf: Leaf, parsed: ParsedQuery, *, chinese: Callable[[], set[int]], frequencies: list[dict[int, int]] | None = None
) -> set[int] | None:
    """Documents of `leaf` matching every positive clause and no negative one; None when nothing positive.

    `chinese()` gives the documents of Chinese texts: an unquoted Latin-script word is matched by
    stem in English texts and exactly (a whole word) in Chinese ones (UNESCO, A/HRC/44/37).
    With `frequencies`, one dict is appended to it for each clause the relevance rule scores (engine.py):
    the documents where the clause's frequency is not 1, and that frequency.
    """
    exact = quoted(parsed)
    positive: list[set[int]] = []
    negative: set[int] = set()
    for clause in parsed.clauses:
        found: set[int] = set()
        alternatives = []
        for value in clause.alternatives:
            docs = _alternative_docs(path, leaf, value, exact=value in exact, chinese=chinese)
            alternatives.append((value, docs))
            found |= docs
        if clause.negated:
            negative |= found
        else:
            positive.append(found)
            if frequencies is not None and not all(only_stop_words(value, exact=value in exact) for value in clause.alternatives):
                frequencies.append(_clause_frequencies(path, leaf, alternatives, exact, chinese))
    if not positive:
        return None
    positive.sort(key=len)
    docs = positive[0].intersection(*positive[1:])
    return docs - negative


def _clause_frequencies(path: Path, leaf: Leaf, alternatives: list[tuple[str, set[int]]], exact: set[str], chinese) -> dict[int, int]:
    """Document -> the clause's frequency, where it is not 1: each alternative adds the occurrences of its one
    index term (matching.single_term; an English stem in English texts, the exact word in Chinese ones), or 1."""
    counted = []  # per alternative: its documents, and those holding its term more than once
    for value, docs in alternatives:
        frequent: dict[int, int] = {}
        if not is_prefix(value) and not only_stop_words(value, exact=value in exact):
            term = single_term(value)
            if value in exact or not is_latin(value):
                if term is not None:
                    frequent = path.frequent(leaf, "text", term)
            else:
                stems = english_stems(value)
                if len(stems) == 1:
                    frequent = path.frequent(leaf, "text_en", stems[0])
                if term is not None:
                    zh = chinese()
                    frequent.update((d, w) for d, w in path.frequent(leaf, "text", term).items() if d in zh)
        counted.append((docs, frequent))
    if len(counted) == 1:
        return counted[0][1]
    total: Counter = Counter()
    for docs, frequent in counted:
        total.update(docs)
        for doc, weight in frequent.items():
            total[doc] += weight - 1
    return {doc: tf for doc, tf in total.items() if tf != 1}


def _alternative_docs(path: Path, leaf: Leaf, value: str, *, exact: bool, chinese: Callable[[], set[int]]) -> set[int]:
    if is_prefix(value):
        # A prefix is matched on the folded words of every text, English ones too: no stemming.
        return text_docs(path, leaf, value[:-1], prefix=True)
    if exact or not is_latin(value):
        return text_docs(path, leaf, value)
    stems = english_stems(value)
    if not stems:  # only stop words: the exact words, in every text
        return text_docs(path, leaf, value)
    found = text_docs(path, leaf, value, within=chinese())
    if len(stems) == 1:
        found.update(path.postings(leaf, "text_en", stems[0]))
    elif stems:
        # A phrase of stems (capacity-building, Secretary-General): Whoosh checks its positions.
        found.update(leaf.searcher.docs_for_query(wq.Phrase("text_en", stems)))
    return found
