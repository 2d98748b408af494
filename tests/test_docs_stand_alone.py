"""The README and docs stand alone: nothing points outside the repository, and every file they
name in backticks exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def test_no_document_points_outside_the_repository():
    """No "../shared" or absolute /work/… path in README.md or docs/."""
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        assert "../shared" not in text and "/work/" not in text, doc
        assert not re.search(r"`shared/", text), doc


def test_the_readme_names_only_files_that_exist():
    """Every `docs/…` path the README names is in the repository, and it says how to reset
    the demo, where the admin signs in and that the language follows the browser."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in re.findall(r"`(docs/[^`\s]+)`", readme):
        assert (ROOT / path).exists(), path
    assert (ROOT / "docs/domain/BRIEF.md").exists()
    assert "Reset the demo" in readme and "/admin/" in readme and "browser's language" in readme
