"""The clause-opener vocabulary (resolutions/data/openers.toml, read by resolutions.openers) and the facet it feeds.

Done when (issue 15): over the English corpus the opener facet has no value outside the vocabulary and puts
Recalling and Recalls together; Chinese too; both engines.
"""
from __future__ import annotations

import re
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from resolutions import openers
from resolutions.models import Paragraph
from resolutions.parsing import parse_resolution
from resolutions.search.engine import Filters, SearchRequest
from resolutions.search.query import parse_query
from resolutions.tests.search_reference import brute_force
from resolutions.tests.search_fixtures import DATA, SEED_TEXTS, ingest_file, search_engine, search_index, search_index_dir  # noqa: F401

ENGLISH_CORPUS = Path(__file__).parent / "corpus" / "en"


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("Recalling its resolution 76/130 of 16 December 2021", "en", "recalls"),
        ("Recalling also the Universal Declaration of Human Rights", "en", "recalls"),
        ("Also recalls its resolution 77/201", "en", "recalls"),
        ("3. Calls upon all States to take effective measures", "en", "calls upon"),
        ("Calls once again upon all States", "en", "calls upon"),
        ("Calling on States to ratify", "en", "calls upon"),
        ("Noting also with concern that many persons", "en", "notes with concern"),
        ("Noting with deep concern the persistence", "en", "notes with deep concern"),
        ("Noting the report of the Secretary-General", "en", "notes"),
        ("Expresses its deep concern at the continued", "en", "expresses deep concern"),
        ("Expressing deep concern about", "en", "expresses deep concern"),
        ("Expresses concern at", "en", "expresses concern"),
        ("Deeply concerned that women", "en", "deeply concerned"),
        ("Concerned also by", "en", "concerned"),
        ("Strongly condemns all forms of torture", "en", "condemns"),
        ("Further strongly encourages States", "en", "encourages"),
        ("Urges Member States to continue", "en", "urges"),
        ("Bearing in mind that", "en", "bearing in mind"),
        ("Takes note with appreciation of the report", "en", "notes with appreciation"),
        ("Welcomes, in this regard, the work", "en", "welcomes"),
        ("Also decides to continue its consideration of the question", "en", "decides"),
        ("Recalling further", "en", "recalls"),
        ("(a) To ensure that every child", "en", openers.OTHER),
        ("The right to education is", "en", openers.OTHER),
        ("Article 5", "en", openers.OTHER),
        ("", "en", openers.OTHER),
        ("决定继续审议这一问题。", "zh", "决定"),
        ("又请秘书长向大会第六十八届会议提交报告，", "zh", "请"),
        ("强烈谴责任何形式的酷刑，", "zh", "谴责"),
        ("吁请所有国家全面执行绝对禁止酷刑的规定，", "zh", "吁请"),
        ("深为关切地注意到……", "zh", "深为关切地注意到"),
        ("关切地注意到许多国家", "zh", "关切地注意到"),
        ("深感震惊地注意到", "zh", "深感震惊"),
        ("还回顾禁止酷刑是强制性国际法准则，", "zh", "回顾"),
        ("重申不得对任何人实施酷刑，", "zh", "重申"),
        ("再次重申", "zh", "重申"),
        ("满意地注意到已有国家批准公约，", "zh", "满意地注意到"),
        ("注意到", "zh", "注意到"),
        ("进一步请求", "zh", "请求"),
        ("又籲請所有國家", "zh", "吁请"),  # traditional script, as the index folds it
        ("在这方面回顾《有效调查和记录酷刑》", "zh", "回顾"),
        ("5. 敦促各国", "zh", "敦促"),
        ("特别报告员的任务", "zh", openers.OTHER),  # 特别 is an adverb only before an opener
        ("第1条", "zh", openers.OTHER),
        ("Recalling", "fr", openers.OTHER),
    ],
)
def test_the_longest_opener_of_the_vocabulary_wins_after_connectives_and_adverbs(text, language, value):
    assert openers.opener(text, language) == value


