"""Compiled lookup of white-space pieces for the analysis worker processes.

A PieceAnalyzer looks every piece of text up in a dictionary of the pieces it has analysed; for a
large build that lookup is most of the analysis time (a Python dictionary probe per word). Here
the pieces live in an open-addressing hash table of byte strings, and one compiled pass splits
the joined text (UTF-8) at white space and looks every piece up. Pieces it has never seen are
returned to the PieceAnalyzer, which analyses them as before and adds their codes.

Only worker processes use it (they exist only for large corpora, where loading numba pays for
itself); everything else takes the pure Python path, which gives the same codes.
"""

from __future__ import annotations

import re

import numpy as np
from numba import njit

# Python's str.split() splits at these ASCII bytes; the other white space it knows is removed
# from the text before it gets here (see `spaces_as_python_splits`).
_ASCII_SPACE = np.zeros(256, dtype=np.bool_)
for _byte in (9, 10, 11, 12, 13, 28, 29, 30, 31, 32):
    _ASCII_SPACE[_byte] = True
_UNICODE_SPACE = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
UNSEEN = np.iinfo(np.int32).min + 1
_EMPTY = np.int32(np.iinfo(np.int32).max)  # a free slot


def spaces_as_python_splits(text: str) -> str:
    """The text with every non-ASCII character that str.split() treats as white space turned
    into a space, so that splitting its bytes at ASCII white space gives the same pieces."""
    return text if text.isascii() else _UNICODE_SPACE.sub(" ", text)


@njit(cache=True, nogil=True)
def _hash(buf, start, end):
    h = np.uint64(14695981039346656037)
    for i in range(start, end):
        h ^= np.uint64(buf[i])
        h *= np.uint64(1099511628211)
    return h


@njit(cache=True, nogil=True)
def _find(slots_hash, slots_code, slots_start, slots_len, arena, buf, start, end, h):
    """The slot holding the piece buf[start:end], or the free slot where it belongs."""
    mask = slots_hash.shape[0] - 1
    i = np.int64(h & np.uint64(mask))
    n = end - start
    while True:
        if slots_code[i] == _EMPTY:
            return i
        if slots_hash[i] == h and slots_len[i] == n:
            s = slots_start[i]
            same = True
            for j in range(n):
                if arena[s + j] != buf[start + j]:
                    same = False
                    break
            if same:
                return i
        i = (i + 1) & mask


@njit(cache=True, nogil=True)
def _lookup(buf, space, slots_hash, slots_code, slots_start, slots_len, arena):
    """Every piece's code (UNSEEN when the table lacks it), and where each piece starts and
    ends in buf."""
    n = buf.shape[0]
    codes = np.empty(n // 2 + 1, dtype=np.int32)
    starts = np.empty(n // 2 + 1, dtype=np.int64)
    ends = np.empty(n // 2 + 1, dtype=np.int64)
    count = 0
    i = 0
    while i < n:
        while i < n and space[buf[i]]:
            i += 1
        if i >= n:
            break
        start = i
        while i < n and not space[buf[i]]:
            i += 1
        slot = _find(
            slots_hash, slots_code, slots_start, slots_len, arena, buf, start, i,
            _hash(buf, start, i),
        )  # fmt: skip
        code = slots_code[slot]
        codes[count] = UNSEEN if code == _EMPTY else code
        starts[count] = start
        ends[count] = i
        count += 1
    return codes[:count], starts[:count], ends[:count]


@njit(cache=True, nogil=True)
def _insert(slots_hash, slots_code, slots_start, slots_len, arena, used, buf, start, end, code):
    """Add a piece (not yet in the table) with its code; the arena's new fill."""
    h = _hash(buf, start, end)
    slot = _find(slots_hash, slots_code, slots_start, slots_len, arena, buf, start, end, h)
    for j in range(end - start):
        arena[used + j] = buf[start + j]
    slots_hash[slot] = h
    slots_code[slot] = code
    slots_start[slot] = used
    slots_len[slot] = end - start
    return used + end - start


class PieceTable:
    """Pieces (UTF-8 bytes) to codes, for the compiled lookup."""

    def __init__(self) -> None:
        self.size = 0
        self._allocate(1 << 16, 1 << 20)

    def _allocate(self, slots: int, arena_bytes: int) -> None:
        self.hashes = np.zeros(slots, dtype=np.uint64)
        self.codes = np.full(slots, _EMPTY, dtype=np.int32)
        self.starts = np.zeros(slots, dtype=np.int64)
        self.lengths = np.zeros(slots, dtype=np.int32)
        self.arena = np.zeros(arena_bytes, dtype=np.uint8)
        self.used = 0

    def lookup(self, data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Codes of the pieces of `data` (UNSEEN for new ones), with their byte spans."""
        buf = np.frombuffer(data, dtype=np.uint8)
        return _lookup(
            buf, _ASCII_SPACE, self.hashes, self.codes, self.starts, self.lengths, self.arena
        )

    def add(self, piece: bytes, code: int) -> None:
        """A piece the table lacks, with its code."""
        if 2 * (self.size + 1) > self.hashes.shape[0] or self.used + len(piece) > len(self.arena):
            self._grow(len(piece))
        buf = np.frombuffer(piece, dtype=np.uint8)
        self.used = _insert(
            self.hashes, self.codes, self.starts, self.lengths, self.arena, self.used,
            buf, 0, buf.shape[0], code,
        )  # fmt: skip
        self.size += 1

    def _grow(self, extra: int) -> None:
        """Twice the slots when half are taken, a larger arena when it is full; every piece
        put back."""
        old = (self.hashes, self.codes, self.starts, self.lengths, self.arena)
        slots = len(self.hashes) * (2 if 2 * (self.size + 1) > len(self.hashes) else 1)
        arena_bytes = len(self.arena)
        if self.used + extra > arena_bytes:
            arena_bytes = max(2 * arena_bytes, self.used + extra)
        self._allocate(slots, arena_bytes)
        self.used = _rehash(*old, self.hashes, self.codes, self.starts, self.lengths, self.arena)


@njit(cache=True, nogil=True)
def _rehash(
    old_hashes, old_codes, old_starts, old_lengths, old_arena,
    slots_hash, slots_code, slots_start, slots_len, arena,
):  # fmt: skip
    used = 0
    for slot in range(old_codes.shape[0]):
        if old_codes[slot] != _EMPTY:
            s = old_starts[slot]
            used = _insert(
                slots_hash, slots_code, slots_start, slots_len, arena, used,
                old_arena, s, s + old_lengths[slot], old_codes[slot],
            )  # fmt: skip
    return used
