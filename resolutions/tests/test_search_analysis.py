"""The pure parts of search: folding, bigrams, query syntax, opening verbs, highlighting."""
from __future__ import annotations

from pathlib import Path

import pytest

from resolutions.search.analysis import BigramTokenizer, fold, fold_with_offsets
from resolutions.search.query import MAX_QUERY_LENGTH, Clause, parse_query, symbol_in
from resolutions.search.snippets import highlight


def test_traditional_and_full_width_text_folds_to_simplified_half_width():
    assert fold("國家防範機制") == "国家防范机制"
    assert fold("Ａ／ＲＥＳ／６７／１６１") == "a/res/67/161"


def test_folding_a_substring_gives_a_substring_of_the_folded_text():
    text = "還回顧《禁止酷刑公約》第 1 條"
    folded = fold(text)
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            assert fold(text[start:end]) in folded


def test_offsets_point_back_into_the_original_text():
    folded, offsets = fold_with_offsets("第１條")
    assert folded == "第1条"
    assert offsets == [0, 1, 2]
    # A character that folds to several (NFKC: ㈠ -> (一), ½ -> 1⁄2) points them all back at itself.
    folded, offsets = fold_with_offsets("第㈠項½")
    assert folded == "第(一)项1⁄2"
    assert offsets == [0, 1, 1, 1, 2, 3, 3, 3]


def test_a_chinese_run_becomes_overlapping_bigrams_then_its_last_character():
    tokens = [(t.text, t.pos) for t in BigramTokenizer()("国家防范机制，A/HRC/44/37", positions=True)]
    assert tokens == [("国家", 0), ("家防", 1), ("防范", 2), ("范机", 3), ("机制", 4), ("制", 5),
                      ("a", 6), ("hrc", 7), ("44", 8), ("37", 9)]


def test_query_mode_gives_bigrams_only():
    assert [t.text for t in BigramTokenizer()("有辱人格", mode="query")] == ["有辱", "辱人", "人格"]



def test_query_syntax_and_or_phrase_exclusion():
    parsed = parse_query('受教育权 "能力建设" 谴责 OR 遗憾 -死刑 NOT 酷刑')
    assert parsed.clauses == (
        Clause(("受教育权",)),
        Clause(("能力建设",)),
        Clause(("谴责", "遗憾")),
        Clause(("死刑",), negated=True),
        Clause(("酷刑",), negated=True),
    )


@pytest.mark.parametrize("raw", ["", " ", '"', '"未闭合', "AND", "OR", "NOT", "*", "?", "~", "()", ":", "\x00\x07", "😀", "-"])
def test_odd_input_parses_without_error(raw):
    parsed = parse_query(raw)
    assert all(clause.alternatives for clause in parsed.clauses)


def test_unbalanced_quote_reads_the_rest_as_a_phrase():
    assert parse_query('"国家防范').clauses == (Clause(("国家防范",)),)


def test_long_queries_are_cut_to_the_documented_maximum():
    assert len(parse_query("人" * 500).text) == MAX_QUERY_LENGTH == 200


@pytest.mark.parametrize(
    ("query", "found"),
    [("A/RES/67/161", ("symbol", "A/RES/67/161")), ("a/hrc/res/45/32", ("symbol", "A/HRC/RES/45/32")),
     ("67/161", ("short", "67/161")), ("６７／１６１", ("short", "67/161")), ("受教育权", None), ("A/HRC/44/37", None)],
)
def test_bare_symbols_are_recognised(query, found):
    assert symbol_in(query) == found


def test_highlight_escapes_markup_before_marking():
    snippet = highlight('谴责<script>alert("x")</script>酷刑 & 有辱人格待遇', ["酷刑", "有辱人格"], "zh")
    assert str(snippet) == (
        '谴责&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<mark>酷刑</mark> &amp; <mark>有辱人格</mark>待遇'
    )


def test_highlight_marks_traditional_queries_in_simplified_text_and_english_stems():
    assert str(highlight("建立国家防范机制。", ["國家防範機制"], "zh")) == "建立<mark>国家防范机制</mark>。"
    assert str(highlight("Urges States; further urged", ["urging"], "en")) == "<mark>Urges</mark> States; further <mark>urged</mark>"


