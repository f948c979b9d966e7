"""Compact postings: document-id gaps and term frequencies at the narrowest width each term
needs, in blocks with score bounds.

A term's postings are its documents in ascending order and how often it occurs in each. They
are stored as gaps between successive documents (the first is the first document + 1, so every
gap is at least 1), all of a term's gaps at one width: a byte when its largest gap fits (the
frequent terms, whose postings are long and dense), else two bytes, else four. Frequencies are
stored the same way, two to a byte when all are below 16, or not at all when every one is 1, as
for most terms of an abstract. Decoding a whole term is a slice and a cumulative sum.

Postings are also cut into blocks of BLOCK documents, and each block records its last document,
its largest frequency and its shortest document: a search that needs a term only for a few
candidate documents decodes just the blocks holding them, and skips candidates whose blocks'
score bounds cannot lift them into the top k (block-max MaxScore).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

BLOCK = 128
WIDTHS = (1, 2, 4)
DTYPES = {1: np.uint8, 2: np.uint16, 4: np.uint32}
# Frequency width codes besides the byte widths: none stored (all 1), or 4 bits each.
NO_TF = 0
FOUR_BITS = 3
# Block bounds are stored in 16 bits; larger values are saturated (a frequency that large counts
# as unbounded; a length that large is still a valid lower bound).
SATURATED = 65535

TERM_ARRAYS = ("post_ptr", "gap_width", "gap_at", "tf_width", "tf_at", "block_ptr")
BLOCK_ARRAYS = ("block_last", "block_max_tf", "block_min_len")
TF_CODES = (*WIDTHS, FOUR_BITS)
DATA_ARRAYS = (*(f"gaps{w}" for w in WIDTHS), *(f"tfs{w}" for w in TF_CODES))
ARRAYS = (*TERM_ARRAYS, *BLOCK_ARRAYS, *DATA_ARRAYS)
ARRAY_DTYPES = {
    "post_ptr": np.int64,
    "gap_width": np.uint8,
    "gap_at": np.int64,
    "tf_width": np.uint8,
    "tf_at": np.int64,
    "block_ptr": np.int64,
    "block_last": np.int32,
    "block_max_tf": np.uint16,
    "block_min_len": np.uint16,
    **{f"gaps{w}": DTYPES[w] for w in WIDTHS},
    **{f"tfs{w}": DTYPES[w] for w in WIDTHS},
    f"tfs{FOUR_BITS}": np.uint8,
}


@dataclass
class Postings:
    """Postings of many terms (a segment's), each term's found through its position."""

    ptr: np.ndarray  # int64 [terms + 1]: each term's postings are ptr[t]..ptr[t+1]
    gap_width: np.ndarray  # uint8 [terms]: bytes per gap
    gap_at: np.ndarray  # int64 [terms]: the term's first gap in gaps[width]
    tf_width: np.ndarray  # uint8 [terms]: bytes per frequency, NO_TF or FOUR_BITS
    tf_at: np.ndarray  # int64 [terms] (counted in values: two to a byte for FOUR_BITS)
    block_ptr: np.ndarray  # int64 [terms + 1]: each term's blocks
    block_last: np.ndarray  # int32 [blocks]: the last document of each block
    block_max_tf: np.ndarray  # uint16 [blocks]
    block_min_len: np.ndarray  # uint16 [blocks]
    gaps: dict[int, np.ndarray]  # width -> uint8/uint16/uint32 gaps of the terms of that width
    tfs: dict[int, np.ndarray]  # width code -> frequencies of the terms with that code

    @classmethod
    def load(cls, array: Callable[[str], np.ndarray]) -> Postings:
        return cls(
            *(array(name) for name in (*TERM_ARRAYS, *BLOCK_ARRAYS)),
            gaps={w: array(f"gaps{w}") for w in WIDTHS},
            tfs={w: array(f"tfs{w}") for w in TF_CODES},
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """Every array by its stored name."""
        named = dict(zip((*TERM_ARRAYS, *BLOCK_ARRAYS), self._fields(), strict=True))
        for w in WIDTHS:
            named[f"gaps{w}"] = self.gaps[w]
        for w in TF_CODES:
            named[f"tfs{w}"] = self.tfs[w]
        return named

    def _fields(self) -> tuple[np.ndarray, ...]:
        return (
            self.ptr,
            self.gap_width,
            self.gap_at,
            self.tf_width,
            self.tf_at,
            self.block_ptr,
            self.block_last,
            self.block_max_tf,
            self.block_min_len,
        )

    @property
    def n_terms(self) -> int:
        return int(self.ptr.shape[0]) - 1

    @property
    def n_postings(self) -> int:
        return int(self.ptr[-1])

    def consistent(self) -> bool:
        """Whether the arrays fit together (sizes and pointers, not every value)."""
        t = self.n_terms
        sizes = {a.shape[0] for a in (self.gap_width, self.gap_at, self.tf_width, self.tf_at)}
        blocks = self.block_last.shape[0]
        if sizes != {t} or self.block_ptr.shape[0] != t + 1:
            return False
        if {self.block_max_tf.shape[0], self.block_min_len.shape[0], int(self.block_ptr[-1])} != {
            blocks
        }:
            return False
        df = np.diff(self.ptr)
        if t and (df.min() < 0 or not np.array_equal(np.diff(self.block_ptr), -(-df // BLOCK))):
            return False
        for codes, at, width, stored in (
            (WIDTHS, self.gap_at, self.gap_width, self.gaps),
            (TF_CODES, self.tf_at, self.tf_width, self.tfs),
        ):
            for w in codes:
                mine = width == w
                used = int(df[mine].sum())
                room = stored[w].shape[0] * (2 if w == FOUR_BITS else 1)
                if used > room or (used and int((at[mine] + df[mine]).max()) > room):
                    return False
        return set(np.unique(self.gap_width).tolist()) <= set(WIDTHS) and set(
            np.unique(self.tf_width).tolist()
        ) <= {NO_TF, *TF_CODES}

    # -- decoding ------------------------------------------------------------------------------

    def decode(self, term: int) -> tuple[np.ndarray, np.ndarray | None]:
        """A term's documents (int32, ascending) and frequencies (float32; None when all 1)."""
        lo, hi = int(self.ptr[term]), int(self.ptr[term + 1])
        at = int(self.gap_at[term])
        gaps = self.gaps[int(self.gap_width[term])][at : at + hi - lo]
        docs = np.cumsum(gaps, dtype=np.int32)
        docs -= 1
        return docs, self._all_tfs(term, hi - lo)

    def _all_tfs(self, term: int, n: int) -> np.ndarray | None:
        """The term's n frequencies (float32), None when all are 1."""
        code = int(self.tf_width[term])
        if code == NO_TF:
            return None
        at = int(self.tf_at[term])
        if code == FOUR_BITS:
            return _nibbles(self.tfs[FOUR_BITS], at, n).astype(np.float32)
        return self.tfs[code][at : at + n].astype(np.float32)

    def decode_range(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """Documents and frequencies (int64) of terms a..b-1, term after term (for merging)."""
        lo, hi = int(self.ptr[a]), int(self.ptr[b])
        df = np.diff(self.ptr[a : b + 1])
        gaps = np.empty(hi - lo, dtype=np.int64)
        tfs = np.ones(hi - lo, dtype=np.int64)
        term_width = np.repeat(self.gap_width[a:b], df)
        tf_width = np.repeat(self.tf_width[a:b], df)
        for codes, width, at, stored, values, widths in (
            (WIDTHS, self.gap_width[a:b], self.gap_at[a:b], self.gaps, gaps, term_width),
            (TF_CODES, self.tf_width[a:b], self.tf_at[a:b], self.tfs, tfs, tf_width),
        ):
            for w in codes:
                mine = np.flatnonzero(width == w)
                if not mine.size:
                    continue
                # Terms of one width follow each other in their array: one span holds them all.
                start = int(at[mine[0]])
                stop = int(at[mine[-1]] + df[mine[-1]])
                if w == FOUR_BITS:
                    values[widths == w] = _nibbles(stored[w], start, stop - start)
                else:
                    values[widths == w] = stored[w][start:stop]
        total = np.cumsum(gaps)
        ptr = self.ptr[a : b + 1] - lo
        before = np.where(ptr[:-1] > 0, total[np.maximum(ptr[:-1] - 1, 0)], 0)
        docs = total - np.repeat(before, df) - 1
        return docs, tfs

    def block_bounds(self, term: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The term's blocks: last documents, largest frequencies (inf where saturated) and
        shortest lengths."""
        a, b = int(self.block_ptr[term]), int(self.block_ptr[term + 1])
        max_tf = self.block_max_tf[a:b].astype(np.float32)
        max_tf[max_tf >= SATURATED] = np.inf
        return self.block_last[a:b], max_tf, self.block_min_len[a:b].astype(np.float32)


def encode(ptr: np.ndarray, docs: np.ndarray, tfs: np.ndarray, lengths: np.ndarray) -> Postings:
    """Encode term-major postings: for term t, docs[ptr[t]:ptr[t+1]] ascending with their
    frequencies; `lengths` are the documents' lengths (for the blocks' bounds)."""
    ptr = ptr.astype(np.int64, copy=False)
    n_terms = ptr.shape[0] - 1
    df = np.diff(ptr)
    term_of = np.repeat(np.arange(n_terms, dtype=np.int32), df)
    # 32-bit throughout: a segment's documents and a term's frequencies fit, memory halves.
    docs = docs.astype(np.int32, copy=False)
    tfs = tfs.astype(np.int32, copy=False)
    gaps = np.empty(docs.shape[0], dtype=np.int32)
    firsts = ptr[:-1][df > 0]
    if docs.size:
        np.subtract(docs[1:], docs[:-1], out=gaps[1:])
        gaps[firsts] = docs[firsts] + 1
    gap_width, gap_at, gap_data = _by_width(gaps, term_of, df, firsts, frequencies=False)
    del gaps
    tf_width, tf_at, tf_data = _by_width(tfs, term_of, df, firsts, frequencies=True)
    del term_of
    # Blocks: every BLOCK postings of a term, the last block possibly shorter.
    blocks_per_term = -(-df // BLOCK)
    block_ptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(blocks_per_term, out=block_ptr[1:])
    n_blocks = int(block_ptr[-1])
    within = np.arange(n_blocks, dtype=np.int64) - np.repeat(block_ptr[:-1], blocks_per_term)
    block_starts = np.repeat(ptr[:-1], blocks_per_term) + within * BLOCK
    block_ends = np.append(block_starts[1:], docs.shape[0]) - 1 if docs.size else block_starts
    if docs.size:
        block_max_tf = np.maximum.reduceat(tfs, block_starts)
        block_min_len = np.minimum.reduceat(lengths[docs], block_starts)
    else:
        block_max_tf = block_min_len = np.zeros(0, dtype=np.int64)
    return Postings(
        ptr=ptr,
        gap_width=gap_width,
        gap_at=gap_at,
        tf_width=tf_width,
        tf_at=tf_at,
        block_ptr=block_ptr,
        block_last=docs[block_ends].astype(np.int32),
        block_max_tf=np.minimum(block_max_tf, SATURATED).astype(np.uint16),
        block_min_len=np.minimum(block_min_len, SATURATED).astype(np.uint16),
        gaps=gap_data,
        tfs=tf_data,
    )


def _by_width(
    values: np.ndarray, term_of: np.ndarray, df: np.ndarray, firsts: np.ndarray, frequencies: bool
) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]:
    """Each term's width (the narrowest holding its largest value; for `frequencies`, NO_TF when
    every value is 1 and FOUR_BITS below 16), its offset in the array of its width, and those
    arrays."""
    n_terms = df.shape[0]
    largest = np.zeros(n_terms, dtype=np.int64)
    if values.size and firsts.size:
        largest[df > 0] = np.maximum.reduceat(values, firsts)
    width = np.where(largest < 1 << 8, 1, np.where(largest < 1 << 16, 2, 4)).astype(np.uint8)
    codes: tuple[int, ...] = WIDTHS
    if frequencies:
        width[largest < 16] = FOUR_BITS
        width[largest <= 1] = NO_TF
        codes = TF_CODES
    at = np.zeros(n_terms, dtype=np.int64)
    data = {}
    posting_width = width[term_of]
    for w in codes:
        mine = width == w
        counts = np.where(mine, df, 0)
        at[mine] = (np.cumsum(counts) - counts)[mine]
        chosen = values[posting_width == w]
        data[w] = _pack_nibbles(chosen) if w == FOUR_BITS else chosen.astype(DTYPES[w])
    return width, at, data


def _pack_nibbles(values: np.ndarray) -> np.ndarray:
    """Values below 16, two to a byte (the first in the low half), padded to whole bytes."""
    small = np.zeros(values.shape[0] + values.shape[0] % 2, dtype=np.uint8)
    small[: values.shape[0]] = values
    return small[0::2] | (small[1::2] << 4)


def _nibbles(packed: np.ndarray, at: int, n: int) -> np.ndarray:
    """n values from position `at` of values packed two to a byte."""
    chunk = packed[at >> 1 : (at + n + 1) >> 1]
    out = np.empty(chunk.shape[0] * 2, dtype=np.uint8)
    out[0::2] = chunk & 15
    out[1::2] = chunk >> 4
    return out[at & 1 : (at & 1) + n]


def empty() -> Postings:
    return encode(
        np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.int64)
    )
