"""Japanese is the default language and its catalogue is complete."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.urls import reverse

PO = Path(__file__).resolve().parent.parent / "daicho/locale/ja/LC_MESSAGES/django.po"


def test_every_string_of_the_catalogue_is_translated_and_compiled():
    po = polib.pofile(str(PO))
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()][:10]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()][:10]
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}
    stale = [
        e.msgid for e in po if not e.msgid_plural and compiled.get((e.msgctxt, e.msgid)) != e.msgstr
    ]
    assert not stale, f".mo is older than .po: {stale[:5]}"


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|\{(\w*)\}")


def _placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in _PLACEHOLDER.finditer(text))


def test_every_translation_keeps_the_placeholders_of_its_english():
    """A translation that drops or renames %(name)s or {name} breaks the page at run time."""
    po = polib.pofile(str(PO))
    wrong = []
    for entry in po.translated_entries():
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        sources = [entry.msgid, *([entry.msgid_plural] if entry.msgid_plural else [])]
        for text in texts:
            if all(_placeholders(text) != _placeholders(source) for source in sources):
                wrong.append(entry.msgid)
    assert not wrong, wrong[:5]


# The fields a catalogue header holds (GNU gettext's PO header); anything else is a corruption.
HEADER_FIELDS = {
    "Project-Id-Version",
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
}


def test_the_catalogue_header_holds_its_fields_and_nothing_else():
    po = polib.pofile(str(PO))
    assert set(po.metadata) <= HEADER_FIELDS, sorted(set(po.metadata) - HEADER_FIELDS)[:5]
    assert po.metadata["Language"] == "ja"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    header = polib.mofile(str(PO.with_suffix(".mo"))).metadata
    assert set(header) <= HEADER_FIELDS, "the compiled header is not the catalogue's"


def test_pages_are_japanese_even_for_an_english_browser(client, world):
    client.force_login(world.policy)
    html = client.get(reverse("registry:system_list"), HTTP_ACCEPT_LANGUAGE="en-US").content
    html = html.decode()
    assert "情報システム" in html and "絞り込み" in html
    assert "Information systems" not in html


def test_the_switch_turns_english_on(client, world):
    client.force_login(world.policy)
    client.post("/i18n/setlang/", {"language": "en", "next": "/systems/"})
    html = client.get(reverse("registry:system_list")).content.decode()
    assert "Information systems" in html
