"""Haystack field types that resolutions.search.backend turns into Whoosh fields of our choosing."""
from haystack import fields


class BigramTextField(fields.CharField):
    """Folded text as overlapping Chinese bigrams and exact Latin-script words (every language)."""

    field_type = "bigram_text"


class EnglishTextField(fields.CharField):
    """English words, stemmed (decides ~ decided ~ decision is not, but urges ~ urged ~ urging is)."""

    field_type = "english_text"


class KeywordField(fields.CharField):
    """One untokenised value, filterable and countable as a facet (body, kind, verb …)."""

    field_type = "keyword"


class KeywordsField(fields.MultiValueField):
    """Several untokenised values, each filterable and counted as a facet (instrument: the ones a paragraph cites)."""

    field_type = "keywords"
