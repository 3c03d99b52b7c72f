"""The fence: every use of Whoosh-Reloaded's internals, a self-check, and Whoosh's public path to fall back on.

The archive's Whoosh search is fast because it reads a few things Whoosh does not promise to keep:

- posting lists decoded a block at a time (`W3LeafMatcher._data`, `_read_data`, `_next_block`) and summed
  with `itertools.accumulate` at C speed, instead of one Python call per posting through a matcher;
- a segment's deleted documents as a set (`SegmentReader.deleted_docs_set`, a cached property);
- the folded-text column read in place through an mmap (`VarBytesColumn.Reader._offsets`, `_lengths`,
  `_basepos`, `_dbfile`), so that a candidate is verified by `bytes.find` on the mapped file, with no copy;
- one leaf searcher per segment (`Searcher.leaf_searchers()`), so that everything costly can be kept per
  segment (a segment never changes once written, but for deletions).

All of it was written against Whoosh-Reloaded WHOOSH_VERSION (pinned in requirements.txt) and lives here and
nowhere else. `active()` gives the path to use: FAST once `self_check()` has shown, on a small index built on
the fly in a temporary directory (several segments, deletions, posting lists longer than one block), that
the fast path finds exactly what Whoosh's public API finds (`Searcher.docs_for_query` with Term and Prefix
queries, `IndexReader.is_deleted`, `column_reader`). If it does not, or an attribute is missing or a signature
changed, the archive logs an ERROR saying what broke and what to do, and every search goes through PUBLIC
instead: the whole index as one piece, read only through Whoosh's public API. Slower, never wrong.
"""
from __future__ import annotations

import logging
import mmap
import shutil
import tempfile
import threading
import uuid
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

import whoosh
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import wrappers
from whoosh.searching import Searcher

from .analysis import fold
from .backend import FOLDED

log = logging.getLogger(__name__)

WHOOSH_VERSION = (2, 7, 5)


@dataclass(frozen=True, eq=False)
class Leaf:
    """A piece of the index searched on its own: one segment (FAST), or the whole index (PUBLIC)."""

    searcher: Searcher  # a searcher over this piece alone
    reader: object  # its IndexReader
    offset: int  # where its document numbers start in the whole index
    key: str  # names this piece for caches: a segment id, which a segment keeps for life
    doc_count: int  # every document, deleted ones too: local numbers run 0 .. doc_count - 1


class FoldedTexts:
    """The folded text of each document of a leaf, read in place through an mmap (FAST)."""

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


class PublicTexts:
    """The folded text of each document through Whoosh's public column reader (PUBLIC)."""

    def __init__(self, reader):
        self._column = reader.column_reader(FOLDED, translate=False) if reader.has_column(FOLDED) else [b""] * reader.doc_count_all()

    def contains(self, docnum: int, needle: bytes) -> bool:
        return needle in self._column[docnum]

    def contains_literal(self, docnum: int, needle: bytes, word_start: bool, word_end: bool) -> bool | None:
        return None  # the caller's pattern decides

    def text(self, docnum: int) -> str:
        return self._column[docnum].decode("utf-8")

    def byte_lengths(self) -> list[int]:
        return [len(value) for value in self._column]

    def close(self) -> None:
        pass


def _add_frequent(found: dict[int, int], ids: list[int], weights) -> None:
    """Add the documents of one block holding the term twice or more; a block's weights are None (every one 1),
    one float (all equal) or a tuple."""
    if weights is None:
        return
    if isinstance(weights, float):
        if weights >= 2:
            found.update(dict.fromkeys(ids, int(weights)))
        return
    found.update((i, int(w)) for i, w in zip(ids, weights) if w >= 2)


