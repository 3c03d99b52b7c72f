"""What the index sees of a paragraph: its text (Chinese bigrams, English stems) and the facets around it.

A paragraph of an article is indexed with the article's number and title before its words ("第十九条 第 19 条",
"Article 19"), so that "article 19" or 第 19 条 with the Declaration's symbol finds the article's paragraphs.
"""
import hashlib
from functools import lru_cache

from django.db.models import Prefetch
from haystack import indexes

from .models import Alignment, ArticleCitation, DivisionKind, Paragraph, Reference
from .openers import opener
from .parsing.article_citations import instruments
from .search.analysis import fold
from .search.fields import BigramTextField, EnglishTextField, KeywordField, KeywordsField


class ParagraphIndex(indexes.SearchIndex, indexes.Indexable):
    text = BigramTextField(document=True)  # prepare_text: the article's number and title, then the paragraph
    text_en = EnglishTextField()
    resolution_id = KeywordField(model_attr="resolution_id")
    symbol = KeywordField(model_attr="resolution__symbol")
    language = KeywordField(model_attr="resolution__language")
    body = KeywordField(model_attr="resolution__body")
    session = KeywordField(model_attr="resolution__session")
    kind = KeywordField(model_attr="kind")
    verb = KeywordField()
    versions = KeywordField()  # "both": the resolution is held in Chinese and English (Work.alignment); "one"
    change = KeywordField()  # new / changed / unchanged since the previous member of its series; "" outside one
    # Keys (instruments.toml) of the instruments it cites (article citations, names, references to the adopting
    # resolution) or stands in (an article of the Declaration, of 79/243's Convention).
    instrument = KeywordsField()
    session_number = indexes.IntegerField()
    year = indexes.IntegerField()
    adopted = indexes.IntegerField()
    position = indexes.IntegerField(model_attr="position")
    text_hash = KeywordField()  # lets check_search_index see an edited text the index missed

    def get_model(self):
        return Paragraph

    def index_queryset(self, using=None):
        return indexed_paragraphs(Paragraph.objects.all()).order_by("pk")

    def prepare_text(self, paragraph: Paragraph) -> str:
        return indexed_text(paragraph)

    def prepare_text_en(self, paragraph: Paragraph) -> str:
        return fold(indexed_text(paragraph)) if paragraph.resolution.language == "en" else ""

    def prepare_instrument(self, paragraph: Paragraph) -> list[str]:
        return paragraph_instruments(paragraph)

    def prepare_verb(self, paragraph: Paragraph) -> str:
        return opener(paragraph.text, paragraph.resolution.language)

    def prepare_change(self, paragraph: Paragraph) -> str:
        """ParagraphLineage.change (resolutions.series keeps it and reindexes the resolution when it changes)."""
        try:
            return paragraph.lineage.change
        except Paragraph.lineage.RelatedObjectDoesNotExist:
            return ""

    def prepare_versions(self, paragraph: Paragraph) -> str:
        """services.align_versions reindexes every version when a work gains or loses its second language."""
        return "one" if paragraph.resolution.work.alignment == Alignment.SINGLE else "both"

    def prepare_session_number(self, paragraph: Paragraph) -> int:
        session = paragraph.resolution.session
        return int(session) if session.isdigit() else 0

    def prepare_year(self, paragraph: Paragraph) -> int:
        adopted_on = paragraph.resolution.adopted_on
        return adopted_on.year if adopted_on else 0

    def prepare_adopted(self, paragraph: Paragraph) -> int:
        """The adoption date as 20121220, for sorting by date."""
        adopted_on = paragraph.resolution.adopted_on
        return int(adopted_on.strftime("%Y%m%d")) if adopted_on else 0

    def prepare_text_hash(self, paragraph: Paragraph) -> str:
        return text_hash(indexed_text(paragraph))


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def indexed_paragraphs(paragraphs):
    """`paragraphs` with what their index documents are made of, in a few queries however many there are."""
    return paragraphs.select_related("resolution__work", "lineage", "division").prefetch_related(
        Prefetch("article_citations", queryset=ArticleCitation.objects.only("paragraph_id", "instrument")),
        Prefetch("references", queryset=Reference.objects.only("paragraph_id", "target_symbol")),
    )


def article_heading(paragraph: Paragraph) -> str:
    """The number and title of the article a paragraph stands in, as a reader may search for them: as printed
    (第十九条, Article 5) and, in Chinese, in the other way of writing the number (第 19 条 / 第五条); "" outside one."""
    from .reading import chinese_number

    division = paragraph.division
    if division is None or division.kind != DivisionKind.ARTICLE:
        return ""
    forms = [division.num] if division.num else []
    if paragraph.resolution.language == "zh" and division.number:
        forms += [f"第 {division.number} 条", f"第{chinese_number(division.number)}条"]
    elif division.number and not division.num:
        forms.append(f"Article {division.number}")
    kept: list[str] = []
    for form in forms + ([division.heading] if division.heading else []):
        if fold(form).replace(" ", "") not in {fold(k).replace(" ", "") for k in kept}:
            kept.append(form)
    return " ".join(kept)


def indexed_text(paragraph: Paragraph) -> str:
    """What the index matches a query against: the article's number and title (article_heading), then the text."""
    heading = article_heading(paragraph)
    return f"{heading}\n{paragraph.text}" if heading else paragraph.text


@lru_cache(maxsize=1)
def _adopted_by() -> dict[str, tuple[str, ...]]:
    """Adopting symbol -> the instruments it adopted (A/RES/2200(XXI): both Covenants)."""
    found: dict[str, list[str]] = {}
    for instrument in instruments().values():
        if instrument.symbol:
            found.setdefault(instrument.symbol, []).append(instrument.key)
    return {symbol: tuple(keys) for symbol, keys in found.items()}


def own_instrument(paragraph: Paragraph) -> str:
    """The key of the instrument the paragraph is part of (the Declaration's articles, 79/243's annex 1), or ""."""
    for key in _adopted_by().get(paragraph.resolution.symbol, ()):
        articles_at = instruments()[key].articles_at
        if not articles_at or paragraph.eid.startswith(articles_at):
            return key
    return ""


def paragraph_instruments(paragraph: Paragraph) -> list[str]:
    """The instruments a paragraph cites or is part of, sorted: every article citation of it or of its footnotes
    (a name without an article counts: article 0), every reference to the resolution that adopted an instrument
    (when it adopted one only: "resolution 2200 A (XXI)" names both Covenants, the words say which), and its own."""
    keys = {citation.instrument for citation in paragraph.article_citations.all() if citation.instrument}
    for reference in paragraph.references.all():
        adopted = _adopted_by().get(reference.target_symbol, ())
        if len(adopted) == 1:
            keys.add(adopted[0])
    if own := own_instrument(paragraph):
        keys.add(own)
    return sorted(keys)
