"""rank-bm25 as the reference engine: `rank_bm25.BM25Okapi` itself, over the index's own terms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from rank_bm25 import BM25Okapi

if TYPE_CHECKING:
    from retrieval.engine import Engine


class RankBm25Reference:
    """BM25Okapi with the engine's k1 and b, over each document's terms as the index counts them
    (title repeated `title_weight` times, then the abstract). Built in memory on creation."""

    def __init__(self, engine: Engine) -> None:
        params = engine.index.params
        self.n_docs = engine.index.n_docs
        self.live = np.asarray(engine.live_documents(), dtype=np.int64)
        corpus = [engine.document_terms(int(doc)) for doc in self.live]
        self.model = BM25Okapi(corpus, k1=params.k1, b=params.b)

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        """Scores in the engine's document numbering (0 for deleted documents)."""
        scores = np.zeros(self.n_docs, dtype=np.float64)
        scores[self.live] = self.model.get_scores(list(query_terms))
        return scores
