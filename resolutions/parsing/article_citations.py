"""Citations of an instrument's articles, Chinese and English, each pattern a named regex.

The instrument is named by its title, a short title or an acronym from resolutions/data/instruments.toml
("the Universal Declaration of Human Rights", 《禁止酷刑公约》, "CRPD"), or referred back to once a text has
named it ("the Covenant", 《公约》), or is the text the paragraph stands in ("this Convention", 本公约).

Pure Python, never imports Django: a stage over a ParsedResolution (`cite_articles`) that fills each paragraph's
and footnote's `article_citations`.
"""
from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .document import DivisionKind, ParsedArticleCitation, ParsedResolution

INSTRUMENTS_FILE = Path(__file__).resolve().parent.parent / "data" / "instruments.toml"

# What a text calls an instrument once it has named it, by kind: "the Convention", 《公约》.
ANAPHORS_EN = {
    "convention": "Convention",
    "covenant": "Covenant",
    "declaration": "Declaration",
    "protocol": "Protocol",
    "charter": "Charter",
}
ANAPHORS_ZH = {"convention": "公约", "covenant": "公约", "declaration": "宣言", "protocol": "议定书", "charter": "宪章"}


@dataclass(frozen=True)
class Instrument:
    """One row of instruments.toml."""

    key: str
    kind: str
    symbol: str
    articles_at: str
    title_en: str
    title_zh: str
    names_en: tuple[str, ...] = ()
    names_zh: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    url_en: str = ""
    url_zh: str = ""
    checked: str = ""

    def title(self, language: str) -> str:
        return self.title_zh if language == "zh" else self.title_en

    def article_eid(self, article: int) -> str:
        """The article's address in the adopting resolution: art_19, annex_1/art_5; article 0, the instrument
        as a whole: its annex (annex_1), or "" when it is the resolution itself."""
        if article == 0:
            return self.articles_at.rstrip("/")
        return f"{self.articles_at}art_{article}"


@lru_cache(maxsize=1)
def instruments() -> dict[str, Instrument]:
    """The curated table, by key."""
    with INSTRUMENTS_FILE.open("rb") as data:
        rows = tomllib.load(data)["instrument"]
    table = {}
    for row in rows:
        row = {name: tuple(value) if isinstance(value, list) else value for name, value in row.items()}
        table[row["key"]] = Instrument(**row)
    return table


@lru_cache(maxsize=2)
def _names(language: str) -> tuple[re.Pattern, dict[str, str]]:
    """One pattern matching every name of every instrument in `language`, longest first, and name -> key."""
    by_name: dict[str, str] = {}
    for instrument in instruments().values():
        names = (instrument.title_zh, *instrument.names_zh) if language == "zh" else (
            instrument.title_en, *instrument.names_en, *instrument.acronyms
        )
        for name in names:
            by_name.setdefault(name, instrument.key)
    alternatives = "|".join(re.escape(name) for name in sorted(by_name, key=len, reverse=True))
    if language == "zh":
        return re.compile(f"《(?P<name>{alternatives})》"), by_name
    return re.compile(rf"\b(?P<name>{alternatives})\b"), by_name


def instrument_named(heading: str, language: str) -> Instrument | None:
    """The instrument whose title or short title an annex heading begins with ("United Nations Convention
    against Cybercrime; Strengthening International Cooperation …" -> cybercrime)."""
    _, by_name = _names(language)
    heading = heading.strip().strip("《》")
    for name in sorted(by_name, key=len, reverse=True):
        if heading.startswith(name) and (len(heading) == len(name) or not heading[len(name)].isalnum()):
            return instruments()[by_name[name]]
    return None


