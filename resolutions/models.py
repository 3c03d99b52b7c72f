"""Resolutions, their paragraphs, footnotes and cross-references."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .parsing import Adoption as ParsedAdoption
from .parsing import Body as ParsedBody
from .parsing import DivisionKind as ParsedDivisionKind
from .parsing import Kind as ParsedKind


class Language(models.TextChoices):
    """The six official languages of the UN, by the codes its document system uses (l=zh …)."""

    CHINESE = "zh", "中文"
    ENGLISH = "en", "English"
    FRENCH = "fr", "Français"
    SPANISH = "es", "Español"
    RUSSIAN = "ru", "Русский"
    ARABIC = "ar", "العربية"


# How each language is named in Chinese running text (档案没有 … 的英文本) and in HTML lang attributes.
LANGUAGE_NAMES_ZH = {"zh": "中文", "en": "英文", "fr": "法文", "es": "西班牙文", "ru": "俄文", "ar": "阿拉伯文"}
HTML_LANGUAGE_TAGS = {"zh": "zh-Hans", "en": "en", "fr": "fr", "es": "es", "ru": "ru", "ar": "ar"}


class Body(models.TextChoices):
    GENERAL_ASSEMBLY = ParsedBody.GENERAL_ASSEMBLY.value, "General Assembly"
    HUMAN_RIGHTS_COUNCIL = ParsedBody.HUMAN_RIGHTS_COUNCIL.value, "Human Rights Council"
    COMMISSION_ON_HUMAN_RIGHTS = ParsedBody.COMMISSION_ON_HUMAN_RIGHTS.value, "Commission on Human Rights"
    ECOSOC = ParsedBody.ECOSOC.value, "Economic and Social Council"
    SECURITY_COUNCIL = ParsedBody.SECURITY_COUNCIL.value, "Security Council"


BODY_NAMES_ZH = {
    Body.GENERAL_ASSEMBLY: "大会",
    Body.HUMAN_RIGHTS_COUNCIL: "人权理事会",
    Body.COMMISSION_ON_HUMAN_RIGHTS: "人权委员会",
    Body.ECOSOC: "经济及社会理事会",
    Body.SECURITY_COUNCIL: "安全理事会",
}


class Adoption(models.TextChoices):
    UNKNOWN = ParsedAdoption.UNKNOWN.value, "not stated"
    WITHOUT_VOTE = ParsedAdoption.WITHOUT_VOTE.value, "without a vote"
    RECORDED_VOTE = ParsedAdoption.RECORDED_VOTE.value, "by recorded vote"


class ParagraphKind(models.TextChoices):
    PREAMBULAR = ParsedKind.PREAMBULAR.value, "preambular"
    OPERATIVE = ParsedKind.OPERATIVE.value, "operative"
    ANNEX = ParsedKind.ANNEX.value, "annex"
    ARTICLE = ParsedKind.ARTICLE.value, "article"


PARAGRAPH_KIND_NAMES_ZH = {
    ParagraphKind.PREAMBULAR: "序言部分",
    ParagraphKind.OPERATIVE: "执行部分",
    ParagraphKind.ANNEX: "附件",
    ParagraphKind.ARTICLE: "条款",
}


class DivisionKind(models.TextChoices):
    ANNEX = ParsedDivisionKind.ANNEX.value, "annex"
    PART = ParsedDivisionKind.PART.value, "part"
    CHAPTER = ParsedDivisionKind.CHAPTER.value, "chapter"
    SECTION = ParsedDivisionKind.SECTION.value, "section"
    PREAMBLE = ParsedDivisionKind.PREAMBLE.value, "preamble"
    ARTICLE = ParsedDivisionKind.ARTICLE.value, "article"
    CONCLUSIONS = ParsedDivisionKind.CONCLUSIONS.value, "closing words"


DIVISION_KIND_NAMES_ZH = {
    DivisionKind.ANNEX: "附件",
    DivisionKind.PART: "部分",
    DivisionKind.CHAPTER: "章",
    DivisionKind.SECTION: "节",
    DivisionKind.PREAMBLE: "序言",
    DivisionKind.ARTICLE: "条",
    DivisionKind.CONCLUSIONS: "结尾",
}


class Alignment(models.TextChoices):
    SINGLE = "single", "one language held"
    ALIGNED = "aligned", "every paragraph paired"
    MISMATCHED = "mismatched", "numbering differs: some paragraphs not paired"


class Work(models.Model):
    """One resolution as adopted, whatever its languages: its symbol, and how its language versions align.

    Each `Resolution` is one language version of a work. The alignment (which paragraphs of one version are
    the same paragraphs of another) is worked out by services.align_versions whenever a version is ingested,
    edited or deleted: paired paragraphs are linked as `Paragraph.siblings`, and every difference in counts or
    numbering is kept in `mismatches` for curators, instead of pairing the wrong paragraphs.
    """

    symbol = models.CharField(max_length=64, unique=True, help_text="UN document symbol, e.g. A/RES/67/161")
    alignment = models.CharField(max_length=16, choices=Alignment.choices, default=Alignment.SINGLE)
    mismatches = models.JSONField(
        default=list, blank=True, help_text="Where the versions' paragraphs differ (see resolutions.alignment)"
    )
    metadata_differences = models.JSONField(
        default=list, blank=True, help_text="Facts of the work on which the versions disagree (date, session …)"
    )
    aligned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["symbol"]

    def __str__(self) -> str:
        return self.symbol

    def get_absolute_url(self) -> str:
        return reverse("resolution-any-language", kwargs={"symbol": self.symbol})


class ResolutionQuerySet(models.QuerySet):
    def by_body(self, body: str) -> ResolutionQuerySet:
        return self.filter(body=body)

    def by_symbol(self, symbol: str) -> ResolutionQuerySet:
        return self.filter(symbol__iexact=symbol.strip())


class Resolution(models.Model):
    """One language version of a resolution (symbol + language); its `work` holds all the versions."""

    work = models.ForeignKey(Work, on_delete=models.PROTECT, related_name="versions", editable=False)
    symbol = models.CharField(max_length=64, db_index=True, help_text="UN document symbol, e.g. A/RES/67/161")
    language = models.CharField(max_length=2, choices=Language.choices)
    body = models.CharField(max_length=8, choices=Body.choices)
    session = models.CharField(max_length=16, help_text="Session as numbered by the body (CHR: the year)")
    number = models.CharField(max_length=32)
    title = models.TextField()
    opening = models.CharField(max_length=64, blank=True, help_text="人权理事会， / The General Assembly,")
    adopted_on = models.DateField(null=True, blank=True)
    meeting = models.CharField(max_length=128, blank=True)
    meeting_number = models.PositiveIntegerField(null=True, blank=True)
    adoption = models.CharField(max_length=16, choices=Adoption.choices, blank=True)
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    votes_abstaining = models.PositiveIntegerField(null=True, blank=True)
    agenda_item = models.CharField(max_length=255, blank=True)
    committee_report = models.CharField(max_length=128, blank=True)
    job_number = models.CharField(max_length=32, blank=True)
    source_filename = models.CharField(max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    parse_warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResolutionQuerySet.as_manager()
    moved_from_work_id: int | None = None  # set by save() when an edited symbol moves the version to another work

    class Meta:
        ordering = ["-adopted_on", "symbol", "language"]
        constraints = [models.UniqueConstraint(fields=["symbol", "language"], name="unique_symbol_language")]
        indexes = [models.Index(fields=["body", "session"]), models.Index(fields=["adopted_on"])]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.language})"

    def save(self, *args, **kwargs) -> None:
        # A version always belongs to the work of its symbol, however it was made (service, admin, a test).
        if self.work_id is None or self.work.symbol != self.symbol:
            self.moved_from_work_id = self.work_id
            self.work, _ = Work.objects.get_or_create(symbol=self.symbol)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("resolution-detail", kwargs={"symbol": self.symbol, "language": self.language})

    @property
    def html_lang(self) -> str:
        return HTML_LANGUAGE_TAGS.get(self.language, self.language)

    @property
    def body_name_zh(self) -> str:
        return BODY_NAMES_ZH.get(self.body, "")

    @property
    def short_number(self) -> str:
        """'67/161' as cited in running text."""
        return f"{self.session}/{self.number}"


class Division(models.Model):
    """An annex, part, chapter, section, preamble or article of a structured text (an annexed convention,
    the Universal Declaration): the contents of a long document, and the permanent link of each article.

    `eid` is the Akoma Ntoso-style address, the same in every language version (annex_1, annex_1/chp_2,
    annex_1/art_5, art_19); `num` the number as printed ("Article 5", "第十九条"), `number` its value.
    """

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="divisions")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    kind = models.CharField(max_length=16, choices=DivisionKind.choices)
    eid = models.CharField(max_length=64, help_text="annex_1, annex_1/chp_2, annex_1/art_5, art_19")
    number = models.PositiveIntegerField(default=0)
    num = models.CharField(max_length=64, blank=True, help_text="As printed: Article 5, Chapter II, 第十九条")
    heading = models.TextField(blank=True, help_text="Its title: Protection of sovereignty, 总则")
    position = models.PositiveIntegerField(help_text="Order in the document, from 1")

    class Meta:
        ordering = ["resolution", "position"]
        constraints = [models.UniqueConstraint(fields=["resolution", "eid"], name="unique_division_eid")]

    def __str__(self) -> str:
        return f"{self.resolution.symbol} {self.eid}"

    def get_absolute_url(self) -> str:
        return reverse(
            "paragraph-detail",
            kwargs={"symbol": self.resolution.symbol, "language": self.resolution.language, "eid": self.eid},
        )


class Paragraph(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="paragraphs")
    kind = models.CharField(max_length=16, choices=ParagraphKind.choices)
    position = models.PositiveIntegerField(help_text="Order in the document, from 1")
    number = models.PositiveIntegerField(
        help_text="Printed number (operative, numbered paragraphs of an instrument) or position (preambular, "
        "old annexes); 0 for an instrument's paragraph printed without a number"
    )
    item = models.CharField(max_length=8, blank=True, help_text="a, b … for the lettered items of a paragraph")
    eid = models.CharField(
        max_length=64, help_text="pp3, op7, op3(a), annex_1/art_5/para_2: stable within the resolution"
    )
    text = models.TextField()
    division = models.ForeignKey(
        Division, on_delete=models.SET_NULL, null=True, blank=True, related_name="paragraphs",
        help_text="The innermost article, section, preamble or annex it sits in",
    )
    num = models.CharField(max_length=16, blank=True, help_text="Its number as printed in an article: 2., (a), (ii)")
    # The same paragraph in the work's other language versions, as services.align_versions paired them.
    siblings = models.ManyToManyField("self", symmetrical=True, blank=True, editable=False)

    class Meta:
        ordering = ["resolution", "position"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "eid"], name="unique_paragraph_eid"),
            models.UniqueConstraint(fields=["resolution", "position"], name="unique_paragraph_position"),
        ]

    def __str__(self) -> str:
        return f"{self.resolution.symbol} {self.eid}"

    @property
    def slug(self) -> str:
        """The eid as it appears in a URL: op3(a) -> op3a."""
        return self.eid.replace("(", "").replace(")", "")

    def get_absolute_url(self) -> str:
        return reverse(
            "paragraph-detail",
            kwargs={"symbol": self.resolution.symbol, "language": self.resolution.language, "eid": self.slug},
        )


class FormerEid(models.Model):
    """An address a paragraph had before an edit or a new version renamed it: the old permanent link redirects."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="former_eids")
    eid = models.CharField(max_length=64)
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="former_eids")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resolution", "eid"]
        constraints = [models.UniqueConstraint(fields=["resolution", "eid"], name="unique_former_eid")]

    def __str__(self) -> str:
        return f"{self.resolution.symbol} {self.eid} -> {self.paragraph.eid}"


