"""The search engine on OpenSearch: the archive's queries as OpenSearch queries, exact as the Whoosh engine is.

How a query alternative becomes an OpenSearch query (opensearch_backend describes the indexed text):

- text with a Chinese run, or quoted: a phrase (`match_phrase` with the whitespace analyzer over tokens made
  here, `phrase_tokens`) of the run's bigrams; one character alone is its unigram; a word is itself. Between two
  runs of the query the phrase says where a Chinese run must end: its last character's unigram and RUN_END. So
  `残忍、不人道` is 残忍 忍 _e_ 不人 人道: 残忍 ending a run, then 不人道 starting the next one with nothing but
  punctuation between (a word between would take a position), as `matching.run_pattern` says;
- an unquoted Latin-script word: its stems in English texts (the `text_en` field: a term, or a phrase of stems)
  or the exact folded word in Chinese texts, as today;
- a prefix (`tort*`, `A/HRC/4*`): the last word a `prefix` query on the words (every language; after other runs
  a `span_near` ending in a `span_multi`); a Chinese run ending a prefix is the phrase itself (人权理* = 人权理).

Clauses are `must`, alternatives `should` (one at least), negated clauses `must_not`. Facet selections (body,
language, kind, verb, the year and session ranges) filter the hits in `post_filter`; each facet is counted in a
`filter` aggregation that applies every other facet's selection (disjunctive counts). Totals are exact
(`track_total_hits`); a failed or partial answer raises SearchUnavailable, never an empty result.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

import elasticsearch
from elasticsearch.helpers import BulkIndexError, parallel_bulk, scan
from haystack import connections

from ..models import Paragraph
from .analysis import Run, runs
from .opensearch_backend import FACET_SIZE, RUN_END, ArchiveOpenSearchBackend, index_fold, key_resolution_id
from .query import ParsedQuery, english_stems, is_latin, only_stop_words, quoted, single_term
from .suggest import within_one_edit


from .engine import (
    RANK_B,
    RANK_K1,
    RANK_REFERENCE_BYTES,
    VALUE_FACETS,
    EngineGroup,
    EngineHit,
    EngineResult,
    Filters,
    SearchEngine,
    SearchRequest,
    SearchUnavailable,
)

GROUP_HITS = 5
# The facets' fields; year and session are counted on integer / keyword fields and filtered by ranges.
FACET_FIELDS = {
    "body": "body", "language": "language", "kind": "kind", "verb": "verb", "change": "change", "versions": "versions",
    "instrument": "instrument", "year": "year", "session": "session",
}
# Ties broken as the Whoosh engine breaks them: newest, then symbol, language, position (unique in a resolution).
SORTS = {
    "relevance": ["_score", {"adopted": "desc"}, {"symbol": "asc"}, {"language": "asc"}, {"position": "asc"}],
    "date": [{"adopted": "desc"}, {"symbol": "asc"}, {"language": "asc"}, {"position": "asc"}],
    "document": [{"symbol": "asc"}, {"language": "asc"}, {"position": "asc"}],
}
# Groups: most matches first (relevance), newest first (date) or by symbol (document); resolution_key is
# symbol, language, id, so its order is the symbol's then the language's.
GROUP_ORDERS = {
    "relevance": [{"_count": "desc"}, {"newest": "desc"}, {"_key": "asc"}],
    "date": [{"newest": "desc"}, {"_key": "asc"}],
    "document": [{"_key": "asc"}],
}
# Resolutions with a match, counted exactly: every paragraph of a resolution is routed to the same shard, so the
# distinct resolution ids of each shard add up (a cardinality aggregation would only estimate them).
COUNT_RESOLUTIONS = {
    "scripted_metric": {
        "init_script": "state.ids = new HashSet()",
        "map_script": "state.ids.add(doc['resolution_id'].value)",
        "combine_script": "return state.ids.size()",
        "reduce_script": "long n = 0; for (s in states) { if (s != null) { n += s } } return n",
    }
}
BULK_CHUNK = 500
# engine.py's relevance rule for one clause: _score is the clause's frequency (the index's similarity counts the
# occurrences of a term; what counts once is a constant_score of 1), folded_bytes the paragraph's length.
CLAUSE_SCORE = {
    "source": (
        "double f = 1 - params.b + params.b * Math.max(1.0, doc['folded_bytes'].value / params.reference);"
        " double tf = _score; return tf == 0 ? 0 : (params.k1 + 1) * tf / (tf + params.k1 * f);"
    ),
    "params": {"k1": RANK_K1, "b": RANK_B, "reference": float(RANK_REFERENCE_BYTES)},
}
NEAR_WORDS = 100  # words one edit from a word (did-you-mean): a real word has a few dozen at most


# ---- queries ---------------------------------------------------------------------------------------------------


def phrase_tokens(parts: list[Run]) -> list[str]:
    """The tokens a phrase over the `text` field must find at consecutive positions for these runs of a query.

    A Chinese run gives its bigrams (one character: its unigram); a run followed by another also its last
    character and RUN_END, so that it must end where the text's run ends. A word gives itself.
    """
    tokens: list[str] = []
    last = len(parts) - 1
    for i, run in enumerate(parts):
        if not run.cjk:
            tokens.append(run.text)
            continue
        text = run.text
        tokens.extend([text] if len(text) == 1 else [text[j : j + 2] for j in range(len(text) - 1)])
        if i < last:
            if len(text) > 1:
                tokens.append(text[-1])
            tokens.append(RUN_END)
    return tokens


def tokens_query(field_name: str, tokens: list[str]) -> dict:
    if len(tokens) == 1:
        return {"term": {field_name: tokens[0]}}
    return {"match_phrase": {field_name: {"query": " ".join(tokens), "analyzer": "whitespace"}}}


def counted_once(query: dict) -> dict:
    """`query`, adding 1 to its clause's frequency in ranking wherever it matches (engine.py)."""
    return {"constant_score": {"filter": query, "boost": 1.0}}