# -- English ---------------------------------------------------------------------------------------
# One cited article with what narrows it: "19", "4 (a)", "2 (4)", "14, paragraph 2", "57, paragraph 5 (g)".
ARTICLE_ITEM_EN = (
    r"\d{1,3}(?:\s*\((?:\d{1,2}|[a-z]{1,2})\))*"
    r"(?:,\s*paragraphs?\s+\d{1,3}(?:\s*\([a-z]{1,2}\))*)?"
)
# "article 19 of the Universal Declaration of Human Rights", "articles 19 to 22 of the International Covenant
# …", "articles 19, 21 and 22 of the Covenant", "article 14, paragraph 2, of the Convention", "articles 57,
# paragraph 5 (g), 61 and 62 of the Convention", "article 1, paragraph 2, common to the International
# Covenants", "Article 2 (4) of the Charter".
ARTICLES_EN_RE = re.compile(
    rf"""
    \b[Aa]rticles?\s+
    (?P<list>{ARTICLE_ITEM_EN}(?:\s*(?:,\s*and|,|and|to|–|-)\s*{ARTICLE_ITEM_EN})*)
    \s*,?\s+(?:of|common\s+to)\s+
    """,
    re.VERBOSE,
)
ONE_ARTICLE_EN_RE = re.compile(
    r"(?P<range>(?:to|–|-)\s*)?(?P<article>\d{1,3})(?P<parts>(?:\s*\((?:\d{1,2}|[a-z]{1,2})\))*)"
    r"(?:,\s*paragraphs?\s+(?P<paragraph>\d{1,3})(?P<paragraph_parts>(?:\s*\([a-z]{1,2}\))*))?"
)
# What names the instrument after "of": a title or short title (see _names), or a word that refers back.
ANAPHOR_EN_RE = re.compile(
    r"(?P<det>the\s+present|the\s+said|this|the|that)\s+(?P<word>(?i:Optional\s+Protocol|Convention|Covenant|Declaration|Protocol|Charter))\b"
)

# -- Chinese ---------------------------------------------------------------------------------------
NUMBER_ZH = r"\d{1,3}|[一二三四五六七八九十百零]{1,6}"
# "《公民及政治权利国际公约》第十九条第三款", "《公约》第 1 条", "本公约第 5 条第 2 款(a)项", "《公约》第 17 和 18 条",
# "第 19 至 22 条", "《世界人权宣言》第二条和第十七条".
ONE_ARTICLE_ZH = (
    rf"第\s*(?:{NUMBER_ZH})(?:\s*(?:、|，|和|及|与|至|到)\s*第?\s*(?:{NUMBER_ZH}))*\s*条"
    rf"(?:\s*第\s*(?:{NUMBER_ZH})\s*款)?(?:\s*[(（][a-z]{{1,2}}[)）]\s*项?)?"
)
ARTICLES_ZH_RE = re.compile(
    rf"""
    (?P<name>《[^《》]{{1,80}}》|本(?:公约|宣言|议定书|盟约|宪章)|该(?:公约|宣言|议定书))
    \s*(?:的)?\s*
    (?P<list>{ONE_ARTICLE_ZH}(?:\s*(?:和|、|及|以及|与)\s*{ONE_ARTICLE_ZH})*)
    """,
    re.VERBOSE,
)
ARTICLE_ZH_RE = re.compile(
    rf"第\s*(?P<numbers>(?:{NUMBER_ZH})(?:\s*(?:、|，|和|及|与|至|到)\s*第?\s*(?:{NUMBER_ZH}))*)\s*条"
    rf"(?:\s*第\s*(?P<paragraph>{NUMBER_ZH})\s*款)?(?:\s*[(（](?P<item>[a-z]{{1,2}})[)）]\s*项?)?"
)
ANAPHOR_ZH = {"《公约》": "公约", "《盟约》": "公约", "《宣言》": "宣言", "《议定书》": "议定书", "《任择议定书》": "议定书",
              "《宪章》": "宪章", "该公约": "公约", "该宣言": "宣言", "该议定书": "议定书"}
OWN_ZH = {"本公约", "本宣言", "本议定书", "本盟约", "本宪章"}