class Footnote(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="footnotes")
    paragraph = models.ForeignKey(
        Paragraph, on_delete=models.SET_NULL, null=True, blank=True, related_name="footnotes"
    )
    number = models.PositiveIntegerField()
    offset = models.PositiveIntegerField(null=True, blank=True, help_text="Where the marker sits in the paragraph")
    text = models.TextField()
    # Set when an edit took away the words the marker followed: shown to curators, the marker is not placed.
    review_note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["resolution", "number"]
        constraints = [models.UniqueConstraint(fields=["resolution", "number"], name="unique_footnote_number")]

    def __str__(self) -> str:
        return f"{self.resolution.symbol} footnote {self.number}"


class Reference(models.Model):
    """A paragraph (or one of its footnotes) citing another resolution or document."""

    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="references")
    footnote = models.ForeignKey(
        Footnote, on_delete=models.CASCADE, null=True, blank=True, related_name="references"
    )
    target_symbol = models.CharField(max_length=64, db_index=True)
    target_paragraphs = models.JSONField(default=list, blank=True)
    is_resolution = models.BooleanField(default=True)
    start = models.PositiveIntegerField(default=0)
    end = models.PositiveIntegerField(default=0)
    target = models.ForeignKey(
        Resolution, on_delete=models.SET_NULL, null=True, blank=True, related_name="cited_by"
    )
    # Set when an edit changed the cited words: shown to curators; start = end = 0 so no words are linked.
    review_note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["paragraph", "start", "pk"]  # pk: references at the same offset keep one order

    def __str__(self) -> str:
        return f"{self.paragraph} -> {self.target_symbol}"

    @property
    def official_url(self) -> str:
        """The UN Official Document System page for the cited symbol."""
        return official_document_url(self.target_symbol, self.paragraph.resolution.language)

    def get_absolute_url(self) -> str:
        if self.target_id is None:
            return self.official_url
        if self.target_paragraphs:
            # "第 18/18 号决议第 3 和第 4 段" links to the first paragraph it names.
            first = self.target.paragraphs.filter(
                kind=ParagraphKind.OPERATIVE, number=self.target_paragraphs[0], item=""
            ).first()
            if first is not None:
                return first.get_absolute_url()
        return self.target.get_absolute_url()


