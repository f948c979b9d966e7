"""The BM25 index: a vocabulary of term ids and postings stored as compressed sparse columns.

Column t of the document-term matrix holds the documents containing term t (int32, ascending), the
term's weighted frequency there (uint16), and its precomputed BM25 impact (float32). A query is
scored one term at a time, vectorised over that term's postings; the top k come from a partial
selection. The same matrix by rows (document → terms) serves pseudo-relevance feedback.
"""

from __future__ import annotations

import bisect
import math
import os
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from retrieval.analysis import TOKEN_PATTERN, Analyzer


@dataclass(frozen=True)
class Bm25Params:
    """BM25 parameters, chosen on Cranfield (see benchmarks/cranfield.py)."""

    k1: float = 1.2
    b: float = 0.75
    # The title counts this many times in a document's term frequencies and length.
    title_weight: int = 3

    def as_dict(self) -> dict[str, float]:
        return {"k1": self.k1, "b": self.b, "title_weight": self.title_weight}


def lucene_idf(df: np.ndarray | float, n_docs: int) -> np.ndarray | float:
    """Lucene's BM25 IDF: never negative, even for a term in every document."""
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))


def saturation(tf: np.ndarray, length: np.ndarray, avg_length: float, p: Bm25Params) -> np.ndarray:
    """BM25's term-frequency component, tf(k1+1) / (tf + k1(1 - b + b·len/avglen))."""
    norm = p.k1 * (1.0 - p.b + p.b * (length / avg_length))
    return tf * (p.k1 + 1.0) / (tf + norm)


# The arrays of an index, as stored and loaded (besides the vocabulary and the parameters).
INDEX_ARRAYS = (
    "post_ptr",
    "post_doc",
    "post_tf",
    "post_impact",
    "doc_len",
    "doc_ptr",
    "doc_term",
    "doc_tf",
    "term_max",
)


