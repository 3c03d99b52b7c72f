"""Series through the archive's own services, on the real texts of resolutions/tests/corpus/en.

resolutions/tests/corpus/en holds all 109 English texts of the shared corpus (78th and 79th sessions of the General
Assembly, Third Committee). Read by hand, they hold 25 series of two: the 23 pairs whose titles are the
same, and two whose title was reworded while the later text cites the earlier one (79/150 "Observance of
the thirtieth anniversary of the International Year of the Family in 2024" cites 78/176 "Preparations for
and observance of ..."; 79/174 "Freedom of religion and belief" cites 78/212 "Freedom of religion or
belief"). Nothing else may be joined: 79/160 cites 78/234 on another subject, 78/229 cites five
resolutions of its own session, 79/158 cites "Rights of the child" and "The girl child".
"""
from __future__ import annotations

from pathlib import Path

import pytest

from resolutions import series
from resolutions.models import (
    Paragraph,
    ParagraphChange,
    ParagraphLineage,
    Resolution,
    Series,
    SeriesDecision,
    SeriesMember,
)
from resolutions.services import delete_resolution, ingest_resolution, record_edit, snapshot

SERIES_DATA = Path(__file__).parent / "corpus" / "en"

# The 23 pairs of the corpus with the same title (INDEX.csv), each joined by citation when the later
# text cites the earlier, else by the title alone.
SAME_TITLE = {
    ("A/RES/78/174", "A/RES/79/146"): "citation",
    ("A/RES/78/177", "A/RES/79/147"): "citation",
    ("A/RES/78/184", "A/RES/79/156"): "title",  # "its previous annual resolutions", no number
    ("A/RES/78/186", "A/RES/79/157"): "citation",
    ("A/RES/78/189", "A/RES/79/159"): "citation",
    ("A/RES/78/190", "A/RES/79/160"): "citation",
    ("A/RES/78/191", "A/RES/79/162"): "citation",
    ("A/RES/78/192", "A/RES/79/163"): "title",  # cites 77/208 (2022), not 78/192
    ("A/RES/78/193", "A/RES/79/164"): "citation",
    ("A/RES/78/196", "A/RES/79/168"): "citation",
    ("A/RES/78/198", "A/RES/79/171"): "title",  # "previous resolutions ... on the right to food"
    ("A/RES/78/199", "A/RES/79/166"): "citation",
    ("A/RES/78/202", "A/RES/79/167"): "citation",
    ("A/RES/78/203", "A/RES/79/170"): "citation",
    ("A/RES/78/214", "A/RES/79/180"): "citation",
    ("A/RES/78/218", "A/RES/79/181"): "citation",
    ("A/RES/78/219", "A/RES/79/182"): "citation",
    ("A/RES/78/220", "A/RES/79/183"): "citation",
    ("A/RES/78/221", "A/RES/79/184"): "citation",
    ("A/RES/78/222", "A/RES/79/185"): "title",  # cites Security Council and other resolutions only
    ("A/RES/78/223", "A/RES/79/186"): "citation",
    ("A/RES/78/224", "A/RES/79/187"): "citation",
    ("A/RES/78/234", "A/RES/79/161"): "citation",
}
REWORDED_TITLE = {
    ("A/RES/78/176", "A/RES/79/150"): "citation",
    ("A/RES/78/212", "A/RES/79/174"): "citation",
}


def ingest(name: str, source: bytes | None = None):
    path = SERIES_DATA / name
    return ingest_resolution(source=path.read_bytes() if source is None else source, filename=name).resolution


def joined() -> dict[tuple[str, str], str]:
    return {(m.previous_symbol, m.symbol): m.link for m in SeriesMember.objects.exclude(previous_symbol="")}


