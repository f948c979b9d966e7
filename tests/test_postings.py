"""Compact postings: every width of gaps and frequencies decodes to what was encoded, whole, by
blocks and by ranges of terms; block bounds hold."""

import numpy as np
import pytest

from retrieval.postings import FOUR_BITS, NO_TF, SATURATED, Postings, encode


def random_postings(rng, n_docs, n_terms):
    """Term-major postings with dense, sparse and single-document terms, frequencies of 1 only
    for some terms, and a few frequencies beyond one and two bytes."""
    ptr, docs, tfs = [0], [], []
    for t in range(n_terms):
        kind = t % 4
        size = {0: n_docs // 2, 1: 40, 2: 1, 3: 700}[kind]
        chosen = np.sort(rng.choice(n_docs, size=size, replace=False))
        freqs = np.ones(size, dtype=np.int64) if kind == 1 else rng.integers(1, 5, size)
        if kind == 3:
            freqs[::97] = 300
            freqs[5] = 70_000
        docs.append(chosen)
        tfs.append(freqs)
        ptr.append(ptr[-1] + size)
    return np.array(ptr), np.concatenate(docs), np.concatenate(tfs)


@pytest.fixture(scope="module")
def sample():
    rng = np.random.default_rng(7)
    n_docs = 300_000  # gaps beyond two bytes for the sparse terms
    ptr, docs, tfs = random_postings(rng, n_docs, 12)
    lengths = rng.integers(1, 80_000, n_docs)
    return ptr, docs, tfs, lengths, encode(ptr, docs, tfs, lengths)


def test_each_term_decodes_to_its_documents_and_frequencies(sample):
    ptr, docs, tfs, _, postings = sample
    assert postings.consistent()
    assert set(postings.gap_width.tolist()) == {1, 2, 4}
    assert {NO_TF, FOUR_BITS, 4} <= set(postings.tf_width.tolist())
    for t in range(len(ptr) - 1):
        got_docs, got_tfs = postings.decode(t)
        assert got_docs.tolist() == docs[ptr[t] : ptr[t + 1]].tolist()
        expected = tfs[ptr[t] : ptr[t + 1]]
        if got_tfs is None:
            assert (expected == 1).all()
        else:
            assert got_tfs.tolist() == expected.tolist()


def test_ranges_of_terms_decode_for_merging(sample):
    ptr, docs, tfs, _, postings = sample
    for a, b in [(0, 12), (1, 4), (5, 6), (3, 3)]:
        got_docs, got_tfs = postings.decode_range(a, b)
        assert got_docs.tolist() == docs[ptr[a] : ptr[b]].tolist()
        assert got_tfs.tolist() == tfs[ptr[a] : ptr[b]].tolist()


def test_block_bounds_hold_for_every_posting(sample):
    ptr, docs, tfs, lengths, postings = sample
    for t in range(len(ptr) - 1):
        last, max_tf, min_len = postings.block_bounds(t)
        term_docs = docs[ptr[t] : ptr[t + 1]]
        block = np.searchsorted(last, term_docs)
        assert (last[block] >= term_docs).all() and last[-1] == term_docs[-1]
        term_tfs = tfs[ptr[t] : ptr[t + 1]]
        assert (max_tf[block] >= term_tfs).all()
        assert np.isinf(max_tf[block][term_tfs >= SATURATED]).all()
        assert (min_len[block] <= lengths[term_docs]).all()


def test_no_postings_at_all():
    empty = encode(np.zeros(1, np.int64), np.zeros(0), np.zeros(0, np.int64), np.zeros(0))
    assert empty.consistent() and empty.n_terms == 0 and empty.n_postings == 0


def test_a_segment_s_postings_are_sorted_by_term_then_document_whatever_the_frequency(
    monkeypatch,
):
    import retrieval.segment as segment

    per_doc = np.array([3, 2, 2])  # each document's distinct terms, document after document
    terms = np.array([5, 1, 9, 9, 1, 5, 2], dtype=np.int32)
    counts = np.array([1, 70_000, 2, 1, 3, 1, 4], dtype=np.int32)  # one beyond 16 bits
    lengths = np.array([70_003, 4, 5])
    expected = {1: ([0, 1], [70_000, 3]), 2: ([2], [4]), 5: ([0, 2], [1, 1]), 9: ([0, 1], [2, 1])}

    def check(result):
        present, postings, max_tf, _, df, cf = result
        assert present.tolist() == sorted(expected)
        for local, term in enumerate(present.tolist()):
            docs, tfs = postings.decode(local)
            tfs = [1] * docs.size if tfs is None else tfs.tolist()
            assert (docs.tolist(), tfs) == expected[term]
            assert df[local] == len(expected[term][0]) and cf[local] == sum(expected[term][1])
            assert max_tf[local] == max(expected[term][1])

    check(segment._postings(per_doc, terms, counts, lengths))  # packed sort
    monkeypatch.setattr(segment, "DOC_MASK", 1)  # too many documents to pack: a stable sort
    check(segment._postings(per_doc, terms, counts, lengths))


def test_postings_written_in_batches_read_back_whole(tmp_path):
    """A merge writes postings batch after batch of terms: every batch's arrays are appended,
    four-bit frequencies included when a batch holds an odd number of them."""
    from retrieval.persistence import DirectoryWriter, StoredDirectory
    from retrieval.segment import PostingsWriter

    rng = np.random.default_rng(3)
    batches = []
    for size in (3, 1, 5):  # terms per batch
        ptr = np.concatenate([[0], np.cumsum(rng.integers(1, 300, size))])
        docs = np.concatenate([np.sort(rng.choice(5000, n, replace=False)) for n in np.diff(ptr)])
        tfs = rng.integers(1, 9, ptr[-1])
        batches.append((ptr, docs, tfs))
    lengths = rng.integers(1, 400, 5000)
    writer = DirectoryWriter(tmp_path, "seg")
    out = PostingsWriter(writer)
    first = 0
    for ptr, docs, tfs in batches:
        terms = np.arange(first, first + len(ptr) - 1, dtype=np.int32)
        first += len(ptr) - 1
        out.add(terms, encode(ptr, docs, tfs, lengths), np.zeros(len(terms)), np.zeros(len(terms)))
    out.close()
    stored = StoredDirectory(writer.commit({}))
    postings = Postings.load(stored.array)
    assert postings.consistent() and FOUR_BITS in postings.tf_width.tolist()
    term = 0
    for ptr, docs, tfs in batches:
        for t in range(len(ptr) - 1):
            got_docs, got_tfs = postings.decode(term)
            assert got_docs.tolist() == docs[ptr[t] : ptr[t + 1]].tolist()
            assert got_tfs.tolist() == tfs[ptr[t] : ptr[t + 1]].tolist()
            term += 1
