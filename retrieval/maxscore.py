"""Top-k retrieval over a large segment: block-max MaxScore, document at a time, compiled.

Query terms are ordered by the most each can add to a score. Terms whose bounds together stay
below the current k-th best score are non-essential: a document only matters if an essential
term holds it, and a non-essential term is looked up for a document only while the bounds of
the blocks that would hold it (their largest frequency, their shortest document) could still
lift it above the k-th best. Blocks are decoded as they are reached; whole blocks are skipped
by their last document. The result equals exhaustive scoring: the same documents, the same
scores (float32 contributions summed in float64), ties to the lower document number.

Compiled with numba (imported only when a segment is large enough to need it: small ones are
scored exhaustively with numpy, which starts faster).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from retrieval.postings import BLOCK, NO_TF, SATURATED

# A bound's safety margin: rounding never drops a document that belongs.
MARGIN = np.float32(1e-5)


@njit(cache=True, nogil=True)
def _decode_block(
    term, block, ptr, gap_width, gap_at, tf_width, tf_at, block_ptr, block_last,
    gaps1, gaps2, gaps4, tfs1, tfs2, tfs4, tfs_half, docs_out, tfs_out,
):  # fmt: skip
    """Decode one block of a term into docs_out/tfs_out; the number of postings in it."""
    n = ptr[term + 1] - ptr[term]
    start = block * BLOCK
    count = min(BLOCK, n - start)
    doc = block_last[block_ptr[term] + block - 1] if block > 0 else -1
    width = gap_width[term]
    at = gap_at[term] + start
    for i in range(count):
        if width == 1:
            doc += gaps1[at + i]
        elif width == 2:
            doc += gaps2[at + i]
        else:
            doc += gaps4[at + i]
        docs_out[i] = doc
    code = tf_width[term]
    at = tf_at[term] + start
    for i in range(count):
        if code == NO_TF:
            tfs_out[i] = 1.0
        elif code == 1:
            tfs_out[i] = tfs1[at + i]
        elif code == 2:
            tfs_out[i] = tfs2[at + i]
        elif code == 4:
            tfs_out[i] = tfs4[at + i]
        else:  # four bits
            packed = tfs_half[(at + i) >> 1]
            tfs_out[i] = (packed >> (((at + i) & 1) << 2)) & 15
    return count


@njit(cache=True, nogil=True)
def _block_bound(term_idf, max_tf, min_len, k1, b, avg_len):
    """The most a term (weighted idf) adds in a block with these bounds."""
    norm = k1 * (1.0 - b + b * min_len / avg_len)
    saturation = 1.0 if max_tf >= SATURATED else max_tf / (max_tf + norm)
    return term_idf * (k1 + 1.0) * saturation * (1.0 + MARGIN) + 1e-6


@njit(cache=True, nogil=True)
def _first_useful_block(
    j, bj, n_blocks, base, idfs, others, threshold, block_max_tf, block_min_len, k1, b, avg_len
):
    """From block bj on, the first block of term j where a document could still beat the
    threshold: its own block bound plus every other term's bound (n_blocks when none)."""
    while bj < n_blocks:
        bound = _block_bound(
            idfs[j], block_max_tf[base + bj], block_min_len[base + bj], k1, b, avg_len
        )
        if bound + others[j] >= threshold:
            break
        bj += 1
    return bj