class FastPath:
    """Whoosh internals, for speed. Each method's public twin is in PublicPath."""

    name = "fast"

    def __init__(self):
        self._frequent: dict[tuple, dict[int, int]] = {}  # (leaf, field, term) -> its frequencies, from postings
        self._lock = threading.Lock()

    def leaves(self, searcher: Searcher) -> list[Leaf]:
        found = []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            segment = reader.segment()
            key = segment.segment_id() if segment is not None else f"empty-{uuid.uuid4().hex}"
            found.append(Leaf(leaf, reader, offset, key, reader.doc_count_all()))
        return found

    def postings(self, leaf: Leaf, fieldname: str, term: str) -> list[int]:
        """Local numbers of the live documents whose `fieldname` holds `term`, ascending."""
        reader = leaf.reader
        if not leaf.doc_count or (fieldname, term) not in reader:
            return []
        matcher = reader.postings(fieldname, term)
        deleted: frozenset[int] = frozenset()
        if isinstance(matcher, wrappers.FilterMatcher):  # the segment has deletions
            deleted = reader.deleted_docs_set
            matcher = matcher.child
        if isinstance(matcher, W3LeafMatcher):
            ids: list[int] = []
            frequent: dict[int, int] = {}
            # Whoosh's own matcher decodes each block's deltas with a Python generator and steps through
            # them one call per posting; accumulate() over the unpickled block decodes at C speed.
            while matcher.is_active():
                if matcher._data is None:
                    matcher._read_data()
                block = list(accumulate(matcher._data[0]))
                ids.extend(block)
                _add_frequent(frequent, block, matcher._data[1])
                matcher._next_block()
            # The ranking asks for the same term's frequencies next (frequent): kept from this one reading.
            with self._lock:
                self._frequent[(leaf.key, fieldname, term)] = {i: w for i, w in frequent.items() if i not in deleted} if deleted else frequent
                while len(self._frequent) > 64:
                    self._frequent.pop(next(iter(self._frequent)))
        else:
            ids = list(matcher.all_ids())
        if deleted:
            ids = [i for i in ids if i not in deleted]
        return ids

    def frequent(self, leaf: Leaf, fieldname: str, term: str) -> dict[int, int]:
        """Local number -> occurrences of `term`, for the live documents holding it at least twice (ranking)."""
        reader = leaf.reader
        if not leaf.doc_count or (fieldname, term) not in reader:
            return {}
        with self._lock:
            kept = self._frequent.pop((leaf.key, fieldname, term), None)
        if kept is not None:
            return kept
        matcher = reader.postings(fieldname, term)
        deleted: frozenset[int] = frozenset()
        if isinstance(matcher, wrappers.FilterMatcher):
            deleted = reader.deleted_docs_set
            matcher = matcher.child
        found: dict[int, int] = {}
        if isinstance(matcher, W3LeafMatcher):
            while matcher.is_active():
                if matcher._data is None:
                    matcher._read_data()
                weights = matcher._data[1]
                if weights is not None and (not isinstance(weights, float) or weights >= 2):
                    _add_frequent(found, list(accumulate(matcher._data[0])), weights)
                matcher._next_block()
        else:
            while matcher.is_active():
                if matcher.weight() >= 2:
                    found[matcher.id()] = int(matcher.weight())
                matcher.next()
        if deleted:
            found = {i: w for i, w in found.items() if i not in deleted}
        return found

    def prefix_postings(self, leaf: Leaf, fieldname: str, prefix: str) -> set[int]:
        found: set[int] = set()
        if not leaf.doc_count:
            return found
        for term in leaf.reader.expand_prefix(fieldname, prefix):
            term = term.decode("utf-8") if isinstance(term, bytes) else term
            found.update(self.postings(leaf, fieldname, term))
        return found

    def deleted(self, leaf: Leaf) -> frozenset[int]:
        reader = leaf.reader
        return reader.deleted_docs_set if leaf.doc_count and reader.has_deletions() else frozenset()

    def texts(self, leaf: Leaf) -> FoldedTexts:
        return FoldedTexts(leaf.reader)


