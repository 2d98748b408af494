"""Every English catalog is complete and its compiled .mo matches the .po (decisions/0005)."""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

CATALOGS = sorted(
    p.parent for p in Path(settings.BASE_DIR).glob("**/locale/en/LC_MESSAGES/django.po")
)
CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$')


def po_entries(text: str) -> list[dict]:
    """Entries of a .po file as {keyword: unquoted text, "flags": "..."}; header excluded."""
    entries, current, key = [], {}, None
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if current.get("msgid"):
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = line
        elif match := FIELD.match(line):
            key = match.group(1)
            current[key] = json.loads(match.group(2))
        elif line.startswith('"') and key:
            current[key] += json.loads(line)
    return entries


def test_the_shared_catalog_exists():
    """The foundation's catalog is among those checked, and it is not empty."""
    assert CATALOG in CATALOGS
    assert len(po_entries((CATALOG / "django.po").read_text(encoding="utf-8"))) > 300


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.parents[2].name))
def test_every_message_has_an_english_translation(catalog):
    """No msgid is left untranslated or fuzzy (fuzzy entries are not compiled)."""
    entries = po_entries((catalog / "django.po").read_text(encoding="utf-8"))
    untranslated = [
        e["msgid"]
        for e in entries
        if "fuzzy" in e.get("flags", "") or not (e.get("msgstr") or e.get("msgstr[0]"))
    ]
    assert untranslated == []


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.parents[2].name))
def test_compiled_catalog_matches_the_po_file(catalog):
    """compilemessages was run after the last edit: the .mo answers every .po entry."""
    with open(catalog / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for entry in po_entries((catalog / "django.po").read_text(encoding="utf-8")):
        context, msgid = entry.get("msgctxt"), entry["msgid"]
        if "msgid_plural" in entry:
            got = (
                compiled.npgettext(context, msgid, entry["msgid_plural"], 2)
                if context
                else (compiled.ngettext(msgid, entry["msgid_plural"], 2))
            )
            assert got == entry["msgstr[1]"], msgid
        else:
            got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
            assert got == entry["msgstr"], msgid