def test_the_vocabulary_maps_across_languages_where_usage_is_fixed():
    for chinese, english in (("敦促", "urges"), ("吁请", "calls upon"), ("鼓励", "encourages"), ("重申", "reaffirms"), ("回顾", "recalls"), ("决定", "decides")):
        assert openers.counterpart(chinese) == english
        assert openers.counterpart(english) == chinese
    assert openers.label("敦促") == "敦促 urges"
    assert openers.label("calls upon") == "calls upon 吁请"
    assert openers.label(openers.OTHER) == "其他 other"
    assert openers.label("mindful") == "mindful"  # no fixed translation: none invented


@pytest.mark.parametrize(
    ("text", "language", "verb"),
    [
        ("Also strongly urges Member States to", "en", "strongly urges"),
        ("Strongly condemns all forms of torture", "en", "strongly condemns"),
        ("Deeply regrets the loss", "en", "regrets"),  # only an intensifier of the vocabulary is kept
        ("又强烈谴责任何形式的酷刑", "zh", "强烈谴责"),
        ("大力鼓励各国", "zh", "大力鼓励"),
        ("又请秘书长", "zh", "请"),
        ("特别报告员的任务", "zh", ""),
    ],
)
def test_the_opening_keeps_the_intensifier_the_facet_leaves_out(text, language, verb):
    assert openers.opening(text, language).verb == verb


def test_strength_scales_name_openers_of_the_vocabulary():
    assert openers.strength("strongly urges", "en") == {"urging": 5}
    assert openers.strength("请", "zh") == {"urging": 0, "asking": 1}  # 请 both invites and requests
    assert openers.strength("notes", "en") == openers.strength("takes note of", "en") == {"approval": 0}
    assert openers.strength("recalls", "en") == {}


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[en."urges"]\nforms = ["urges"]\n[en."presses"]\nforms = ["urges"]\n', "'urges' is claimed by 'urges' and 'presses'"),
        ('[zh."敦促"]\nen = "urges"\n', "names 'urges', which is no en opener"),
        ('[en."other"]\nforms = ["other"]\n', "not an opener"),
        # a strength scale names openers of the vocabulary, step for step in both languages
        ('[en."urges"]\nforms = ["urges"]\n[scales.urging]\nen = [["urges"], ["presses"]]\nzh = [[], []]\n',
         "scale 'urging' names 'presses', which is no en opener"),
        ('[en."urges"]\nforms = ["urges"]\n[scales.urging]\nen = [["urges"]]\nzh = []\n', "not as many steps"),
        ('[intensifiers]\nzh = ["非常"]\n', "no adverbs the openers leave out"),  # it would never be seen
    ],
    ids=["form-claimed-twice", "dangling-translation", "other-as-opener", "scale-outside", "scale-uneven", "loose-intensifier"],
)
def test_a_vocabulary_that_contradicts_itself_is_refused(tmp_path, toml, message):
    path = tmp_path / "openers.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        openers.load(path)


def corpus_paragraphs():
    for path in sorted(ENGLISH_CORPUS.glob("*.txt")):
        yield from parse_resolution(path.read_text(encoding="utf-8"), source_name=path.name).paragraphs


