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


class ParagraphSlugConverter:
    regex = r"(?:pp|op|annex)[0-9]+[a-z]{0,3}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