def text_query(value: str) -> dict | None:
    """Paragraphs whose folded text contains `value` as the archive's runs see it (None: no run to look for);
    ranked by the occurrences of its term when it is one (query.single_term), else counted once."""
    parts = list(runs(index_fold(value)))
    if not parts:
        return None
    query = tokens_query("text", phrase_tokens(parts))
    return query if single_term(value) is not None and "term" in query else counted_once(query)


def prefix_query(value: str) -> dict | None:
    """`value*`: the runs of `value` with its last word only a beginning (tort* finds torture); a Chinese last run
    is already matched wherever the text goes on after it, so 人权理* is the phrase 人权理 (the seam's reference)."""
    parts = list(runs(index_fold(value)))
    if not parts:
        return None
    if parts[-1].cjk:
        return tokens_query("text", phrase_tokens(parts))
    if len(parts) == 1:
        return {"prefix": {"text": parts[0].text}}
    spans = [{"span_term": {"text": token}} for token in phrase_tokens(parts)[:-1]]
    spans.append({"span_multi": {"match": {"prefix": {"text": {"value": parts[-1].text}}}}})
    return _span_sequence(spans)


def _span_sequence(spans: list[dict]) -> dict:
    if len(spans) == 1:
        return spans[0]
    return {"span_near": {"clauses": spans, "slop": 0, "in_order": True}}


def alternative_query(value: str, *, exact: bool) -> dict | None:
    if value.endswith("*") and len(value) > 1:
        query = prefix_query(value[:-1])
        return counted_once(query) if query is not None else None
    if exact or not is_latin(value):
        return text_query(value)
    stems = english_stems(value)
    if not stems:  # only stop words: the exact words, in every text (no weight in ranking)
        query = text_query(value)
        return counted_once(query["constant_score"]["filter"] if "constant_score" in query else query) if query is not None else None
    chinese = text_query(value)
    english = tokens_query("text_en", stems)
    if len(stems) > 1:
        english = counted_once(english)
    should = [english] + ([{"bool": {"filter": [{"term": {"language": "zh"}}], "must": [chinese]}}] if chinese else [])
    return {"bool": {"should": should, "minimum_should_match": 1}}


