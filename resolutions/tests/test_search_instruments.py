"""Search by instrument and by article (issue 13), on both engines (fixture `search_engine`), on the real texts:
the Universal Declaration in Chinese (the official PDF) and English, 67/161 (Chinese, citing the Convention
against Torture), 78/171, 79/175 (citing the Declaration's article 12) and 79/243 (the Convention against
Cybercrime in its annex)."""
from __future__ import annotations

from pathlib import Path

import pytest

from resolutions.models import ArticleCitation, Paragraph
from resolutions.search.engine import Filters, SearchRequest
from resolutions.search.query import parse_query
from resolutions.tests.search_fixtures import DATA, ingest_file, search_engine, search_index, search_index_dir  # noqa: F401
from resolutions.tests.search_reference import brute_force, documents, facet_counts
from resolutions.tests.test_search_exactness import differences

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent.parent.parent / "sample_data"
TEXTS = (SAMPLES / "A_RES_217_A_III.pdf", SAMPLES / "A_RES_217_A_III_en.xml", DATA / "A_RES_67_161.txt",
         DATA / "A_RES_78_171.txt", DATA / "A_RES_79_175.txt", DATA / "A_RES_79_243.txt")


@pytest.fixture
def archive(search_engine):
    for path in TEXTS:
        ingest_file(path)
    return search_engine


def places(engine, query: str, filters: Filters = Filters()) -> list[tuple[str, str, str]]:
    result = engine.search(SearchRequest(parse_query(query), filters, sort="document", limit=1000))
    found = Paragraph.objects.select_related("resolution").in_bulk([hit.paragraph_id for hit in result.hits])
    return [(found[h.paragraph_id].resolution.symbol, found[h.paragraph_id].resolution.language, found[h.paragraph_id].eid) for h in result.hits]


def instrument_counts(engine, query: str, filters: Filters = Filters()) -> dict[str, int]:
    return dict(engine.search(SearchRequest(parse_query(query), filters, limit=0)).facets["instrument"])


def test_paragraphs_citing_the_convention_against_torture(archive):
    # 67/161 names it by its title, as 《公约》 after that, and by article (第 1 条, 第 19 条, 第 21 和 22 条).
    assert places(archive, "缔约国", Filters(instrument=("cat",))) == [
        ("A/RES/67/161", "zh", "op20"), ("A/RES/67/161", "zh", "op27"), ("A/RES/67/161", "zh", "op28"),
    ]
    texts = [Paragraph.objects.get(resolution__symbol="A/RES/67/161", eid=eid).text for eid in ("pp4", "pp5", "pp7")]
    assert places(archive, "酷刑定义 OR 生效", Filters(instrument=("cat",))) == [("A/RES/67/161", "zh", "pp4"), ("A/RES/67/161", "zh", "pp5"), ("A/RES/67/161", "zh", "pp7")]
    assert "《公约》第 1 条所载的酷刑定义" in texts[1] and "生效 25周年" in texts[2]
    # Its counts beside the other instruments 67/161's paragraphs on torture name (pp4, pp5, pp7, op20 hold 酷刑).
    filters = Filters(language=("zh",), symbol="A/RES/67/161")
    assert instrument_counts(archive, "酷刑", filters) == {"cat": 4, "ced": 1, "crpd": 1, "opcat": 1} == facet_counts("酷刑", filters)["instrument"]


def test_the_declaration_s_article_12_cited_by_79_175_and_the_declaration_itself(archive):
    privacy = places(archive, "privacy", Filters(instrument=("udhr",)))
    # 79/175 cites article 12 in pp9 and op1; the Declaration's own article 12 is inside the instrument.
    assert privacy == [("A/RES/217(III)", "en", "art_12/para_1"), ("A/RES/79/175", "en", "pp9"), ("A/RES/79/175", "en", "op1")]
    assert {c.paragraph.eid for c in ArticleCitation.objects.filter(instrument="udhr", article=12).select_related("paragraph")} == {"pp9", "op1"}
    # OR within the facet, AND with another: udhr or cat, and Chinese.
    chinese = places(archive, "人权", Filters(instrument=("udhr", "cat"), language=("zh",)))
    assert ("A/RES/217(III)", "zh", "pp2") in chinese and not [p for p in chinese if p[0] not in ("A/RES/217(III)", "A/RES/67/161")]
    assert len(chinese) == len(brute_force("人权", Filters(instrument=("udhr", "cat"), language=("zh",))))


