"""Sentence-level ranking: BM25 over the sentences of candidate documents.

Sentences are scored with the corpus-wide statistics of the document index (IDF, k1, b) and the
corpus's mean sentence length, so scores are comparable across documents and across questions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrieval.engine import Engine


@dataclass(frozen=True, slots=True)
class Passage:
    """One sentence of one document, scored for a query."""

    doc: int
    sentence: int  # position of the sentence in its abstract
    start: int  # character offsets into the abstract
    end: int
    text: str
    score: float
    matched: frozenset[int]  # query term ids present in the sentence
    terms: tuple[int, ...]  # the sentence's known term ids, in order (unknown terms as -1)


def rank_passages(
    engine: Engine, weights: Mapping[int, float], docs: Iterable[int], b: float | None = None
) -> list[Passage]:
    """Every sentence of `docs`, scored against the weighted query terms, best first. `b` sets
    how much a sentence's length counts against it (default: the index's b)."""
    index = engine.index
    p = index.params
    b = p.b if b is None else b
    avg = max(engine.summary.avg_sentence_terms, 1.0)
    idf = {t: index.idf(t) for t in weights}
    out: list[Passage] = []
    for doc in docs:
        abstract = engine.papers.abstract(doc)
        for position, span in enumerate(engine.sentences(doc)):
            text = abstract[span.start : span.end]
            term_ids = tuple(index.term_id(t) for t in engine.analyzer.terms(text))
            counts: dict[int, int] = {}
            for t in term_ids:
                if t in weights:
                    counts[t] = counts.get(t, 0) + 1
            norm = p.k1 * (1 - b + b * len(term_ids) / avg)
            score = sum(
                weights[t] * idf[t] * tf * (p.k1 + 1) / (tf + norm) for t, tf in counts.items()
            )
            out.append(
                Passage(
                    doc, position, span.start, span.end, text, score, frozenset(counts), term_ids
                )
            )
    out.sort(key=lambda x: (-x.score, x.doc, x.sentence))
    return out
