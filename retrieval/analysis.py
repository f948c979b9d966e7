"""Text analysis shared by indexing and querying.

One analyzer turns text into index terms: Unicode NFKC, case folding, tokens that keep scientific
forms ("GPT-3.5", "1.4x", "Llama-2") matchable as a whole and as parts, English stopwords removed,
Snowball stemming.
"""

from __future__ import annotations

import re
import unicodedata

import Stemmer

# Bump when the terms produced for some text change: cached indexes are keyed on it.
ANALYZER_VERSION = "2"

# Letters and digits, joined by hyphens, by points between digits ("3.5", "v1.2") and by
# thousands separators ("10,000"), so that "gpt-3.5" and "1.4x" arrive as one token whose parts
# are analysed too.
TOKEN_PATTERN = re.compile(r"[^\W_]+(?:(?:[-‐‑]|\.(?=\d)|(?<=\d),(?=\d{3}(?!\d)))[^\W_]+)*")
PART_SEPARATOR = re.compile(r"[-‐‑]")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")

# Longer tokens are hashes, encodings or garbage; they never help ranking.
MAX_TOKEN_CHARS = 64

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are aren as at be because been before
    being below between both but by can cannot could couldn d did didn do does doesn doing don
    down during each etc few for from further had hadn has hasn have haven having he her here hers
    herself him himself his how i if in into is isn it its itself just ll m ma me more most mustn
    my myself no nor not now o of off on once only or other our ours ourselves out over own re s
    same shan she should shouldn so some such t than that the their theirs them themselves then
    there these they this those through to too under until up us ve very was wasn we were weren
    what when where which while who whom why will with won would wouldn y you your yours yourself
    yourselves
    """.split()
)


class Analyzer:
    """Text to index terms. Not thread-safe (it caches per token); make one per thread."""

    version = ANALYZER_VERSION

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        self._token_terms: dict[str, tuple[str, ...]] = {}

    @staticmethod
    def normalize(text: str) -> str:
        return unicodedata.normalize("NFKC", text).casefold()

    def tokens(self, text: str) -> list[str]:
        """Surface tokens of `text`, normalised, in order (before stopwords and stemming)."""
        return TOKEN_PATTERN.findall(self.normalize(text))

    def terms(self, text: str) -> list[str]:
        """Index terms of `text`, in order; a compound yields its whole form, then its parts."""
        out: list[str] = []
        for token in self.tokens(text):
            out.extend(self.token_terms(token))
        return out

    def token_terms(self, token: str) -> tuple[str, ...]:
        """Terms of one normalised surface token (memoised: corpora repeat their words)."""
        terms = self._token_terms.get(token)
        if terms is None:
            terms = self._analyze_token(token)
            self._token_terms[token] = terms
        return terms

    def term(self, word: str) -> str | None:
        """The single term of one plain word, or None when it is a stopword or too short."""
        terms = self.token_terms(self.normalize(word))
        return terms[0] if terms else None

    def _analyze_token(self, token: str) -> tuple[str, ...]:
        if len(token) > MAX_TOKEN_CHARS:
            return ()
        token = THOUSANDS.sub("", token)  # "10,000" and "10000" are one number
        parts = PART_SEPARATOR.split(token)
        if len(parts) == 1:
            return (self._stem(token),) if _keep(token) else ()
        kept = [self._stem(part) for part in parts if _keep(part)]
        # The whole form is the joined parts, so "pre-trained", "pretrained" and "Llama-2"/"llama2"
        # meet in one term.
        whole = self._stem("".join(parts))
        return (whole, *[p for p in kept if p != whole])

    def _stem(self, word: str) -> str:
        if word[0].isdigit():
            return word
        return self._stemmer.stemWord(word)


def _keep(word: str) -> bool:
    if word in STOPWORDS:
        return False
    # Single letters carry nothing; single digits do ("Llama-2", "3 datasets").
    return len(word) > 1 or word.isdigit()
