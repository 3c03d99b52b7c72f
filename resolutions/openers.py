"""Clause openers: what the opening words of a paragraph say it does, from the curated vocabulary.

The vocabulary is data (resolutions/data/openers.toml: the openers of each language, their forms, the adverbs
and connectives left out, the fixed translations); this module is the one place that reads it. The search
index's opening-verb facet calls `opener()`; so should anything else that needs to know how a paragraph opens.
Pure Python (no Django), so the parser may use it too.

    opener("Recalling also its resolution 76/130", "en") -> "recalls"
    opener("Noting further with deep concern that …", "en") -> "notes with deep concern"
    opener("又强烈谴责任何形式的酷刑", "zh") -> "谴责"
    opener("(a) To ensure that …", "en") -> "other"
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).resolve().parent / "data" / "openers.toml"
OTHER = "other"  # the facet value of a paragraph whose opening is not in the vocabulary
OTHER_LABEL = "其他 other"
LANGUAGES = ("zh", "en")

# A paragraph number or item letter before the opening words: "3.", "(a)", "（一）", "1. (b)".
_MARKER_EN = re.compile(r"^[\s\d.:;,)(\[\]]*(?:\((?:[a-z]{1,3}|[ivxl]{1,6}|\d{1,3})\)\s*)*")
_MARKER_ZH = re.compile(r"^[\s\d.．、，,:：;；]*(?:[(（](?:[a-z]{1,3}|[一二三四五六七八九十]{1,3}|\d{1,3})[)）][\s、，,]*)*")
_WORD_EN = re.compile(r"[a-z]+(?:-[a-z]+)*")
HEAD_CHARACTERS = 200  # the opener is among a paragraph's first words; the rest is never read


@dataclass(frozen=True)
class Opener:
    value: str  # the facet value, as a reader names it: "calls upon", "吁请"
    language: str
    forms: tuple[str, ...]
    counterpart: str  # the opener of the other language UN usage fixes for it, or ""


@dataclass(frozen=True)
class Vocabulary:
    openers: dict[str, dict[str, Opener]]  # language -> value -> Opener
    connectives_en: frozenset[str]
    connective_phrases_en: tuple[str, ...]
    adverbs_zh: tuple[str, ...]
    # English: first word -> (form as words, value), longest first. Chinese: (form, value), longest first.
    en_forms: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    zh_forms: tuple[tuple[str, str], ...]


@cache
def vocabulary() -> Vocabulary:
    return load(VOCABULARY_FILE)


def load(path: Path) -> Vocabulary:
    """The vocabulary in `path`; a form claimed by two openers, or a translation naming no opener, is an error."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    openers: dict[str, dict[str, Opener]] = {}
    claimed: dict[tuple[str, str], str] = {}
    for language in LANGUAGES:
        other = "en" if language == "zh" else "zh"
        openers[language] = {}
        for value, entry in data.get(language, {}).items():
            forms = tuple(normalise(form, language) for form in entry.get("forms", [value]))
            for form in forms:
                if claimed.setdefault((language, form), value) != value:
                    raise ValueError(f"{path.name}: the {language} form {form!r} is claimed by {claimed[(language, form)]!r} and {value!r}")
            openers[language][value] = Opener(value, language, forms, entry.get(other, ""))
    for language in LANGUAGES:
        other = "en" if language == "zh" else "zh"
        for opener_ in openers[language].values():
            if opener_.counterpart and opener_.counterpart not in openers[other]:
                raise ValueError(f"{path.name}: {opener_.value!r} names {opener_.counterpart!r}, which is no {other} opener")
    if any(OTHER in openers[language] for language in LANGUAGES):
        raise ValueError(f"{path.name}: {OTHER!r} is the value of paragraphs outside the vocabulary, not an opener")
    connectives = data.get("connectives", {})
    en_forms: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for opener_ in openers["en"].values():
        for form in opener_.forms:
            words = tuple(form.split())
            en_forms.setdefault(words[0], []).append((words, opener_.value))
    zh_forms = sorted(((form, o.value) for o in openers["zh"].values() for form in o.forms), key=lambda fv: -len(fv[0]))
    return Vocabulary(
        openers=openers,
        connectives_en=frozenset(connectives.get("en", [])),
        connective_phrases_en=tuple(connectives.get("en_phrases", [])),
        adverbs_zh=tuple(sorted((normalise(a, "zh") for a in connectives.get("zh", [])), key=len, reverse=True)),
        en_forms={word: tuple(sorted(forms, key=lambda fv: -len(fv[0]))) for word, forms in en_forms.items()},
        zh_forms=tuple(zh_forms),
    )