class PublicPath:
    """The same answers through Whoosh's public API only, the whole index as one leaf."""

    name = "public"

    def __init__(self):
        # Per searcher (a searcher sees one state of the index for life: it is reopened after a commit), a key
        # for caches and its deleted documents once counted; dropped with the searcher.
        self._seen: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def leaves(self, searcher: Searcher) -> list[Leaf]:
        reader = searcher.reader()
        with self._lock:
            seen = self._seen.get(searcher)
            if seen is None:
                seen = self._seen[searcher] = {"key": f"public-{uuid.uuid4().hex}"}
        return [Leaf(searcher, reader, 0, seen["key"], reader.doc_count_all())]

    def postings(self, leaf: Leaf, fieldname: str, term: str) -> list[int]:
        if not leaf.doc_count:
            return []
        return sorted(leaf.searcher.docs_for_query(wq.Term(fieldname, term)))

    def frequent(self, leaf: Leaf, fieldname: str, term: str) -> dict[int, int]:
        if not leaf.doc_count or (fieldname, term) not in leaf.reader:
            return {}
        matcher = leaf.reader.postings(fieldname, term)  # deleted documents are left out by Whoosh itself
        found: dict[int, int] = {}
        while matcher.is_active():
            if matcher.weight() >= 2:
                found[matcher.id()] = int(matcher.weight())
            matcher.next()
        return found

    def prefix_postings(self, leaf: Leaf, fieldname: str, prefix: str) -> set[int]:
        if not leaf.doc_count:
            return set()
        return set(leaf.searcher.docs_for_query(wq.Prefix(fieldname, prefix)))

    def deleted(self, leaf: Leaf) -> frozenset[int]:
        with self._lock:
            seen = self._seen.setdefault(leaf.searcher, {"key": leaf.key})
        if "deleted" not in seen:
            reader = leaf.reader
            deleted = reader.has_deletions() and leaf.doc_count
            seen["deleted"] = frozenset(d for d in range(leaf.doc_count) if reader.is_deleted(d)) if deleted else frozenset()
        return seen["deleted"]

    def texts(self, leaf: Leaf) -> PublicTexts:
        return PublicTexts(leaf.reader)


FAST = FastPath()
PUBLIC = PublicPath()

_active: FastPath | PublicPath | None = None
_broken: str = ""  # what the self-check found, when it failed
_state_lock = threading.Lock()


def active() -> FastPath | PublicPath:
    """The path searches take: FAST after a passing self-check (run once per process), else PUBLIC."""
    global _active
    if _active is None:
        with _state_lock:
            if _active is None:
                problems = self_check()
                if problems:
                    _report(problems)
                    _active = PUBLIC
                else:
                    _active = FAST
    return _active


def fall_back(error: BaseException) -> None:
    """Stop using the fast path after it failed during a search (the caller answers through PUBLIC)."""
    global _active
    with _state_lock:
        if _active is not PUBLIC:
            _report([f"the fast path raised {type(error).__name__}: {error}"])
            _active = PUBLIC


def reset() -> None:
    """Forget the self-check's verdict: the next search runs it again (tests; after an upgrade in place)."""
    global _active, _broken
    with _state_lock:
        _active = None
        _broken = ""


def broken() -> str:
    """Why the fast path is off ("" while it is on or not yet checked)."""
    return _broken


def _report(problems: list[str]) -> None:
    global _broken
    _broken = "; ".join(problems)
    log.error(
        "Search: the fast Whoosh path is OFF, searches now go through Whoosh's public API (exact, slower). "
        "It was written against Whoosh-Reloaded %s and this process has %s; the self-check found: %s. "
        "What to do: install the pinned Whoosh-Reloaded (pip install -r requirements.txt) and restart, or adapt "
        "resolutions/search/whoosh_fast.py to this version and run its tests (resolutions/tests/test_whoosh_fast.py).",
        ".".join(map(str, WHOOSH_VERSION)),
        whoosh.versionstring(),
        _broken,
    )


# --- The self-check ---------------------------------------------------------------------------------------

_CHECK_TEXTS = (
    "决定设立国家防范机制，并请人权理事会审议",
    "吁请各国防止酷刑和其他残忍、不人道或有辱人格的待遇或处罚",
    "重申受教育权是一项人权，A/HRC/44/37号文件",
    "Urges States to prevent torture and to establish national preventive mechanisms",
    "Decides to continue its consideration of the question of torture, capacity-building",
)
_CHECK_TERMS = ("人权", "酷刑", "机制", "防范", "制", "torture", "states", "to", "a", "hrc", "44", "不存在", "nothing")  # "to": twice in one text
_CHECK_PREFIXES = ("人", "酷", "tort", "st", "4", "无")


def _check_documents(count: int) -> Iterable[dict]:
    """Small documents cycling through the texts above: common terms get posting lists of several blocks."""
    for number in range(count):
        text = f"{_CHECK_TEXTS[number % len(_CHECK_TEXTS)]} {number}"
        yield {"id": str(number), "text": text, FOLDED: fold(text)}


