"""Clause openers: what the opening words of a paragraph say it does, from the curated vocabulary.

The vocabulary is data (resolutions/data/openers.toml: the openers of each language, their forms, the adverbs
and connectives left out, the intensifiers, the fixed translations, and the strength scales over the openers);
this module is the one place that reads it. The search index's opening-verb facet calls `opener()`, series
comparison `opening()` and `strength()` (resolutions/verb_strength.py); so should anything else that needs to
know how a paragraph opens. Pure Python (no Django), so the parser may use it too.

    opener("Recalling also its resolution 76/130", "en") -> "recalls"
    opener("Noting further with deep concern that …", "en") -> "notes with deep concern"
    opener("又强烈谴责任何形式的酷刑", "zh") -> "谴责"
    opening("又强烈谴责任何形式的酷刑", "zh").verb -> "强烈谴责"
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
class Opening:
    """How a paragraph opens: its opener and the intensifier left out before it ("Also strongly urges")."""

    opener: str  # the facet value: "urges", "敦促", or OTHER
    intensifier: str  # "strongly", "强烈", "大力", or ""
    language: str

    @property
    def verb(self) -> str:
        """The opener with its intensifier, as strength scales name it: "strongly urges", "强烈敦促"; "" for OTHER."""
        if self.opener == OTHER:
            return ""
        if not self.intensifier:
            return self.opener
        return f"{self.intensifier}{' ' if self.language == 'en' else ''}{self.opener}"


@dataclass(frozen=True)
class Vocabulary:
    openers: dict[str, dict[str, Opener]]  # language -> value -> Opener
    connectives_en: frozenset[str]
    connective_phrases_en: tuple[str, ...]
    adverbs_zh: tuple[str, ...]
    # English: first word -> (form as words, value), longest first. Chinese: (form, value), longest first.
    en_forms: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    zh_forms: tuple[tuple[str, str], ...]
    intensifiers: dict[str, tuple[str, ...]]  # language -> intensifiers, longest first
    # scale -> language -> steps weakest first, each the set of verbs (Opening.verb) on it
    scales: dict[str, dict[str, tuple[frozenset[str], ...]]]


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
    intensifiers = {
        language: tuple(sorted((normalise(i, language) for i in data.get("intensifiers", {}).get(language, [])), key=len, reverse=True))
        for language in LANGUAGES
    }
    # An intensifier is one of the adverbs the reader leaves out (Chinese: listed; English: any -ly word), or it
    # would never be seen.
    adverbs_zh = {normalise(a, "zh") for a in connectives.get("zh", [])}
    loose = [i for i in intensifiers["zh"] if i not in adverbs_zh] + [i for i in intensifiers["en"] if not i.endswith("ly")]
    if loose:
        raise ValueError(f"{path.name}: the intensifiers {loose} are no adverbs the openers leave out")
    scales = {name: _scale(path, name, scale, openers, intensifiers) for name, scale in data.get("scales", {}).items()}
    return Vocabulary(
        openers=openers,
        connectives_en=frozenset(connectives.get("en", [])),
        connective_phrases_en=tuple(connectives.get("en_phrases", [])),
        adverbs_zh=tuple(sorted((normalise(a, "zh") for a in connectives.get("zh", [])), key=len, reverse=True)),
        en_forms={word: tuple(sorted(forms, key=lambda fv: -len(fv[0]))) for word, forms in en_forms.items()},
        zh_forms=tuple(zh_forms),
        intensifiers=intensifiers,
        scales=scales,
    )


def _scale(path: Path, name: str, scale: dict, openers: dict[str, dict[str, Opener]], intensifiers: dict[str, tuple[str, ...]]):
    """One strength scale: every step names openers of the vocabulary, maybe after an intensifier, in both languages."""
    steps = {language: scale.get(language, []) for language in LANGUAGES}
    if len({len(s) for s in steps.values()}) != 1:
        raise ValueError(f"{path.name}: the scale {name!r} has not as many steps in each language")
    for language, language_steps in steps.items():
        separator = " " if language == "en" else ""
        for verb in (verb for step in language_steps for verb in step):
            bare = next((verb[len(i + separator) :] for i in intensifiers[language] if verb.startswith(i + separator)), verb)
            if bare not in openers[language]:
                raise ValueError(f"{path.name}: the scale {name!r} names {verb!r}, which is no {language} opener")
    return {language: tuple(frozenset(step) for step in language_steps) for language, language_steps in steps.items()}


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
    return opening(text, language).opener


def opening(text: str, language: str) -> Opening:
    """The opener of `text` and the intensifier before it; the opener is OTHER when the vocabulary lacks it."""
    words = vocabulary()
    if language == "zh":
        return _opening_zh(normalise(text[:HEAD_CHARACTERS // 4], "zh"), words)
    if language == "en":
        return _opening_en(normalise(text[:HEAD_CHARACTERS], "en"), words)
    return Opening(OTHER, "", language)


def strength(verb: str, language: str) -> dict[str, int]:
    """{scale: step} for every scale an Opening.verb is on ("strongly urges" -> {"urging": 5})."""
    return {
        name: step
        for name, scale in vocabulary().scales.items()
        for step, verbs in enumerate(scale[language])
        if verb in verbs
    }


def _opening_zh(head: str, words: Vocabulary) -> Opening:
    rest = _MARKER_ZH.sub("", head, count=1)
    intensifier = ""
    stripped = True
    while stripped:
        stripped = False
        for adverb in words.adverbs_zh:
            # 并请 is 并 + 请, but a form that itself starts with the adverb (特别报告员 is no opener; 强调 is not
            # 强 + 调) is kept whole.
            if rest.startswith(adverb) and not any(rest.startswith(form) and len(form) > len(adverb) and form.startswith(adverb) for form, _ in words.zh_forms):
                rest = rest[len(adverb) :]
                if adverb in words.intensifiers["zh"] and not intensifier:
                    intensifier = adverb
                stripped = True
                break
    value = next((value for form, value in words.zh_forms if rest.startswith(form)), OTHER)
    return Opening(value, intensifier if value != OTHER else "", "zh")


def _opening_en(head: str, words: Vocabulary) -> Opening:
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
        if value is not None:
            intensifier = next((w for w in found[:leading] if w in words.intensifiers["en"]), "")
            return Opening(value, intensifier, "en")
    return Opening(value or OTHER, "", "en")


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
