"""The query language of the portal's search, parsed once here and applied by both backends.

- words separated by spaces must all be found (AND): `乡村振兴 规划`;
- `OR` (or `|`) between two words finds either: `低保 OR 救助`; it binds tighter than the space, so
  `住房 公积金 OR 补贴` is 住房 AND (公积金 OR 补贴);
- `-word` leaves out every item containing the word: `森林防火 -通知`;
- `"quoted words"` (also “…”) are one phrase: its runs of letters and digits in this order, with a break
  (spaces or punctuation, any) wherever the phrase has one: `"营商 环境"` finds 营商 环境 and 营商、环境 but
  not 营商环境 (search 营商环境 for that); `"covid-19"` finds covid 19 and covid-19. Inside quotes OR and `-`
  are text.

A word is normalised like the text (NFKC, lower case) and cut into its runs of letters and digits; outside
quotes its runs must all be found, anywhere (`政府,信息` = 政府 AND 信息), as before this syntax existed.

The index is of bigrams and of each run's last character, so every character of a text starts one of its
tokens: a single character is looked up as a prefix (SQLite `"x"*`, PostgreSQL `'x':*`). Inside a word with a
longer run its single characters are not looked up (`a,办法` is 办法), as before.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from gongkai.catalogue.search.text import MAX_QUERY_CHARS, runs

_TOKEN_RE = re.compile(r'-?"[^"]*"?|-?“[^”]*”?|\S+')
OR_WORDS = frozenset({"OR", "|"})


@dataclass(frozen=True)
class Term:
    """One word or quoted phrase: its runs of letters and digits, normalised."""

    runs: tuple[str, ...]
    phrase: bool = False  # quoted: the runs follow one another with only breaks between them

    @property
    def indexed(self) -> bool:
        """Whether the index can answer it: any run (a single character is a prefix of the index's tokens)."""
        return bool(self.runs)

    @property
    def lookup_runs(self) -> tuple[str, ...]:
        """The runs the index looks up: outside a phrase, the runs of two or more characters, or, in a word made
        only of single characters, those."""
        if self.phrase:
            return self.runs
        return tuple(run for run in self.runs if len(run) >= 2) or self.runs

    @property
    def singles(self) -> tuple[str, ...]:
        """Outside a phrase, the single characters looked up (each as a prefix of the index's tokens)."""
        return () if self.phrase else tuple(run for run in self.lookup_runs if len(run) == 1)

    @property
    def text(self) -> str:
        return " ".join(self.runs)

    def phrases(self) -> list[list[str]]:
        """The bigram phrases of its runs of two or more characters."""
        return [[a + b for a, b in zip(run, run[1:], strict=False)] for run in self.runs if len(run) >= 2]

    def matches(self, text: str) -> bool:
        """Whether normalised text contains the term (the definition the indexes are tested against)."""
        if self.phrase and len(self.runs) > 1:
            return re.search(phrase_pattern(self.runs), text) is not None
        return all(run in text for run in self.lookup_runs or self.runs)


def phrase_pattern(parts: tuple[str, ...]) -> str:
    """A regular expression of a phrase's runs with one or more breaks (non-letters, non-digits) between them;
    the same pattern in Python and in PostgreSQL (where `[^[:alnum:]]` is a break)."""
    return r"[\W_]+".join(map(re.escape, parts))


def pg_phrase_pattern(parts: tuple[str, ...]) -> str:
    """The PostgreSQL (ARE) spelling of `phrase_pattern`: runs are letters and digits, so need no escaping."""
    return "[^[:alnum:]]+".join(parts)


@dataclass(frozen=True)
class ParsedQuery:
    """AND of groups, each an OR of terms, minus the excluded terms."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    dropped: tuple[Term, ...] = field(default=(), compare=False)  # single-character words left out

    def __bool__(self) -> bool:
        return bool(self.groups)

    def terms(self) -> list[Term]:
        """Every positive term, in order."""
        return [term for group in self.groups for term in group]

    def highlight_runs(self) -> list[str]:
        """What a result page marks: the runs of every positive term."""
        return [run for term in self.terms() for run in term.runs]

    def matches(self, text: str) -> bool:
        """Whether normalised text matches the query (what the indexes are tested against)."""
        return all(any(t.matches(text) for t in group) for group in self.groups) and not any(
            t.matches(text) for t in self.excluded
        )

    def map_terms(self, expand) -> "ParsedQuery":
        """The query with each term replaced by the terms `expand(term)` returns (an OR of them)."""

        def alternatives(terms):
            out: list[Term] = []
            for term in terms:
                for alt in expand(term):
                    if alt not in out:
                        out.append(alt)
            return tuple(out)

        return ParsedQuery(
            tuple(alternatives(group) for group in self.groups), alternatives(self.excluded), self.dropped
        )


def _term(token: str) -> Term | None:
    quoted = token[:1] in '"“'
    text = token.strip('"“”') if quoted else token
    parts = tuple(runs(text))
    return Term(parts, phrase=quoted and len(parts) > 1) if parts else None


def parse(query: str, *, index_only: bool = True) -> ParsedQuery:
    """The query's groups and excluded terms (see the module's docstring).

    With `index_only`, terms the index cannot answer (only single characters) are moved to `dropped`; the
    result is then empty when no term is left, and the caller scans instead.
    """
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    dropped: list[Term] = []
    join_next = False
    # NFKC only (full-width quotes, minus and spaces become ASCII), not lower case: "OR" is an operator, "or" a word
    for token in _TOKEN_RE.findall(unicodedata.normalize("NFKC", query[:MAX_QUERY_CHARS])):
        if token in OR_WORDS:
            join_next = bool(groups)
            continue
        negative = token.startswith("-") and len(token) > 1
        term = _term(token[1:] if negative else token)
        if term is None:
            continue
        if index_only and not term.indexed:
            dropped.append(term)
            join_next = False
            continue
        if negative:
            excluded.append(term)
        elif join_next and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded), tuple(dropped))


def from_phrases(phrases: list[list[str]]) -> ParsedQuery:
    """The query of a list of bigram phrases (the form `text.query_phrases` gives): every run found."""
    return ParsedQuery(tuple((Term((p[0] + "".join(g[1] for g in p[1:]),)),) for p in phrases))