class ArticleCitation(models.Model):
    """A paragraph (or one of its footnotes) citing an article of an instrument: "article 19 of the Universal
    Declaration of Human Rights", "《禁止酷刑公约》第 2 条第 1 款".

    `target_symbol` and `target_eid` say where the article is (A/RES/217(III) art_19; A/RES/39/46
    annex_1/art_2) whether or not the archive holds it; `target` is that article once it is held.
    """

    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="article_citations")
    footnote = models.ForeignKey(
        Footnote, on_delete=models.CASCADE, null=True, blank=True, related_name="article_citations"
    )
    instrument = models.CharField(max_length=32, blank=True, db_index=True, help_text="Key in instruments.toml")
    target_symbol = models.CharField(max_length=64, blank=True, help_text="The resolution that adopted it")
    target_eid = models.CharField(max_length=64, help_text="The article's address there: art_19, annex_1/art_5")
    article = models.PositiveIntegerField()
    article_paragraph = models.PositiveIntegerField(null=True, blank=True)
    item = models.CharField(max_length=8, blank=True)
    start = models.PositiveIntegerField(default=0)
    end = models.PositiveIntegerField(default=0)
    target = models.ForeignKey(Division, on_delete=models.SET_NULL, null=True, blank=True, related_name="cited_by")

    class Meta:
        ordering = ["paragraph", "start"]
        indexes = [models.Index(fields=["target_symbol", "target_eid"], name="article_citation_target")]

    def __str__(self) -> str:
        return f"{self.paragraph} -> {self.target_symbol or self.instrument} {self.target_eid}"


