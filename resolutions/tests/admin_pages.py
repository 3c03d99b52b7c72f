"""Fixtures and helpers for tests that drive the admin pages: a curator, forms read back, archive state."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from resolutions.management.commands.create_curator_group import ensure_curator_group
from resolutions.models import Footnote, IndexTask, Paragraph, Reference, Resolution, Revision, SourceFile
from resolutions.search.engine import get_engine
from resolutions.uploads import staging_dir


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_values: list[str] = []
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select, self._select_values, self._first_option = name, [], None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._select_values.append(value)

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            values = self._select_values or ([self._first_option] if self._first_option is not None else [])
            self.data[self._select] = values
            self._select = None


def read_form(html: str, form_id: str) -> dict[str, list[str]]:
    """The fields of form `form_id` as the browser would submit them (name -> values)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    # A textarea's content starts after the newline Django writes behind the tag.
    return {
        name: [v.removeprefix("\n") for v in values] for name, values in reader.data.items()
    }


@pytest.fixture
def media_root(tmp_path: Path, settings) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def curator(django_user_model, db):
    user = django_user_model.objects.create_user("curator", password="a long curator password", is_staff=True)
    user.groups.add(ensure_curator_group())
    return user


@pytest.fixture
def curator_client(client, curator, media_root, search_index):
    client.force_login(curator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the admin's own texts in English, as asserted
    return client


def archive_state() -> dict:
    """Everything an upload could change: table contents, the index's documents, staged files.

    The index is read through the engine the settings choose (the search_index fixture points it at the test's
    own index), as check_search_index reads it: each document with what it was built from.
    """
    documents = sorted(get_engine().indexed_state().items())
    return {
        "resolutions": sorted(Resolution.objects.values_list("symbol", "language", "source_sha256", "title")),
        "paragraphs": sorted(Paragraph.objects.values_list("id", "eid", "text")),
        "footnotes": Footnote.objects.count(),
        "references": Reference.objects.count(),
        "sources": SourceFile.objects.count(),
        "revisions": Revision.objects.count(),
        "index_tasks": IndexTask.objects.count(),
        "index_documents": documents,
        "staged": sorted(p.name for p in staging_dir().iterdir()) if staging_dir().is_dir() else [],
    }


def search_hits(client, query: str) -> set[tuple[str, str, str]]:
    response = client.get("/api/search", {"q": query, "per_page": 100})
    assert response.status_code == 200
    return {(hit["symbol"], hit["language"], hit["eid"]) for hit in response.json()["results"]}