def lineage_of(resolution: Resolution) -> dict[str, tuple[str | None, str | None, str]]:
    """{eid: (eid of its match in the previous member, 'symbol eid' of its first appearance, change)}"""
    rows = ParagraphLineage.objects.filter(paragraph__resolution=resolution).select_related(
        "paragraph", "previous", "first__resolution"
    )
    return {
        row.paragraph.eid: (
            row.previous.eid if row.previous else None,
            f"{row.first.resolution.symbol} {row.first.eid}" if row.first else None,
            row.change,
        )
        for row in rows
    }


@pytest.mark.slow
def test_every_series_of_the_corpus_is_found_and_nothing_else_is_joined(db):
    files = sorted(SERIES_DATA.glob("*.txt"))
    assert len(files) == 109
    for path in files:
        ingest(path.name)
    assert joined() == {**SAME_TITLE, **REWORDED_TITLE}
    assert Series.objects.count() == 25
    assert sorted(SeriesMember.objects.values_list("position", flat=True)) == [1] * 25 + [2] * 25
    right_to_food = SeriesMember.objects.get(symbol="A/RES/79/171").series
    assert right_to_food.title == "The right to food"
    assert list(right_to_food.members.values_list("symbol", flat=True)) == ["A/RES/78/198", "A/RES/79/171"]


def test_a_series_is_found_whichever_text_arrives_first_and_reingest_duplicates_nothing(db):
    later = ingest("A_RES_79_171.txt")
    assert SeriesMember.objects.count() == 0 and series.neighbours(later) == (None, None)
    earlier = ingest("A_RES_78_198.txt")
    assert joined() == {("A/RES/78/198", "A/RES/79/171"): "title"}
    assert series.neighbours(later) == (earlier, None)
    assert series.neighbours(earlier) == (None, later)
    series_id = SeriesMember.objects.get(symbol="A/RES/79/171").series_id

    ingest("A_RES_79_171.txt")  # the same text again
    source = (SERIES_DATA / "A_RES_78_198.txt").read_bytes().replace(b"Reaffirming also", b"Reaffirming further", 1)
    ingest("A_RES_78_198.txt", source)  # a corrected text replaces it in place
    assert Series.objects.count() == 1 and SeriesMember.objects.count() == 2
    assert SeriesMember.objects.get(symbol="A/RES/79/171").series_id == series_id


def test_a_citation_of_an_unrelated_resolution_joins_nothing(db):
    # 79/160 (Nazism) cites 78/234 (Durban); 78/229 cites 78/223 to 78/227, all of its own session.
    for name in ("A_RES_78_234.txt", "A_RES_79_160.txt", "A_RES_78_223.txt", "A_RES_78_229.txt"):
        ingest(name)
    assert joined() == {}
    ingest("A_RES_79_161.txt")  # Durban, 2024: the real successor of 78/234
    assert joined() == {("A/RES/78/234", "A/RES/79/161"): "citation"}


def test_each_paragraph_knows_its_match_in_the_previous_text_and_what_is_new_this_year(db):
    earlier = ingest("A_RES_78_224.txt")
    later = ingest("A_RES_79_187.txt")
    lineage = lineage_of(later)
    new_this_year = sorted(eid for eid, (_, _, change) in lineage.items() if change == ParagraphChange.NEW)
    assert new_this_year == ["op1", "op2", "pp6", "pp7", "pp9"]
    assert lineage["pp8"] == ("pp6", "A/RES/78/224 pp6", "changed")
    assert lineage["op3"] == ("op10", "A/RES/78/224 op10", "unchanged")
    assert lineage["pp6"] == (None, "A/RES/79/187 pp6", "new")
    # The first text of a series: nothing to compare with, so not "new" either.
    assert set(lineage_of(earlier).values()) >= {(None, "A/RES/78/224 pp1", "")}
    assert ParagraphLineage.objects.get(paragraph__resolution=earlier, paragraph__eid="pp1").is_new_in_series is None
    assert ParagraphLineage.objects.get(paragraph__resolution=later, paragraph__eid="pp6").is_new_in_series is True
    assert ParagraphLineage.objects.get(paragraph__resolution=later, paragraph__eid="pp2").is_new_in_series is False
    member = SeriesMember.objects.get(symbol="A/RES/79/187")
    assert {k: member.changes["en"][k] for k in ("previous", "new", "dropped", "changed", "unchanged", "moved")} == {
        "previous": "A/RES/78/224", "new": 5, "dropped": 10, "changed": 4, "unchanged": 5, "moved": 1,
    }