MAX_ARTICLES_IN_A_RANGE = 40


def _number(text: str) -> int:
    from .instruments import chinese_numeral

    text = text.strip()
    return int(text) if text.isdigit() else chinese_numeral(text)


class CitationContext:
    """What "the Convention" and "this Convention" mean at a point of a text.

    `own` is the instrument the text being read is (an annex naming the Convention against Cybercrime, the
    Universal Declaration itself), or None; `within` the address prefix of the text's own articles when no
    instrument of the table is it ("annex_1/"). Every instrument named by title becomes what the words of
    its kind refer back to.
    """

    def __init__(self, language: str) -> None:
        self.language = language
        self.last: dict[str, str] = {}  # anaphor word -> key of the instrument last named
        self.own: Instrument | None = None
        self.within = ""

    def saw(self, key: str) -> None:
        instrument = instruments()[key]
        words = ANAPHORS_ZH if self.language == "zh" else ANAPHORS_EN
        self.last[words[instrument.kind]] = key
        if instrument.kind == "protocol" and self.language == "en":
            self.last["Optional Protocol"] = key

    def read_names(self, text: str) -> None:
        pattern, by_name = _names(self.language)
        for match in pattern.finditer(text):
            self.saw(by_name[match["name"]])

    def referred(self, word: str, *, own: bool) -> tuple[str, str] | None:
        """(instrument key, within) that "the/this <word>" means here, or None."""
        if own:
            if self.own is not None:
                return self.own.key, ""
            if self.within:
                return "", self.within
        key = self.last.get(word)
        if key is None and self.own is not None:
            return self.own.key, ""
        return (key, "") if key else None


def find_instrument_names(text: str, language: str, *, besides: tuple[ParsedArticleCitation, ...] = ()):
    """The instruments `text` names by title, short title or acronym outside the citations of their articles
    `besides`: ("the Convention against Torture", without an article) as citations of article 0, the
    instrument as a whole, so that a paragraph's instruments are all stored."""
    pattern, by_name = _names(language)
    taken = [(c.start, c.end) for c in besides]
    return tuple(
        ParsedArticleCitation(by_name[match["name"]], 0, start=match.start(), end=match.end())
        for match in pattern.finditer(text)
        if not any(a <= match.start() < b or a < match.end() <= b for a, b in taken)
    )


def find_article_citations(text: str, context: CitationContext) -> tuple[ParsedArticleCitation, ...]:
    """Every article of an instrument `text` cites, in order, with offsets into `text`; `context` learns the
    instruments the text names as it goes."""
    if context.language == "zh":
        found = _find_zh(text, context)
    else:
        found = _find_en(text, context)
    return tuple(sorted(found, key=lambda c: c.start))


def _find_en(text: str, context: CitationContext) -> list[ParsedArticleCitation]:
    names, by_name = _names("en")
    mentions = [(m.start(), by_name[m["name"]]) for m in names.finditer(text)]
    found: list[ParsedArticleCitation] = []
    seen = 0
    for match in ARTICLES_EN_RE.finditer(text):
        while seen < len(mentions) and mentions[seen][0] < match.start():
            context.saw(mentions[seen][1])
            seen += 1
        after = match.end()
        named = names.match(text, after + 4 if text.startswith("the ", after) else after)
        if named:
            key, within, end = by_name[named["name"]], "", named.end()
        else:
            anaphor = ANAPHOR_EN_RE.match(text, after)
            if anaphor is None:
                continue
            word = re.sub(r"\s+", " ", anaphor["word"]).title()  # 79/243's notes write "the convention"
            own = anaphor["det"] in ("this", "the present")
            referred = context.referred(word, own=own)
            if referred is None:
                continue
            (key, within), end = referred, anaphor.end()
        found.extend(_citations_en(match, key=key, within=within, end=end))
    while seen < len(mentions):
        context.saw(mentions[seen][1])
        seen += 1
    return found


