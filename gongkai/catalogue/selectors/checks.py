"""What the automatic checks find (常态化监测, spec §4.3), as reads: the word lists that apply to an agency,
and the problems in an item's text, attachments, links and metadata. The finders themselves are pure functions
in `gongkai.catalogue.checks`; recording the findings is `services.checks`."""

import datetime as dt
import functools
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from gongkai.catalogue import checks
from gongkai.catalogue.models import Finding, FindingKind, Item, ItemStatus, WordListEntry, WordListKind

MISSING_LABELS = {
    "title": "标题",
    "summary": "内容概述",
    "category": "主题分类",
    "date_written": "成文日期",
    "body": "正文或附件",
    "document_number": "文号",
    "interprets": "解读的文件",
}


def internal_link_ok(link: str) -> bool | None:
    """False for an internal link that leads nowhere; None for external links (not checked)."""
    parts = urlsplit(link)
    if parts.scheme in ("mailto", "tel", "data") or link.startswith("#"):
        return None
    if parts.scheme in ("http", "https") and parts.hostname not in settings.ALLOWED_HOSTS:
        return None
    path = parts.path or "/"
    if path.startswith(settings.MEDIA_URL):
        return default_storage.exists(path[len(settings.MEDIA_URL) :])
    try:
        match = resolve(path)
    except Resolver404:
        return False
    if match.view_name == "catalogue:item":
        return Item.objects.filter(pk=match.kwargs["pk"], status=ItemStatus.PUBLISHED).exists()
    return True


class WordLists(list):
    """word_lists_for's (kind, word, suggestion) entries, with what text_problems needs from them worked out once
    per list rather than once per text (an import checks tens of thousands of texts against the same lists)."""

    @functools.cached_property
    def prepared(self) -> tuple[list, list, re.Pattern | None]:
        return _prepared_words(self)


def _prepared_words(words) -> tuple[list, list, re.Pattern | None]:
    """(sensitive words, typos, a pattern matching any listed word or None when there are none)."""
    sensitive = [(w, s) for k, w, s in words if k == WordListKind.SENSITIVE]
    typos = [(w, s) for k, w, s in words if k == WordListKind.TYPO]
    listed = sorted({w for w, _s in sensitive + typos if w})
    return sensitive, typos, re.compile("|".join(map(re.escape, listed))) if listed else None


def word_lists_for(agency) -> WordLists:
    """(kind, word, suggestion) of the site-wide lists and the agency's own."""
    return WordLists(
        list(WordListEntry.objects.filter(agency__isnull=True).values_list("kind", "word", "suggestion"))
        + list(WordListEntry.objects.filter(agency=agency).values_list("kind", "word", "suggestion"))
    )


def text_problems(texts, *, words, today: dt.date | None = None) -> list[checks.FoundProblem]:
    """Personal data, sensitive words and known typos in (location, text) pairs; `words` as word_lists_for.

    条例 第十五条: personal privacy whose disclosure would harm a third party is not disclosed, so unmasked ID,
    mobile and bank card numbers are found before publishing (and in imports); typos and sensitive words are
    the routine monitoring of government websites (spec §4.3).
    """
    sensitive, typos, any_word = words.prepared if isinstance(words, WordLists) else _prepared_words(words)
    found: list[checks.FoundProblem] = []
    for location, text in texts:
        if not text:
            continue
        found += checks.find_personal_data(text, location, today=today)
        # One pass for "is any listed word here at all" instead of a search per word: most texts have none.
        if any_word is not None and any_word.search(text):
            found += checks.find_words(text, location, sensitive, FindingKind.SENSITIVE_WORD)
            found += checks.find_words(text, location, typos, FindingKind.TYPO)
    return found


def problems_of(item: Item, *, today: dt.date | None = None, words=None) -> list[checks.FoundProblem]:
    """Everything the automatic checks find in an item's text and its attachments' text."""
    words = word_lists_for(item.agency) if words is None else words
    texts = [("标题", item.title), ("内容概述", item.summary), ("正文", item.body_text)]
    attachments = list(item.attachments.all())
    texts += [(f"附件：{a.name}", a.extracted_text) for a in attachments]
    found = text_problems(texts, words=words, today=today)
    found += checks.find_broken_links(item.body, "正文", internal_link_ok)
    item._has_attachments = bool(attachments)  # type: ignore[attr-defined]  # read by Item.missing_metadata()
    for name in item.missing_metadata():
        label = MISSING_LABELS.get(name, name)
        found.append(
            checks.FoundProblem(
                FindingKind.MISSING_METADATA, label, name, _("缺少“{label}”").format(label=label), _("请补充后再提交")
            )
        )
    return found


def open_findings(item: Item) -> list[Finding]:
    return list(Finding.objects.filter(item=item, overridden_at__isnull=True))
