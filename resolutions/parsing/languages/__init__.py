"""One rule set per language, behind one interface (base.LanguageRules); the stages ask these, never a code.

Every module of this package but `base` and `detect` is a rule set and exposes RULES: adding French is adding
`fr.py` (a LanguageRules subclass, its RULES, and its tests), nothing else.
"""
from __future__ import annotations

import importlib
import pkgutil

from ..document import UnsupportedLanguage
from .base import LanguageRules
from .detect import OTHER_UN_LANGUAGES, Evidence, detect

NOT_RULE_SETS = {"base", "detect"}


def _load() -> dict[str, LanguageRules]:
    found: dict[str, LanguageRules] = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in NOT_RULE_SETS):
        rules = importlib.import_module(f"{__name__}.{module}").RULES
        found[rules.code] = rules
    return found


RULE_SETS: dict[str, LanguageRules] = _load()
# English first: a text without evidence either way is read as English (and refused for what it lacks).
DEFAULT = "en"


def rules_for(code: str) -> LanguageRules:
    """The rule set of language `code`; UnsupportedLanguage when there is none."""
    try:
        return RULE_SETS[code]
    except KeyError:
        raise UnsupportedLanguage(code) from None


def detect_language(text: str) -> LanguageRules:
    """The rule set of the language `text` is written in; UnsupportedLanguage ("language fr is not supported
    yet") when the evidence points to a language without one."""
    known = sorted(RULE_SETS.values(), key=lambda rules: rules.code != DEFAULT)
    candidates = [Evidence(r.code, r.script, r.stop_words, r.masthead_names) for r in known]
    candidates += [e for e in OTHER_UN_LANGUAGES if e.code not in RULE_SETS]
    return rules_for(detect(text, candidates) or DEFAULT)


__all__ = ["RULE_SETS", "LanguageRules", "detect_language", "rules_for"]