ODS_LANGUAGES = {"ar": "A", "zh": "C", "en": "E", "fr": "F", "ru": "R", "es": "S"}


def official_document_url(symbol: str, language: str) -> str:
    return f"https://documents.un.org/api/symbol/access?s={symbol}&l={ODS_LANGUAGES.get(language, 'E')}&t=pdf"


class Origin(models.TextChoices):
    """Where a change to the archive came from."""

    INGEST = "ingest", "ingest command"
    UPLOAD = "upload", "admin upload"
    FETCH = "fetch", "fetched from the UN document system"
    EDIT = "edit", "admin edit"
    RESTORE = "restore", "restored from a revision"
    IMPORT = "import", "imported from a backup or the kept originals"
    DELETE = "delete", "deleted"


# Changes that bring the text of an official file: the state curators' edits are measured against
# (an import replays kept originals: their texts are official files too).
FILE_ORIGINS = (Origin.INGEST, Origin.UPLOAD, Origin.FETCH, Origin.IMPORT)


class SourceFile(models.Model):
    """An original file as a curator or the ingest command gave it, kept for provenance and restore."""

    resolution = models.ForeignKey(Resolution, on_delete=models.SET_NULL, null=True, blank=True, related_name="sources")
    # MEDIA_ROOT/sources/2026/12/20261203T120501.123456Z-<sha256 prefix>-<short name>: upload time first.
    file = models.FileField(upload_to="sources/%Y/%m/", max_length=255)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.INGEST)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class FetchRecord(models.Model):
    """What the UN document system gave when `fetch` last took a version: lets the next run skip it, or ask
    only whether it changed (ETag, Last-Modified), instead of downloading it again."""

    symbol = models.CharField(max_length=64)
    language = models.CharField(max_length=2, choices=Language.choices)
    url = models.CharField(max_length=500, help_text="The address asked for")
    etag = models.CharField(max_length=255, blank=True)
    last_modified = models.CharField(max_length=64, blank=True)
    sha256 = models.CharField(max_length=64, help_text="Checksum of the PDF as fetched")
    size = models.PositiveBigIntegerField()
    fetched_at = models.DateTimeField()
    checked_at = models.DateTimeField(help_text="The last time the document system was asked")
    resolution = models.ForeignKey(
        Resolution, on_delete=models.SET_NULL, null=True, blank=True, related_name="fetch_records"
    )

    class Meta:
        ordering = ["symbol", "language"]
        constraints = [models.UniqueConstraint(fields=["symbol", "language"], name="unique_fetch_symbol_language")]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.language}) fetched {self.fetched_at:%Y-%m-%d}"