def test_instrument_counts_are_disjunctive_and_named_in_both_languages(archive, client):
    counts = instrument_counts(archive, "human rights", Filters(instrument=("udhr",)))
    # Choosing the Declaration leaves the other instruments' counts as they were (each counted without its own choice).
    assert counts == instrument_counts(archive, "human rights")
    assert counts["udhr"] == len(brute_force("human rights", Filters(instrument=("udhr",))))
    assert counts["iccpr"] == len(brute_force("human rights", Filters(instrument=("iccpr",)))) > 0
    page = client.get("/search/", {"q": "酷刑", "instrument": "cat"}).content.decode()
    assert "《禁止酷刑公约》 Convention against Torture" in page
    assert "《公民及政治权利国际公约》 International Covenant on Civil and Political Rights" not in page  # none on torture
    page = client.get("/search/", {"q": "human rights", "instrument": ["udhr", "nonsense"]}).content.decode()
    assert "文书：《世界人权宣言》 Universal Declaration of Human Rights" in page and "文书：nonsense" not in page  # dropped


def test_instrument_filters_and_counts_match_the_scan_on_every_engine(archive):
    cases = [
        (query, filters)
        for query in ("人权", "human rights", "Convention", "article", "酷刑", "privacy")
        for filters in (Filters(), Filters(instrument=("udhr",)), Filters(instrument=("cybercrime", "charter")),
                        Filters(instrument=("iccpr",), kind=("preambular",)), Filters(instrument=("cat",), symbol="A/RES/67/161"))
    ]
    assert differences(archive, cases) == []
    assert facet_counts("Convention", Filters(), scanned=documents())["instrument"]["cybercrime"] == 205


@pytest.mark.parametrize("query", ["article 19", '"article 19"', "第 19 条", "第19条", "第十九条"])
def test_article_19_inside_the_declaration_is_found_by_its_number(archive, query):
    found = places(archive, query, Filters(symbol="A/RES/217(III)"))
    language = "en" if "article" in query else "zh"
    assert found == [("A/RES/217(III)", language, "art_19/para_1")]
    assert places(archive, query, Filters(instrument=("udhr",), kind=("article",))) == found


def test_an_article_of_the_convention_is_found_by_its_number_and_title(archive):
    # 79/243's article 5: "Article 5" with the title "Protection of sovereignty", two numbered paragraphs.
    found = places(archive, '"protection of sovereignty"', Filters(instrument=("cybercrime",)))
    assert found == [("A/RES/79/243", "en", "annex_1/art_5/para_1"), ("A/RES/79/243", "en", "annex_1/art_5/para_2")]
    # "article 5": the article, and article 22 (2), whose words cite it.
    assert places(archive, '"article 5"', Filters(symbol="A/RES/79/243", kind=("article",))) == [*found, ("A/RES/79/243", "en", "annex_1/art_22/para_2")]
    assert "article 5" in Paragraph.objects.get(resolution__symbol="A/RES/79/243", eid="annex_1/art_22/para_2").text


