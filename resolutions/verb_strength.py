"""The opening verb of a paragraph and how strong it is, in English and Chinese, as data. Never imports Django.

Negotiators strengthen a text by moving a paragraph up a scale ("encourages" -> "calls upon" -> "urges" ->
"demands") and soften it by moving it down. Each scale below lists its steps from the weakest to the
strongest; a step holds the English forms (operative verbs and the participles of the preamble) and the
Chinese forms the United Nations uses for them. Two verbs on the same scale compare; two verbs on different
scales (encourages -> condemns) are a change of verb with no direction.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .search.analysis import fold

# (English forms, Chinese forms), weakest first.
STRENGTH_SCALES: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "urging": (
        (("invites", "inviting"), ("邀请", "请")),
        (("encourages", "encouraging"), ("鼓励",)),
        (("strongly encourages", "strongly encouraging"), ("大力鼓励", "强烈鼓励")),
        (("calls upon", "calls on", "calling upon", "calling on"), ("吁请", "促请", "呼吁")),
        (("urges", "urging"), ("敦促",)),
        (("strongly urges", "strongly urging"), ("强烈敦促",)),
        (("demands", "demanding"), ("要求",)),
    ),
    # Asked of the Secretary-General, a rapporteur, a body: 请 is both "invites" and "requests" in Chinese.
    "asking": (
        (("invites", "inviting"), ("邀请",)),
        (("requests", "requesting"), ("请", "请求")),
    ),
    "concern": (
        (("notes with concern", "noting with concern", "concerned"), ("关切地注意到", "关切")),
        (("expresses concern", "expressing concern"), ("表示关切",)),
        (("expresses deep concern", "expressing deep concern", "deeply concerned", "notes with deep concern",
          "noting with deep concern"), ("深表关切", "深为关切", "深感关切")),
        (("expresses grave concern", "expressing grave concern", "gravely concerned", "notes with grave concern",
          "noting with grave concern", "expresses serious concern", "expressing serious concern", "seriously concerned"),
         ("严重关切", "表示严重关切")),
        (("alarmed", "expresses alarm", "expressing alarm"), ("震惊", "表示震惊")),
        (("deeply alarmed", "gravely alarmed", "expresses deep alarm", "expressing deep alarm"), ("深感震惊", "深为震惊")),
    ),
    "condemnation": (
        (("regrets", "regretting", "expresses regret", "expressing regret"), ("遗憾", "表示遗憾")),
        (("deplores", "deploring"), ("痛惜", "深感遗憾", "深表遗憾")),
        (("condemns", "condemning"), ("谴责",)),
        (("strongly condemns", "strongly condemning"), ("强烈谴责",)),
    ),
    "approval": (
        (("takes note of", "taking note of", "notes", "noting"), ("注意到",)),
        (("notes with appreciation", "noting with appreciation", "takes note with appreciation",
          "taking note with appreciation"), ("赞赏地注意到",)),
        (("welcomes", "welcoming"), ("欢迎",)),
        (("welcomes with appreciation", "welcoming with appreciation"), ("赞赏地欢迎",)),
    ),
}

# Opening verbs that sit on no scale, recognised so that a change to or from them is named by its words.
OTHER_VERBS_EN = (
    "acknowledges", "acknowledging", "affirms", "affirming", "appeals", "appealing", "authorizes", "bearing in mind",
    "calls for", "calling for", "commends", "commending", "considering", "convinced", "deeply convinced",
    "decides", "emphasizes", "emphasizing", "endorses", "endorsing", "expresses appreciation",
    "expressing appreciation", "expresses deep appreciation", "expressing deep appreciation", "recalls",
    "expresses particular concern", "expressing particular concern", "congratulates", "congratulating",
    "notes with satisfaction", "noting with satisfaction", "resolved", "having considered", "taking into consideration",
    "deeply deplores", "deeply deploring", "reminds", "reminding",
    "recalling", "reaffirms", "reaffirming", "recognizes", "recognizing", "recommends", "recommending",
    "reiterates", "reiterating", "stresses", "stressing", "supports", "supporting", "underlines", "underlining",
    "underscores", "underscoring", "mindful", "taking into account", "aware", "guided by", "determined",
    "highlights", "highlighting", "commits", "committing", "takes note", "taking note",
)
OTHER_VERBS_ZH = (
    "重申", "回顾", "忆及", "确认", "承认", "认识到", "意识到", "强调", "着重指出", "铭记", "考虑到", "申明", "指出",
    "建议", "感谢", "赞扬", "赞赏", "支持", "表示赞赏", "深信", "确信", "坚信", "认为", "授权", "核可", "核准",
    "宣布", "遵循", "决心", "表示", "决定",
)
# Words that join a paragraph to the one before without changing what it does: "Also requests",
# "Requests also", "Further recalling", "又请", "还决定", "再次敦促".
CONNECTIVES_EN = frozenset({"also", "further", "furthermore", "moreover", "again", "once", "additionally"})
POSSESSIVES_EN = frozenset({"its", "their"})
CONNECTIVE_PHRASES_EN = ("in this regard", "in that regard", "in this context", "to this end", "in addition")
CONNECTIVES_ZH = ("进一步", "再一次", "再次", "再度", "一再", "又", "还", "并", "也", "亦", "同时")

_WORD_RE = re.compile(r"[a-z]+(?:-[a-z]+)*")


class Direction(StrEnum):
    STRENGTHENED = "strengthened"
    SOFTENED = "softened"
    OTHER = ""  # a different verb, on another scale or on none


@dataclass(frozen=True)
class VerbChange:
    before: str  # the verb as the table names it: "encourages", "鼓励"
    after: str
    direction: Direction
    scale: str = ""  # the scale both verbs are on, when they share one

    def __str__(self) -> str:
        return f"{self.before} → {self.after}"


def _forms(language: str) -> list[str]:
    forms: set[str] = set()
    for steps in STRENGTH_SCALES.values():
        for english, chinese in steps:
            forms.update(english if language == "en" else chinese)
    forms.update(OTHER_VERBS_EN if language == "en" else OTHER_VERBS_ZH)
    return sorted(forms, key=len, reverse=True)  # longest first: "strongly urges" before "urges"


_FORMS = {"en": _forms("en"), "zh": _forms("zh")}
_FORMS_ZH_FOLDED = [(fold(form), form) for form in _FORMS["zh"]]


def opening_verb(text: str, language: str) -> str:
    """The verb (phrase) that opens a paragraph, without connectives: "strongly urges", "calls upon", "敦促".

    English: the longest phrase of the table the first words give once connectives and possessives are
    left out ("Also strongly urges" -> "strongly urges", "Noting also with concern" -> "noting with
    concern", "Expresses its deep concern" -> "expresses deep concern"). Chinese: the longest form of the
    table after leading connectives. An opening the table does not know gives "" (a lettered item, a
    paragraph opening with a noun), so that no verb change is ever named from a guess.
    """
    if language == "zh":
        rest = fold(re.sub(r"^[\s\d.、，,()（）]*", "", text))
        stripped = True
        while stripped:
            stripped = False
            for connective in CONNECTIVES_ZH:
                # "并" opens 并请 (and requests), but 表示 is not 表 + 示.
                if rest.startswith(connective) and not any(
                    folded.startswith(connective) and rest.startswith(folded) for folded, _ in _FORMS_ZH_FOLDED
                ):
                    rest = rest[len(connective) :]
                    stripped = True
        return next((form for folded, form in _FORMS_ZH_FOLDED if rest.startswith(folded)), "")
    head = fold(text[:160])
    for phrase in CONNECTIVE_PHRASES_EN:
        head = head.replace(phrase, " ")
    words = _WORD_RE.findall(head)[:8]
    words = words[:1] + [w for w in words[1:] if w not in CONNECTIVES_EN and w not in POSSESSIVES_EN]
    if words and words[0] in CONNECTIVES_EN:
        words = [w for w in words if w not in CONNECTIVES_EN]
    opening = " ".join(words)
    return next((form for form in _FORMS["en"] if opening == form or opening.startswith(form + " ")), "")


def _rank(verb: str, language: str) -> dict[str, int]:
    """{scale: step} for every scale the verb is on."""
    ranks = {}
    for scale, steps in STRENGTH_SCALES.items():
        for step, (english, chinese) in enumerate(steps):
            if verb in (english if language == "en" else chinese):
                ranks[scale] = step
    return ranks


def compare_verbs(before_text: str, after_text: str, language: str) -> VerbChange | None:
    """How the opening verb changed between two texts of a paragraph, or None when it did not."""
    before, after = opening_verb(before_text, language), opening_verb(after_text, language)
    if not before or not after or before == after:
        return None
    before_ranks, after_ranks = _rank(before, language), _rank(after, language)
    same_step = [s for s in before_ranks if s in after_ranks and before_ranks[s] == after_ranks[s]]
    if same_step:  # two forms of one step: "calls upon" / "calls on", "noting" / "notes"
        return None
    for scale in before_ranks:
        if scale in after_ranks:
            direction = Direction.STRENGTHENED if after_ranks[scale] > before_ranks[scale] else Direction.SOFTENED
            return VerbChange(before, after, direction, scale)
    return VerbChange(before, after, Direction.OTHER)
