"""Haystack's Whoosh backend with Chinese analysis, column-only facet fields and one reused searcher.

Only the schema, the document preparation and the writer options differ from haystack's
WhooshSearchBackend: fields declared with the field types of resolutions.search.fields get a Whoosh
field of our choosing instead of haystack's StemmingAnalyzer TEXT, and every document carries its
folded text in a column (FOLDED) that resolutions.search.matching reads to verify candidates.
Only Whoosh's public API is used here; its internals are read in resolutions.search.whoosh_fast alone.
"""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path

from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import ID
from haystack.utils import get_identifier
from whoosh import columns
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import TEXT, FieldType
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from .analysis import BigramAnalyzer, fold

# The folded text of each document (UTF-8), for the substring test that makes results exact.
FOLDED = "folded"
# Keyword fields looked up by term (the writer deletes a resolution's documents by it); the other
# keywords and all integers are only filtered, counted and sorted, which reads their columns.
TERM_KEYWORDS = frozenset({"resolution_id"})
# Writer options. compound=False: Whoosh reads a compound segment through BytesIO, which copies each
# of its files into memory (hundreds of MB at archive scale); separate files are read in place.
WRITER_OPTIONS = {"compound": False, "limitmb": 512}


class ColumnField(FieldType):
    """A value kept in a column (and stored if asked), not indexed: facets, filters and sorting."""

    indexed = False
    scorable = False

    def __init__(self, column: columns.Column, *, stored: bool, numeric: bool):
        self.column_type = column
        self.stored = stored
        self.numeric = numeric

    def to_column_value(self, value):
        if self.numeric:
            return int(value or 0)
        return str(value).encode("utf-8")

    def from_column_value(self, value):
        return value if self.numeric else value.decode("utf-8")

    def to_bytes(self, value):
        return self.to_column_value(value)

    def from_bytes(self, value):
        return self.from_column_value(value)


def _keyword(field):
    if field.index_fieldname in TERM_KEYWORDS:
        return WHOOSH_ID(stored=field.stored, sortable=True)
    # Not RefBytesColumn: it keeps at most 65,535 distinct values and drops the rest (text_hash, symbol).
    return ColumnField(columns.VarBytesColumn(), stored=field.stored, numeric=False)


# field_type of a haystack field (see resolutions.search.fields) -> the Whoosh field it becomes.
WHOOSH_FIELDS = {
    # No positions: a query's bigrams only select candidates, the folded column decides (matching.py).
    "bigram_text": lambda field: TEXT(analyzer=BigramAnalyzer(), stored=False, phrase=False),
    # Positions kept: a hyphenated word (capacity-building) is a phrase of stems, checked by Whoosh.
    "english_text": lambda field: TEXT(analyzer=StemmingAnalyzer(), stored=False, phrase=True),
    "keyword": _keyword,
    # Several values in one column, joined by "," (haystack's list form); the engine splits them when reading.
    "keywords": lambda field: ColumnField(columns.VarBytesColumn(), stored=field.stored, numeric=False),
    "integer": lambda field: ColumnField(columns.NumericColumn("i", default=0), stored=field.stored, numeric=True),
}


