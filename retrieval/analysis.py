"""Text analysis shared by indexing and querying.

One analyzer turns text into index terms: Unicode NFKC, case folding, tokens that keep scientific
forms ("GPT-3.5", "1.4x", "Llama-2") matchable as a whole and as parts, English stopwords removed,
Snowball stemming.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import chain, repeat

import numpy as np
import Stemmer

# Bump when the terms produced for some text change: cached indexes are keyed on it.
ANALYZER_VERSION = "2"

# Letters and digits, joined by hyphens, by points between digits ("3.5", "v1.2") and by
# thousands separators ("10,000"), so that "gpt-3.5" and "1.4x" arrive as one token whose parts
# are analysed too.
TOKEN_PATTERN = re.compile(r"[^\W_]+(?:(?:[-‐‑]|\.(?=\d)|(?<=\d),(?=\d{3}(?!\d)))[^\W_]+)*")
PART_SEPARATOR = re.compile(r"[-‐‑]")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")

# The analyzer forgets the tokens it has analysed beyond this many.
MAX_CACHED_TOKENS = 100_000
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

    def __init__(self, max_cached_tokens: int = MAX_CACHED_TOKENS) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        self._token_terms: dict[str, tuple[str, ...]] = {}
        self._max_cached_tokens = max_cached_tokens

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
            if len(self._token_terms) >= self._max_cached_tokens:
                self._token_terms.clear()
            self._token_terms[token] = terms
        return terms

    def term(self, word: str) -> str | None:
        """The single term of one plain word, or None when it is a stopword or too short."""
        terms = self.token_terms(self.normalize(word))
        return terms[0] if terms else None

    def word_term(self, word: str) -> str | None:
        """The term of one lower-case word, not remembered (for the many spellings a typo could
        stand for); None for a stopword."""
        return self._stem(word) if _keep(word) else None

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


# A PieceAnalyzer forgets the white-space pieces it has seen beyond this many.
MAX_CACHED_PIECES = 1_000_000
PIECE_TOKEN_CACHE = 5_000
# Texts are joined with this piece between them (text never holds it: it is removed first).
_SEPARATOR = "\x00"
_SEPARATOR_CODE = np.iinfo(np.int32).min
_NO_TERM = -1
_UNSEEN = np.iinfo(np.int32).min + 1


class PieceAnalyzer:
    """Text to term numbers, fast on text that repeats its words: each distinct white-space
    separated piece ("models," or "GPT-3.5") is analysed once, and afterwards costs one
    dictionary lookup (a token never spans white space). Many texts are analysed together: they
    are joined and split once, and their pieces looked up in one pass. Terms are the Analyzer's,
    numbered by this object in order of first occurrence (`terms`, `spellings`); callers map
    the numbers onto their own."""

    def __init__(self, compiled: bool = False) -> None:
        # Its pieces are cached here already: the analyzer's own cache need only be small.
        self.analyzer = Analyzer(max_cached_tokens=PIECE_TOKEN_CACHE)
        self.terms: dict[str, int] = {}
        self.spellings: list[str] = []
        # piece -> its one term, _NO_TERM for none, <= -2 for several (see `several`)
        self.pieces: dict[str, int] = {_SEPARATOR: _SEPARATOR_CODE}
        self.several: list[tuple[int, ...]] = []
        self._several_arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        # The same mapping in a compiled hash table (see piece_table.py), when asked for.
        self.table = self._new_table() if compiled else None

    @staticmethod
    def _new_table():
        from retrieval.piece_table import PieceTable

        table = PieceTable()
        table.add(_SEPARATOR.encode(), _SEPARATOR_CODE)
        return table

    def ids(self, text: str) -> np.ndarray:
        """The text's term numbers (int32), in order; a compound gives its whole form, then its
        parts, as Analyzer.terms does."""
        return self.fields([text])[0]

    def fields(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The term numbers of many texts, one after another (int32), and where each text's
        begin (int64, one more than texts)."""
        cached = self.table.size if self.table is not None else len(self.pieces)
        if cached > MAX_CACHED_PIECES:
            self.pieces = {_SEPARATOR: _SEPARATOR_CODE}
            self.table = self._new_table() if self.table is not None else None
            self.several.clear()
            self._several_arrays = None
        normal = [t.lower() if t.isascii() else self.analyzer.normalize(t) for t in texts]
        joined = f" {_SEPARATOR} ".join(normal)
        if joined.count(_SEPARATOR) >= len(normal):  # a text held the separator itself
            joined = f" {_SEPARATOR} ".join(t.replace(_SEPARATOR, " ") for t in normal)
        codes = self._codes(joined) if self.table is None else self._compiled_codes(joined)
        separator = codes == _SEPARATOR_CODE
        field = np.cumsum(separator, dtype=np.int64)
        several = (codes <= -2) & ~separator
        if several.any():
            codes, field = self._expand(codes, field, several)
        else:
            kept = codes >= 0
            codes, field = codes[kept], field[kept]
        ptr = np.zeros(len(normal) + 1, dtype=np.int64)
        np.cumsum(np.bincount(field, minlength=len(normal)), out=ptr[1:])
        return codes, ptr

    def _codes(self, joined: str) -> np.ndarray:
        """The code of every white-space piece of the text."""
        pieces = joined.split()
        codes = np.fromiter(
            map(self.pieces.get, pieces, repeat(_UNSEEN)), dtype=np.int32, count=len(pieces)
        )
        # In the texts' order: terms are numbered by first occurrence.
        for i in np.flatnonzero(codes == _UNSEEN).tolist():
            piece = pieces[i]
            code = self.pieces.get(piece)
            if code is None:
                code = self.pieces[piece] = self._code(piece)
            codes[i] = code
        return codes

    def _compiled_codes(self, joined: str) -> np.ndarray:
        """The same codes, looked up by the compiled table."""
        from retrieval.piece_table import spaces_as_python_splits

        assert self.table is not None
        data = spaces_as_python_splits(joined).encode("utf-8", "surrogatepass")
        codes, starts, ends = self.table.lookup(data)
        fresh: dict[bytes, int] = {}  # new pieces met twice in this text
        for i in np.flatnonzero(codes == _UNSEEN).tolist():
            piece = data[starts[i] : ends[i]]
            code = fresh.get(piece)
            if code is None:
                code = fresh[piece] = self._code(piece.decode("utf-8", "surrogatepass"))
                self.table.add(piece, code)
            codes[i] = code
        return codes

    def _expand(
        self, codes: np.ndarray, field: np.ndarray, several: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Codes with each piece of several terms replaced by its terms, and pieces without
        terms (and separators) dropped."""
        flat, starts, lengths = self._several()
        which = -codes[several] - 2
        counts = (codes >= 0).astype(np.int64)
        counts[several] = lengths[which]
        out_codes = np.repeat(codes, counts)
        out_field = np.repeat(field, counts)
        first = (np.cumsum(counts) - counts)[several]  # where each such piece's terms go
        sizes = lengths[which]
        offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        out_codes[np.repeat(first, sizes) + offsets] = flat[
            np.repeat(starts[which], sizes) + offsets
        ]
        return out_codes, out_field

    def _several(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The terms of the pieces that have several, as flat arrays (rebuilt when they grew)."""
        arrays = self._several_arrays
        if arrays is None or arrays[1].shape[0] != len(self.several):
            lengths = np.fromiter(map(len, self.several), dtype=np.int64, count=len(self.several))
            flat = np.fromiter(chain.from_iterable(self.several), dtype=np.int32)
            arrays = self._several_arrays = (flat, np.cumsum(lengths) - lengths, lengths)
        return arrays

    def _code(self, piece: str) -> int:
        terms = [
            self._number(t)
            for token in TOKEN_PATTERN.findall(piece)
            for t in self.analyzer.token_terms(token)
        ]
        if not terms:
            return _NO_TERM
        if len(terms) == 1:
            return terms[0]
        self.several.append(tuple(terms))
        return -1 - len(self.several)

    def _number(self, term: str) -> int:
        found = self.terms.get(term)
        if found is None:
            found = self.terms[term] = len(self.spellings)
            self.spellings.append(term)
        return found
