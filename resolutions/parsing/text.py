"""Character-level knowledge of the texts: CJK ranges (defined here once), four-fold bold, line joining, the
characters XML forbids, the page furniture every language prints."""
from __future__ import annotations

import re

# CJK ideographs (the unified block, extension A, compatibility ideographs): the characters Chinese text is
# written in. CJK_PUNCT: the ideographic punctuation and the full-width forms (，；：。、《》（）１２３／).
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u00b7"
# Every East Asian script character, for analysis that must not split any of them: the above, CJK radicals,
# kana, hangul and the supplementary ideograph planes.
CJK_SCRIPT = "\u2e80-\u2fff" + CJK_CHARS + "\u3040-\u30ff\uac00-\ud7af\U00020000-\U0003134f"
CJK_RE = re.compile(f"[{CJK_CHARS}]")
CJK_OR_PUNCT_RE = re.compile(f"[{CJK_CHARS}{CJK_PUNCT}]")
QUOTES = "\u2018\u2019\u201c\u201d"

# Bold words set by the PDF as four overprinted copies come out four times: 大会大会大会大会, 强调指出强调指出
# 强调指出强调指出, 、、、、. Only CJK units repeated exactly four times collapse; "人人人" and doubled words stay.
FOURFOLD_BOLD_RE = re.compile(rf"([{CJK_CHARS}{CJK_PUNCT}]{{1,12}}?)\1\1\1(?!\1)")

# Spaces a PDF put between two CJK glyphs ("联 合 国") or between a glyph and CJK punctuation.
CJK_GLYPH_SPACE_RE = re.compile(rf"(?<=[{CJK_CHARS}{CJK_PUNCT}]) +(?=[{CJK_CHARS}{CJK_PUNCT}])")

# Barcode with the job number: *1248825*, *2325972*.
BARCODE_RE = re.compile(r"\*\d{6,8}\*")
# Page number in a header or footer: 3/7, 2/19.
PAGE_NUMBER_RE = re.compile(r"^(?P<page>\d{1,3})/(?P<pages>\d{1,3})$")
# UN job number, alone or with its language letter and print date: 23-25972, 23-25972 (E) 040124, 24-24621 (E).
JOB_NUMBER_RE = re.compile(r"^(?P<job>\d{2}-\d{5})(?:\s*\([A-Z]\))?(?:\s+\d{6})?$")
# Footnote separator: a rule of underscores.
FOOTNOTE_RULE_RE = re.compile(r"^\s*_{5,}\s*$")
# Spaces of other widths that extraction gives: tab, no-break, en and em spaces.
SPACES = str.maketrans({"\t": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u00ad": None})


def collapse_fourfold(line: str) -> str:
    """大会大会大会大会 -> 大会; leaves 人人人, 人人 and Latin text alone."""
    return FOURFOLD_BOLD_RE.sub(r"\1", line)


def is_cjk(char: str) -> bool:
    return bool(char) and bool(CJK_RE.match(char))


def is_cjk_or_punct(char: str) -> bool:
    return bool(char) and bool(CJK_OR_PUNCT_RE.match(char))


def clean_line(line: str) -> str:
    """One extracted line as the parser reads it: one kind of space, no soft hyphens, four-fold bold collapsed,
    no spaces between CJK glyphs."""
    line = collapse_fourfold(line.translate(SPACES))
    return CJK_GLYPH_SPACE_RE.sub("", line) if CJK_RE.search(line) else line


def join(left: str, right: str) -> str:
    """Join two pieces of running text split at a line end.

    Nothing goes between CJK characters (能力建 + 设 -> 能力建设); a space goes between Latin words, and
    between a CJK character and a Latin letter or digit (第 + 1 条 -> 第 1 条), as UN Chinese typesetting
    spaces them; a word hyphenated at the line end keeps its hyphen and loses the break (awareness-raising).
    """
    left = left.rstrip()
    right = right.strip()
    return left + separator(left[-2:], right) + right


def separator(tail: str, right: str) -> str:
    """What goes between running text ending in `tail` (its last two characters, no trailing space) and the
    stripped piece `right` that the next line brings: "" or " " (see `join`)."""
    if not tail or not right:
        return ""
    a, b = tail[-1], right[0]
    if is_cjk_or_punct(a) and is_cjk_or_punct(b):
        return ""
    if (is_cjk(a) and b in QUOTES + "(") or (a in QUOTES + ")" and is_cjk(b)):
        return ""  # Chinese text quotes with curly quotes and no spaces: 在执行‘纳尔逊…’
    if (is_cjk_or_punct(a) and not is_cjk(a)) or (is_cjk_or_punct(b) and not is_cjk(b)):
        return ""  # CJK punctuation carries its own spacing: 公约》 + 1
    if a == "-" and len(tail) > 1 and tail[-2].isalpha() and b.isalpha():
        return ""
    if b in ",.;:)]}’”" and right[:2] != "..":
        return ""
    if a in "([{‘“":
        return ""
    return " "


class RunningText:
    """Text built line by line in time linear in its length (joining strings again on every line made a
    paragraph of n lines cost n² characters copied). Pieces are joined as `join` joins them."""

    __slots__ = ("_parts", "_tail", "length")

    def __init__(self, text: str = "") -> None:
        text = text.strip()
        self._parts = [text] if text else []
        self._tail = text[-2:]
        self.length = len(text)

    def add(self, piece: str) -> int:
        """Append one line's `piece`; return where it starts in the text."""
        piece = piece.strip()
        if not piece:
            return self.length
        gap = separator(self._tail, piece)
        if gap:
            self._parts.append(gap)
        self._parts.append(piece)
        self.length += len(gap) + len(piece)
        self._tail = (self._tail + gap + piece)[-2:]
        return self.length - len(piece)

    def ends_with(self, characters: str) -> bool:
        return bool(self._tail) and self._tail[-1] in characters

    @property
    def text(self) -> str:
        if len(self._parts) > 1:
            self._parts = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""


# Longer than any line a PDF, Word or text extraction of a resolution prints (a Word paragraph is one line).
MAX_LINE = 5000


def wrap_long_lines(lines: list[str]) -> list[str]:
    """Cut lines longer than MAX_LINE where running text joins back as it was (at a space, else between two
    CJK characters), so that the work done per line stays bounded and parsing linear in the input."""
    if all(len(line) <= MAX_LINE for line in lines):
        return lines
    out: list[str] = []
    for line in lines:
        while len(line) > MAX_LINE:
            cut = line.rfind(" ", MAX_LINE // 2, MAX_LINE)
            if cut < 0:
                cut = next((k for k in range(MAX_LINE, MAX_LINE // 2, -1)
                            if is_cjk_or_punct(line[k - 1]) and is_cjk_or_punct(line[k])), MAX_LINE)
            out.append(line[:cut])
            line = line[cut:].lstrip(" ")
        out.append(line)
    return out


def squeeze_spaces(text: str) -> str:
    return re.sub(r" {2,}", " ", text).strip()


# Characters XML 1.0 forbids (C0 controls but tab, newline and carriage return; lone surrogates; U+FFFE, U+FFFF): a
# feed or an Akoma Ntoso export holding one is not well-formed, and no UN text needs them.
XML_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return XML_FORBIDDEN_RE.sub("", text)
