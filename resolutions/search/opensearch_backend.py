"""Haystack's Elasticsearch 7 backend, subclassed for OpenSearch 2.x with an index the archive defines itself.

The client is elasticsearch-py 7.13 (7.14 and newer refuse to talk to OpenSearch: a product check; see
django-haystack issues #1823 and #2064), which needs urllib3 1.26: the archive pins both. Haystack's stock mapping
would analyse every text field for English, its search builds query strings, and its failures can be silent. Here:

- the document a paragraph becomes is prepared in Python: its text folded by `analysis.fold` exactly as the
  Whoosh index folds it, then cut into the archive's own runs (`analysis.runs`: Chinese runs, words of letters
  and digits) joined by spaces, each Chinese run followed by the marker RUN_END; the English field holds the
  stems of the archive's own English analyzer (`query.english_stems`, Whoosh's Porter stemmer), so that a word
  matches the same paragraphs whichever engine answers;
- the `text` field is analysed by OpenSearch: the standard tokenizer (one token per Chinese character, one per
  word: the words arrive already separated) and analysis-common's `cjk_bigram` filter with unigrams kept, so
  each Chinese run gives every character (for one-character queries) and every overlapping bigram (for phrases
  of bigrams) at the character's position; RUN_END lets a query say "this run ends here" (see
  opensearch_engine.phrase_tokens);
- facets, filters and sorts are keyword and integer fields with doc values; the paragraphs of one resolution
  are routed to one shard (exact per-resolution counts when grouping, deletes on one shard);
- the index name of the settings is an alias: `rebuild` builds a new index beside the live one and swaps the
  alias in one atomic call; SILENTLY_FAIL is always off.
"""
from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable

import elasticsearch
from django.core.exceptions import ImproperlyConfigured
from elasticsearch.helpers import bulk, scan
from haystack.backends import BaseEngine, BaseSearchQuery
from haystack.backends.elasticsearch7_backend import Elasticsearch7SearchBackend
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.utils import get_identifier

from .analysis import fold, runs
from .query import english_stems


# Follows every Chinese run in the indexed text. The text is rebuilt from runs of letters and digits only, so no
# word of a paragraph can contain "_" and the marker never meets a real token.
RUN_END = "_e_"
# Distinct values a facet may have before its counts would be cut (verb has the most: a few thousand).
FACET_SIZE = 10000

ANALYSIS = {
    "tokenizer": {
        # Words arrive separated by spaces; a word longer than 255 characters (the default) would be split.
        "archive_standard": {"type": "standard", "max_token_length": 8000},
    },
    "filter": {
        "archive_cjk_bigram": {"type": "cjk_bigram", "output_unigrams": True},
    },
    "analyzer": {
        "archive_text": {"type": "custom", "tokenizer": "archive_standard", "filter": ["archive_cjk_bigram"]},
    },
}

# field_type of a haystack field (resolutions.search.fields) -> its mapping here.
FIELD_MAPPINGS = {
    "bigram_text": {"type": "text", "analyzer": "archive_text", "search_analyzer": "whitespace", "similarity": "archive_frequency"},
    # Stems computed by the archive (see the module docstring), one token each, positions kept for phrases.
    "english_text": {"type": "text", "analyzer": "whitespace", "similarity": "archive_frequency"},
    "keyword": {"type": "keyword"},
    "keywords": {"type": "keyword"},  # a list of values: a terms filter matches any, a terms aggregation counts each
    "integer": {"type": "integer"},
}
# Other haystack field types (a later addition to search_indexes.py); text becomes a keyword.
PLAIN_MAPPINGS = {
    "date": {"type": "date"},
    "datetime": {"type": "date"},
    "boolean": {"type": "boolean"},
    "float": {"type": "float"},
    "long": {"type": "long"},
}
# Fields whose type here is not the one haystack's declaration implies.
FIELD_OVERRIDES = {
    "resolution_id": {"type": "long"},
    "text_hash": {"type": "keyword", "index": False},
}
# Facet keywords whose global ordinals are built at refresh, not by the first search after it.
EAGER_FIELDS = ("body", "language", "kind", "verb", "change", "versions", "instrument", "session", "symbol", "resolution_key")
# Fields of several values: scan_documents gives them as lists.
LIST_FIELDS = frozenset({"instrument"})
# A term's score is its number of occurrences in the paragraph: opensearch_engine.CLAUSE_SCORE turns a clause's
# frequency into engine.py's relevance rule (the same on Whoosh), with the length below.
SIMILARITY = {"archive_frequency": {"type": "scripted", "script": {"source": "return query.boost * doc.freq;"}}}
EXTRA_FIELDS = {
    # UTF-8 bytes of the folded text (the Whoosh index's length column): the relevance rule's paragraph length.
    "folded_bytes": {"type": "integer"},
    # symbol, language and id in one key: groups of resolutions ordered by symbol (sort=document) or counted.
    "resolution_key": {"type": "keyword"},
}


