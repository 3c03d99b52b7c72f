"""URL converters: a UN symbol keeps its slashes in the URL (/A/HRC/RES/45/32/zh/op7)."""


class SymbolConverter:
    # Parts of a symbol: A, RES, 67, 161, E/CN.4, Add.1, 217(III); the last part may not look like a language or eid.
    regex = r"[A-Za-z]{1,4}(?:/[A-Za-z0-9.()\-]+?)+?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class LanguageConverter:
    regex = "zh|en|fr|es|ru|ar"  # the UN's six (models.Language)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# The address of a paragraph or division of an instrument: annex_1/art_5/para_2, annex_1/chp_2, art_19/para_1,
# annex_1/preamble/formula_1, annex_1/art_2/para_1/subpara_e/point_ii. Every step starts with a letter, so a
# symbol's own parts (79, 243, Add.1) never pass for one.
STRUCTURAL_STEP = r"(?:(?:annex|part|chp|sec|art|para|subpara|point|formula|intro)_[0-9a-z]+|preamble|conclusions|intro)"
STRUCTURAL_EID = rf"(?:annex|part|chp|sec|art)_[0-9a-z]+(?:/{STRUCTURAL_STEP})*"
# pp3, op7, op3a (op3(a) without its brackets), annex2: the addresses of a resolution's own paragraphs.
PLAIN_EID = r"(?:pp|op|annex)[0-9]+[a-z]{0,3}"


class ParagraphSlugConverter:
    regex = rf"{PLAIN_EID}|{STRUCTURAL_EID}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