def self_check() -> list[str]:
    """Problems found comparing the fast path with Whoosh's public API on a small index built now ([] = none)."""
    try:
        return _compare_on_temporary_index()
    except Exception as error:  # noqa: BLE001 - any failure of the fast path is a reason to leave it
        return [f"{type(error).__name__}: {error}"]


def _compare_on_temporary_index() -> list[str]:
    from whoosh import columns
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.filedb.filestore import FileStorage

    from .analysis import BigramAnalyzer
    from .backend import WRITER_OPTIONS, ColumnField

    schema = Schema(
        id=ID(stored=True, unique=True),
        text=TEXT(analyzer=BigramAnalyzer(), stored=False, phrase=False),
        **{FOLDED: ColumnField(columns.VarBytesColumn(), stored=False, numeric=False)},
    )
    directory = tempfile.mkdtemp(prefix="archive-whoosh-check-")
    problems: list[str] = []
    try:
        index = FileStorage(directory).create_index(schema)
        documents = list(_check_documents(400))
        # Three segments (separate files, as the archive writes them), deletions in the first two.
        for batch in (documents[:300], documents[300:]):
            writer = index.writer(**WRITER_OPTIONS)
            for document in batch:
                writer.add_document(**document)
            writer.commit(merge=False)
        writer = index.writer(**WRITER_OPTIONS)
        for number in list(range(0, 400, 7)) + [5, 301]:
            writer.delete_by_term("id", str(number))
        writer.add_document(**{**documents[5], "id": "5"})
        writer.commit(merge=False)
        with index.searcher() as searcher:
            problems = _compare(searcher)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return problems


def _compare(searcher: Searcher) -> list[str]:
    problems: list[str] = []
    leaves = FAST.leaves(searcher)
    if len(leaves) < 2 or not any(FAST.deleted(leaf) for leaf in leaves):
        problems.append(f"the check index should have several segments with deletions, has {len(leaves)}")
    (whole,) = PUBLIC.leaves(searcher)

    def fast_global(local_sets) -> set[int]:
        return {leaf.offset + d for leaf, docs in zip(leaves, local_sets) for d in docs}

    for term in _CHECK_TERMS:
        fast = fast_global(FAST.postings(leaf, "text", term) for leaf in leaves)
        public = set(PUBLIC.postings(whole, "text", term))
        if fast != public:
            problems.append(f"postings of {term!r}: fast path {len(fast)} documents, Whoosh {len(public)}")
        # Twice: first as kept from the postings just read, then read anew.
        for _ in range(2):
            fast_frequent = {leaf.offset + d: w for leaf in leaves for d, w in FAST.frequent(leaf, "text", term).items()}
            if fast_frequent != PUBLIC.frequent(whole, "text", term):
                problems.append(f"frequencies of {term!r} differ between the fast path and Whoosh")
    for prefix in _CHECK_PREFIXES:
        fast = fast_global(FAST.prefix_postings(leaf, "text", prefix) for leaf in leaves)
        public = PUBLIC.prefix_postings(whole, "text", prefix)
        if fast != public:
            problems.append(f"prefix {prefix!r}: fast path {len(fast)} documents, Whoosh {len(public)}")
    fast_deleted = fast_global(FAST.deleted(leaf) for leaf in leaves)
    if fast_deleted != PUBLIC.deleted(whole):
        problems.append(f"deleted documents: fast path {len(fast_deleted)}, Whoosh {len(PUBLIC.deleted(whole))}")
    public_texts = PUBLIC.texts(whole)
    for leaf in leaves:
        texts = FAST.texts(leaf)
        try:
            if texts.map is None and leaf.doc_count:
                # Still exact (read through Whoosh's column reader), only slower: say so, keep the fast postings.
                log.warning("Search: the folded-text column is no longer read through an mmap (Whoosh-Reloaded %s): "
                            "candidates are verified through Whoosh's column reader, more slowly.", whoosh.versionstring())
            for docnum, length in zip(range(leaf.doc_count), texts.byte_lengths()):
                expected = public_texts.text(leaf.offset + docnum)
                needle = expected[-6:].encode("utf-8")
                if texts.text(docnum) != expected or length != len(expected.encode("utf-8")) or not texts.contains(docnum, needle):
                    problems.append(f"folded text of document {leaf.offset + docnum} differs")
                    break
        finally:
            texts.close()
    return problems