# Characters of the archive's Chinese runs that the standard tokenizer (Lucene 9.12, older Unicode tables) drops,
# found by sending it every character fold() can give: the kana voicing marks, the katakana middle dot (・, in some
# Chinese texts between the parts of a foreign name) and ideographs added in Unicode 13 and 14. Each is replaced,
# in documents and queries alike, by a compatibility ideograph that NFKC decomposes, so that no folded text has
# it. Not covered: CJK Extension G (U+30000-U+3134F, 4,939 rare historic ideographs): a query holding one finds
# nothing on OpenSearch.
UNSEEN_CJK = (0x3099, 0x309A, 0x30FB, *range(0x4DB6, 0x4DC0), *range(0x9FF0, 0xA000), *range(0x2A6D7, 0x2A6E0), *range(0x2B735, 0x2B739))
_STAND_INS = dict(zip(UNSEEN_CJK, (chr(c) for c in range(0xF900, 0xFB00) if unicodedata.normalize("NFKC", chr(c)) != chr(c))))


def index_fold(text: str) -> str:
    """`analysis.fold`, then the characters OpenSearch's tokenizer would drop replaced by ones it sees (UNSEEN_CJK)."""
    return fold(text).translate(_STAND_INS)


def index_form(text: str) -> str:
    """What the `text` field is sent: the folded runs, separated by spaces, each Chinese run followed by RUN_END."""
    parts: list[str] = []
    for run in runs(index_fold(text)):
        parts.append(run.text)
        if run.cjk:
            parts.append(RUN_END)
    return " ".join(parts)


def resolution_key(symbol: str, language: str, resolution_id: int) -> str:
    return f"{symbol}\u0001{language}\u0001{resolution_id:012d}"


def key_resolution_id(key: str) -> int:
    return int(key.rsplit("\u0001", 1)[1])


