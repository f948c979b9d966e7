"""Evaluation metrics: ranked retrieval (trec_eval conventions) and question answering.

Ranked retrieval follows trec_eval as used by BEIR and Pyserini: graded judgements are linear
gains, a document is relevant when its grade is above zero, and queries without judgements are
left out of the means.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Qrels = Mapping[str, Mapping[str, int]]  # query id -> {doc id: grade}
Run = Mapping[str, Sequence[str]]  # query id -> ranked doc ids, best first


def ndcg_at(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    gains = [max(judged.get(doc, 0), 0) for doc in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def average_precision(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    relevant = {doc for doc, grade in judged.items() if grade > 0}
    if not relevant:
        return 0.0
    hits = 0
    total = 0.0
    for i, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


def recall_at(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    relevant = {doc for doc, grade in judged.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    for i, doc in enumerate(ranked[:k], start=1):
        if judged.get(doc, 0) > 0:
            return 1.0 / i
    return 0.0


def ir_metrics(run: Run, qrels: Qrels) -> dict[str, float]:
    """nDCG@10, MAP@1000, Recall@100 and MRR@10 averaged over the judged queries."""
    judged_queries = [q for q, judged in qrels.items() if any(g > 0 for g in judged.values())]
    if not judged_queries:
        return {"ndcg@10": 0.0, "map@1000": 0.0, "recall@100": 0.0, "mrr@10": 0.0, "queries": 0}
    totals = {"ndcg@10": 0.0, "map@1000": 0.0, "recall@100": 0.0, "mrr@10": 0.0}
    for q in judged_queries:
        ranked = list(run.get(q, ()))
        judged = qrels[q]
        totals["ndcg@10"] += ndcg_at(ranked, judged, 10)
        totals["map@1000"] += average_precision(ranked, judged, 1000)
        totals["recall@100"] += recall_at(ranked, judged, 100)
        totals["mrr@10"] += reciprocal_rank(ranked, judged, 10)
    n = len(judged_queries)
    return {**{name: value / n for name, value in totals.items()}, "queries": n}


# ---------------------------------------------------------------------------------------------
# Question answering


def fold(text: str) -> str:
    """Case and white space folded, for phrase matching."""
    return " ".join(text.casefold().split())


def contains_phrase(answer: str, phrases: Sequence[str]) -> bool:
    folded = fold(answer)
    return any(fold(p) in folded for p in phrases if p.strip())


def sentence_matches(sentence: str, phrases: Sequence[str]) -> bool:
    """The sentence equals, contains, or lies inside one of the phrases."""
    s = fold(sentence)
    for phrase in phrases:
        p = fold(phrase)
        if p and (p in s or s in p):
            return True
    return False


def list_recall(cited: Sequence[str], expected: Sequence[str]) -> float:
    if not expected:
        return 1.0
    return len(set(cited).intersection(expected)) / len(set(expected))


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
