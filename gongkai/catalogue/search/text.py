"""Text as the index sees it: normalised, cut into runs of letters and digits, and the runs into bigrams.

Why bigrams: the portal promises that any query of two or more characters finds every item containing it,
which word segmentation cannot promise (a query may cut across the segmenter's words). Each item's title and
plain-text body are normalised (NFKC, lower case) and cut into overlapping pairs of letters or digits; a run
of other characters (punctuation, spaces) is a break, so a phrase never matches across it. A query becomes the
bigrams of each of its letter/digit runs, each run a phrase (all bigrams, adjacent, in order), the runs ANDed.
Plus, for PostgreSQL, the trigrams and four-grams of runs of ASCII letters and digits (`ascii_grams`).
"""

import re
import unicodedata
from array import array

MAX_QUERY_CHARS = 64

# Full-width punctuation common in Chinese text, replaced as NFKC replaces it, so that most text is already
# NFKC-normalised afterwards and skips the costly normalisation (the check is much cheaper than normalising).
_COMMON_WIDE = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，；：（）！？％\u3000")


def normalise(text: str) -> str:
    text = text or ""
    for wide, narrow in _COMMON_WIDE:
        text = text.replace(wide, narrow)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


RUN_RE = re.compile(r"[^\W_]+")  # letters and digits of any script
NON_RUN_RE = re.compile(r"[\W_]+")  # everything else: a break
_SPACES = array("I", [ord(" ")])


def runs(text: str) -> list[str]:
    """The maximal runs of letters and digits in normalised text."""
    return RUN_RE.findall(normalise(text))


def bigram_runs(text: str) -> list[list[str]]:
    """Per run of two or more characters, its bigrams."""
    return [list(map(str.__add__, run, run[1:])) for run in runs(text) if len(run) >= 2]


def bigram_string(text: str) -> str:
    """Every adjacent pair of characters of the normalised text, space-separated, breaks turned into spaces.

    Within a run of letters and digits this is the run's bigrams ("政府信息" → "政府 府信 信息"); at a break it
    gives the one-character tokens on either side ("府，信" → "府 信"), which no query token equals (a query is
    bigrams) and which keep a phrase from matching across the break. Built with array slicing, not a Python
    loop per character: it is the import's hottest step.
    """
    text = NON_RUN_RE.sub(" ", normalise(text))
    if len(text) < 2:
        return ""
    chars = array("I")
    chars.frombytes(text.encode("utf-32-le"))
    pairs = len(chars) - 1
    out = array("I", bytes(12 * pairs))
    out[0::3] = chars[:-1]
    out[1::3] = chars[1:]
    out[2::3] = _SPACES * pairs
    return out.tobytes().decode("utf-32-le")


def index_string(text: str) -> str:
    """What the index holds of a text: the `bigram_string` of its runs joined by single breaks, with a break
    after the last run. Texts that differ only in their breaks (a leading newline, an empty part joined in)
    give the same string (the import's and the services' texts agree); and the last character of every run is a one-character token, so every
    character of the text starts a token and a single character is found as a prefix (`sqlite.Query`)."""
    joined = " ".join(runs(text))
    return bigram_string(joined + " ") if joined else ""


def query_phrases(query: str) -> list[list[str]]:
    """The phrases a query becomes; empty when it has no run of two or more letters or digits."""
    return bigram_runs(query[:MAX_QUERY_CHARS])


def phrase_text(phrase: list[str]) -> str:
    """The run a phrase was cut from."""
    return phrase[0] + "".join(gram[1] for gram in phrase[1:])


ASCII_RUN_RE = re.compile(r"[0-9a-z]{3,}")


def ascii_grams(*texts: str) -> set[str]:
    """PostgreSQL: the trigrams and four-grams of runs of ASCII digits and letters in normalised text, as `~abc`
    and `~abcd` lexemes.

    Ten digits make only a hundred bigrams, so a number's bigrams are in nearly every item ("2021" → 20, 02,
    21) and would leave thousands of candidates to verify; its trigrams are as selective as Chinese bigrams,
    and a four-gram is a whole year or the like, exact without verification. The `~` keeps them apart from
    the filter lexemes.
    """
    out = set()
    for text in texts:
        for run in ASCII_RUN_RE.findall(text):
            out.update("~" + run[i : i + 3] for i in range(len(run) - 2))
            out.update("~" + run[i : i + 4] for i in range(len(run) - 3))
    return out


def ascii_query_grams(*runs: str) -> tuple[set[str], set[str]]:
    """PostgreSQL: the lexemes a query's runs of ASCII digits and letters are looked up by (a run of three by its
    trigram, a longer one by its four-grams, which imply its trigrams), and the bigrams they imply."""
    grams, implied = set(), set()
    for run in runs:
        for part in ASCII_RUN_RE.findall(run):
            size = 3 if len(part) == 3 else 4
            grams.update("~" + part[i : i + size] for i in range(len(part) - size + 1))
            implied.update(part[i : i + 2] for i in range(len(part) - 1))
    return grams, implied