@dataclass
class Bm25Index:
    """Postings and statistics; the arrays may be memory-mapped from the cache."""

    vocabulary: list[str]  # sorted; a term's id is its position
    post_ptr: np.ndarray  # int64 [n_terms + 1]
    post_doc: np.ndarray  # int32 [n_postings]
    post_tf: np.ndarray  # uint16 [n_postings], weighted term frequency
    post_impact: np.ndarray  # float32 [n_postings], BM25 weight with Lucene IDF
    doc_len: np.ndarray  # float32 [n_docs], weighted length
    doc_ptr: np.ndarray  # int64 [n_docs + 1]: the rows, document → terms
    doc_term: np.ndarray  # int32 [n_postings]
    doc_tf: np.ndarray  # uint16 [n_postings]
    term_max: np.ndarray  # float32 [n_terms], each term's largest impact (for MaxScore)
    params: Bm25Params

    def __post_init__(self) -> None:
        self.n_docs = int(self.doc_len.shape[0])
        self.avg_len = float(self.doc_len.mean()) if self.n_docs else 0.0
        self.total_length = float(self.doc_len.sum(dtype=np.float64))
        self._okapi_idf_floor: float | None = None

    @property
    def n_terms(self) -> int:
        return len(self.vocabulary)

    @property
    def n_postings(self) -> int:
        return int(self.post_ptr[-1])

    def term_id(self, term: str) -> int:
        i = bisect.bisect_left(self.vocabulary, term)
        return i if i < len(self.vocabulary) and self.vocabulary[i] == term else -1

    def df(self, term_id: int) -> int:
        return int(self.post_ptr[term_id + 1] - self.post_ptr[term_id])

    def idf(self, term_id: int) -> float:
        """Lucene IDF of a term; a term the corpus lacks gets the IDF of a term seen once."""
        df = self.df(term_id) if term_id >= 0 else 1
        return float(lucene_idf(df, self.n_docs))

    def collection_frequency(self, term_id: int) -> int:
        """How often the term occurs in the collection (weighted as document lengths are)."""
        lo, hi = int(self.post_ptr[term_id]), int(self.post_ptr[term_id + 1])
        return int(self.post_tf[lo:hi].sum(dtype=np.int64))

    def document_terms(self, doc: int) -> tuple[np.ndarray, np.ndarray]:
        """The document's term ids and their weighted frequencies."""
        lo, hi = int(self.doc_ptr[doc]), int(self.doc_ptr[doc + 1])
        return self.doc_term[lo:hi], self.doc_tf[lo:hi]

    def postings(self, term_id: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = int(self.post_ptr[term_id]), int(self.post_ptr[term_id + 1])
        return self.post_doc[lo:hi], self.post_impact[lo:hi]

    def score(self, weights: Mapping[int, float]) -> np.ndarray:
        """BM25 scores of every document for weighted query terms {term id: weight}."""
        scores = np.zeros(self.n_docs, dtype=np.float32)
        for term_id, weight in weights.items():
            docs, impact = self.postings(term_id)
            if docs.size:
                # A column lists each document once, so fancy-index addition is exact.
                scores[docs] += impact if weight == 1.0 else impact * np.float32(weight)
        return scores

    def top(self, weights: Mapping[int, float], k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k best documents for weighted query terms, exactly as `top_k(score(weights), k)`,
        skipping what cannot change them (MaxScore, term at a time).

        Terms are scored in order of their largest possible contribution. Once the k-th best
        partial score exceeds what all the remaining terms could still add, only documents
        within reach of it can make the top k: the remaining terms, the common ones with the
        longest postings, are then looked up for those documents alone.
        """
        terms = [(t, w) for t, w in weights.items() if w > 0 and self.df(t) > 0]
        bounds = [float(self.term_max[t]) * w for t, w in terms]
        order = sorted(range(len(terms)), key=lambda i: -bounds[i])
        remaining_postings = sum(self.df(t) for t, _ in terms)
        rest = sum(bounds)
        scores = np.zeros(self.n_docs, dtype=np.float32)
        candidates: np.ndarray | None = None
        member: np.ndarray | None = None
        for i in order:
            term_id, weight = terms[i]
            docs, impact = self.postings(term_id)
            rest -= bounds[i]
            remaining_postings -= docs.size
            w = np.float32(weight)
            if candidates is None:
                scores[docs] += impact * w
                # Worth a threshold only when much of the work is still ahead.
                if remaining_postings > self.n_docs // 4 and rest > 0:
                    candidates = _within_reach(scores, k, rest)
            elif candidates.size * 16 < docs.size:
                # Few candidates, long postings: binary-search the candidates.
                at = np.minimum(np.searchsorted(docs, candidates), docs.size - 1)
                hit = docs[at] == candidates
                scores[candidates[hit]] += impact[at[hit]] * w
            else:
                if member is None:
                    member = np.zeros(self.n_docs, dtype=bool)
                    member[candidates] = True
                keep = member[docs]
                scores[docs[keep]] += impact[keep] * w
        return top_k(scores, k, candidates)

    def score_okapi(self, query_terms: Sequence[str]) -> np.ndarray:
        """rank_bm25.BM25Okapi's scores (k1, b from the params, epsilon 0.25), in float64.

        Its IDF is log((N - df + 0.5) / (df + 0.5)); where that is negative it is replaced by
        0.25 times the mean IDF over the vocabulary. Each occurrence of a query term counts.
        """
        n, p = self.n_docs, self.params
        scores = np.zeros(n, dtype=np.float64)
        for term in query_terms:
            term_id = self.term_id(term)
            if term_id < 0:
                continue
            lo, hi = int(self.post_ptr[term_id]), int(self.post_ptr[term_id + 1])
            df = hi - lo
            idf = math.log(n - df + 0.5) - math.log(df + 0.5)
            if idf < 0:
                idf = self._okapi_floor()
            docs = self.post_doc[lo:hi]
            tf = self.post_tf[lo:hi].astype(np.float64)
            length = self.doc_len[docs].astype(np.float64)
            avg = float(self.doc_len.astype(np.float64).sum() / n)
            scores[docs] += idf * (tf * (p.k1 + 1) / (tf + p.k1 * (1 - p.b + p.b * length / avg)))
        return scores

    def _okapi_floor(self) -> float:
        if self._okapi_idf_floor is None:
            df = np.diff(self.post_ptr).astype(np.float64)
            idf = np.log(self.n_docs - df + 0.5) - np.log(df + 0.5)
            self._okapi_idf_floor = 0.25 * float(idf.mean())
        return self._okapi_idf_floor


def _within_reach(scores: np.ndarray, k: int, rest: float) -> np.ndarray | None:
    """The documents whose partial score plus `rest` can still reach the k-th best partial score
    (ascending), or None when that threshold does not prune."""
    positive = scores[scores > 0]
    if positive.size < k:
        return None
    threshold = float(np.partition(positive, positive.size - k)[positive.size - k])
    # float32 sums: keep a margin so that rounding never drops a document that belongs.
    floor = threshold - rest - 1e-4 * max(threshold, 1.0)
    if floor <= 0:
        return None
    return np.flatnonzero(scores >= floor)


def top_k(
    scores: np.ndarray, k: int, candidates: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices and scores of the k best positive scores, best first (ties: lower index first),
    among `candidates` when given."""
    if candidates is None:
        candidates = np.flatnonzero(scores > 0)
    else:
        candidates = candidates[scores[candidates] > 0]
    if candidates.size > k:
        chosen = np.argpartition(-scores[candidates], k - 1)[:k]
        candidates = candidates[chosen]
    order = np.lexsort((candidates, -scores[candidates]))
    best = candidates[order]
    return best, scores[best]


class ChunkAnalyzer:
    """Turns chunks of documents into term ids, in whichever process runs it.

    Each process keeps its own vocabulary and token cache across chunks (tokens repeat across a
    corpus, so a distinct token is analysed once), and reports with every chunk the terms it
    met for the first time; `IndexBuilder` maps those onto its global vocabulary.
    """

    def __init__(self, title_weight: int) -> None:
        self.analyzer = Analyzer()
        self.title_weight = title_weight
        self.key = f"{os.getpid()}:{id(self)}"
        self.terms: dict[str, int] = {}
        self.tokens: dict[str, tuple[int, ...]] = {}

    def analyze(self, docs: Sequence[tuple[str, str]]) -> AnalyzedChunk:
        known = len(self.terms)
        ids = array("i")
        lengths = array("i")
        for title, abstract in docs:
            title_ids = self._ids(title)
            abstract_ids = self._ids(abstract)
            for _ in range(self.title_weight):
                ids.extend(title_ids)
            ids.extend(abstract_ids)
            lengths.append(len(title_ids) * self.title_weight + len(abstract_ids))
        new_terms = list(self.terms)[known:] if len(self.terms) > known else []
        return AnalyzedChunk(
            self.key,
            new_terms,
            np.frombuffer(lengths, dtype=np.int32),
            np.frombuffer(ids, dtype=np.int32),
        )

    def _ids(self, text: str) -> list[int]:
        tokens = TOKEN_PATTERN.findall(self.analyzer.normalize(text))
        cache = self.tokens
        try:  # the per-token mapping runs inside C (map, chain)
            return list(chain.from_iterable(map(cache.__getitem__, tokens)))
        except KeyError:
            for token in set(tokens).difference(cache):
                cache[token] = tuple(
                    self.terms.setdefault(t, len(self.terms))
                    for t in self.analyzer.token_terms(token)
                )
            return list(chain.from_iterable(map(cache.__getitem__, tokens)))


@dataclass
class AnalyzedChunk:
    analyzer: str  # which ChunkAnalyzer made it (its ids are its own)
    new_terms: list[str]  # its terms first met in this chunk, in id order
    lengths: np.ndarray  # int32 per document (weighted length)
    ids: np.ndarray  # int32 term ids, document after document


_PROCESS_ANALYZER: ChunkAnalyzer | None = None


def analyze_in_process(docs: Sequence[tuple[str, str]], title_weight: int) -> AnalyzedChunk:
    """Entry point for worker processes: one analyzer per process, kept across chunks."""
    global _PROCESS_ANALYZER
    if _PROCESS_ANALYZER is None or _PROCESS_ANALYZER.title_weight != title_weight:
        _PROCESS_ANALYZER = ChunkAnalyzer(title_weight)
    return _PROCESS_ANALYZER.analyze(docs)


class IndexBuilder:
    """Builds a `Bm25Index` from analysed chunks of documents, added in corpus order."""

    def __init__(self, params: Bm25Params) -> None:
        self.params = params
        self._term_ids: dict[str, int] = {}
        self._maps: dict[str, array] = {}  # analyzer -> its term id -> global term id
        self._doc_len = array("f")
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    @property
    def n_docs(self) -> int:
        return len(self._doc_len)

    def add_chunk(self, chunk: AnalyzedChunk) -> None:
        """The chunk's documents as unique (document, term, count) triples, global ids."""
        mapping = self._maps.setdefault(chunk.analyzer, array("i"))
        for term in chunk.new_terms:
            mapping.append(self._term_ids.setdefault(term, len(self._term_ids)))
        if chunk.lengths.size == 0:
            return
        terms = np.frombuffer(mapping, dtype=np.int32)[chunk.ids].astype(np.int64)
        local_doc = np.repeat(np.arange(chunk.lengths.size, dtype=np.int64), chunk.lengths)
        width = np.int64(max(len(self._term_ids), 1))
        keys, counts = np.unique(local_doc * width + terms, return_counts=True)
        unique_per_doc = np.bincount(keys // width, minlength=chunk.lengths.size)
        self._parts.append(
            (
                unique_per_doc.astype(np.int64),
                (keys % width).astype(np.int32),
                np.minimum(counts, np.iinfo(np.uint16).max).astype(np.uint16),
            )
        )
        self._doc_len.extend(chunk.lengths.astype(np.float32).tolist())

    def finish(self, on_stage: Callable[[str], None] | None = None) -> Bm25Index:
        """The index. Peak memory stays near three copies of the postings: parts are released
        as they are joined, ids are remapped in place, and arrays are converted without copies."""
        from scipy import sparse  # build-time only: queries never import scipy

        if on_stage:
            on_stage("postings")
        vocabulary = sorted(self._term_ids)
        rank = np.empty(len(vocabulary), dtype=np.int32)
        for new_id, term in enumerate(vocabulary):
            rank[self._term_ids[term]] = new_id
        n_docs = self.n_docs
        doc_ptr = np.zeros(n_docs + 1, dtype=np.int64)
        if self._parts:
            np.cumsum(np.concatenate([p[0] for p in self._parts]), out=doc_ptr[1:])
            terms = np.concatenate([p[1] for p in self._parts])
            tfs = np.concatenate([p[2] for p in self._parts])
        else:
            terms = np.zeros(0, dtype=np.int32)
            tfs = np.zeros(0, dtype=np.uint16)
        self._parts.clear()
        np.take(rank, terms, out=terms)
        by_doc = sparse.csr_matrix(
            (tfs, terms, doc_ptr), shape=(n_docs, len(vocabulary)), copy=False
        )
        del terms, tfs
        by_doc.sort_indices()  # rows in term order, whatever order the terms were met in
        by_term = by_doc.tocsc()
        by_term.sort_indices()
        doc_len = np.frombuffer(self._doc_len, dtype=np.float32).copy()
        post_ptr = by_term.indptr.astype(np.int64, copy=False)
        post_doc = by_term.indices.astype(np.int32, copy=False)
        post_tf = by_term.data.astype(np.uint16, copy=False)
        del by_term
        if on_stage:
            on_stage("weights")
        impact = compute_impacts(post_ptr, post_doc, post_tf, doc_len, self.params)
        term_max = np.zeros(len(vocabulary), dtype=np.float32)
        nonempty = np.flatnonzero(np.diff(post_ptr))
        if nonempty.size:
            term_max[nonempty] = np.maximum.reduceat(impact, post_ptr[nonempty])
        return Bm25Index(
            vocabulary,
            post_ptr,
            post_doc,
            post_tf,
            impact,
            doc_len,
            by_doc.indptr.astype(np.int64, copy=False),
            by_doc.indices.astype(np.int32, copy=False),
            by_doc.data.astype(np.uint16, copy=False),
            term_max,
            self.params,
        )


def compute_impacts(
    post_ptr: np.ndarray,
    post_doc: np.ndarray,
    post_tf: np.ndarray,
    doc_len: np.ndarray,
    params: Bm25Params,
) -> np.ndarray:
    """Every posting's BM25 weight (Lucene IDF), computed once at build time, in slices."""
    n_docs = doc_len.shape[0]
    avg = float(doc_len.mean()) if n_docs else 1.0
    df = np.diff(post_ptr)
    idf = lucene_idf(df.astype(np.float64), n_docs).astype(np.float32)
    # The length part of the denominator depends only on the document.
    norm = (params.k1 * (1.0 - params.b + params.b * (doc_len / avg))).astype(np.float32)
    impact = np.empty(post_doc.shape[0], dtype=np.float32)
    step = 1 << 22
    k1p1 = np.float32(params.k1 + 1.0)
    for lo in range(0, impact.shape[0], step):
        hi = min(lo + step, impact.shape[0])
        # The term of each posting in the slice, from the column pointers.
        term_of = np.searchsorted(post_ptr, np.arange(lo, hi), side="right") - 1
        tf = post_tf[lo:hi].astype(np.float32)
        impact[lo:hi] = idf[term_of] * (tf * k1p1) / (tf + norm[post_doc[lo:hi]])
    return impact
