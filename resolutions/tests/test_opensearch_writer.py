"""Writing to OpenSearch: replace, remove, rebuild beside the live index; failures are errors, never empty answers."""
from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid

import pytest

from resolutions.models import Paragraph
from resolutions.search.opensearch_engine import Filters, SearchRequest, SearchUnavailable, wait_for_health
from resolutions.search.query import parse_query
from resolutions.tests.opensearch_fixtures import (  # noqa: F401  (fixtures)
    archive_texts,
    brute_force,
    drop_engine,
    engine_for,
    free_port,
    opensearch_url,
    start_cluster,
    stop_cluster,
)

pytestmark = pytest.mark.django_db


def paragraphs():
    return Paragraph.objects.select_related("resolution").order_by("pk")


def ids_of(engine, query: str, **kwargs) -> set[int]:
    result = engine.search(SearchRequest(parse_query(query), limit=100_000, **kwargs))
    assert result.total == len(result.hits)
    return {hit.paragraph_id for hit in result.hits}


@pytest.fixture
def engine(opensearch_url, archive_texts):
    engine = engine_for(opensearch_url, f"archive-writer-{uuid.uuid4().hex[:10]}", alias="opensearch_writer")
    engine.rebuild(paragraphs().iterator())
    yield engine
    drop_engine(engine, alias="opensearch_writer")


def test_an_edited_paragraph_is_found_by_its_new_text_and_no_longer_by_the_old(engine):
    paragraph = paragraphs().filter(resolution__language="zh", text__contains="国家防范机制").first()
    before = ids_of(engine, "国家防范机制")
    assert paragraph.pk in before
    paragraph.text = "大会审议了鲸鱼保护区的问题。"
    engine.update([paragraph])
    assert ids_of(engine, "国家防范机制") == before - {paragraph.pk}
    assert ids_of(engine, "鲸鱼保护区") == {paragraph.pk}
    assert engine.indexed_state()[paragraph.pk][5] != Paragraph.objects.get(pk=paragraph.pk).text  # a hash, and a new one


def test_replacing_a_resolution_drops_its_paragraphs_that_are_gone_in_one_refresh(engine, archive_texts):
    resolution = archive_texts[0]
    kept = list(paragraphs().filter(resolution=resolution))[:3]
    engine.replace_resolutions([resolution.pk], kept)
    state = engine.indexed_state()
    assert sorted(pk for pk, row in state.items() if row[0] == resolution.pk) == [p.pk for p in kept]
    assert len(state) == paragraphs().count() - resolution.paragraphs.count() + 3


def test_removing_a_resolution_removes_every_document_of_it_and_nothing_else(engine, archive_texts):
    resolution = archive_texts[1]
    total_before = len(engine.indexed_state())
    engine.remove_resolution(resolution.pk)
    state = engine.indexed_state()
    assert not [pk for pk, row in state.items() if row[0] == resolution.pk]
    assert len(state) == total_before - resolution.paragraphs.count()
    result = engine.search(SearchRequest(parse_query("人权"), Filters(symbol=resolution.symbol)))
    assert result.total == 0


def test_a_rebuild_swaps_the_new_index_in_while_searches_keep_answering_in_full(engine):
    expected = len(brute_force("人权", Filters()))
    old = engine.backend.live_indices()
    seen: list[int] = []
    errors: list[Exception] = []
    done = threading.Event()

    def search_meanwhile():
        while not done.is_set():
            try:
                seen.append(engine.search(SearchRequest(parse_query("人权"), limit=0)).total)
            except Exception as error:  # noqa: BLE001 - any failure is reported below
                errors.append(error)

    thread = threading.Thread(target=search_meanwhile)
    thread.start()
    try:
        count = engine.rebuild(paragraphs().iterator())
    finally:
        done.set()
        thread.join()
    assert count == paragraphs().count()
    assert not errors
    assert len(seen) > 3 and set(seen) == {expected}
    new = engine.backend.live_indices()
    assert len(new) == 1 and new != old
    assert not engine.conn.indices.exists(index=old[0])  # the retired index is deleted


def test_clear_empties_the_index_but_keeps_it_searchable(engine):
    engine.clear()
    assert engine.indexed_state() == {}
    assert engine.search(SearchRequest(parse_query("人权"))).total == 0


def test_a_cluster_that_does_not_answer_raises_search_unavailable_never_an_empty_result(archive_texts):
    engine = engine_for(f"http://127.0.0.1:{free_port()}", "archive-nowhere", alias="opensearch_nowhere")
    try:
        with pytest.raises(SearchUnavailable):
            engine.search(SearchRequest(parse_query("人权")))
        with pytest.raises(SearchUnavailable):
            engine.indexed_state()
    finally:
        from haystack import connections

        connections.connections_info.pop("opensearch_nowhere", None)