@njit(cache=True, nogil=True)
def top_k(
    terms, idfs, bounds, k, k1, b, avg_len, norm, deleted,
    ptr, gap_width, gap_at, tf_width, tf_at, block_ptr, block_last, block_max_tf, block_min_len,
    gaps1, gaps2, gaps4, tfs1, tfs2, tfs4, tfs_half,
):  # fmt: skip
    """The k best documents for the query terms (local term numbers, with weighted idf as
    float32 and score bounds, ordered by bound ascending) and their scores, best first."""
    q = terms.shape[0]
    k1p1 = np.float32(k1 + 1.0)
    # Per term: the decoded block, where in it, which block, how many blocks.
    buf_docs = np.empty((q, BLOCK), dtype=np.int32)
    buf_tfs = np.empty((q, BLOCK), dtype=np.float32)
    buf_len = np.zeros(q, dtype=np.int64)
    pos = np.zeros(q, dtype=np.int64)
    block = np.full(q, -1, dtype=np.int64)
    n_blocks = np.empty(q, dtype=np.int64)
    current = np.empty(q, dtype=np.int64)  # each term's current document (or past the end)
    end = np.int64(norm.shape[0])
    for j in range(q):
        n_blocks[j] = block_ptr[terms[j] + 1] - block_ptr[terms[j]]
        current[j] = end
    # Prefix sums of bounds: terms 0..first-1 are non-essential.
    prefix = np.zeros(q + 1, dtype=np.float64)
    for j in range(q):
        prefix[j + 1] = prefix[j] + bounds[j]
    others = np.empty(q, dtype=np.float64)  # what the other terms can add, at most
    for j in range(q):
        others[j] = prefix[q] - bounds[j]
    heap_scores = np.full(k, -1.0, dtype=np.float64)
    heap_docs = np.full(k, -1, dtype=np.int64)
    size = 0
    threshold = 0.0  # the k-th best score once there are k
    first = 0

    # Position every term on its first document.
    for j in range(q):
        if n_blocks[j] > 0:
            block[j] = 0
            buf_len[j] = _decode_block(
                terms[j], 0, ptr, gap_width, gap_at, tf_width, tf_at, block_ptr, block_last,
                gaps1, gaps2, gaps4, tfs1, tfs2, tfs4, tfs_half, buf_docs[j], buf_tfs[j],
            )  # fmt: skip
            pos[j] = 0
            current[j] = buf_docs[j, 0]

    while True:
        # The next document: the smallest current document among essential terms.
        doc = end
        for j in range(first, q):
            if current[j] < doc:
                doc = current[j]
        if doc >= end:
            break
        score = 0.0  # float64: the same sum in any order of the terms, to 1e-12
        for j in range(q - 1, first - 1, -1):  # essential terms, largest bound first
            if current[j] == doc:
                tf = buf_tfs[j, pos[j]]
                score += idfs[j] * (tf * k1p1) / (tf + norm[doc])
        # Non-essential terms, largest bound first, while the document can still make it.
        for j in range(first - 1, -1, -1):
            if size == k and score + prefix[j + 1] < threshold:
                break
            # Skip to the block that would hold the document, and bound it first.
            t = terms[j]
            bj = block[j]
            if bj < 0 or bj >= n_blocks[j]:
                continue
            base = block_ptr[t]
            while bj < n_blocks[j] and block_last[base + bj] < doc:
                bj += 1
            if bj >= n_blocks[j]:
                block[j] = bj
                current[j] = end
                continue
            if size == k:
                bound = _block_bound(
                    idfs[j], block_max_tf[base + bj], block_min_len[base + bj], k1, b, avg_len
                )
                if score + bound + prefix[j] < threshold:
                    continue
            if bj != block[j]:
                block[j] = bj
                buf_len[j] = _decode_block(
                    t, bj, ptr, gap_width, gap_at, tf_width, tf_at, block_ptr, block_last,
                    gaps1, gaps2, gaps4, tfs1, tfs2, tfs4, tfs_half, buf_docs[j], buf_tfs[j],
                )  # fmt: skip
                pos[j] = 0
            p = pos[j]
            while buf_docs[j, p] < doc:
                p += 1
            pos[j] = p
            current[j] = buf_docs[j, p]
            if buf_docs[j, p] == doc:
                tf = buf_tfs[j, p]
                score += idfs[j] * (tf * k1p1) / (tf + norm[doc])
        if not deleted[doc] and (size < k or score > threshold):
            if size < k:
                heap_scores[size] = score
                heap_docs[size] = doc
                size += 1
                i = size - 1
                while i > 0:  # sift up (smallest score at the root)
                    parent = (i - 1) // 2
                    if heap_scores[parent] > heap_scores[i] or (
                        heap_scores[parent] == heap_scores[i] and heap_docs[parent] < heap_docs[i]
                    ):
                        heap_scores[parent], heap_scores[i] = heap_scores[i], heap_scores[parent]
                        heap_docs[parent], heap_docs[i] = heap_docs[i], heap_docs[parent]
                        i = parent
                    else:
                        break
            else:
                heap_scores[0] = score
                heap_docs[0] = doc
                i = 0
                while True:  # sift down
                    left = 2 * i + 1
                    right = left + 1
                    low = i
                    for c in (left, right):
                        if c < k and (
                            heap_scores[c] < heap_scores[low]
                            or (
                                heap_scores[c] == heap_scores[low] and heap_docs[c] > heap_docs[low]
                            )
                        ):
                            low = c
                    if low == i:
                        break
                    heap_scores[low], heap_scores[i] = heap_scores[i], heap_scores[low]
                    heap_docs[low], heap_docs[i] = heap_docs[i], heap_docs[low]
                    i = low
            if size == k:
                threshold = heap_scores[0]
                while first < q and prefix[first + 1] < threshold:
                    first += 1
        # Advance the essential terms past the document.
        for j in range(first, q):
            if current[j] == doc:
                p = pos[j] + 1
                if p < buf_len[j]:
                    pos[j] = p
                    current[j] = buf_docs[j, p]
                else:
                    bj = block[j] + 1
                    if size == k:  # blocks that cannot lift any document are skipped whole
                        bj = _first_useful_block(
                            j, bj, n_blocks[j], block_ptr[terms[j]], idfs, others, threshold,
                            block_max_tf, block_min_len, k1, b, avg_len,
                        )  # fmt: skip
                    block[j] = bj
                    if bj < n_blocks[j]:
                        buf_len[j] = _decode_block(
                            terms[j], bj, ptr, gap_width, gap_at, tf_width, tf_at, block_ptr,
                            block_last, gaps1, gaps2, gaps4, tfs1, tfs2, tfs4, tfs_half,
                            buf_docs[j], buf_tfs[j],
                        )  # fmt: skip
                        pos[j] = 0
                        current[j] = buf_docs[j, 0]
                    else:
                        current[j] = end
    # Best first, ties to the lower document.
    order = np.argsort(heap_docs[:size], kind="mergesort")
    docs = heap_docs[:size][order]
    scores = heap_scores[:size][order]
    order = np.argsort(-scores, kind="mergesort")
    return docs[order], scores[order]