class ArchiveOpenSearchBackend(Elasticsearch7SearchBackend):
    """The archive's index on OpenSearch: its own settings and mapping, routing by resolution, an alias.

    Connection options: URL (a node's URL or a list of them), INDEX_NAME (the alias), TIMEOUT, SHARDS, REPLICAS
    (auto_expand_replicas, default 0-1), REFRESH_INTERVAL (default -1: the writer refreshes), KWARGS (passed to
    elasticsearch.Elasticsearch). SILENTLY_FAIL is always off.
    """

    def __init__(self, connection_alias, **connection_options):
        for required in ("URL", "INDEX_NAME"):
            if required not in connection_options:
                raise ImproperlyConfigured(f"The OpenSearch connection '{connection_alias}' needs {required}.")
        # A node that does not answer is marked dead for a while and the request goes to the next one.
        kwargs = {"max_retries": 2, "retry_on_timeout": True, **connection_options.get("KWARGS", {})}
        connection_options = {**connection_options, "SILENTLY_FAIL": False, "KWARGS": kwargs}
        super().__init__(connection_alias, **connection_options)  # haystack makes self.conn, the client
        self.silently_fail = False
        self.shards = int(connection_options.get("SHARDS", 1))
        self.replicas = connection_options.get("REPLICAS", "0-1")  # one copy on each of two nodes when there are two
        self.refresh_interval = connection_options.get("REFRESH_INTERVAL", "-1")

    # -- the index ----------------------------------------------------------------------------------------------

    def build_schema(self, fields):
        content_field_name = ""
        mapping = {ID: {"type": "keyword"}, DJANGO_CT: {"type": "keyword"}, DJANGO_ID: {"type": "keyword"}}
        for field in fields.values():
            if field.document:
                content_field_name = field.index_fieldname
            name = field.index_fieldname
            mapping[name] = dict(FIELD_OVERRIDES.get(name) or FIELD_MAPPINGS.get(field.field_type) or self._plain(field))
        for name, field_mapping in EXTRA_FIELDS.items():
            mapping[name] = dict(field_mapping)
        for name in EAGER_FIELDS:
            if mapping.get(name, {}).get("type") == "keyword":
                mapping[name]["eager_global_ordinals"] = True
        return content_field_name, mapping

    def _plain(self, field) -> dict:
        """A field of another type (a later addition to search_indexes.py): haystack's ES7 mapping, as keyword if text."""
        return dict(PLAIN_MAPPINGS.get(field.field_type, {"type": "keyword"}))

    def index_body(self, *, building: bool = False) -> dict:
        """Settings and mapping of a new index (while `building`: no replica, no refresh, for the bulk load)."""
        from haystack import connections

        unified_index = connections[self.connection_alias].get_unified_index()
        self.content_field_name, properties = self.build_schema(unified_index.all_searchfields())
        settings = {
            "number_of_shards": self.shards,
            "refresh_interval": "-1" if building else self.refresh_interval,
            # Deep pages of a frequent word: from + size may pass the default 10,000.
            "max_result_window": 2_000_000,
            "analysis": ANALYSIS,
            "similarity": SIMILARITY,
        }
        if building:
            settings["number_of_replicas"] = 0
        else:
            settings["auto_expand_replicas"] = self.replicas
        return {
            "settings": {"index": settings},
            "mappings": {"dynamic": "strict", "_routing": {"required": True}, "properties": properties},
        }

    def setup(self):
        """Create the index (a dated index behind the alias INDEX_NAME) unless the alias or an index has that name."""
        if not self.conn.indices.exists(index=self.index_name):
            concrete = self.new_index_name()
            self.conn.indices.create(index=concrete, body=self.index_body())
            self.conn.indices.put_alias(index=concrete, name=self.index_name)
        else:
            from haystack import connections

            unified_index = connections[self.connection_alias].get_unified_index()
            self.content_field_name, properties = self.build_schema(unified_index.all_searchfields())
            self.add_missing_fields(properties)
        self.setup_complete = True

    def add_missing_fields(self, properties: dict) -> list[str]:
        """Add to the live index the fields of `properties` its mapping lacks (an index built before a field was
        added, as `instrument` was); returns their names. The mapping is strict: without this, every reindexed
        document would be refused until a rebuild. The documents already there get the field when reindexed
        (check_search_index --repair sees them differ)."""
        mappings = self.conn.indices.get_mapping(index=self.index_name)
        missing: set[str] = set()
        for index_mapping in mappings.values():
            held = index_mapping.get("mappings", {}).get("properties", {})
            missing |= {name for name in properties if name not in held}
        if missing:
            self.conn.indices.put_mapping(index=self.index_name, body={"properties": {name: properties[name] for name in sorted(missing)}})
        return sorted(missing)

    def new_index_name(self) -> str:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%S%f")
        return f"{self.index_name}-{stamp}"

    def live_indices(self) -> list[str]:
        """The concrete indices behind the alias (normally one)."""
        try:
            return sorted(self.conn.indices.get_alias(name=self.index_name))
        except elasticsearch.NotFoundError:
            return []

    # -- documents ----------------------------------------------------------------------------------------------

    def document(self, index, paragraph) -> dict:
        """The index document of one paragraph (select_related resolution)."""
        prepared = index.full_prepare(paragraph)
        prepared.pop("boost", None)
        doc = {}
        for name, value in prepared.items():
            field = index.fields.get(name)
            field_type = field.field_type if field is not None else None
            if field_type == "bigram_text":
                doc["folded_bytes"] = len(fold(value or "").encode("utf-8"))
                value = index_form(value or "")
            elif field_type == "english_text":
                value = " ".join(english_stems(value)) if value else ""
            elif name == "resolution_id":
                value = int(value)
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            doc[name] = value
        doc["resolution_key"] = resolution_key(doc["symbol"], doc["language"], doc["resolution_id"])
        return doc

    def actions(self, index, paragraphs: Iterable, *, target: str | None = None) -> Iterable[dict]:
        for paragraph in paragraphs:
            doc = self.document(index, paragraph)
            yield {"_op_type": "index", "_index": target or self.index_name, "_id": doc[ID], "_routing": str(doc["resolution_id"]), "_source": doc}

    def update(self, index, iterable, commit=True):
        """haystack's update path (update_index), routed like the archive's own writer."""
        if not self.setup_complete:
            self.setup()
        bulk(self.conn, self.actions(index, iterable), chunk_size=1000, max_retries=3)
        if commit:
            self.conn.indices.refresh(index=self.index_name)

    def remove(self, obj_or_string, commit=True):
        """Delete one document wherever it was routed (haystack's remove knows only its id)."""
        if not self.setup_complete:
            self.setup()
        body = {"query": {"ids": {"values": [get_identifier(obj_or_string)]}}, "_source": False}
        for hit in self.conn.search(index=self.index_name, body=body)["hits"]["hits"]:
            self.conn.delete(index=hit["_index"], id=hit["_id"], routing=hit["_routing"])
        if commit:
            self.conn.indices.refresh(index=self.index_name)

    def clear(self, models=None, commit=True):
        """Delete every document (the index and its alias stay, with their mapping)."""
        if not self.conn.indices.exists(index=self.index_name):
            return
        hits = scan(self.conn, query={"query": {"match_all": {}}, "_source": False}, index=self.index_name, size=5000)
        bulk(self.conn, ({"_op_type": "delete", "_index": h["_index"], "_id": h["_id"], "_routing": h["_routing"]} for h in hits), chunk_size=1000)
        if commit:
            self.conn.indices.refresh(index=self.index_name)

    def search(self, query_string, **kwargs):
        """haystack's SearchQuerySet path: the archive searches through resolutions.search.opensearch_engine."""
        raise NotImplementedError("search the archive through resolutions.search.service (OpenSearchEngine)")

    def scan_documents(self, fields: list[str]) -> Iterable[dict]:
        """Every document's `fields` (from doc values), in index order."""
        body = {"query": {"match_all": {}}, "_source": False, "docvalue_fields": fields, "sort": ["_doc"]}
        for hit in scan(self.conn, query=body, index=self.index_name, size=5000, preserve_order=True, request_timeout=120):
            # One value a field, but a list for a field of several (instrument), in doc-value order (sorted).
            values = {name: values[0] if len(values) == 1 and name not in LIST_FIELDS else values for name, values in hit.get("fields", {}).items()}
            yield values | {"_id": hit["_id"], "_routing": hit.get("_routing")}


class ArchiveOpenSearchEngine(BaseEngine):
    backend = ArchiveOpenSearchBackend
    query = BaseSearchQuery
