"""A researcher's query -> clauses: words AND, "phrases", -exclusion, OR, bare symbols (matching.py runs them).

Syntax (documented on the search page):
  受教育权 能力建设        both (AND)
  "the right to education"  exact phrase
  谴责 OR 遗憾             either (OR binds the two words beside it: a b OR c = a AND (b OR c))
  -死刑 / NOT 死刑          exclude
  tort* / 人权理*          prefix: any word starting with tort; 人权理 followed by anything
Anything else (?, ~, (), :, a * not ending a word, control characters, emoji, unbalanced quotes) is read
as text and folded away by the analyzer; a query is cut to MAX_QUERY_LENGTH characters. A prefix must
have at least MIN_PREFIX_LENGTH characters before its `*` (QueryError otherwise: `t*` would be every word
starting with t).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from whoosh.analysis import StemmingAnalyzer

from .analysis import fold, runs

MAX_QUERY_LENGTH = 200
MIN_PREFIX_LENGTH = 2
PREFIX = "*"

# A query that is nothing but a UN symbol or a short number: A/RES/67/161, A/HRC/RES/45/32,
# E/CN.4/RES/2005/39, 67/161.
SYMBOL_RE = re.compile(r"^[A-Z]{1,2}(?:/[A-Z0-9.()\-]+)*/RES/[A-Z0-9.()/\-]+$", re.IGNORECASE)
SHORT_NUMBER_RE = re.compile(r"^(?P<session>\d{1,4})/(?P<number>\d{1,4})$")
TOKEN_RE = re.compile(r'"(?P<phrase>[^"]*)("|$)|(?P<word>[^\s"]+)')
_ENGLISH = StemmingAnalyzer()


class QueryError(ValueError):
    """A query the archive refuses, with the message the page shows (Chinese, then English)."""


@dataclass(frozen=True)
class Clause:
    """One word or "phrase" of a query; alternatives joined by OR. An alternative ending in `*` is a prefix."""

    alternatives: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the query as kept (cleaned, cut to MAX_QUERY_LENGTH)
    clauses: tuple[Clause, ...] = field(default=())

    @property
    def words(self) -> list[str]:
        """Every positive word or phrase (a prefix with its `*`), for highlighting."""
        return [alt for clause in self.clauses if not clause.negated for alt in clause.alternatives]

    @property
    def has_positive(self) -> bool:
        """False when nothing is asked for (only exclusions, or no clause): such a query matches nothing."""
        return any(not clause.negated for clause in self.clauses)


def clean_query(raw: str) -> str:
    """Drop control and format characters, squeeze spaces, cut to MAX_QUERY_LENGTH."""
    kept = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in raw)
    return " ".join(kept.split())[:MAX_QUERY_LENGTH]


# The query language's operator words (the did-you-mean leaves them as typed).
AND_WORDS = ("AND", "&&", "+")
OR_WORDS = ("OR", "||", "|")
NOT_WORDS = ("NOT", "!")
OPERATORS = AND_WORDS + OR_WORDS + NOT_WORDS


def parse_query(raw: str) -> ParsedQuery:
    text = clean_query(raw)
    items: list[tuple[str, bool]] = []  # (text, negated), "OR" kept as a marker
    negate_next = False
    for match in TOKEN_RE.finditer(text):
        phrase, word = match.group("phrase"), match.group("word")
        if word is not None:
            if word in AND_WORDS:
                continue
            if word in NOT_WORDS:
                negate_next = True
                continue
            if word in OR_WORDS:
                items.append(("OR", False))
                continue
            negated = negate_next or (word.startswith("-") and len(word) > 1)
            value = word[1:] if word.startswith("-") and len(word) > 1 else word
            value = _prefix_or_text(value)
        else:
            # Inside quotes a * is text, not a prefix: "tort*" is the exact word tort.
            negated, value = negate_next, phrase.rstrip(PREFIX)
        negate_next = False
        if has_terms(value):
            items.append((value, negated))
    clauses: list[Clause] = []
    join_next = False
    for value, negated in items:
        if value == "OR" and not negated:
            join_next = bool(clauses) and not clauses[-1].negated
            continue
        if join_next and not negated:
            clauses[-1] = Clause(clauses[-1].alternatives + (value,))
        else:
            clauses.append(Clause((value,), negated))
        join_next = False
    return ParsedQuery(text, tuple(clauses))


def _prefix_or_text(word: str) -> str:
    """`tort*` stays a prefix (one trailing *), refused when under MIN_PREFIX_LENGTH characters; a * elsewhere is text."""
    if not word.endswith(PREFIX) or not has_terms(word):
        return word
    stem = word.rstrip(PREFIX)
    last = list(runs(fold(stem)))
    if not last or last[-1].end != len(fold(stem)):
        return stem  # the * follows punctuation (人权。*): nothing for it to continue
    # What the * continues is all the prefix says: `t*` is every word starting with t, but `60/2*` (runs 60 and 2)
    # is 60/2 followed by anything, which is narrow enough.
    if sum(len(run.text) for run in last) < MIN_PREFIX_LENGTH:
        raise QueryError(
            f"前缀“{word}”太短：* 前至少要有 {MIN_PREFIX_LENGTH} 个字符（例如 tort*、人权理*）。"
            f" The prefix “{word}” is too short: put at least {MIN_PREFIX_LENGTH} characters before the * (tort*, 人权理*)."
        )
    return stem + PREFIX


def is_prefix(alternative: str) -> bool:
    """True for a clause alternative ending in `*` (the parser keeps one only where it continues a word)."""
    return alternative.endswith(PREFIX)


def has_terms(text: str) -> bool:
    return next(runs(fold(text)), None) is not None


def english_stems(text: str) -> list[str]:
    """The stems of the English field for words in a Latin script (urges finds urge, urged, urging)."""
    return [token.text for token in _ENGLISH(fold(text), mode="query")]


def is_latin(text: str) -> bool:
    """True when `text` has no Chinese run (only words in a Latin script, digits, punctuation)."""
    return not any(run.cjk for run in runs(fold(text)))


def quoted(parsed: ParsedQuery) -> set[str]:
    """The alternatives the researcher put in quotes (exact: no stemming)."""
    return set(_quoted(parsed.text))


def _quoted(text: str) -> list[str]:
    return [m.group("phrase").rstrip(PREFIX) for m in TOKEN_RE.finditer(text) if m.group("phrase") is not None]


def symbol_in(text: str) -> tuple[str, str] | None:
    """('symbol', 'A/RES/67/161') or ('short', '67/161') when the whole query names a resolution."""
    candidate = fold(clean_query(text)).replace(" ", "").upper()
    if SYMBOL_RE.match(candidate):
        return "symbol", candidate
    if SHORT_NUMBER_RE.match(candidate):
        return "short", candidate
    return None


def only_stop_words(value: str, *, exact: bool) -> bool:
    """An unquoted alternative of English stop words only (the, of the): it still has to match, but adds nothing to
    the rank (and is not highlighted where the query has other words)."""
    return not exact and not is_prefix(value) and is_latin(value) and not english_stems(value)


def single_term(value: str) -> str | None:
    """The one term of the bigram field that `value` is (a Chinese word of two characters, one Latin-script word), or
    None: ranking counts that term's occurrences; a longer phrase, one character or a prefix counts once."""
    if is_prefix(value):
        return None
    parts = list(runs(fold(value)))
    if len(parts) != 1:
        return None
    run = parts[0]
    return run.text if not run.cjk or len(run.text) == 2 else None