def test_over_the_english_corpus_every_value_is_in_the_vocabulary_and_recalling_recalls_are_one():
    values = Counter()
    recall_openings = Counter()
    unknown_numbered = []
    known = set(openers.vocabulary().openers["en"])
    for paragraph in corpus_paragraphs():
        value = openers.opener(paragraph.text, "en")
        values[value] += 1
        first = re.match(r"(?:\W*(?:also|further)\s+)?(\w+)", paragraph.text, re.IGNORECASE)
        if first and first.group(1).lower() in ("recalling", "recalls"):
            recall_openings[first.group(1).lower()] += 1
            assert value == "recalls", paragraph.text[:60]
        if value == openers.OTHER and paragraph.kind in ("preambular", "operative") and not paragraph.item and re.match(r"[A-Z][a-z]+ing\b|[A-Z][a-z]+s\b", paragraph.text):
            unknown_numbered.append(paragraph.text[:40])
    assert set(values) - {openers.OTHER} <= known
    for stray in ("the", "to", "a", "in", "also", "recalling", "noting"):
        assert stray not in values
    # Both forms occur in the corpus, and both count under one value.
    assert recall_openings["recalling"] > 100 and recall_openings["recalls"] > 20
    assert values["recalls"] >= recall_openings["recalling"] + recall_openings["recalls"]
    # Every numbered paragraph that opens with a participle or a verb of the third person is known
    # (lettered items, annex paragraphs, articles and headings are "other").
    assert unknown_numbered == []
    assert values["calls upon"] > 300 and values["expresses deep concern"] > 50 and values["notes with concern"] > 30


@pytest.fixture
def archive(search_engine, db):
    for name in (*SEED_TEXTS, "A_RES_78_171.txt", "A_RES_78_190.txt"):
        ingest_file(DATA / name)  # 78/190 opens paragraphs with both Recalling and Recalls
    return search_engine


def test_the_opener_facet_holds_only_vocabulary_values_on_every_engine(archive):
    facets = archive.search(SearchRequest(parse_query("the OR 的 OR 人权"), limit=0)).facets
    values = dict(facets["verb"])
    assert values and all(openers.is_known(v) or v == openers.OTHER for v in values)
    # Recalling and Recalls (after Also, Further) are one value: choosing it gives exactly the paragraphs so opened.
    recall = re.compile(r"(?:(?:Also|Further)\s+)?(?:Recalling|Recalls)\b")
    matching = brute_force("the")
    english = Paragraph.objects.filter(resolution__language="en", pk__in=matching)
    opened = {p.pk for p in english if recall.match(p.text)}
    assert len(opened) > 10 and {p.text.split()[0] for p in english if p.pk in opened} >= {"Recalling", "Recalls"}
    chosen = archive.search(SearchRequest(parse_query("the"), Filters(verb=("recalls",)), limit=1000))
    assert {h.paragraph_id for h in chosen.hits} == opened
    chinese = dict(archive.search(SearchRequest(parse_query("的"), Filters(language=("zh",)), limit=0)).facets["verb"])
    assert {"吁请", "敦促", "重申"} <= set(chinese)
    assert all(openers.is_known(v) or v == openers.OTHER for v in chinese)


def test_the_facet_shows_each_opener_with_its_translation(archive, client):
    page = client.get("/search/", {"q": "的", "language": "zh"}).content.decode()
    assert "敦促 urges" in page and "吁请 calls upon" in page
    page = client.get("/search/", {"q": "States", "language": "en"}).content.decode()
    assert "calls upon 吁请" in page


def test_curators_get_the_list_of_paragraphs_outside_the_vocabulary(db):
    resolution = ingest_file(ENGLISH_CORPUS / "A_RES_78_171.txt")
    ingest_file(ENGLISH_CORPUS / "A_RES_78_220.txt")  # lettered items
    paragraph = resolution.paragraphs.filter(kind="operative", item="").order_by("position").first()
    paragraph.text = "Proclaimeth unto all States that"
    paragraph.save()
    out = StringIO()
    call_command("list_unknown_openers", stdout=out)
    listed = out.getvalue()
    assert listed.startswith("1 paragraphs with an opener outside the vocabulary (1 different openings)")
    assert f"A/RES/78/171 [en] {paragraph.eid}: Proclaimeth unto all States that" in listed
    out = StringIO()
    call_command("list_unknown_openers", "--all", stdout=out)
    assert int(out.getvalue().split()[0]) > 1  # lettered items and annex paragraphs too