def _citations_en(match: re.Match, *, key: str, within: str, end: int) -> list[ParsedArticleCitation]:
    """One citation per article of the list; a single article's link covers the instrument's name too."""
    items = list(ONE_ARTICLE_EN_RE.finditer(match["list"]))
    base = match.start("list")
    citations: list[ParsedArticleCitation] = []
    for index, item in enumerate(items):
        article = int(item["article"])
        paragraph, letter = _parts_en(item["parts"], item["paragraph"], item["paragraph_parts"])
        start = match.start() if index == 0 else base + item.start("article")
        stop = end if len(items) == 1 else base + item.end()
        if item["range"] and citations and citations[-1].article < article <= citations[-1].article + MAX_ARTICLES_IN_A_RANGE:
            for between in range(citations[-1].article + 1, article):
                citations.append(ParsedArticleCitation(key, between, start=start, end=stop, within=within))
        citations.append(ParsedArticleCitation(key, article, paragraph, letter, start=start, end=stop, within=within))
    return citations


def _parts_en(parts: str, paragraph: str | None, paragraph_parts: str | None) -> tuple[int | None, str]:
    """"(2)" is a paragraph, "(a)" an item: "2 (4)" -> (4, ""), "4 (a)" -> (None, "a"), "1 (a) (ii)" -> (1, "a")."""
    number: int | None = int(paragraph) if paragraph else None
    letter = ""
    for part in re.findall(r"\(([^)]+)\)", (parts or "") + (paragraph_parts or "")):
        if part.isdigit() and number is None:
            number = int(part)
        elif part.isalpha() and not letter:
            letter = part  # a point after it ("(a) (ii)") narrows no further here
    return number, letter


def _find_zh(text: str, context: CitationContext) -> list[ParsedArticleCitation]:
    names, by_name = _names("zh")
    mentions = [(m.start(), by_name[m["name"]]) for m in names.finditer(text)]
    found: list[ParsedArticleCitation] = []
    taken: list[tuple[int, int]] = []
    seen = 0
    for match in ARTICLES_ZH_RE.finditer(text):
        while seen < len(mentions) and mentions[seen][0] < match.start():
            context.saw(mentions[seen][1])
            seen += 1
        referred = _referred_zh(match["name"], context, by_name)
        if referred is None:
            continue
        taken.append(match.span())
        found.extend(_citations_zh(match["list"], match.start("list"), match.start(), *referred))
    # "《公约》缔约国根据……第 21 和 22 条作出声明": an article named bare, after its instrument in the same sentence.
    for bare in ARTICLE_ZH_RE.finditer(text):
        if any(a <= bare.start() < b for a, b in taken):
            continue
        sentence_start = max(text.rfind("。", 0, bare.start()), text.rfind("；", 0, bare.start())) + 1
        named = [m for m in BEFORE_ZH_RE.finditer(text, sentence_start, bare.start())]
        if not named:
            continue
        referred = _referred_zh(named[-1].group(), context, by_name)
        if referred is not None:
            found.extend(_citations_zh(bare.group(), bare.start(), bare.start(), *referred))
    while seen < len(mentions):
        context.saw(mentions[seen][1])
        seen += 1
    return found


# An instrument named earlier in a Chinese sentence: 《公约》, 《禁止酷刑公约》, 本公约.
BEFORE_ZH_RE = re.compile(r"《[^《》]{1,80}》|本(?:公约|宣言|议定书|盟约|宪章)|该(?:公约|宣言|议定书)")


def _referred_zh(name: str, context: CitationContext, by_name: dict[str, str]) -> tuple[str, str] | None:
    """(instrument key, within) a Chinese name stands for: a title, 《公约》 (the one named last), 本公约."""
    if name.strip("《》") in by_name:
        return by_name[name.strip("《》")], ""
    if name in OWN_ZH:
        return context.referred(ANAPHORS_ZH["declaration" if "宣言" in name else "convention"], own=True)
    if name in ANAPHOR_ZH:
        return context.referred(ANAPHOR_ZH[name], own=False)
    return None


