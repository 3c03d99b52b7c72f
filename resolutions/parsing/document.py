"""What the parser produces: frozen, Django-free dataclasses describing one resolution."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class ParseError(ValueError):
    """The text is not a resolution the parser can read; `line` is the 1-based line it stopped at."""

    def __init__(self, message: str, *, line: int | None = None, excerpt: str = "") -> None:
        self.message = message
        self.line = line
        self.excerpt = excerpt
        where = f" (line {line}: {excerpt!r})" if line is not None else ""
        super().__init__(f"{message}{where}")


class SourceError(ParseError):
    """The uploaded file cannot be turned into text (empty, not a PDF/Word/text file, damaged, encrypted, scanned)."""


class Kind(StrEnum):
    PREAMBULAR = "preambular"
    OPERATIVE = "operative"
    ANNEX = "annex"
    ARTICLE = "article"  # a paragraph of an article (an annexed convention's, the Universal Declaration's)


class Body(StrEnum):
    GENERAL_ASSEMBLY = "GA"
    HUMAN_RIGHTS_COUNCIL = "HRC"
    COMMISSION_ON_HUMAN_RIGHTS = "CHR"
    ECOSOC = "ECOSOC"
    SECURITY_COUNCIL = "SC"


class Adoption(StrEnum):
    UNKNOWN = ""
    WITHOUT_VOTE = "without_vote"
    RECORDED_VOTE = "recorded_vote"


ELEMENT_ID_PREFIXES = {Kind.PREAMBULAR: "pp", Kind.OPERATIVE: "op", Kind.ANNEX: "annex", Kind.ARTICLE: "art"}


def element_id(kind: str, number: int, item: str = "") -> str:
    """Stable element id of a paragraph within its resolution: pp3, op7, op3(a), annex2."""
    return f"{ELEMENT_ID_PREFIXES[Kind(kind)]}{number}" + (f"({item})" if item else "")


@dataclass(frozen=True)
class ParsedReference:
    """A citation of another resolution or document found in a paragraph or footnote.

    `symbol` is normalised ("A/RES/60/251", "A/HRC/RES/5/1", "A/HRC/44/37", "E/CN.4/2005/102/Add.1");
    `paragraphs` are the paragraph numbers the text names ("第 3 和第 4 段" -> (3, 4));
    `start`/`end` are offsets of the cited words in the clean text they were found in.
    """

    symbol: str
    paragraphs: tuple[int, ...] = ()
    start: int = 0
    end: int = 0
    is_resolution: bool = True


class DivisionKind(StrEnum):
    """The levels of an instrument's structure, outermost first (Akoma Ntoso's names, eId prefixes below)."""

    ANNEX = "annex"
    PART = "part"
    CHAPTER = "chapter"
    SECTION = "section"
    PREAMBLE = "preamble"
    ARTICLE = "article"
    CONCLUSIONS = "conclusions"  # "IN WITNESS WHEREOF …" after the last article


# Akoma Ntoso eId prefixes: annex_1, part_2, chp_3, sec_1, art_5; preamble and conclusions stand alone.
DIVISION_EID_PREFIXES = {
    DivisionKind.ANNEX: "annex",
    DivisionKind.PART: "part",
    DivisionKind.CHAPTER: "chp",
    DivisionKind.SECTION: "sec",
    DivisionKind.ARTICLE: "art",
}


@dataclass(frozen=True)
class ParsedDivision:
    """An annex, part, chapter, section, preamble or article of a structured text.

    `eid` is its Akoma Ntoso-style address, the same in every language ("annex_1", "annex_1/chp_2",
    "annex_1/art_5", "art_19" for the Universal Declaration); `parent` is the eid of the division it sits
    in ("" at the top); `num` is the number as printed ("Chapter II", "第 5 条", "第十九条"); `number` its
    value (2, 5, 19); `heading` its title ("Criminalization", "保护主权"), "" when it has none.
    """

    kind: DivisionKind
    eid: str
    number: int = 0
    num: str = ""
    heading: str = ""
    parent: str = ""


@dataclass(frozen=True)
class ParsedArticleCitation:
    """An article of an instrument cited in a paragraph or footnote: "article 19 of the Universal Declaration",
    "《禁止酷刑公约》第 2 条第 1 款", "articles 2 and 17 of the Covenant" (one citation per article).

    `instrument` is the key of the instrument in resolutions/data/instruments.toml ("udhr", "cat"); `article`
    0 means the instrument named as a whole ("Reaffirming the Convention against Torture");
    `paragraph` and `item` narrow the citation ("article 5, paragraph 2" -> 2; "article 4 (a)" -> "a");
    `start`/`end` are offsets of the cited words in the clean text they were found in. `within` is set
    instead of `instrument` when the text cites its own articles and is no instrument of the table
    ("article 3 of this Convention" in an annex the table does not know): the annex's address, "annex_1/".
    """

    instrument: str
    article: int
    paragraph: int | None = None
    item: str = ""
    start: int = 0
    end: int = 0
    within: str = ""


@dataclass(frozen=True)
class FootnoteMarker:
    """Footnote `number` is cited at `offset` in the clean paragraph text (after the character it follows)."""

    number: int
    offset: int


@dataclass(frozen=True)
class ParsedParagraph:
    kind: Kind
    number: int  # printed number (operative, numbered paragraphs of an instrument), position (preambular, old annexes); 0 when an instrument's paragraph is not numbered
    text: str  # clean text, without footnote markers
    item: str = ""  # "a", "b" … for the lettered items of an operative paragraph
    footnotes: tuple[FootnoteMarker, ...] = ()
    references: tuple[ParsedReference, ...] = ()
    # In a structured text (an annex, the Universal Declaration's articles): the paragraph's own address
    # ("annex_1/art_5/para_2", "annex_1/art_2/para_1/subpara_e"), the divisions it sits in, outermost first,
    # and its number as printed ("2.", "(e)"; "" when the paragraph is not numbered).
    address: str = ""
    divisions: tuple[ParsedDivision, ...] = ()
    num: str = ""
    article_citations: tuple[ParsedArticleCitation, ...] = ()

    @property
    def eid(self) -> str:
        return self.address or element_id(self.kind, self.number, self.item)

    @property
    def division(self) -> ParsedDivision | None:
        """The innermost division the paragraph sits in."""
        return self.divisions[-1] if self.divisions else None


@dataclass(frozen=True)
class ParsedFootnote:
    number: int
    text: str
    references: tuple[ParsedReference, ...] = ()
    article_citations: tuple[ParsedArticleCitation, ...] = ()


@dataclass(frozen=True)
class ParsedResolution:
    symbol: str  # "A/HRC/RES/45/32"
    language: str  # "zh" or "en"
    body: Body
    session: str  # "45", "67", "2005" (CHR sessions are years)
    number: str  # "32", "161", "217 A (III)"
    title: str  # without the "45/32." prefix
    opening: str = ""  # "人权理事会，" / "The General Assembly,"
    adopted_on: date | None = None
    meeting: str = ""  # as printed: "第 38 次会议", "50th plenary meeting"
    meeting_number: int | None = None
    adoption: Adoption = Adoption.UNKNOWN
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstaining: int | None = None
    agenda_item: str = ""  # "10", "24" … as printed, with its title when given: "10 技术援助和能力建设"
    committee_report: str = ""  # "A/67/457/Add.1"
    job_number: str = ""  # "23-25972"
    paragraphs: tuple[ParsedParagraph, ...] = ()
    footnotes: tuple[ParsedFootnote, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def paragraphs_of(self, kind: Kind) -> list[ParsedParagraph]:
        return [p for p in self.paragraphs if p.kind == kind]

    @property
    def divisions(self) -> tuple[ParsedDivision, ...]:
        """Every division of the text once, in document order (parents before their children)."""
        seen: dict[str, ParsedDivision] = {}
        for paragraph in self.paragraphs:
            for division in paragraph.divisions:
                seen.setdefault(division.eid, division)
        return tuple(seen.values())