def test_lineage_arrives_when_the_previous_text_arrives_after_the_later_one(db):
    later = ingest("A_RES_79_187.txt")
    assert ParagraphLineage.objects.filter(paragraph__resolution=later).count() == 0
    ingest("A_RES_78_224.txt")
    assert lineage_of(later)["op5"] == ("op12", "A/RES/78/224 op12", "unchanged")


def _third_text() -> bytes:
    """79/187 as the 80th session might adopt it: renumbered, op3 hardened, a new last paragraph."""
    text = (SERIES_DATA / "A_RES_79_187.txt").read_text(encoding="utf-8")
    text = text.replace("A/RES/79/187", "A/RES/80/187").replace("79/187.", "80/187.")
    text = text.replace("17 December 2024", "15 December 2025").replace("Seventy-ninth session", "Eightieth session")
    text = text.replace("Strongly encourages Member States to actively", "Urges Member States to actively")
    return text.encode("utf-8")


def test_first_appearance_follows_the_chain_of_matches_through_three_texts(db):
    ingest("A_RES_78_224.txt")
    ingest("A_RES_79_187.txt")
    third = ingest_resolution(source=_third_text(), filename="A_RES_80_187.txt").resolution
    assert third.symbol == "A/RES/80/187"
    members = list(SeriesMember.objects.order_by("position").values_list("symbol", "previous_symbol", "link"))
    assert members == [
        ("A/RES/78/224", "", ""),
        ("A/RES/79/187", "A/RES/78/224", "citation"),
        ("A/RES/80/187", "A/RES/79/187", "title"),  # 80/187 cites 78/224 and 77/232, not 79/187
    ]
    lineage = lineage_of(third)
    assert lineage["pp2"] == ("pp2", "A/RES/78/224 pp2", "unchanged")  # in all three texts
    assert lineage["pp6"] == ("pp6", "A/RES/79/187 pp6", "unchanged")  # new in 2024
    assert lineage["op3"] == ("op3", "A/RES/78/224 op10", "changed")  # op10 in 2023, hardened in 2025
    assert not any(change == ParagraphChange.NEW for _, _, change in lineage.values())


def test_an_edit_of_the_middle_text_carries_first_appearances_forward(db, admin_user):
    ingest("A_RES_78_224.txt")
    middle = ingest("A_RES_79_187.txt")
    third = ingest_resolution(source=_third_text(), filename="A_RES_80_187.txt").resolution
    # A curator rewrites 79/187 pp2 beyond recognition: it is new in 2024 now, and 2025's pp2 first appeared there.
    before = snapshot(middle)
    Paragraph.objects.filter(resolution=middle, eid="pp2").update(text="Welcoming the contributions of civil society.")
    record_edit(middle, user=admin_user, reason="test", before=before)
    assert lineage_of(middle)["pp2"] == (None, "A/RES/79/187 pp2", "new")
    assert lineage_of(third)["pp2"] == (None, "A/RES/80/187 pp2", "new")


def test_deleting_a_member_dissolves_a_series_of_two(db):
    earlier = ingest("A_RES_78_224.txt")
    later = ingest("A_RES_79_187.txt")
    delete_resolution(earlier)
    assert SeriesMember.objects.count() == 0 and Series.objects.count() == 0
    assert ParagraphLineage.objects.filter(paragraph__resolution=later).count() == 0
    ingest("A_RES_78_224.txt")
    assert joined() == {("A/RES/78/224", "A/RES/79/187"): "citation"}