def _citations_zh(listed: str, base: int, start: int, key: str, within: str) -> list[ParsedArticleCitation]:
    """One citation per article of "第 5 条第 2 款", "第 17 和 18 条", "第 19 至 22 条", "第二条和第十七条"."""
    citations: list[ParsedArticleCitation] = []
    for index, piece in enumerate(ARTICLE_ZH_RE.finditer(listed)):
        numbers = [_number(n) for n in re.findall(NUMBER_ZH, piece["numbers"])]
        is_range = ("至" in piece["numbers"] or "到" in piece["numbers"]) and len(numbers) == 2
        if is_range and numbers[0] < numbers[1] <= numbers[0] + MAX_ARTICLES_IN_A_RANGE:
            numbers = list(range(numbers[0], numbers[1] + 1))
        paragraph = _number(piece["paragraph"]) if piece["paragraph"] else None
        first = start if index == 0 else base + piece.start()
        stop = base + piece.end()
        for k, article in enumerate(numbers):
            last = k == len(numbers) - 1
            citations.append(
                ParsedArticleCitation(
                    key,
                    article,
                    paragraph if last else None,
                    (piece["item"] or "") if last else "",
                    start=first,
                    end=stop,
                    within=within,
                )
            )
    return citations


# -- the stage -------------------------------------------------------------------------------------

def _articles_and_names(text: str, context: CitationContext) -> tuple[ParsedArticleCitation, ...]:
    articles = find_article_citations(text, context)
    named = find_instrument_names(text, context.language, besides=articles)
    return tuple(sorted(articles + named, key=lambda c: (c.start, c.article)))


def cite_articles(parsed: ParsedResolution) -> ParsedResolution:
    """`parsed` with every paragraph's and footnote's article citations found (and the instruments it names
    without an article, as article 0), in document order, so that
    "the Convention" means the convention named last (the title counts: 79/243's operative paragraphs cite
    "article 56 of the Convention" it adopts), and "this Convention" inside an annex the annex itself."""
    context = CitationContext(parsed.language)
    context.read_names(parsed.title)
    held = {i.key: i for i in instruments().values() if i.symbol == parsed.symbol}
    declaration_itself = next((i for i in held.values() if i.articles_at == ""), None)
    footnote_citations: dict[int, tuple[ParsedArticleCitation, ...]] = {}
    footnote_texts = {f.number: f.text for f in parsed.footnotes}
    paragraphs = []
    annexes_read: set[str] = set()
    for paragraph in parsed.paragraphs:
        annex = next((d for d in paragraph.divisions if d.kind == DivisionKind.ANNEX), None)
        if annex is not None:
            if annex.eid not in annexes_read:
                context.read_names(annex.heading)  # "Interpretative notes on … the United Nations Convention …"
                annexes_read.add(annex.eid)
            own = instrument_named(annex.heading, parsed.language)
            context.own = own
            context.within = "" if own is not None else annex.eid + "/"
        else:
            context.own, context.within = declaration_itself, ""
        citations = _articles_and_names(paragraph.text, context)
        for marker in paragraph.footnotes:
            if marker.number in footnote_texts and marker.number not in footnote_citations:
                footnote_citations[marker.number] = _articles_and_names(footnote_texts[marker.number], context)
        paragraphs.append(dataclasses.replace(paragraph, article_citations=citations) if citations else paragraph)
    footnotes = tuple(
        dataclasses.replace(f, article_citations=footnote_citations[f.number]) if footnote_citations.get(f.number) else f
        for f in parsed.footnotes
    )
    return dataclasses.replace(parsed, paragraphs=tuple(paragraphs), footnotes=footnotes)