class Revision(models.Model):
    """A resolution's text as one change left it: who made the change, when, and from where.

    The newest revision of a resolution is its current text; every earlier one can be compared with it
    and restored. A deleted resolution keeps its revisions (the last one, origin "delete", holds the
    text it had), so it can be restored and its permanent link can say when it was withdrawn.
    """

    resolution = models.ForeignKey(
        Resolution, on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions"
    )
    symbol = models.CharField(max_length=64, db_index=True)
    language = models.CharField(max_length=2, choices=Language.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.EDIT)
    reason = models.CharField(max_length=255, blank=True)
    snapshot = models.JSONField(help_text="Metadata, paragraphs, footnotes and references as this change left them")
    # What this change did, for the histories: {"paragraphs": {"op3": "edited", ...}, "fields": [...], "footnotes": [...]}.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["symbol", "language", "created_at"])]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.language}) @ {self.created_at:%Y-%m-%d %H:%M} ({self.origin})"


class IndexTask(models.Model):
    """A resolution whose search documents must be rebuilt; written in the same transaction as the change.

    The single index writer drains these in order, so a change committed to the database always reaches
    the index, even if the process that made it dies before indexing.
    """

    resolution_id = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"reindex resolution {self.resolution_id}"


# --- Series: a resolution coming back session after session, and what each text kept from the last ---------


class Series(models.Model):
    """Resolutions on one subject adopted again and again ("The right to food"), members keyed by symbol.

    Derived: resolutions.series recomputes it from citations and titles (and the curators' SeriesDecision
    rows) whenever a member is ingested, edited or deleted.
    """

    title = models.TextField(help_text="The title of its latest member")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.title


class SeriesLink(models.TextChoices):
    CITATION = "citation", "cites it and has a similar title"
    TITLE = "title", "same title"
    CURATOR = "curator", "joined by a curator"


class SeriesMember(models.Model):
    """One symbol's place in its series (every language version of the symbol shares it)."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="members")
    symbol = models.CharField(max_length=64, unique=True)
    position = models.PositiveIntegerField(help_text="1 for the earliest member")
    previous_symbol = models.CharField(max_length=64, blank=True, help_text="The member it follows")
    link = models.CharField(max_length=16, choices=SeriesLink.choices, blank=True, help_text="Why it follows it")
    changes = models.JSONField(
        default=dict, blank=True, help_text="Per language: what changed since the previous member (counts)"
    )

    class Meta:
        ordering = ["series", "position"]
        constraints = [models.UniqueConstraint(fields=["series", "position"], name="unique_series_position")]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.series_id}/{self.position})"


class SeriesDecision(models.Model):
    """A curator's word on which resolution a symbol follows; detection never overrides it.

    `previous_symbol` empty: the symbol starts a series (split from whatever detection put before it).
    """

    symbol = models.CharField(max_length=64, unique=True)
    previous_symbol = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=255, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["symbol"]

    def __str__(self) -> str:
        return f"{self.symbol} follows {self.previous_symbol or 'nothing'}"


class ParagraphChange(models.TextChoices):
    UNKNOWN = "", "no previous text in this language"
    UNCHANGED = "unchanged", "unchanged"
    CHANGED = "changed", "changed"
    NEW = "new", "new"


class ParagraphLineage(models.Model):
    """Where a paragraph comes from in its series: its match in the previous member, the earliest match.

    Recomputed with the series; what the "new this year" search filter and "first appeared in" read.
    """

    paragraph = models.OneToOneField(Paragraph, on_delete=models.CASCADE, primary_key=True, related_name="lineage")
    previous = models.ForeignKey(
        Paragraph, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The matching paragraph of the previous member of the series, same language",
    )
    first = models.ForeignKey(
        Paragraph, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The matching paragraph of the earliest member where the chain of matches reaches",
    )
    change = models.CharField(max_length=16, choices=ParagraphChange.choices, blank=True)

    def __str__(self) -> str:
        return f"{self.paragraph_id}: {self.change or 'first text'}"

    @property
    def is_new_in_series(self) -> bool | None:
        """True: no match in the previous member; None: no previous member held in this language."""
        return None if self.change == ParagraphChange.UNKNOWN else self.change == ParagraphChange.NEW
