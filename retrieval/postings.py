"""Compact postings: document-id gaps and term frequencies as one byte each, with the rare
larger values kept aside.

A term's postings are its documents in ascending order and how often it occurs in each. Gaps
between successive documents (the first gap is the first document + 1, so every gap is at least
1) are stored as uint8; a gap of 256 or more is stored as 0 and its value kept in an exception
array, in order. Frequencies are stored the same way (they are at least 1 too). Decoding a term
is a handful of vectorised operations: widen, put the exceptions back, and a cumulative sum.
Frequent terms, whose postings are long, have small gaps, so most postings take two bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Values this large or larger are exceptions; 0 marks their place.
EXCEPTION = 256


@dataclass
class EncodedPostings:
    """Postings of many terms, one after another (a term's slice given by `ptr`)."""

    ptr: np.ndarray  # int64 [terms + 1]: each term's postings
    gaps: np.ndarray  # uint8 [postings]
    gap_exceptions: np.ndarray  # uint32: the gaps stored as 0, in order
    gap_exception_ptr: np.ndarray  # int64 [terms + 1]
    tfs: np.ndarray  # uint8 [postings]
    tf_exceptions: np.ndarray  # uint32
    tf_exception_ptr: np.ndarray  # int64 [terms + 1]


def encode(ptr: np.ndarray, docs: np.ndarray, tfs: np.ndarray) -> EncodedPostings:
    """Encode term-major postings: for term t, docs[ptr[t]:ptr[t+1]] ascending, with their tfs."""
    n_terms = ptr.shape[0] - 1
    docs64 = docs.astype(np.int64, copy=False)
    gaps = np.empty(docs64.shape[0], dtype=np.int64)
    if docs64.size:
        gaps[1:] = docs64[1:] - docs64[:-1]
        starts = ptr[:-1][ptr[:-1] < ptr[1:]]  # each nonempty term's first posting
        gaps[starts] = docs64[starts] + 1
        gaps[0] = docs64[0] + 1
    gap_bytes, gap_exceptions, gap_exception_ptr = _split(gaps, ptr, n_terms)
    tf_bytes, tf_exceptions, tf_exception_ptr = _split(tfs.astype(np.int64), ptr, n_terms)
    return EncodedPostings(
        ptr.astype(np.int64, copy=False),
        gap_bytes,
        gap_exceptions,
        gap_exception_ptr,
        tf_bytes,
        tf_exceptions,
        tf_exception_ptr,
    )


def _split(values: np.ndarray, ptr: np.ndarray, n_terms: int) -> tuple[np.ndarray, ...]:
    """Bytes with 0 where a value is too large, the large values, and each term's share."""
    large = values >= EXCEPTION
    stored = np.where(large, 0, values).astype(np.uint8)
    exceptions = values[large].astype(np.uint32)
    counts = np.add.reduceat(large.astype(np.int64), ptr[:-1]) if values.size else None
    exception_ptr = np.zeros(n_terms + 1, dtype=np.int64)
    if counts is not None:
        # reduceat gives a value for empty slices too (the element at the start): zero them.
        counts[ptr[:-1] == ptr[1:]] = 0
        np.cumsum(counts, out=exception_ptr[1:])
    return stored, exceptions, exception_ptr


def decode(postings: EncodedPostings, term: int) -> tuple[np.ndarray, np.ndarray]:
    """A term's documents (int32, ascending) and term frequencies (float32)."""
    lo, hi = int(postings.ptr[term]), int(postings.ptr[term + 1])
    gaps = postings.gaps[lo:hi].astype(np.int32)
    elo, ehi = int(postings.gap_exception_ptr[term]), int(postings.gap_exception_ptr[term + 1])
    if ehi > elo:
        gaps[gaps == 0] = postings.gap_exceptions[elo:ehi]
    docs = np.cumsum(gaps, dtype=np.int32)
    docs -= 1
    tfs = postings.tfs[lo:hi].astype(np.float32)
    tlo, thi = int(postings.tf_exception_ptr[term]), int(postings.tf_exception_ptr[term + 1])
    if thi > tlo:
        tfs[tfs == 0] = postings.tf_exceptions[tlo:thi]
    return docs, tfs


def decode_all(postings: EncodedPostings) -> tuple[np.ndarray, np.ndarray]:
    """Every term's documents (int32) and frequencies (uint32), term after term."""
    gaps = postings.gaps.astype(np.int64)
    gaps[gaps == 0] = postings.gap_exceptions
    # A cumulative sum over everything, then each term restarted at its own first posting.
    total = np.cumsum(gaps)
    ptr = postings.ptr
    nonempty = ptr[:-1] < ptr[1:]
    before = np.zeros(ptr.shape[0] - 1, dtype=np.int64)
    before[1:] = total[np.maximum(ptr[1:-1] - 1, 0)]
    before[ptr[:-1] == 0] = 0
    offsets = np.repeat(before[nonempty], np.diff(ptr)[nonempty])
    docs = (total - offsets - 1).astype(np.int32)
    tfs = postings.tfs.astype(np.uint32)
    tfs[tfs == 0] = postings.tf_exceptions
    return docs, tfs
