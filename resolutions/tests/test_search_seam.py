"""The seam holds: outside resolutions/search/, code reaches search only through resolutions.search.service (and the
engine-neutral text folding of resolutions.search.analysis), and the search pages themselves know no engine."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "resolutions"
SEAM = "resolutions.search.service"
# The archive's text folding (fold; the openers of resolutions.openers): what both engines and the pure comparison modules share; no engine.
NEUTRAL = "resolutions.search.analysis"
ENGINE_LIBRARIES = ("whoosh", "haystack", "elasticsearch", "opensearchpy")
ENGINE_MODULES = ("resolutions.search.backend", "resolutions.search.matching", "resolutions.search.whoosh_engine",
                  "resolutions.search.whoosh_fast", "resolutions.search.opensearch_engine", "resolutions.search.opensearch_backend")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imported(path: Path, module: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every import in `path` (the module `module`), relative imports resolved; `from a import b`
    gives a.b too."""
    package = (module or module_name(path)).rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def outside_search() -> list[Path]:
    paths = [p for p in PACKAGE.rglob("*.py") if not {"search", "tests", "migrations"} & set(p.relative_to(PACKAGE).parts[:-1])]
    # search_indexes.py is haystack's index declaration (by haystack's convention beside models.py): search's own.
    return [p for p in paths if p.name != "search_indexes.py"] + [ROOT / "gunicorn.conf.py"]


def seam_offenders(paths: dict[Path, str]) -> tuple[list[str], int]:
    """Imports of search that go around the seam in these files (path -> module name), and how many use the seam."""
    offenders = []
    checked = 0
    for path, name in paths.items():
        for line, module in imported(path, name) if path.name != "gunicorn.conf.py" else imported_config(path):
            allowed = module in (SEAM, NEUTRAL, "resolutions.search") or module.startswith((SEAM + ".", NEUTRAL + "."))
            if path.name == "urls.py" and module in ("resolutions.search.views",):
                allowed = True  # the URLconf routes to the search page, which itself imports only the seam
            if module.startswith("resolutions.search") and not allowed:
                offenders.append(f"{name}:{line} imports {module}")
            if module.split(".")[0] in ENGINE_LIBRARIES:
                offenders.append(f"{name}:{line} imports {module}")
            checked += module.startswith(SEAM)
    return offenders, checked


def test_views_api_feeds_exports_commands_and_gunicorn_import_only_the_seam():
    offenders, checked = seam_offenders({path: module_name(path) for path in outside_search()})
    assert offenders == []
    assert checked >= 6  # services, exports, three commands, gunicorn: the walk saw them


def imported_config(path: Path) -> list[tuple[int, str]]:
    """gunicorn.conf.py is not in a package: its imports are absolute."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.lineno, node.module)] + [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


@pytest.mark.parametrize("name", ["views.py", "forms.py", "service.py", "indexing.py", "snippets.py", "engine.py", "query.py"])
def test_the_engine_neutral_search_modules_know_no_engine(name):
    path = PACKAGE / "search" / name
    offenders = []
    for line, module in imported(path):
        if module in ENGINE_MODULES or any(module.startswith(m + ".") for m in ENGINE_MODULES):
            # engine.get_engine imports the chosen engine's module lazily, inside the function: that is the choice.
            lazy = ("resolutions.search.whoosh_engine", "resolutions.search.opensearch_engine")
            if not (name == "engine.py" and (module in lazy or module.rsplit(".", 1)[0] in lazy)):
                offenders.append(f"{name}:{line} imports {module}")
        if module.split(".")[0] in ("whoosh", "elasticsearch", "opensearchpy") and name not in ("snippets.py", "query.py"):
            offenders.append(f"{name}:{line} imports {module}")
    assert offenders == []


def test_the_walk_reports_an_import_around_the_seam(tmp_path):
    """The check can fail: an export importing the Whoosh engine, or haystack, is reported with its line."""
    fake = tmp_path / "exports.py"
    fake.write_text(
        "from .search.service import search_paragraphs\nfrom .search.whoosh_engine import WhooshEngine\nimport haystack\n"
        "from .search import matching\n",
        encoding="utf-8",
    )
    offenders, checked = seam_offenders({fake: "resolutions.exports"})
    assert offenders == [
        "resolutions.exports:2 imports resolutions.search.whoosh_engine",
        "resolutions.exports:2 imports resolutions.search.whoosh_engine.WhooshEngine",
        "resolutions.exports:3 imports haystack",
        "resolutions.exports:4 imports resolutions.search.matching",
    ]
    assert checked == 2