def query_clauses(parsed: ParsedQuery, *, ranked: bool = True) -> dict | None:
    """The bool query of a parsed query; None when it has no positive clause (it matches nothing).

    `ranked`: each positive clause scored by engine.py's relevance rule (CLAUSE_SCORE), summed by the bool query;
    a clause of stop words only is a filter (it must match, it adds nothing).
    """
    exact = quoted(parsed)
    must: list[dict] = []
    unscored: list[dict] = []
    must_not: list[dict] = []
    for clause in parsed.clauses:
        alternatives = [q for value in clause.alternatives if (q := alternative_query(value, exact=value in exact)) is not None]
        if not alternatives:
            continue
        query = alternatives[0] if len(alternatives) == 1 else {"bool": {"should": alternatives, "minimum_should_match": 1}}
        if clause.negated:
            must_not.append(query)
        elif not ranked:
            must.append(query)
        elif all(only_stop_words(value, exact=value in exact) for value in clause.alternatives):
            unscored.append(query)
        else:
            must.append({"script_score": {"query": query, "script": CLAUSE_SCORE}})
    if not must and not unscored:
        return None
    query = {"bool": {"must": must, "must_not": must_not}}
    if unscored:
        query["bool"]["filter"] = unscored
    return query


def facet_selections(filters: Filters) -> dict[str, dict]:
    """Each facet's own selection as a filter (several values: any of them)."""
    selections: dict[str, dict] = {}
    for name in VALUE_FACETS:
        values = getattr(filters, name)
        if values:
            selections[name] = {"terms": {name: list(values)}}
    for name, field_name, low, high in (("year", "year", filters.year_from, filters.year_to), ("session", "session_number", filters.session_from, filters.session_to)):
        if low is not None or high is not None:
            bounds = {key: value for key, value in (("gte", low), ("lte", high)) if value is not None}
            selections[name] = {"range": {field_name: bounds}}
    return selections


def _all_of(filters: list[dict]) -> dict:
    return {"bool": {"filter": filters}} if filters else {"match_all": {}}


def search_body(request: SearchRequest) -> dict | None:
    """The request body for `request`; None when the query matches nothing by itself."""
    query = query_clauses(request.query, ranked=request.sort == "relevance" and not request.group_by_resolution)
    if query is None:
        return None
    if request.filters.symbol:
        query["bool"].setdefault("filter", []).append({"term": {"symbol": request.filters.symbol}})
    selections = facet_selections(request.filters)
    sort = SORTS[request.sort]
    body: dict = {"query": query, "track_total_hits": True, "_source": False, "aggs": {}}
    if selections:
        body["post_filter"] = _all_of(list(selections.values()))
    for name in request.facets:
        others = [selection for other, selection in selections.items() if other != name]
        values = {"terms": {"field": FACET_FIELDS[name], "size": FACET_SIZE}}
        # No other facet selected: count the matches themselves (a filter of match_all would test each one).
        body["aggs"][f"facet_{name}"] = {"filter": _all_of(others), "aggs": {"values": values}} if others else values
    if request.group_by_resolution:
        size = max(1, request.offset + request.limit)
        body["size"] = 0
        body["aggs"]["groups"] = {
            "filter": _all_of(list(selections.values())),
            "aggs": {
                "by_resolution": {
                    "terms": {"field": "resolution_key", "size": size, "shard_size": size, "order": GROUP_ORDERS[request.sort]},
                    "aggs": {
                        "newest": {"max": {"field": "adopted"}},
                        # A group's first paragraphs in the order of its text.
                        "first": {"top_hits": {"size": GROUP_HITS, "sort": [{"position": "asc"}], "_source": False}},
                    },
                },
                "count": COUNT_RESOLUTIONS,
            },
        }
    else:
        body["from"] = request.offset
        body["size"] = request.limit
        body["sort"] = sort
    return body


# ---- answers ---------------------------------------------------------------------------------------------------


