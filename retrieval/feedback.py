"""RM3 pseudo-relevance feedback: expand a query with the terms of its best first-pass documents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from retrieval.engine import Engine


@dataclass(frozen=True)
class Rm3Params:
    """Chosen on Cranfield (benchmarks/cranfield.py)."""

    docs: int = 10
    terms: int = 20
    original_weight: float = 0.5
    # A feedback document weighs exp((score - best score) / temperature): BM25 scores act as
    # log-likelihoods, so the top documents dominate without the rest being ignored.
    temperature: float = 2.0
    # Terms in more than this share of the documents carry no information (IDF near zero) but
    # have the longest postings: they are never added.
    max_df_share: float = 0.5

    def as_dict(self) -> dict[str, float]:
        return {
            "fb_docs": self.docs,
            "fb_terms": self.terms,
            "original_weight": self.original_weight,
            "temperature": self.temperature,
            "max_df_share": self.max_df_share,
        }


def rm3_expand(
    query: Mapping[int, float],
    engine: Engine,
    docs: np.ndarray,
    scores: np.ndarray,
    params: Rm3Params,
) -> dict[int, float]:
    """The interpolated query: `original_weight` of the normalised query plus the rest spread over
    the relevance model's top terms, P(w|R) ∝ Σ_d P(w|d)·P(d|q), from the feedback documents
    (their terms read from their stored text)."""
    if not query or docs.size == 0:
        return dict(query)
    index = engine.index
    doc_weights = np.exp((scores - scores.max()) / params.temperature)
    doc_weights /= doc_weights.sum()
    parts_terms, parts_mass = [], []
    counted = engine.term_counts_of([int(d) for d in docs])
    for (terms, tf), weight in zip(counted, doc_weights, strict=True):
        if terms.size:
            parts_terms.append(terms)
            parts_mass.append(tf.astype(np.float64) * (weight / tf.sum()))
    if not parts_terms:
        return dict(query)
    terms, inverse = np.unique(np.concatenate(parts_terms), return_inverse=True)
    relevance = np.bincount(inverse, weights=np.concatenate(parts_mass))
    df = index.generation.df[terms]
    relevance[df > params.max_df_share * index.n_live] = 0.0
    order = _best(terms, relevance, params.terms, index.term)
    order = order[relevance[order] > 0]
    chosen_mass = float(relevance[order].sum())
    query_mass = sum(query.values())
    expanded = {t: params.original_weight * w / query_mass for t, w in query.items()}
    if chosen_mass > 0:
        for term, value in zip(terms[order], relevance[order], strict=True):
            share = (1 - params.original_weight) * float(value) / chosen_mass
            expanded[int(term)] = expanded.get(int(term), 0.0) + share
    return expanded


def _best(terms: np.ndarray, relevance: np.ndarray, n: int, spelling) -> np.ndarray:
    """The n most relevant terms; equal relevance is decided by the terms' spelling, so the
    expansion is reproducible however the collection numbers its terms."""
    order = np.argsort(-relevance, kind="stable")
    if order.size <= n:
        cut = order
    else:
        edge = relevance[order[n - 1]]
        tied = order[relevance[order] == edge]
        above = order[relevance[order] > edge]
        tied = sorted(tied.tolist(), key=lambda i: spelling(int(terms[i])))
        cut = np.concatenate([above, np.asarray(tied[: n - above.size], dtype=np.int64)])
    # Within the cut, by relevance, then spelling.
    return np.asarray(
        sorted(cut.tolist(), key=lambda i: (-relevance[i], spelling(int(terms[i])))), dtype=np.int64
    )
