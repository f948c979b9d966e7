"""Paper names: the system names titles give ("Splitwise" in "Splitwise: Efficient ...") and
short titles, normalised, sorted, and mapped to their documents.

Each segment stores its names sorted (see segment.py); a lookup is a binary search over the
memory-mapped keys of each segment, so opening a collection of a million papers does not read a
million titles.
"""

from __future__ import annotations

import bisect
import re

import numpy as np
from rapidfuzz import fuzz, process

from retrieval.persistence import StringColumn

# A system name is a short title prefix ("Splitwise: ..."); longer prefixes are sentences.
MAX_NAME_WORDS = 5
# Titles this short are names themselves ("Locally Typical Sampling").
MAX_TITLE_NAME_WORDS = 8
_NAME_END = re.compile(r":|[!?](?=\s)| -- | — ")


def system_name(title: str) -> str | None:
    """The name a title gives its system: the part before ':' (or '!', '?', ' -- ') when short."""
    end = _NAME_END.search(title)
    if end is None:
        return None
    head = title[: end.start()].strip()
    words = head.split()
    if not words or len(words) > MAX_NAME_WORDS:
        return None
    return head


def title_names(title: str) -> list[str]:
    """The names a title gives its paper: its system name, and the title itself when short."""
    names = []
    head = system_name(title)
    if head:
        names.append(head)
    if len(title.split()) <= MAX_TITLE_NAME_WORDS:
        names.append(title)
    return names


class NameTable:
    """Lookups of normalised names across segments; fuzzy matching reads, per segment, only the
    run of keys that start with the same letter."""

    def __init__(self, segments: list, bases, is_deleted) -> None:
        self.segments = segments
        self.bases = bases
        self.is_deleted = is_deleted
        self.max_words = max((s.name_max_words for s in segments), default=0)
        self._by_letter: dict[tuple[int, str], list[str]] = {}

    @staticmethod
    def _find(segment, key: str) -> int:
        # Bisect over the mapped column: only the probed keys are decoded.
        keys = segment.name_keys
        i = bisect.bisect_left(keys, key)
        return i if i < len(keys) and keys[i] == key else -1

    def documents(self, key: str) -> list[int]:
        """Live documents named `key` (a `title_key`), in corpus order; empty when none."""
        found: list[int] = []
        for s, segment in enumerate(self.segments):
            i = self._find(segment, key)
            if i < 0:
                continue
            lo, hi = int(segment.name_ptr[i]), int(segment.name_ptr[i + 1])
            base = int(self.bases[s])
            for local in segment.name_docs[lo:hi]:
                doc = base + int(local)
                if 0 <= int(local) < segment.n_docs and not self.is_deleted(doc):
                    found.append(doc)
        return found

    def surface(self, key: str) -> str | None:
        for segment in self.segments:
            i = self._find(segment, key)
            if i >= 0:
                return segment.name_surfaces[i]
        return None

    def _keys_starting_with(self, s: int, letter: str) -> list[str]:
        cached = self._by_letter.get((s, letter))
        if cached is None:
            keys = self.segments[s].name_keys
            lo = bisect.bisect_left(keys, letter)
            hi = bisect.bisect_left(keys, chr(ord(letter) + 1))
            cached = self._by_letter[(s, letter)] = keys.slice(lo, hi)
        return cached

    def closest(self, key: str, cutoff: float, min_chars: int) -> str | None:
        """The most similar name key with the same first letter (rapidfuzz ratio), when it
        reaches `cutoff`."""
        if len(key) < min_chars:
            return None
        best: tuple[float, str] | None = None
        for s in range(len(self.segments)):
            match = process.extractOne(
                key,
                self._keys_starting_with(s, key[0]),
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                processor=None,
            )
            if (
                match is not None
                and len(match[0]) >= min_chars
                and (best is None or match[1] > best[0])
            ):
                best = (match[1], match[0])
        return best[1] if best else None

    def all_surfaces(self) -> list[str]:
        return sorted({n for segment in self.segments for n in segment.name_surfaces.all()})


def bisect_sorted(column: StringColumn, order: np.ndarray, value: str) -> int | None:
    """Position of `value` in `column`, searching through the sorting permutation `order`."""

    class _View:
        def __len__(self) -> int:
            return len(order)

        def __getitem__(self, i: int) -> str:
            return column[int(order[i])]

    i = bisect.bisect_left(_View(), value)
    if i < len(order) and column[int(order[i])] == value:
        return int(order[i])
    return None
