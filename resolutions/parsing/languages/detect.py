"""Which language a text is in, from evidence: its script, its commonest short words, the names its masthead
gives the bodies. Knows the six UN languages, so that a French or Spanish text is recognised and refused
rather than parsed as English; a language with a rule set of its own brings its evidence with it."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .. import text as t


@dataclass(frozen=True)
class Evidence:
    """What tells a language: `script` ("latin", "cjk", "cyrillic", "arabic"), stop words, masthead names."""

    code: str
    script: str
    stop_words: frozenset[str] = frozenset()
    masthead_names: tuple[str, ...] = ()


# The UN languages without a rule set yet: recognised, refused by name.
OTHER_UN_LANGUAGES = (
    Evidence(
        "fr", "latin",
        frozenset({"de", "la", "le", "les", "des", "et", "à", "en", "du", "que", "dans", "pour", "sur", "par", "qui",
                   "au", "aux", "est", "une", "sont", "ses", "leur", "leurs"}),
        ("Assemblée générale", "Conseil des droits de l’homme", "Conseil des droits de l'homme", "Conseil économique et social"),
    ),
    Evidence(
        "es", "latin",
        frozenset({"de", "la", "el", "los", "las", "y", "en", "del", "que", "por", "con", "para", "su", "sus", "al",
                   "se", "una", "es", "como", "sobre"}),
        ("Asamblea General", "Consejo de Derechos Humanos", "Consejo Económico y Social"),
    ),
    Evidence("ru", "cyrillic", masthead_names=("Генеральная Ассамблея", "Совет по правам человека")),
    Evidence("ar", "arabic", masthead_names=("الجمعية العامة", "مجلس حقوق الإنسان")),
)
SCRIPT_RES = {
    "cjk": re.compile(f"[{t.CJK_CHARS}]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f]"),
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]"),
}
WORD_RE = re.compile(r"[^\W\d_]+")
# How much of a text is read for evidence: the masthead and the first pages say it.
SAMPLE = 20_000
# A share of the letters in a script that makes it the text's script.
SCRIPT_SHARE = 0.2
# A masthead name counts as much as this many stop words.
MASTHEAD_WEIGHT = 25


def detect(text: str, candidates: list[Evidence]) -> str:
    """The code of the language of `text` among `candidates` (rule sets first, then OTHER_UN_LANGUAGES);
    "" when the text has no evidence at all (no letters)."""
    sample = text[:SAMPLE]
    letters = sum(1 for c in sample if c.isalpha())
    if not letters:
        return ""
    shares = {script: len(pattern.findall(sample)) / letters for script, pattern in SCRIPT_RES.items()}
    # Chinese before Latin: Chinese texts carry Latin symbols and names; a share, not a majority, decides.
    for script in ("cjk", "cyrillic", "arabic"):
        if shares[script] > SCRIPT_SHARE:
            return next((e.code for e in candidates if e.script == script), "")
    words = Counter(word.lower() for word in WORD_RE.findall(sample))
    latin = [e for e in candidates if e.script == "latin"]
    scores = {
        e.code: sum(words[w] for w in e.stop_words) + MASTHEAD_WEIGHT * sum(sample.count(n) for n in e.masthead_names)
        for e in latin
    }
    best = max(latin, key=lambda e: scores[e.code], default=None)
    return best.code if best is not None and scores[best.code] > 0 else ""