def test_a_curators_split_and_join_survive_reingest_and_can_be_withdrawn(db, admin_user):
    ingest("A_RES_78_198.txt")
    ingest("A_RES_79_171.txt")
    ingest("A_RES_78_212.txt")
    ingest("A_RES_79_174.txt")

    series.decide_previous(symbol="A/RES/79/171", previous_symbol="", user=admin_user, note="a new mandate")
    assert ("A/RES/78/198", "A/RES/79/171") not in joined()
    ingest("A_RES_79_171.txt", (SERIES_DATA / "A_RES_79_171.txt").read_bytes() + b"\n")  # re-ingest
    assert ("A/RES/78/198", "A/RES/79/171") not in joined()
    assert SeriesDecision.objects.get(symbol="A/RES/79/171").decided_by == admin_user

    # Join what detection would never join (another subject), right after the curator's choice.
    series.decide_previous(symbol="A/RES/79/171", previous_symbol="A/RES/78/212", user=admin_user)
    assert joined() == {("A/RES/78/212", "A/RES/79/174"): "citation", ("A/RES/78/212", "A/RES/79/171"): "curator"}
    together = SeriesMember.objects.filter(symbol__in=["A/RES/78/212", "A/RES/79/171", "A/RES/79/174"])
    assert len({m.series_id for m in together}) == 1
    # Two resolutions now follow 78/212: each keeps its own predecessor, in the pages and the lineage.
    assert series.chain(SeriesMember.objects.get(symbol="A/RES/79/174")) == ("A/RES/78/212", "")
    assert ParagraphLineage.objects.filter(
        paragraph__resolution__symbol="A/RES/79/174", previous__resolution__symbol="A/RES/78/212"
    ).count() == 57

    series.withdraw_decision(SeriesDecision.objects.get(symbol="A/RES/79/171"))
    assert joined() == {("A/RES/78/198", "A/RES/79/171"): "title", ("A/RES/78/212", "A/RES/79/174"): "citation"}


@pytest.mark.parametrize(
    ("symbol", "previous", "message"),
    [
        ("A/RES/78/198", "A/RES/79/171", "A/RES/78/198 cannot follow A/RES/79/171, adopted after it."),
        ("A/RES/79/171", "A/RES/79/171", "A resolution cannot follow itself."),
        ("A/RES/79/171", "A/RES/77/1", "The archive holds no resolution A/RES/77/1."),
        ("A/RES/80/1", "", "The archive holds no resolution A/RES/80/1."),
    ],
)
def test_a_decision_that_cannot_stand_is_refused_and_changes_nothing(db, symbol, previous, message):
    ingest("A_RES_78_198.txt")
    ingest("A_RES_79_171.txt")
    with pytest.raises(series.SeriesError) as refused:
        series.decide_previous(symbol=symbol, previous_symbol=previous)
    assert str(refused.value) == message
    assert SeriesDecision.objects.count() == 0
    assert joined() == {("A/RES/78/198", "A/RES/79/171"): "title"}


def test_titles_are_compared_folded_and_reworded_titles_by_their_words():
    assert series.title_words("Situation of human rights in the Democratic People’s Republic of Korea;") == [
        "situation", "of", "human", "rights", "in", "the", "democratic", "people's", "republic", "of", "korea",
    ]
    assert series.title_words("受教育權") == ["受", "教", "育", "权"]
    assert series.title_similarity("Freedom of religion or belief", "Freedom of religion and belief") == pytest.approx(0.8)
    assert series.title_similarity("Combating glorification of Nazism", "A global call for concrete action") < 0.2


def test_refresh_series_command_rebuilds_what_was_lost(db):
    ingest("A_RES_78_224.txt")
    later = ingest("A_RES_79_187.txt")
    SeriesMember.objects.all().delete()
    Series.objects.all().delete()
    ParagraphLineage.objects.all().delete()
    from django.core.management import call_command

    call_command("refresh_series")
    assert joined() == {("A/RES/78/224", "A/RES/79/187"): "citation"}
    assert lineage_of(later)["op3"] == ("op10", "A/RES/78/224 op10", "unchanged")
