"""List the paragraphs whose opening words are not in the opener vocabulary (resolutions/data/openers.toml).

They count under "other" in the search's opener facet. A curator reads the list and either adds the opener
to the vocabulary (then rebuilds the search index) or leaves it: a heading, a lettered item, an annex article.
"""
from collections import Counter

from django.core.management.base import BaseCommand

from resolutions import openers
from resolutions.models import Paragraph

SHOWN_WORDS = 5


class Command(BaseCommand):
    help = "List paragraphs whose opener is not in the vocabulary (the facet's 'other'), most frequent openings first."

    def add_arguments(self, parser):
        parser.add_argument("--language", choices=openers.LANGUAGES, help="only this language")
        parser.add_argument(
            "--all", action="store_true", help="also lettered items and annex paragraphs (by default only numbered "
            "preambular and operative paragraphs, which should all open with a known opener)"
        )
        parser.add_argument("--limit", type=int, default=200, help="paragraphs listed (default 200; 0: all)")

    def handle(self, *args, language=None, all=False, limit=200, **options):
        paragraphs = Paragraph.objects.select_related("resolution").order_by("resolution__symbol", "resolution__language", "position")
        if language:
            paragraphs = paragraphs.filter(resolution__language=language)
        if not all:
            paragraphs = paragraphs.filter(item="", kind__in=("preambular", "operative"))
        unknown = [p for p in paragraphs.iterator() if openers.opener(p.text, p.resolution.language) == openers.OTHER]
        openings = Counter(opening(p) for p in unknown)
        self.stdout.write(f"{len(unknown)} paragraphs with an opener outside the vocabulary ({len(openings)} different openings)")
        for text, count in openings.most_common(limit or None):
            self.stdout.write(f"{count:6}  {text}")
        self.stdout.write("")
        for paragraph in unknown[: limit or None]:
            self.stdout.write(f"{paragraph.resolution.symbol} [{paragraph.resolution.language}] {paragraph.eid}: {opening(paragraph)}")


def opening(paragraph: Paragraph) -> str:
    """The first words (Chinese: characters) of a paragraph, as a curator would look them up."""
    if paragraph.resolution.language == "zh":
        return paragraph.text.strip()[:12]
    return " ".join(paragraph.text.split()[:SHOWN_WORDS])
