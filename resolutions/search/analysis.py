"""What the index sees of a text: folded script and width, overlapping Chinese bigrams, English words.

Folding works character by character (NFKC, then OpenCC t2s, then lower case), so that folding a
substring of a text always gives a substring of the folded text: that is what makes a query found in
every paragraph that contains it. OpenCC's phrase-level conversion would fold the same characters
differently depending on their neighbours, and a query could then miss the text it was cut from.

Chinese runs become overlapping bigrams (国家防范 -> 国家 家防 防范, then the run's last character 范 on
its own), one position each, so a query of n >= 2 characters is the phrase of its n - 1 bigrams and
matches exactly the texts containing it; a one-character query is a prefix query on the same terms.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import opencc
from whoosh.analysis import Token, Tokenizer

_T2S = opencc.OpenCC("t2s")

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af\U00020000-\U0003134f"
CJK_RE = re.compile(f"[{_CJK}]")
# A run of Chinese characters, or a run of other letters and digits (a word in a Latin script: 第1条 -> 第, 1, 条).
RUN_RE = re.compile(f"(?P<cjk>[{_CJK}]+)|(?P<word>[^\\W_{_CJK}]+)")


class _FoldTable(dict):
    """str.translate table that folds each character on first sight and remembers it."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        folded = unicodedata.normalize("NFKC", char)
        folded = "".join(_T2S.convert(c) if CJK_RE.match(c) else c for c in folded).lower()
        self[codepoint] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Fold full/half width, traditional to simplified script and case: 國家防範機制 -> 国家防范机制."""
    return text.translate(_FOLD)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original character."""
    folded = text.translate(_FOLD)
    if len(folded) == len(text):  # every character folds to one character (none folds to nothing)
        return folded, list(range(len(text)))
    parts: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = char.translate(_FOLD)
        parts.append(folded)
        offsets.extend([index] * len(folded))
    return "".join(parts), offsets


@dataclass(frozen=True)
class Run:
    """A run of folded text: Chinese characters (`cjk` True) or one word of letters and digits."""

    text: str
    cjk: bool
    start: int  # in the folded text
    end: int


def runs(folded: str) -> Iterator[Run]:
    for match in RUN_RE.finditer(folded):
        yield Run(match.group(), match.lastgroup == "cjk", match.start(), match.end())


def index_terms(run: Run) -> list[str]:
    """Terms a run gives the index, one position each: bigrams then the last character, or the word."""
    if not run.cjk:
        return [run.text]
    text = run.text
    return [text[i : i + 2] for i in range(len(text) - 1)] + [text[-1]]


def query_terms(run: Run) -> list[str]:
    """Terms a query run must match at consecutive positions (bigrams only; one character alone)."""
    if not run.cjk or len(run.text) == 1:
        return [run.text]
    text = run.text
    return [text[i : i + 2] for i in range(len(text) - 1)]


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer over folded text: Chinese bigrams and Latin-script words, positions continuous."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BigramTokenizer)

    __hash__ = Tokenizer.__hash__

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if chars:
            folded, offsets = fold_with_offsets(value)
            offsets.append(len(value))
        else:
            folded, offsets = fold(value), []
        position = start_pos
        for run in runs(folded):
            terms = query_terms(run) if mode == "query" else index_terms(run)
            for i, term in enumerate(terms):
                token.text = term
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = term
                if positions:
                    token.pos = position
                if chars:
                    begin = run.start + (i if run.cjk else 0)
                    token.startchar = start_char + offsets[begin]
                    token.endchar = start_char + offsets[min(begin + len(term), len(offsets) - 1)]
                position += 1
                yield token


def BigramAnalyzer() -> BigramTokenizer:  # noqa: N802 - named like whoosh's analyzer factories
    """The analyzer of the `text` field (Chinese and exact Latin-script words)."""
    return BigramTokenizer()


ZH_ADVERBS = ("进一步", "再一次", "再次", "再度", "一再", "强烈", "坚决", "紧急", "大力", "特别", "又", "还", "并", "也", "亦")
ZH_VERBS = (
    "决定", "请", "吁请", "敦促", "促请", "鼓励", "谴责", "重申", "回顾", "忆及", "确认", "承认", "认识到", "意识到",
    "欢迎", "注意到", "满意地注意到", "关切地注意到", "表示", "表示关切", "表示赞赏", "强调", "邀请", "呼吁", "赞扬",
    "赞赏", "支持", "深为关切", "深表关切", "深感关切", "严重关切", "关切", "铭记", "考虑到", "申明", "遗憾",
    "深感遗憾", "深表遗憾", "指出", "建议", "要求", "感谢", "核可", "通过", "宣布", "授权", "相信", "深信", "确信",
    "希望", "期待", "认为", "指导", "遵循", "秉承", "根据", "审议了", "审议", "收到", "赞同", "同意", "核准",
    "重视", "承诺", "促进", "震惊", "深感震惊", "痛惜", "谴责", "责成", "提请", "着重指出", "坚信", "深知", "获悉",
    "愤慨", "确定", "吁求", "恳请", "请求",
)
_ZH_VERBS_LONGEST_FIRST = sorted(set(ZH_VERBS), key=len, reverse=True)
EN_ADVERBS = frozenset({"also", "further", "again", "once", "furthermore", "moreover", "therefore", "hereby", "in", "this", "regard", "addition"})
_EN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-]*")


def opening_verb(text: str, language: str) -> str:
    """The word that opens a paragraph and says what it does: 决定, 请, 重申 … / decides, urges, recalling …

    Leading adverbs are dropped (又请 -> 请, 强烈谴责 -> 谴责, Also decides -> decides, Strongly
    condemns -> condemns). An opening not in the list gives "" for Chinese; English gives its first word.
    """
    if language == "zh":
        rest = re.sub(r"^[\s\d.、，,()（）]*", "", text)
        changed = True
        while changed:
            changed = False
            for adverb in ZH_ADVERBS:
                if rest.startswith(adverb) and not any(rest.startswith(v) for v in _ZH_VERBS_LONGEST_FIRST if len(v) > len(adverb) and v.startswith(adverb)):
                    rest = rest[len(adverb) :]
                    changed = True
        return next((verb for verb in _ZH_VERBS_LONGEST_FIRST if rest.startswith(verb)), "")
    for word in _EN_WORD_RE.findall(text[:120]):
        lowered = word.lower()
        if lowered in EN_ADVERBS or (lowered.endswith("ly") and len(lowered) > 4):
            continue
        return lowered
    return ""
