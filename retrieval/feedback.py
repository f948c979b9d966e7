"""RM3 pseudo-relevance feedback: expand a query with the terms of its best first-pass documents."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rm3Params:
    """Chosen on Cranfield (benchmarks/cranfield.py)."""

    docs: int = 10
    terms: int = 20
    original_weight: float = 0.5
    # A feedback document weighs exp((score - best score) / temperature): BM25 scores act as
    # log-likelihoods, so the top documents dominate without the rest being ignored.
    temperature: float = 2.0

    def as_dict(self) -> dict[str, float]:
        return {
            "fb_docs": self.docs,
            "fb_terms": self.terms,
            "original_weight": self.original_weight,
            "temperature": self.temperature,
        }


def rm3_expand(
    query: Mapping[int, float],
    feedback: Sequence[tuple[Mapping[int, int], float]],
    params: Rm3Params,
) -> dict[int, float]:
    """The interpolated query: `original_weight` of the normalised query plus the rest spread over
    the relevance model's top terms, P(w|R) ∝ Σ_d P(w|d)·P(d|q)."""
    if not query or not feedback:
        return dict(query)
    best = max(score for _, score in feedback)
    doc_weights = [math.exp((score - best) / params.temperature) for _, score in feedback]
    total_weight = sum(doc_weights)
    relevance: dict[int, float] = {}
    for (counts, _), weight in zip(feedback, doc_weights, strict=True):
        length = sum(counts.values())
        if not length:
            continue
        share = weight / (total_weight * length)
        for term, count in counts.items():
            relevance[term] = relevance.get(term, 0.0) + count * share
    chosen = sorted(relevance.items(), key=lambda kv: (-kv[1], kv[0]))[: params.terms]
    chosen_mass = sum(v for _, v in chosen)
    query_mass = sum(query.values())
    expanded = {t: params.original_weight * w / query_mass for t, w in query.items()}
    if chosen_mass > 0:
        for term, value in chosen:
            share = (1 - params.original_weight) * value / chosen_mass
            expanded[term] = expanded.get(term, 0.0) + share
    return expanded
