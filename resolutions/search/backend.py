"""Haystack's Whoosh backend with Chinese analysis, facet-ready keyword columns and one reused searcher.

Only the schema and two helpers differ from haystack's WhooshSearchBackend: fields declared with the
field types below get a Whoosh field of our choosing instead of haystack's StemmingAnalyzer TEXT.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable

from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, NUMERIC, TEXT
from whoosh.searching import Searcher

from .analysis import BigramAnalyzer

# field_type of a haystack field (see resolutions.search.fields) -> the Whoosh field it becomes.
WHOOSH_FIELDS = {
    "bigram_text": lambda field: TEXT(analyzer=BigramAnalyzer(), stored=False, phrase=True),
    "english_text": lambda field: TEXT(analyzer=StemmingAnalyzer(), stored=False, phrase=True),
    "keyword": lambda field: ID(stored=field.stored, sortable=True),
    "integer": lambda field: NUMERIC(stored=field.stored, numtype=int, bits=64, sortable=True),
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
        return content_field_name, schema

    def searcher(self) -> Searcher:
        """This thread's long-lived searcher, reopened only when a writer has committed since."""
        if not self.setup_complete:
            self.setup()
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None and not searcher.up_to_date():
            # Not searcher.refresh(): it reuses the readers of segments whose ids did not change, and with
            # them their old sets of deleted documents, so a reindexed paragraph would show up twice.
            searcher.close()
            searcher = None
        if searcher is None:
            searcher = self.index.refresh().searcher()
        self._local.searcher = searcher
        return searcher

    def close_searcher(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None

    def replace_documents(self, index, field: str, values: Iterable[str], objects: Iterable, *, merge: bool = True) -> None:
        """In one commit, delete every document whose `field` is one of `values`, then add `objects`.

        The caller holds the single-writer lock (resolutions.search.indexing), so this never waits.
        """
        if not self.setup_complete:
            self.setup()
        self.index = self.index.refresh()
        writer = self.index.writer()
        try:
            for value in values:
                writer.delete_by_term(field, str(value))
            for obj in objects:
                doc = index.full_prepare(obj)
                doc.pop("boost", None)
                writer.add_document(**{key: self._from_python(value) for key, value in doc.items()})
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=merge)


class ChineseWhooshEngine(BaseEngine):
    backend = ChineseWhooshBackend
    query = WhooshSearchQuery