def _hit(hit: dict, sort: str) -> EngineHit:
    return EngineHit(int(hit["_id"].rsplit(".", 1)[1]), int(hit["_routing"]), float(hit["_score"]) if sort == "relevance" and hit.get("_score") is not None else None)


def _facets(aggregations: dict, names: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    facets: dict[str, list[tuple[str, int]]] = {}
    for name in names:
        terms = aggregations[f"facet_{name}"]
        terms = terms.get("values", terms)
        if terms.get("sum_other_doc_count"):
            raise SearchUnavailable(f"facet {name} has more than {FACET_SIZE} values: its counts would be cut")
        values = [(str(bucket["key"]), bucket["doc_count"]) for bucket in terms["buckets"] if bucket["key"] not in ("", 0)]
        if name in ("year", "session"):  # newest first
            facets[name] = sorted(values, key=lambda item: (-int(item[0]) if item[0].isdigit() else 0, item[0]))
        else:
            facets[name] = sorted(values, key=lambda item: (-item[1], item[0]))
    return facets


def result_of(response: dict, request: SearchRequest) -> EngineResult:
    total = response["hits"]["total"]
    if total.get("relation", "eq") != "eq":
        raise SearchUnavailable("OpenSearch answered an estimated total")
    aggregations = response.get("aggregations", {})
    facets = _facets(aggregations, request.facets)
    if not request.group_by_resolution:
        return EngineResult(total["value"], tuple(_hit(hit, request.sort) for hit in response["hits"]["hits"]), facets)
    grouped = aggregations["groups"]
    buckets = grouped["by_resolution"]["buckets"][request.offset : request.offset + request.limit] if request.limit else []
    groups = tuple(
        EngineGroup(key_resolution_id(bucket["key"]), bucket["doc_count"], tuple(_hit(hit, "document") for hit in bucket["first"]["hits"]["hits"]))
        for bucket in buckets
    )
    return EngineResult(total["value"], (), facets, groups, int(grouped["count"]["value"]))


def empty_result(request: SearchRequest) -> EngineResult:
    return EngineResult(0, (), {name: [] for name in request.facets})


def wait_for_health(conn: elasticsearch.Elasticsearch, index: str, status: str, seconds: int, *, must: bool = True) -> dict:
    """Wait until `index` is `status` (or better); a timeout raises when `must`, else returns the health as it is.

    The health API's own `timeout` goes in the URL: the client takes a `timeout` parameter for its own.
    """
    path = f"/_cluster/health/{index}?wait_for_status={status}&timeout={seconds}s"
    params = {"request_timeout": seconds + 10, **({} if must else {"ignore": (408,)})}
    return conn.transport.perform_request("GET", path, params=params)


# ---- the engine ------------------------------------------------------------------------------------------------


class OpenSearchEngine:
    """SearchEngine (SEARCH_CONTRACT.md) on an OpenSearch cluster, through haystack's connection."""

    name = "opensearch"

    def __init__(self, backend: ArchiveOpenSearchBackend | None = None):
        self.backend = backend if backend is not None else connections["default"].get_backend()
        if not isinstance(self.backend, ArchiveOpenSearchBackend):
            raise TypeError(f"the OpenSearch engine needs ArchiveOpenSearchBackend, not {type(self.backend).__name__}")

    @property
    def conn(self) -> elasticsearch.Elasticsearch:
        return self.backend.conn

    @property
    def index_name(self) -> str:
        return self.backend.index_name

    def _search_index(self):
        return connections[self.backend.connection_alias].get_unified_index().get_index(Paragraph)

    def _ready(self) -> None:
        if not self.backend.setup_complete:
            try:
                self.backend.setup()
            except elasticsearch.ElasticsearchException as error:
                raise SearchUnavailable(f"OpenSearch: {error}") from error

    # -- reading -------------------------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> EngineResult:
        body = search_body(request)
        if body is None:
            return empty_result(request)
        self._ready()
        # One query always asks the same shard copies: pages of it come from one copy, ranked alike.
        preference = hashlib.blake2b(request.query.text.encode("utf-8"), digest_size=6).hexdigest()
        try:
            response = self.conn.search(
                index=self.index_name, body=body, params={"allow_partial_search_results": "false", "request_cache": "true", "preference": preference}
            )
        except elasticsearch.ElasticsearchException as error:
            raise SearchUnavailable(f"OpenSearch did not answer: {error}") from error
        shards = response.get("_shards", {})
        if response.get("timed_out") or shards.get("failed") or shards.get("successful") != shards.get("total"):
            raise SearchUnavailable(f"OpenSearch answered from {shards.get('successful')} of {shards.get('total')} shards")
        return result_of(response, request)

    def words_near(self, word: str) -> list[str]:
        """The indexed words (of the text field) one edit from `word` that start with its letter (did-you-mean).

        Lucene's spell checker (the term suggester: a Levenshtein automaton over the term dictionary, transpositions
        counted as one edit) with every limit opened, so that it lists what the Whoosh engine lists.
        """
        self._ready()
        suggester = {
            "field": "text", "analyzer": "whitespace", "suggest_mode": "always", "max_edits": 1, "prefix_length": 1,
            "min_word_length": 1, "accuracy": 0.0, "min_doc_freq": 0, "size": NEAR_WORDS, "shard_size": NEAR_WORDS,
            "max_inspections": NEAR_WORDS,
        }
        body = {"size": 0, "track_total_hits": False, "suggest": {"near": {"text": word, "term": suggester}}}
        try:
            response = self.conn.search(index=self.index_name, body=body, params={"allow_partial_search_results": "false"})
        except elasticsearch.ElasticsearchException as error:
            raise SearchUnavailable(f"OpenSearch did not answer: {error}") from error
        shards = response.get("_shards", {})
        if shards.get("failed") or shards.get("successful") != shards.get("total"):
            raise SearchUnavailable(f"OpenSearch answered from {shards.get('successful')} of {shards.get('total')} shards")
        options = [option["text"] for entry in response.get("suggest", {}).get("near", []) for option in entry["options"]]
        return sorted({text for text in options if within_one_edit(word, text)})

    def indexed_state(self) -> dict[int, tuple]:
        """paragraph_id -> (resolution_id, kind, position, verb, symbol, text_hash, instruments), from every document."""
        self._ready()
        state: dict[int, tuple] = {}
        fields = ["django_id", "resolution_id", "kind", "position", "verb", "symbol", "text_hash", "instrument"]
        try:
            for doc in self.backend.scan_documents(fields):
                state[int(doc["django_id"])] = (
                    int(doc["resolution_id"]), doc.get("kind", ""), int(doc.get("position", 0)), doc.get("verb", ""), doc.get("symbol", ""),
                    doc.get("text_hash", ""), ",".join(sorted(doc.get("instrument", []))),
                )
        except elasticsearch.ElasticsearchException as error:
            raise SearchUnavailable(f"OpenSearch: {error}") from error
        return state

    # -- writing (the single writer of resolutions.search calls these) --------------------------------------------

    def update(self, paragraphs: Iterable[Paragraph], *, refresh: bool = True) -> None:
        """Add or replace these paragraphs' documents (select_related resolution); visible after the refresh."""
        self._ready()
        self._bulk(self.backend.actions(self._search_index(), paragraphs))
        if refresh:
            self.refresh()

    def remove_resolution(self, resolution_id: int, *, refresh: bool = True) -> None:
        """Delete every document of one resolution (all on the shard its id routes to)."""
        self._ready()
        self._bulk(self._deletions({"term": {"resolution_id": resolution_id}}, routing=str(resolution_id)))
        if refresh:
            self.refresh()

    def replace_resolutions(self, resolution_ids: Iterable[int], paragraphs: Iterable[Paragraph]) -> None:
        """Make the index hold exactly `paragraphs` for these resolutions, in one bulk and one refresh.

        Readers see each resolution's old documents until the refresh, then its new ones: no moment without it
        (remove_resolution then update would show the deletion first if a refresh fell in between).
        """
        self._ready()
        resolution_ids = sorted(set(resolution_ids))
        paragraphs = list(paragraphs)
        keep = {f"{p._meta.label_lower}.{p.pk}" for p in paragraphs}
        stale = []
        if resolution_ids:
            query = {"terms": {"resolution_id": resolution_ids}}
            stale = [action for action in self._deletions(query, routing=",".join(map(str, resolution_ids))) if action["_id"] not in keep]
        self._bulk([*stale, *self.backend.actions(self._search_index(), paragraphs)])
        self.refresh()

    def _deletions(self, query: dict, *, routing: str | None = None) -> list[dict]:
        """Bulk delete actions for the documents matching `query` (delete-by-query needs the reindex module,
        which a cluster may lack: the ids are read, then deleted)."""
        body = {"query": query, "_source": False, "sort": ["_doc"]}
        params = {"routing": routing} if routing else {}
        hits = scan(self.conn, query=body, index=self.index_name, size=5000, preserve_order=True, **params)
        return [{"_op_type": "delete", "_index": hit["_index"], "_id": hit["_id"], "_routing": hit["_routing"]} for hit in hits]

    def refresh(self) -> None:
        self.conn.indices.refresh(index=self.index_name)

    def clear(self) -> None:
        """Delete every document; the index, its alias and mapping stay."""
        self._ready()
        self._bulk(self._deletions({"match_all": {}}))
        self.refresh()

    def rebuild(self, paragraphs: Iterable[Paragraph], *, progress=None) -> int:
        """Index `paragraphs` into a new index beside the live one, then point the alias at it in one step.

        Search answers from the old index until the swap (no empty window); a rebuild that fails deletes its
        half-built index and leaves the live one as it was.
        """
        backend = self.backend
        target = backend.new_index_name()
        self.conn.indices.create(index=target, body=backend.index_body(building=True))
        try:
            count = self._bulk(backend.actions(self._search_index(), paragraphs, target=target), progress=progress)
            # One segment, then the replicas: they copy the merged segment instead of merging on their own.
            self.conn.indices.refresh(index=target)
            self.conn.indices.forcemerge(index=target, max_num_segments=1, request_timeout=3600)
            self.conn.indices.refresh(index=target)  # readers open the merged segment (no refresh comes by itself)
            self.conn.indices.put_settings(index=target, body={"index": {"refresh_interval": backend.refresh_interval, "auto_expand_replicas": backend.replicas}})
            # Every primary started (yellow) is needed; the replicas (green) are waited for a minute at most: a
            # cluster that has lost a node would never be green, and its replicas follow after the swap.
            wait_for_health(self.conn, target, "yellow", 120)
            wait_for_health(self.conn, target, "green", 60, must=False)
            self._point_alias_at(target)
        except BaseException:
            self.conn.indices.delete(index=target, ignore=404)
            raise
        backend.setup_complete = True
        return count

    def _point_alias_at(self, target: str) -> None:
        backend = self.backend
        old = [name for name in backend.live_indices() if name != target]
        actions = [{"add": {"index": target, "alias": backend.index_name}}]
        actions += [{"remove": {"index": name, "alias": backend.index_name}} for name in old]
        if not old and self.conn.indices.exists(index=backend.index_name):  # a concrete index of that name
            actions.append({"remove_index": {"index": backend.index_name}})
        self.conn.indices.update_aliases(body={"actions": actions})
        for name in old:
            self.conn.indices.delete(index=name, ignore=404)

    def _bulk(self, actions: Iterable[dict], *, progress=None) -> int:
        count = 0
        try:
            # Documents are prepared in this thread while two threads send the previous chunks.
            for ok, item in parallel_bulk(self.conn, actions, thread_count=2, chunk_size=BULK_CHUNK, queue_size=2, request_timeout=120):
                count += 1
                if progress is not None and count % 10000 == 0:
                    progress(count)
        except BulkIndexError as error:
            raise SearchUnavailable(f"OpenSearch refused {len(error.errors)} documents: {error.errors[:3]}") from error
        return count
