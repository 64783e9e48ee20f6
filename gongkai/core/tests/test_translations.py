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


def _po_entries(po: Path) -> dict[tuple[str, str], str]:
    """(context, msgid) → msgstr of every entry; the context is "" for a message without msgctxt."""
    text = po.read_text()
    entries = {}
    for block in text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if match:
            context = re.search(r'^msgctxt "(.*)"$', block, re.M)
            msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
            msgstr = "".join(re.findall(r'"(.*)"', match.group(2)))
            if msgid:
                entries[(context.group(1) if context else "", _unescape(msgid))] = msgstr
    return entries


def _unescape(text: str) -> str:
    return text.encode().decode("unicode_escape").encode("latin-1").decode()


def test_every_message_has_an_english_translation():
    untranslated = [(str(po), key) for po in CATALOGUES for key, msgstr in _po_entries(po).items() if not msgstr]
    assert untranslated == []


def test_the_compiled_catalogues_match_their_sources():
    stale = []
    for po in CATALOGUES:
        with po.with_suffix(".mo").open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)
        stale += [
            (str(po), context, msgid)
            for (context, msgid), msgstr in _po_entries(po).items()
            if (catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)) != _unescape(msgstr)
        ]
    assert stale == [], "run `make messages` to recompile the catalogues"