class ChineseWhooshBackend(WhooshSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._local = threading.local()

    def build_schema(self, fields):
        content_field_name, schema = super().build_schema(fields)
        for field in fields.values():
            make = WHOOSH_FIELDS.get(field.field_type)
            if make is not None:
                schema.remove(field.index_fieldname)
                schema.add(field.index_fieldname, make(field))
        schema.add(FOLDED, ColumnField(columns.VarBytesColumn(), stored=False, numeric=False))
        return content_field_name, schema

    def searcher(self) -> Searcher:
        """This thread's long-lived searcher, reopened only when a writer has committed since."""
        if not self.setup_complete:
            self.setup()
        searcher = getattr(self._local, "searcher", None)
        # A rebuild swaps in a new directory whose generation may equal the old one's: compare the inode too.
        try:
            directory = os.stat(self.path).st_ino
        except FileNotFoundError:  # the instant between a rebuild's two renames: keep what we have
            directory = getattr(self._local, "directory", None)
        if searcher is not None and (not searcher.up_to_date() or getattr(self._local, "directory", None) != directory):
            # Not searcher.refresh(): it reuses the readers of segments whose ids did not change, and with
            # them their old sets of deleted documents, so a reindexed paragraph would show up twice.
            searcher.close()
            searcher = None
        if searcher is None:
            searcher = self._open_searcher()
        self._local.searcher = searcher
        self._local.directory = directory
        return searcher

    def _open_searcher(self, attempts: int = 5) -> Searcher:
        """A searcher whose segment files are all open, so another process's merge cannot pull them away.

        Whoosh opens a segment's stored-fields and length columns only when first read. With separate segment
        files, a writer in another process may merge that segment and delete its files in between: the late
        open then finds nothing (stored_fields fails on a None reader). Opening them at once holds them.
        """
        for attempt in range(attempts):
            self.index = self.index.refresh()
            searcher = self.index.searcher()
            try:
                for reader, _ in searcher.reader().leaf_readers():
                    if reader.doc_count_all():
                        reader.stored_fields(0)
                        for name in searcher.schema.scorable_names():
                            reader.doc_field_length(0, name)
                return searcher
            except (TypeError, OSError):
                searcher.close()  # a segment vanished while we opened it: read the new table of contents
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def close_searcher(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None

    def writer(self, **options) -> SegmentWriter:
        """A writer on the current index with our options (separate segment files, more memory)."""
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        return self.index.writer(**{**WRITER_OPTIONS, **options})

    def document(self, index, obj) -> dict:
        """What the index stores for `obj`: the search index's fields, and the folded text column."""
        doc = index.full_prepare(obj)
        doc.pop("boost", None)
        doc = {key: self._from_python(value) for key, value in doc.items()}
        doc[FOLDED] = fold(doc[index.get_content_field()])
        return doc

    def replace_documents(self, index, field: str, values: Iterable[str], objects: Iterable, *, merge: bool = True) -> None:
        """In one commit, delete every document whose `field` is one of `values`, then add `objects`.

        The caller holds the single-writer lock (resolutions.search.indexing), so this never waits.
        """
        writer = self.writer()
        try:
            for value in values:
                writer.delete_by_term(field, str(value))
            for obj in objects:
                writer.add_document(**self.document(index, obj))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=merge)

    def rebuild(self, index, objects: Iterable) -> int:
        """Recreate the whole index from `objects` in one writer; returns the documents indexed.

        The new index is built in a sibling directory while readers keep searching the old one, then swapped in
        by two renames: search never goes empty during a rebuild (which takes minutes at archive scale), and a
        rebuild that dies leaves the live index as it was. Needs room for two indexes while it runs. One writer
        with a large memory pool (WRITER_OPTIONS) builds a few sorted runs on disk and merges them once at the
        commit into a single segment (optimize), which searches fastest. The caller holds the writer lock.
        """
        if not self.setup_complete:
            self.setup()
        live = Path(self.path)
        building = live.with_name(f"{live.name}.rebuilding")
        retired = live.with_name(f"{live.name}.retired")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        writer = FileStorage(str(building)).create_index(self.schema).writer(**WRITER_OPTIONS)
        count = 0
        try:
            for obj in objects:
                writer.add_document(**self.document(index, obj))
                count += 1
        except BaseException:
            writer.cancel()
            shutil.rmtree(building, ignore_errors=True)
            raise
        writer.commit(optimize=True)
        self.close_searcher()
        shutil.rmtree(retired, ignore_errors=True)
        if live.exists():
            live.rename(retired)
        building.rename(live)
        shutil.rmtree(retired, ignore_errors=True)
        self.index = self.index.refresh()
        return count

    def update(self, index, iterable, commit=True):
        """haystack's update path (update_index), through the same documents as our writer."""
        objects = list(iterable)
        self.replace_documents(index, ID, [get_identifier(obj) for obj in objects], objects)


class ChineseWhooshEngine(BaseEngine):
    backend = ChineseWhooshBackend
    query = WhooshSearchQuery
