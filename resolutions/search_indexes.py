"""What Whoosh sees of a paragraph: its text (Chinese bigrams, English stems) and the facets around it."""
import hashlib

from haystack import indexes

from .models import Alignment, Paragraph
from .openers import opener
from .search.analysis import fold
from .search.fields import BigramTextField, EnglishTextField, KeywordField


class ParagraphIndex(indexes.SearchIndex, indexes.Indexable):
    text = BigramTextField(document=True, use_template=True, template_name="search/indexes/resolutions/paragraph_text.txt")
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
    session_number = indexes.IntegerField()
    year = indexes.IntegerField()
    adopted = indexes.IntegerField()
    position = indexes.IntegerField(model_attr="position")
    text_hash = KeywordField()  # lets check_search_index see an edited text the index missed

    def get_model(self):
        return Paragraph

    def index_queryset(self, using=None):
        return Paragraph.objects.select_related("resolution__work", "lineage").order_by("pk")

    def prepare_text_en(self, paragraph: Paragraph) -> str:
        return fold(paragraph.text) if paragraph.resolution.language == "en" else ""

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
        return text_hash(paragraph.text)


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
