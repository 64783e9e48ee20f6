"""The English locale is complete and compiled: every message has a translation and the .mo matches the .po."""

import gettext
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# The project catalogue (locale/) and one per app (gongkai/<app>/locale/), so apps can be translated apart.
CATALOGUES = [ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"] + sorted(
    (ROOT / "gongkai").glob("*/locale/en/LC_MESSAGES/django.po")
)


def _po_entries(po: Path) -> dict[str, str]:
    text = po.read_text()
    entries = {}
    for block in text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if match:
            msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
            msgstr = "".join(re.findall(r'"(.*)"', match.group(2)))
            if msgid:
                entries[_unescape(msgid)] = msgstr
    return entries


def _unescape(text: str) -> str:
    return text.encode().decode("unicode_escape").encode("latin-1").decode()


def test_every_message_has_an_english_translation():
    untranslated = [(str(po), msgid) for po in CATALOGUES for msgid, msgstr in _po_entries(po).items() if not msgstr]
    assert untranslated == []


def test_the_compiled_catalogues_match_their_sources():
    stale = []
    for po in CATALOGUES:
        with po.with_suffix(".mo").open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)
        stale += [
            (str(po), msgid)
            for msgid, msgstr in _po_entries(po).items()
            if catalogue.gettext(msgid) != _unescape(msgstr)
        ]
    assert stale == [], "run `make messages` to recompile the catalogues"