FAILOVER_QUERIES = ["人权", "国家防范机制", "human rights", "torture OR 酷刑", '"Human Rights Council"', "tort*", "残忍、不人道"]


def test_killing_one_node_of_a_two_node_cluster_leaves_every_answer_exact_or_an_error(tmp_path, archive_texts):
    """Two nodes, one replica: SIGKILL the node that is not the cluster manager, keep searching through both URLs."""
    directory = tmp_path / "cluster"
    try:
        url, ports = start_cluster(directory, 2, cluster_name="archive-failover")
    except RuntimeError as error:
        pytest.fail(str(error))
    engine = engine_for(url, "archive-failover", alias="opensearch_failover")
    try:
        engine.rebuild(paragraphs().iterator())
        health = wait_for_health(engine.conn, "archive-failover", "green", 60)
        assert health["status"] == "green" and health["active_shards"] == 2  # a primary and its replica
        expected = {query: brute_force(query, Filters()) for query in FAILOVER_QUERIES}
        assert all(ids_of(engine, query) == expected[query] for query in FAILOVER_QUERIES)

        manager = engine.conn.transport.perform_request("GET", "/_cat/cluster_manager", params={"format": "json"})[0]["node"]
        state = json.loads((directory / "cluster.json").read_text())
        victim = next(node for node in state["nodes"] if node["name"] != manager)
        os.kill(victim["pid"], signal.SIGKILL)
        killed_at = time.monotonic()
        exact = unavailable = 0
        while time.monotonic() - killed_at < 20:
            for query in FAILOVER_QUERIES:
                try:
                    found = ids_of(engine, query)
                except SearchUnavailable:
                    unavailable += 1
                    continue
                assert found == expected[query], f"{query!r} answered wrongly after the kill"
                exact += 1
        # After the failover, every query answers, exactly, from the surviving copy.
        assert all(ids_of(engine, query) == expected[query] for query in FAILOVER_QUERIES)
        assert exact > len(FAILOVER_QUERIES) * 3
        print(f"after the kill: {exact} exact answers, {unavailable} SearchUnavailable")
    finally:
        from haystack import connections

        connections.connections_info.pop("opensearch_failover", None)
        stop_cluster(directory)


def test_characters_the_tokenizer_does_not_know_are_still_found_as_substrings(engine):
    """・ (U+30FB) and 䶶 (U+4DB6, Unicode 13) belong to the archive's Chinese runs; Lucene's tokenizer drops them."""
    paragraph = paragraphs().filter(resolution__language="zh").first()
    paragraph.text = "大会纪念马丁・路德，并审议了䶶字的问题。"
    engine.update([paragraph])
    assert ids_of(engine, "丁・路") == {paragraph.pk}
    assert ids_of(engine, "・") == {paragraph.pk}
    assert ids_of(engine, "了䶶字") == {paragraph.pk}
    assert ids_of(engine, "马丁路德") == set()  # not a substring of the text
    assert ids_of(engine, "马丁・路德*") == {paragraph.pk}


def test_an_index_created_before_the_instrument_field_gets_the_field_when_opened(opensearch_url, archive_texts):
    """A live index whose strict mapping lacks a field added since (instrument, issue 13) takes the field when the
    archive opens it, so reindexed documents are accepted and check_search_index --repair can fill it in."""
    engine = engine_for(opensearch_url, f"archive-old-{uuid.uuid4().hex[:10]}", alias="opensearch_old")
    backend = engine.backend
    body = backend.index_body()
    del body["mappings"]["properties"]["instrument"]
    old = backend.new_index_name()
    engine.conn.indices.create(index=old, body=body)
    engine.conn.indices.put_alias(index=old, name=engine.index_name)
    try:
        opened = engine_for(opensearch_url, engine.index_name, alias="opensearch_old")
        citing = list(paragraphs().filter(resolution__symbol="A/RES/67/161", eid__in=("pp4", "pp7", "op20")))
        opened.update(citing)
        mapping = engine.conn.indices.get_mapping(index=engine.index_name)[old]["mappings"]["properties"]
        assert mapping["instrument"] == {"type": "keyword", "eager_global_ordinals": True}
        assert ids_of(opened, "酷刑", filters=Filters(instrument=("cat",))) == {p.pk for p in citing}
        assert {row[6] for row in opened.indexed_state().values()} == {"cat"}
    finally:
        drop_engine(engine, alias="opensearch_old")