def test_a_hit_in_an_instrument_is_named_with_it_and_leads_to_the_article(archive, client):
    page = client.get("/search/", {"q": "article 19", "symbol": "A/RES/217(III)"}).content.decode()
    assert '<a class="permalink" href="/A/RES/217(III)/en/art_19">Universal Declaration of Human Rights, article 19</a>' in page
    page = client.get("/search/", {"q": "第 19 条", "instrument": "udhr"}).content.decode()
    assert '<a class="permalink" href="/A/RES/217(III)/zh/art_19">《世界人权宣言》第十九条</a>' in page
    assert client.get("/A/RES/217(III)/zh/art_19").status_code == 200
    # A numbered paragraph of an article keeps its own link; an ordinary paragraph its usual name.
    page = client.get("/search/", {"q": '"shall entitle a State Party to undertake in the territory"'}).content.decode()
    assert ('<a class="permalink" href="/A/RES/79/243/en/annex_1/art_5/para_2">article 5 (2) of the United Nations '
            "Convention against Cybercrime</a>") not in page
    assert '<a class="permalink" href="/A/RES/79/243/en/annex_1/art_5/para_2">United Nations Convention against Cybercrime, article 5 (2)</a>' in page
    page = client.get("/search/", {"q": '"Reaffirms the right to privacy"', "symbol": "A/RES/79/175"}).content.decode()
    assert '<a class="permalink" href="/A/RES/79/175/en/op1">operative paragraph 1</a>' in page


def test_citations_carry_the_instrument_before_it_is_held_and_after(search_engine):
    # 79/175 comes first: its citations of the Declaration wait for it (no target) and already give the facet.
    ingest_file(DATA / "A_RES_79_175.txt")
    before = places(search_engine, "privacy", Filters(instrument=("udhr",)))
    assert before == [("A/RES/79/175", "en", "pp9"), ("A/RES/79/175", "en", "op1")]
    assert not ArticleCitation.objects.filter(instrument="udhr", article=12).exclude(target=None).exists()
    ingest_file(SAMPLES / "A_RES_217_A_III_en.xml")  # links them
    linked = ArticleCitation.objects.filter(instrument="udhr", article=12).select_related("target")
    assert {c.target.eid for c in linked} == {"art_12"}
    from resolutions.search.service import compare_index

    assert not compare_index()[0]
    assert places(search_engine, "privacy", Filters(instrument=("udhr",))) == [("A/RES/217(III)", "en", "art_12/para_1"), *before]


def test_an_index_built_before_the_instrument_field_is_repaired_by_check_search_index(search_engine, monkeypatch):
    from resolutions.search import indexing
    from resolutions.search_indexes import ParagraphIndex

    with monkeypatch.context() as patched:  # documents as an index built before issue 13's fields holds them
        patched.setattr(ParagraphIndex, "prepare_instrument", lambda self, paragraph: [])
        patched.setattr(ParagraphIndex, "prepare_text", lambda self, paragraph: paragraph.text)
        patched.setattr(ParagraphIndex, "prepare_text_en", lambda self, paragraph: paragraph.text if paragraph.resolution.language == "en" else "")
        patched.setattr(ParagraphIndex, "prepare_text_hash", lambda self, paragraph: __import__("resolutions.search_indexes").search_indexes.text_hash(paragraph.text))
        for path in (DATA / "A_RES_79_175.txt", SAMPLES / "A_RES_217_A_III_en.xml"):
            ingest_file(path)
        assert places(search_engine, "privacy", Filters(instrument=("udhr",))) == []
    difference, resolutions = indexing.compare_index()
    changed = {p.eid for p in Paragraph.objects.filter(pk__in=difference.changed, resolution__symbol="A/RES/79/175")}
    assert {"pp1", "pp9", "op1"} <= changed and "op2" not in changed
    assert len(resolutions) == 2 and not difference.missing and not difference.stale
    indexing.repair_index()
    assert not indexing.compare_index()[0]
    assert places(search_engine, "privacy", Filters(instrument=("udhr",))) == [
        ("A/RES/217(III)", "en", "art_12/para_1"), ("A/RES/79/175", "en", "pp9"), ("A/RES/79/175", "en", "op1"),
    ]
    assert places(search_engine, "article 19", Filters(symbol="A/RES/217(III)")) == [("A/RES/217(III)", "en", "art_19/para_1")]
