"""The automatic checks (常态化监测, spec §4.3): pure functions from text to findings, no database.

Personal data that must not be published unmasked (个人隐私泄露): resident identity numbers with a valid GB 11643
check digit and birth date, mobile numbers, bank card numbers passing the Luhn check. Plus the agency's
sensitive words (错敏词), known wrong forms (错别字), and broken internal links. Findings carry their context
with the personal data already masked, so the findings list never republishes what it warns about.
"""

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

from gongkai.core.identifiers import is_valid_resident_id, mask_phone, mask_resident_id, resident_id_birth_date

CONTEXT_CHARS = 15

ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![0-9])(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?![0-9])")
# 16–19 digits, optionally in groups of four separated by one space or hyphen.
CARD_RE = re.compile(r"(?<![0-9])([3-6]\d{3}(?:[- ]?\d{4}){3})([- ]?\d{1,3})?(?![0-9])")
# Seven digits with at most one separator after the third: in every match of the three patterns above, so a
# text without it has none of them; one cheap pass instead of three (most texts have no such number).
NUMBER_HINT_RE = re.compile(r"\d{3}[- ]?\d{4}")


@dataclass(frozen=True)
class FoundProblem:
    kind: str  # a FindingKind value
    location: str
    matched: str
    excerpt: str
    suggestion: str

    @property
    def fingerprint(self) -> str:
        raw = f"{self.kind}|{self.location}|{self.matched}"
        return hashlib.sha256(raw.encode()).hexdigest()


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def mask_bank_card(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def _excerpt(text: str, start: int, end: int, replacement: str) -> str:
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    return f"…{before}【{replacement}】{after}…".replace("\n", " ")


def _looks_like_resident_id(digits: str, today: dt.date | None) -> bool:
    """18 digits with a real birth date in place: an identity number (perhaps mistyped), not a card."""
    if len(digits) != 18:
        return False
    birth = resident_id_birth_date(digits)
    return birth is not None and birth.year >= 1900 and (today is None or birth <= today)


def find_personal_data(text: str, location: str, *, today: dt.date | None = None) -> list[FoundProblem]:
    """Unmasked resident ID numbers, mobile numbers and bank card numbers in `text`."""
    if not NUMBER_HINT_RE.search(text):
        return []
    found: list[FoundProblem] = []
    taken: list[tuple[int, int]] = []
    for match in ID_RE.finditer(text):
        number = match.group(1)
        if is_valid_resident_id(number, today=today):
            masked = mask_resident_id(number)
            found.append(
                FoundProblem(
                    "resident_id", location, number, _excerpt(text, *match.span(1), masked), f"遮盖为 {masked}"
                )
            )
            taken.append(match.span(1))
    for match in CARD_RE.finditer(text):
        if any(s <= match.start(1) < e for s, e in taken):
            continue
        # With its tail (19 digits) or without it (16 digits followed by, say, an amount).
        for end in ([match.end(2)] if match.group(2) else []) + [match.end(1)]:
            digits = re.sub(r"\D", "", text[match.start(1) : end])
            if luhn_valid(digits) and not _looks_like_resident_id(digits, today):
                masked = mask_bank_card(digits)
                span = (match.start(1), end)
                found.append(
                    FoundProblem("bank_card", location, digits, _excerpt(text, *span, masked), f"遮盖为 {masked}")
                )
                taken.append(span)
                break
    for match in MOBILE_RE.finditer(text):
        if any(s <= match.start(1) < e for s, e in taken):
            continue
        digits = re.sub(r"\D", "", match.group(1))
        masked = mask_phone(digits)
        found.append(
            FoundProblem("mobile", location, digits, _excerpt(text, *match.span(1), masked), f"遮盖为 {masked}")
        )
    return found


def find_words(text: str, location: str, words: Iterable[tuple[str, str]], kind: str) -> list[FoundProblem]:
    """Each occurrence of a listed word; `words` are (word, suggested replacement) pairs."""
    found: list[FoundProblem] = []
    for word, suggestion in words:
        if not word:
            continue
        start = text.find(word)
        seen = 0
        while start != -1 and seen < 20:
            end = start + len(word)
            if kind == "typo":
                advice = f"改为“{suggestion}”" if suggestion else "请核对用字"
            else:
                advice = f"改为“{suggestion}”" if suggestion else "删除或改写该词"
            found.append(FoundProblem(kind, location, f"{word}@{start}", _excerpt(text, start, end, word), advice))
            start = text.find(word, end)
            seen += 1
    return found


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def links_in(html: str) -> list[str]:
    parser = _LinkParser()
    parser.feed(html or "")
    return parser.links


def find_broken_links(html: str, location: str, link_ok: Callable[[str], bool | None]) -> list[FoundProblem]:
    """Internal links for which `link_ok` answers False (None means: not an internal link, not checked)."""
    found = []
    for link in dict.fromkeys(links_in(html)):
        if link_ok(link) is False:
            found.append(FoundProblem("broken_link", location, link, link[:200], "修改或删除该链接"))
    return found
