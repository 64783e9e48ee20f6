"""One canonical spelling of a report's text, with every character mapped back to where it was read.

Real reports arrive with full-width digits and punctuation, traditional characters (mirror sites convert whole
pages), pinyin glosses inserted after characters (`經(jīng)濟(jì)`), non-breaking spaces and zero-width marks, and
text taken from a printed page carries its page numbers (folios) between the lines of a paragraph or the rows of a
table. The parser reads the normalised text; every span it finds is mapped back through `origin` to the extracted text, so
the page can highlight the very characters a number was read from.
"""

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}\s?){1,3}\)")
# A line that is only a page number: GB/T 9704's "— 3 —" (also "- 3 -", "－3－"), or "第3页", "第 3 页 共 5 页",
# "第3页/共5页". Left in, a folio in the middle of a table would be read as cells (a "—" is "not applicable",
# the page number a figure) and the row it falls in would hold too many numbers. Only whole lines are page
# numbers: a dash or a number inside a line of a table stays a cell.
_FOLIO = re.compile(
    r"(?m)^[ \t]*(?:[—–―-]{1,2}[ \t]*\d{1,4}[ \t]*[—–―-]{1,2}"
    r"|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[/,，]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?)[ \t]*(?:\n|$)"
)
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"}


@cache
def _traditional_to_simplified() -> dict[str, str]:
    """Character-for-character traditional → simplified (zhconv's table): the text keeps its length."""
    # zhconv's own table, read directly (its loader leaves the file open and may need pkg_resources).
    table = json.loads(files("zhconv").joinpath("zhcdict.json").read_text("utf-8"))["zh2Hans"]
    return {k: v for k, v in table.items() if len(k) == 1 and len(v) == 1 and k != v}


@dataclass(frozen=True)
class NormalText:
    text: str
    origin: Sequence[int]  # origin[i] = index in the source text of normalised character i
    source_length: int

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of normalised characters [start, end)."""
        if start >= len(self.origin):
            return (self.source_length, self.source_length)
        last = self.origin[max(start, end - 1)] + 1 if end > start else self.origin[start]
        return (self.origin[start], last)


def _convert(ch: str, t2s: dict[str, str]) -> str:
    if ch in _INVISIBLE:
        return ""
    out = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
    return "".join(t2s.get(o, o) for o in out)


def normalise(source: str) -> NormalText:
    t2s = _traditional_to_simplified()
    source_chars = set(source)
    mapping = {ch: _convert(ch, t2s) for ch in source_chars}
    if "\r" not in source_chars and all(len(v) == 1 for v in mapping.values()):
        # The common case: every character maps to one character, so positions do not move.
        text = source.translate({ord(k): v for k, v in mapping.items() if k != v})
        origin: list[int] | range = range(len(source))
    else:
        chars: list[str] = []
        positions: list[int] = []
        for i, ch in enumerate(source):
            if ch == "\r":
                # \r\n becomes \n; a lone \r (old Mac files) is a line break too.
                if i + 1 < len(source) and source[i + 1] == "\n":
                    continue
                chars.append("\n")
                positions.append(i)
                continue
            for o in mapping[ch]:
                chars.append(o)
                positions.append(i)
        text = "".join(chars)
        origin = positions
    # Pinyin glosses inserted by mirror sites, and page numbers on lines of their own: drop them (and their
    # positions).
    dropped = [m.span() for m in _FOLIO.finditer(text)]
    if "(" in text:
        dropped += [m.span() for m in _PINYIN.finditer(text)]
    if dropped:
        keep = [True] * len(text)
        for start, end in dropped:
            for j in range(start, end):
                keep[j] = False
        text = "".join(c for c, k in zip(text, keep, strict=True) if k)
        origin = [o for o, k in zip(origin, keep, strict=True) if k]
    return NormalText(text, origin, len(source))
