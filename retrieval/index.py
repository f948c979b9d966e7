"""The BM25 index over a generation's segments.

Statistics are collection-wide (live documents, their mean length, each term's live document
frequency), so a document scores the same whichever segment holds it. A query is scored one
segment at a time and, within a segment, one term at a time, vectorised over the term's
postings; large segments by compiled block-max MaxScore; the segments' top k are merged.
Each term's contribution is computed in float32 with Lucene's BM25 formula and IDF, and a
document's contributions are summed in float64, so its score does not depend on the order in
which terms are visited (which differs between segments).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.generation import Generation, term_hash
from retrieval.persistence import CacheDamaged
from retrieval.postings import FOUR_BITS
from retrieval.segment import Segment

# Segments with this many documents are searched by the compiled MaxScore; smaller ones are
# scored exhaustively (numpy, no compiler to load: the one-shot command starts fast).
COMPILED_DOCS = 50_000


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


class SortedTerms:
    """The vocabulary in sorted order, read through the term table's sorting permutation:
    supports bisect and slices without reading every term."""

    def __init__(self, generation: Generation) -> None:
        self.terms = generation.terms
        self.order = generation.term_order
        self.hashes = generation.term_hashes
        self.hash_terms = generation.hash_terms
        # Hash values two terms share (almost never): only those need the spelling compared.
        shared = self.hashes[1:][self.hashes[1:] == self.hashes[:-1]]
        self.shared_hashes = set(shared.tolist())

    def __len__(self) -> int:
        return int(self.order.shape[0])

    def __getitem__(self, i: int) -> str:
        return self.terms[int(self.order[i])]

    def slice(self, start: int, stop: int) -> list[str]:
        return [self.terms[int(t)] for t in self.order[start:stop]]

    def positions(self, terms: Sequence[str], known: bool = False) -> np.ndarray:
        """The global ids of many terms at once (-1 for those the table lacks): one search over
        the sorted term hashes, hits confirmed by their spelling, unless the terms are `known`
        to be in the table (a stored text's own terms) and their hash is theirs alone."""
        wanted = [term_hash(t) for t in terms]
        hashes = self.hashes
        n = hashes.shape[0]
        at = hashes.searchsorted(np.array(wanted, dtype=np.uint64)).tolist()
        found = []
        # Python scalars from here: a question has a handful of terms, and numpy's per-call
        # cost would be most of the time.
        for term, wanted_hash, j in zip(terms, wanted, at, strict=True):
            term_id = -1
            # Equal hashes are side by side: the one spelt as the term is the term.
            while j < n and hashes.item(j) == wanted_hash:
                candidate = self.hash_terms.item(j)
                unique = known and wanted_hash not in self.shared_hashes
                if unique or self.terms[candidate] == term:
                    term_id = candidate
                    break
                j += 1
            found.append(term_id)
        return np.array(found, dtype=np.int64)

    def position(self, term: str) -> int:
        """The term's global id, or -1."""
        return int(self.positions([term])[0])


class Bm25Index:
    """Postings of every live segment under the generation's statistics."""

    def __init__(self, generation: Generation, segments: list[Segment], params: Bm25Params) -> None:
        self.generation = generation
        self.segments = segments
        self.params = params
        self.bases = np.zeros(len(segments) + 1, dtype=np.int64)
        np.cumsum([s.n_docs for s in segments], out=self.bases[1:])
        self.n_docs = int(self.bases[-1])  # documents, deleted ones included (their numbers stay)
        self.deleted = [
            generation.state.deleted.get(s.name, np.zeros(0, np.int32)) for s in segments
        ]
        for segment, deleted in zip(segments, self.deleted, strict=True):
            if deleted.size and (int(deleted.min()) < 0 or int(deleted.max()) >= segment.n_docs):
                raise CacheDamaged(f"{segment.name}: deletions point outside the segment")
        self.n_live = self.n_docs - sum(int(d.shape[0]) for d in self.deleted)
        self.total_length = float(
            sum(
                int(s.doc_len.sum(dtype=np.int64)) - int(s.doc_len[d].sum(dtype=np.int64))
                for s, d in zip(segments, self.deleted, strict=True)
            )
        )
        self.avg_len = self.total_length / self.n_live if self.n_live else 1.0
        self.sorted_terms = SortedTerms(generation)
        self._norms: list[np.ndarray | None] = [None] * len(segments)
        self._deleted_masks: list[np.ndarray | None] = [None] * len(segments)
        self._okapi_idf_floor: float | None = None
        # Whether large segments use the compiled kernel. Loading it (numba and its cached
        # machine code) takes about half a second, more than exhaustive scoring costs for one
        # question even at a million abstracts: commands that answer one question turn it off,
        # and the chat turns it on once `load_compiled` has loaded it in the background.
        self.compiled = True

    # -- terms ---------------------------------------------------------------------------------

    @property
    def n_terms(self) -> int:
        return len(self.sorted_terms)

    def term_id(self, term: str) -> int:
        """The global id of a term the collection has (live document frequency > 0), or -1."""
        found = self.sorted_terms.position(term)
        return found if found >= 0 and self.df(found) > 0 else -1

    def term_ids(self, terms: Sequence[str], known: bool = False) -> np.ndarray:
        """`term_id` of many terms at once (`known`: see SortedTerms.positions)."""
        df = self.generation.df
        found = self.sorted_terms.positions(terms, known).tolist()
        return np.array([t if t >= 0 and df.item(t) > 0 else -1 for t in found], dtype=np.int64)

    def term(self, term_id: int) -> str:
        return self.generation.terms[term_id]

    def df(self, term_id: int) -> int:
        return int(self.generation.df[term_id]) if term_id >= 0 else 0

    def idf(self, term_id: int) -> float:
        """Lucene IDF of a term; a term the corpus lacks gets the IDF of a term seen once."""
        df = self.df(term_id) if term_id >= 0 else 1
        return float(lucene_idf(df, self.n_live))

    def collection_frequency(self, term_id: int) -> int:
        """How often the term occurs in the collection (weighted as document lengths are)."""
        return int(self.generation.cf[term_id]) if term_id >= 0 else 0

    @property
    def n_postings(self) -> int:
        return sum(int(s.postings.ptr[-1]) for s in self.segments)

    # -- locating documents --------------------------------------------------------------------

    def locate(self, doc: int) -> tuple[int, int]:
        """(segment position, local document number) of a global document number."""
        if not 0 <= doc < self.n_docs:
            raise IndexError(f"no document {doc}")
        s = int(np.searchsorted(self.bases, doc, side="right")) - 1
        return s, doc - int(self.bases[s])

    def doc_length(self, doc: int) -> int:
        s, local = self.locate(doc)
        return int(self.segments[s].doc_len[local])

    def is_deleted(self, doc: int) -> bool:
        s, local = self.locate(doc)
        deleted = self.deleted[s]
        i = int(np.searchsorted(deleted, local))
        return i < deleted.shape[0] and int(deleted[i]) == local

    # -- scoring -------------------------------------------------------------------------------

    def _norm(self, s: int) -> np.ndarray:
        """k1 (1 - b + b len/avglen) per document of segment s, in float32."""
        norm = self._norms[s]
        if norm is None:
            p = self.params
            lengths = self.segments[s].doc_len.astype(np.float32)
            norm = self._norms[s] = (p.k1 * (1.0 - p.b + p.b * (lengths / self.avg_len))).astype(
                np.float32
            )
        return norm

    def _terms(self, weights: Mapping[int, float]) -> list[tuple[int, float, np.float32]]:
        """(term, weight, weighted idf as float32) of the query terms the collection has."""
        out = []
        for term, weight in weights.items():
            df = self.df(term)
            if weight > 0 and df > 0:
                idf = np.float32(lucene_idf(np.float64(df), self.n_live))
                out.append((term, weight, idf if weight == 1.0 else idf * np.float32(weight)))
        return out

    def _impacts(
        self, s: int, docs: np.ndarray, tfs: np.ndarray | None, idf: np.float32
    ) -> np.ndarray:
        """BM25 contributions of a term (weighted idf) to the given documents of segment s."""
        norm = self._norm(s)[docs]
        k1p1 = np.float32(self.params.k1 + 1.0)
        if tfs is None:  # every frequency 1
            return (idf * k1p1) / (norm + np.float32(1.0))
        return idf * (tfs * k1p1) / (tfs + norm)

    def _bound(self, idf: float, max_tf: float, min_len: float) -> float:
        """The largest contribution a term (weighted idf) can make with at most `max_tf`
        occurrences in a document of at least `min_len` terms."""
        p = self.params
        norm = p.k1 * (1 - p.b + p.b * min_len / self.avg_len)
        # A margin so that rounding never drops a document that belongs.
        return float(idf) * (p.k1 + 1) * max_tf / (max_tf + norm) * (1 + 1e-5) + 1e-6

    def score(self, weights: Mapping[int, float]) -> np.ndarray:
        """BM25 scores of every document for weighted query terms {term id: weight}; 0 for
        deleted documents."""
        terms = self._terms(weights)
        return np.concatenate(
            [self._segment_scores(s, terms) for s in range(len(self.segments))]
            or [np.zeros(0, np.float64)]
        )

    def _segment_scores(self, s: int, terms: list[tuple[int, float, np.float32]]) -> np.ndarray:
        """Every document's score in segment s, term by term (exhaustive)."""
        segment = self.segments[s]
        scores = np.zeros(segment.n_docs, dtype=np.float64)
        for term, _weight, idf in terms:
            local = segment.local_term(term)
            if local >= 0:
                docs, tfs = segment.postings_of(local)
                scores[docs] += self._impacts(s, docs, tfs, idf)
        scores[self.deleted[s]] = 0.0
        return scores

    def top(self, weights: Mapping[int, float], k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k best documents for weighted query terms, exactly as `top_k(score(weights),
        k)`: each segment's k best, merged. Small segments are scored exhaustively; large ones
        by compiled block-max MaxScore (see maxscore.py)."""
        terms = self._terms(weights)
        if not terms or k < 1:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        found_docs, found_scores = [], []
        for s, segment in enumerate(self.segments):
            if self.compiled and segment.n_docs >= COMPILED_DOCS:
                docs, values = self._compiled_top(s, terms, k)
            else:
                docs, values = top_k(self._segment_scores(s, terms), k)
            found_docs.append(docs.astype(np.int64) + self.bases[s])
            found_scores.append(values)
        if len(found_docs) == 1:  # already best first, ties to the lower number
            return found_docs[0], found_scores[0]
        docs = np.concatenate(found_docs)
        values = np.concatenate(found_scores)
        order = np.lexsort((docs, -values))[:k]
        return docs[order], values[order]

    def _compiled_top(
        self, s: int, terms: list[tuple[int, float, np.float32]], k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        segment = self.segments[s]
        present = []
        for term, _weight, idf in terms:
            local = segment.local_term(term)
            if local >= 0:
                bound = self._bound(
                    idf, float(segment.max_tf[local]), float(segment.min_len[local])
                )
                present.append((bound, local, idf))
        if not present:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        present.sort(key=lambda x: (x[0], x[1]))  # by bound, ascending
        return self._run_compiled(s, present, k)

    def load_compiled(self) -> None:
        """Load the compiled kernel now, with one small search of each large segment, and use
        it from here on."""
        for s, segment in enumerate(self.segments):
            if segment.n_docs >= COMPILED_DOCS and segment.terms.shape[0]:
                self._run_compiled(s, [(1.0, 0, np.float32(1.0))], 1)
        self.compiled = True

    def _run_compiled(
        self, s: int, present: list[tuple[float, int, np.float32]], k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """maxscore.top_k over segment s for (bound, local term, weighted idf), by bound."""
        from retrieval import maxscore

        segment = self.segments[s]
        p = segment.postings
        docs, scores = maxscore.top_k(
            np.array([x[1] for x in present], dtype=np.int64),
            np.array([x[2] for x in present], dtype=np.float32),
            np.array([x[0] for x in present], dtype=np.float64),
            k,
            self.params.k1,
            self.params.b,
            self.avg_len,
            self._norm(s),
            self._deleted_mask(s),
            p.ptr, p.gap_width, p.gap_at, p.tf_width, p.tf_at, p.block_ptr, p.block_last,
            p.block_max_tf, p.block_min_len, p.gaps[1], p.gaps[2], p.gaps[4],
            p.tfs[1], p.tfs[2], p.tfs[4], p.tfs[FOUR_BITS],
        )  # fmt: skip
        found = docs.tolist()  # at most k: cheaper checked in Python than by numpy
        if found and (max(found) >= segment.n_docs or min(found) < 0):
            raise CacheDamaged(f"{segment.name}: postings point outside the segment")
        return docs, scores

    def _deleted_mask(self, s: int) -> np.ndarray:
        mask = self._deleted_masks[s]
        if mask is None:
            mask = np.zeros(self.segments[s].n_docs, dtype=np.bool_)
            mask[self.deleted[s]] = True
            self._deleted_masks[s] = mask
        return mask

    def score_okapi(self, query_terms: Sequence[str]) -> np.ndarray:
        """rank_bm25.BM25Okapi's scores (k1, b from the params, epsilon 0.25), in float64.

        Its IDF is log((N - df + 0.5) / (df + 0.5)); where that is negative it is replaced by
        0.25 times the mean IDF over the vocabulary. Each occurrence of a query term counts.
        """
        n, p = self.n_live, self.params
        scores = np.zeros(self.n_docs, dtype=np.float64)
        avg = self.total_length / n
        for term in query_terms:
            term_id = self.term_id(term)
            if term_id < 0:
                continue
            df = self.df(term_id)
            idf = math.log(n - df + 0.5) - math.log(df + 0.5)
            if idf < 0:
                idf = self._okapi_floor()
            for s, segment in enumerate(self.segments):
                local = segment.local_term(term_id)
                if local < 0:
                    continue
                docs, tfs = segment.postings_of(local)
                tf = np.ones(docs.size) if tfs is None else tfs.astype(np.float64)
                length = segment.doc_len[docs].astype(np.float64)
                part = scores[self.bases[s] : self.bases[s + 1]]
                norm = p.k1 * (1 - p.b + p.b * length / avg)
                part[docs] += idf * (tf * (p.k1 + 1) / (tf + norm))
        for s, deleted in enumerate(self.deleted):
            scores[self.bases[s] + deleted] = 0.0
        return scores

    def _okapi_floor(self) -> float:
        if self._okapi_idf_floor is None:
            df = self.generation.df[self.generation.df > 0].astype(np.float64)
            idf = np.log(self.n_live - df + 0.5) - np.log(df + 0.5)
            self._okapi_idf_floor = 0.25 * float(idf.mean())
        return self._okapi_idf_floor


def top_k(
    scores: np.ndarray, k: int, candidates: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices and scores of the k best positive scores, best first (ties: lower index first),
    among `candidates` (ascending) when given."""
    if candidates is None:
        candidates = np.flatnonzero(scores > 0)
    else:
        candidates = candidates[scores[candidates] > 0]
    if candidates.size > k:
        values = scores[candidates]
        kth = values[np.argpartition(-values, k - 1)[k - 1]]
        above = candidates[values > kth]
        tied = candidates[values == kth]  # ascending: the lowest numbers win ties
        candidates = np.concatenate([above, tied[: k - above.size]])
    order = np.lexsort((candidates, -scores[candidates]))
    best = candidates[order]
    return best, scores[best]
