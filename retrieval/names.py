"""Paper names: the system names titles give ("Splitwise" in "Splitwise: Efficient ...") and
short titles, normalised, sorted, and mapped to their documents.

Built once with the index; a lookup is a binary search over the memory-mapped keys, so opening a
collection of a million papers does not read a million titles.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

import numpy as np
from rapidfuzz import fuzz, process

from retrieval.corpus import title_key
from retrieval.persistence import IndexWriter, StoredIndex, StringColumn

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


class NameTableBuilder:
    def __init__(self) -> None:
        self._docs: dict[str, list[int]] = {}
        self._surface: dict[str, str] = {}

    def add(self, doc: int, title: str) -> None:
        for name in title_names(title):
            key = title_key(name)
            if not key:
                continue
            docs = self._docs.setdefault(key, [])
            if not docs or docs[-1] != doc:
                docs.append(doc)
            self._surface.setdefault(key, name)

    def write(self, writer: IndexWriter) -> int:
        """Store the table; returns the most words in a name."""
        keys = sorted(self._docs)
        key_column, surface_column = writer.column("name_keys"), writer.column("name_surfaces")
        ptr = np.zeros(len(keys) + 1, dtype=np.int64)
        docs: list[int] = []
        for i, key in enumerate(keys):
            key_column.append(key)
            surface_column.append(self._surface[key])
            docs.extend(self._docs[key])
            ptr[i + 1] = len(docs)
        writer.array("name_keys_offsets", key_column.close())
        writer.array("name_surfaces_offsets", surface_column.close())
        writer.array("name_ptr", ptr)
        writer.array("name_docs", np.asarray(docs, dtype=np.int32))
        return max((len(k.split()) for k in keys), default=0)


class NameTable:
    """Lookups of normalised names; fuzzy matching loads the keys on first use."""

    def __init__(
        self,
        keys: StringColumn,
        surfaces: StringColumn,
        ptr: np.ndarray,
        docs: np.ndarray,
        max_words: int,
    ) -> None:
        self.keys = keys
        self.surfaces = surfaces
        self.ptr = ptr
        self.docs = docs
        self.max_words = max_words
        self._by_letter: dict[str, list[str]] = {}

    @classmethod
    def open(cls, stored: StoredIndex) -> NameTable:
        return cls(
            stored.column("name_keys"),
            stored.column("name_surfaces"),
            stored.array("name_ptr"),
            stored.array("name_docs"),
            int(stored.manifest["name_max_words"]),
        )

    def _find(self, key: str) -> int:
        # Bisect over the mapped column: only the probed keys are decoded.
        i = bisect.bisect_left(self.keys, key)
        return i if i < len(self.keys) and self.keys[i] == key else -1

    def documents(self, key: str) -> list[int]:
        """Documents named `key` (a `title_key`), in corpus order; empty when none."""
        i = self._find(key)
        if i < 0:
            return []
        return [int(d) for d in self.docs[int(self.ptr[i]) : int(self.ptr[i + 1])]]

    def surface(self, key: str) -> str | None:
        i = self._find(key)
        return self.surfaces[i] if i >= 0 else None

    def _keys_starting_with(self, letter: str) -> list[str]:
        """The keys that start with `letter`: a contiguous run of the sorted column, decoded
        alone (a typo rarely changes the first letter)."""
        cached = self._by_letter.get(letter)
        if cached is None:
            lo = bisect.bisect_left(self.keys, letter)
            hi = bisect.bisect_left(self.keys, chr(ord(letter) + 1))
            cached = self._by_letter[letter] = self.keys.slice(lo, hi)
        return cached

    def closest(self, key: str, cutoff: float, min_chars: int) -> str | None:
        """The most similar name key with the same first letter (rapidfuzz ratio), when it
        reaches `cutoff`."""
        if len(key) < min_chars:
            return None
        match = process.extractOne(
            key,
            self._keys_starting_with(key[0]),
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            processor=None,
        )
        if match is None or len(match[0]) < min_chars:
            return None
        return match[0]

    def all_surfaces(self) -> list[str]:
        return sorted(set(self.surfaces.all()))


def sorted_positions(values: Iterable[str]) -> np.ndarray:
    """The permutation that sorts `values` (for binary search by id)."""
    listed = list(values)
    return np.asarray(sorted(range(len(listed)), key=listed.__getitem__), dtype=np.int32)


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