@cache
def _t2s():
    import opencc  # the archive's folding library (search.analysis); loaded once, on first need

    return opencc.OpenCC("t2s")


def normalise(text: str, language: str) -> str:
    """Width folded, lower case; Chinese also in simplified script (as the search index folds it)."""
    text = unicodedata.normalize("NFKC", text).lower()
    if language == "zh":
        text = "".join(_t2s().convert(c) for c in text)  # character by character, as search.analysis.fold
    return text


def opener(text: str, language: str) -> str:
    """The facet value of the opener of `text`, or OTHER when its opening is not in the vocabulary."""
    words = vocabulary()
    if language == "zh":
        return _opener_zh(normalise(text[:HEAD_CHARACTERS // 4], "zh"), words)
    if language == "en":
        return _opener_en(normalise(text[:HEAD_CHARACTERS], "en"), words)
    return OTHER


def _opener_zh(head: str, words: Vocabulary) -> str:
    rest = _MARKER_ZH.sub("", head, count=1)
    stripped = True
    while stripped:
        stripped = False
        for adverb in words.adverbs_zh:
            # 并请 is 并 + 请, but a form that itself starts with the adverb (特别报告员 is no opener; 强调 is not
            # 强 + 调) is kept whole.
            if rest.startswith(adverb) and not any(rest.startswith(form) and len(form) > len(adverb) and form.startswith(adverb) for form, _ in words.zh_forms):
                rest = rest[len(adverb) :]
                stripped = True
                break
    return next((value for form, value in words.zh_forms if rest.startswith(form)), OTHER)


def _opener_en(head: str, words: Vocabulary) -> str:
    head = _MARKER_EN.sub("", head, count=1)
    for phrase in words.connective_phrases_en:
        head = head.replace(phrase, " ")
    found = [w for w in _WORD_EN.findall(head)[:12] if w not in words.connectives_en]
    value = _longest_en(found, words)
    if value is None:
        # Adverbs before the opener: "Strongly condemns", "Firmly rejects", "Deeply regrets".
        leading = 0
        while leading < len(found) - 1 and found[leading].endswith("ly") and len(found[leading]) > 3:
            leading += 1
        value = _longest_en(found[leading:], words) if leading else None
    return value or OTHER


def _longest_en(found: list[str], words: Vocabulary) -> str | None:
    if not found:
        return None
    for form, value in words.en_forms.get(found[0], ()):
        if tuple(found[: len(form)]) == form:
            return value
    return None


def counterpart(value: str) -> str:
    """The other language's opener for a facet value ("敦促" -> "urges"), or "" where usage fixes none."""
    for language in LANGUAGES:
        found = vocabulary().openers[language].get(value)
        if found is not None:
            return found.counterpart
    return ""


def label(value: str) -> str:
    """What a reader sees for a facet value: the opener and, beside it, its fixed translation."""
    if value == OTHER:
        return OTHER_LABEL
    other = counterpart(value)
    if not other:
        return value
    return f"{value} {other}"  # 敦促 urges / urges 敦促: the value first, its translation beside it


def is_known(value: str) -> bool:
    return any(value in vocabulary().openers[language] for language in LANGUAGES)