@pytest.mark.parametrize("words", [["human rights"], ["rights"], ["decides"], ["women", "girls"], ["persons"]])
def test_snippets_of_long_english_paragraphs_do_not_depend_on_stems_past_the_snippet(monkeypatch, words):
    """Stems are looked for only a snippet's width past the first exact match: the snippets stay the same."""
    from pathlib import Path

    from resolutions.parsing import parse_resolution
    from resolutions.search import snippets

    source = (Path(__file__).parent / "data" / "A_RES_78_171.txt").read_text(encoding="utf-8")
    texts = [p.text for p in parse_resolution(source).paragraphs]
    fast = [str(highlight(text, words, "en")) for text in texts]
    whole = snippets.match_spans
    monkeypatch.setattr(snippets, "match_spans", lambda text, words, language, width=None: whole(text, words, language))
    assert fast == [str(highlight(text, words, "en")) for text in texts]
    assert sum("<mark>" in snippet for snippet in fast) >= 2


def test_digits_next_to_chinese_are_words_of_their_own():
    assert [t.text for t in BigramTokenizer()("第1组修改稿11")] == ["第", "1", "组修", "修改", "改稿", "稿", "11"]


@pytest.mark.parametrize(
    ("query", "text", "found"),
    [
        ("残忍、不人道", "酷刑和其他残忍、不人道或有辱人格的待遇", True),
        ("残忍、不人道", "残忍，不人道", True),  # any punctuation between the runs, as the phrase of terms did
        ("残忍、不人道", "残忍不人道", False),  # one run of the text: 忍不 is a bigram there, not a break
        ("残忍、不人道", "残忍、不人", False),
        ("a/hrc/44/37", "见a/hrc/44/37号文件", True),
        ("a/hrc/44/37", "a/hrc/44/370", False),  # a word is a whole word
        ("人权理事会第1条", "人权理事会第 1 条", True),
        ("人权理事会第1条", "人权理事会第11条", False),
    ],
)
def test_text_of_several_runs_matches_where_its_terms_follow_each_other(query, text, found):
    from resolutions.search.analysis import runs
    from resolutions.search.matching import run_pattern

    pattern = run_pattern(list(runs(fold(query))))
    assert pattern.search(fold(text)) is found


def _regular_expression_of(parts, prefix: bool):
    """The regular expression run_pattern was before it checked runs (kept here as the oracle it must agree with)."""
    import re

    from resolutions.search.analysis import _CJK

    between = f"(?:(?![{_CJK}]|[^\\W_{_CJK}]).)*"
    pieces = []
    for i, run in enumerate(parts):
        if run.cjk:
            before = f"(?<![{_CJK}])" if i > 0 else ""
            after = f"(?![{_CJK}])" if i < len(parts) - 1 else ""
        else:
            before = f"(?<![^\\W_{_CJK}])"
            after = "" if prefix and i == len(parts) - 1 else f"(?![^\\W_{_CJK}])"
        pieces.append(before + re.escape(run.text) + after)
    return re.compile(between.join(pieces), re.DOTALL)


def test_checking_runs_agrees_with_the_regular_expression_it_replaced():
    """Pieces of the real texts (Chinese, English, mixed, with digits and punctuation) against every paragraph."""
    import random

    from resolutions.parsing import parse_resolution
    from resolutions.search.analysis import runs
    from resolutions.search.matching import run_pattern

    data = Path(__file__).parent / "data"
    texts = [fold(p.text) for name in ("A_RES_67_161.txt", "A_RES_78_171.txt") for p in parse_resolution((data / name).read_text(encoding="utf-8")).paragraphs]
    texts += [fold(t) for t in ("第1条和第 1 条", "残忍、不人道或有辱人格", "见a/hrc/44/37号文件", "a/hrc/44/370", "人权理事会第11条", "torture-related, tortured")]
    rng = random.Random(11)
    compared = 0
    while compared < 120:
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        piece = text[start : start + rng.randint(2, 14)]
        parts = list(runs(piece))
        if len(parts) < 2:
            continue
        prefix = rng.random() < 0.3
        expected = [bool(_regular_expression_of(parts, prefix).search(t)) for t in texts]
        assert [run_pattern(parts, prefix=prefix).search(t) for t in texts] == expected, (piece, prefix)
        compared += 1


def test_repeated_filter_parameters_keep_each_known_value_once_in_order():
    from django.http import QueryDict

    from resolutions.search.engine import Filters
    from resolutions.search.forms import SearchForm

    params = QueryDict("q=人权&body=HRC&body=XX&body=GA&body=HRC&kind=operative&verb=决定&verb=%00&verb=请&year_from=x")
    filters = SearchForm(params).search_arguments()["filters"]
    assert filters == Filters(body=("HRC", "GA"), kind=("operative",), verb=("决定", "请"))
    assert Filters(body="GA") == Filters(body=("GA",)) and Filters(body="").body == ()
    assert Filters(year_from=2010, body=("GA",)).without("year") == Filters(body=("GA",))
    assert Filters(session_to=50).range("session")[1] == 50 and Filters().range("year") is None
