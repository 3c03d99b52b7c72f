"""How text is laid out on the reading pages: links and footnote markers by offset, citations, opening words."""

from types import SimpleNamespace

from resolutions.reading import EMPHASIS, Link, Marker, citation_en, citation_zh, opening_words, place
from resolutions.templatetags.reading import excerpt_around, render_runs

TEXT = "回顾其第 60/251 号决议，并注意到"


def test_links_and_markers_are_placed_at_their_offsets_and_the_text_is_escaped():
    link = Link(3, 15, "/A/RES/60/251/zh/", "A/RES/60/251", external=False)
    runs = place(TEXT + "<b>", [link], [Marker(16, 2, "fn2")], emphasis=2)
    assert runs == [
        ("回顾", EMPHASIS),
        ("其", None),
        ("第 60/251 号决议", link),
        ("，", None),
        ("", Marker(16, 2, "fn2")),
        ("并注意到<b>", None),
    ]
    assert render_runs(runs) == (
        '<span class="opening">回顾</span>其<a class="ref" href="/A/RES/60/251/zh/" title="A/RES/60/251">'
        '第 60/251 号决议</a>，<sup class="fn-marker"><a href="#fn2" id="fn2-ref" aria-label="脚注 2 footnote">2</a>'
        "</sup>并注意到&lt;b&gt;"
    )


def test_a_marker_inside_a_citation_moves_to_its_end_and_overlapping_links_keep_the_first():
    # "resolution 77/2285": the PDF glued footnote 5 to the symbol; the whole symbol stays one link.
    text = "Recalling its resolution 77/228 of 2022"
    first = Link(14, 31, "/A/RES/77/228/en/", "A/RES/77/228", external=False)
    overlapping = Link(25, 35, "https://documents.un.org/x", "x", external=True)
    runs = place(text, [first, overlapping], [Marker(28, 5, "fn5")])
    assert runs == [
        ("Recalling its ", None),
        ("resolution 77/228", first),
        ("", Marker(28, 5, "fn5")),  # placed at 31, after the link
        (" of 2022", None),
    ]


def test_out_of_range_offsets_never_lose_text():
    runs = place("请各国：", [Link(2, 99, "/x", "x", False)], [Marker(50, 1, "fn1")])
    assert runs == [("请各国：", None), ("", Marker(50, 1, "fn1"))]


def resolution(body: str, session: str, number: str) -> SimpleNamespace:
    return SimpleNamespace(body=body, session=session, number=number)


def paragraph(kind: str, number: int, item: str = "") -> SimpleNamespace:
    return SimpleNamespace(kind=kind, number=number, item=item)


def test_citations_in_chinese_and_english():
    ga = resolution("GA", "67", "161")
    assert citation_zh(ga, paragraph("operative", 7)) == "大会第 67/161 号决议，执行部分第 7 段"
    assert citation_en(ga, paragraph("operative", 7)) == "General Assembly resolution 67/161, operative paragraph 7"
    assert citation_zh(ga, paragraph("operative", 3, "a")) == "大会第 67/161 号决议，执行部分第 3 段(a)分段"
    assert citation_en(ga, paragraph("operative", 3, "a")) == (
        "General Assembly resolution 67/161, operative paragraph 3 (a)"
    )
    hrc = resolution("HRC", "45", "32")
    assert citation_zh(hrc, paragraph("preambular", 3)) == "人权理事会第 45/32 号决议，序言部分第 3 段"
    assert citation_en(hrc) == "Human Rights Council resolution 45/32"
    udhr = resolution("GA", "3", "217 A (III)")
    assert citation_en(udhr, paragraph("annex", 1)) == "General Assembly resolution 217 A (III), annex, paragraph 1"


def test_opening_words_say_how_a_paragraph_cites():
    assert opening_words("又回顾禁止酷刑是强制性国际法准则", "zh") == "又回顾"
    assert opening_words("深为关切世界各区域针对行使和平集会", "zh") == "深为关切"
    assert opening_words("Recalling its resolution 78/190", "en") == "Recalling"
    assert opening_words("Deeply concerned about the", "en") == "Deeply concerned"
    assert opening_words("Takes note of the report", "en") == "Takes note"
    assert opening_words("Notes with appreciation the work", "en") == "Notes with appreciation"
    assert opening_words("在这方面回顾《有效调查", "zh", guess=False) == ""


def test_excerpt_marks_the_citation_after_the_opening_words():
    text = "回顾其第 60/251 号决议，并注意到"
    assert (
        excerpt_around(text, 3, 15, "zh")
        == '<strong class="opening">回顾</strong>其<mark>第 60/251 号决议</mark>，并注意到'
    )
    long = "Takes note of the report of the Special Rapporteur, prepared in accordance with its resolution 78/190;"
    start = long.index("resolution")
    assert excerpt_around(long, start, len(long) - 1, "en") == (
        '<strong class="opening">Takes note</strong>…prepared in accordance with its <mark>resolution 78/190</mark>;'
    )
