"""Answer triggering: whether the collection answers the question at all.

The decision rests on the evidence for the paper the answer would lean on, measured against the
question's focus with corpus statistics: how much of the focus (by IDF) the paper and its best
sentence contain, the largest rare part of it the paper lacks, whether the question's neighbouring
ideas meet in one sentence, how much of the question the corpus has never seen, and how clearly the
paper stands out from the next one. A fitted logistic model turns these into the probability that
the collection answers; below the fitted threshold the assistant says it does not.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from assistant.answering.candidates import Candidates, PaperCandidate
from assistant.answering.features import SentenceTable
from assistant.answering.weights import TriggerModel
from retrieval.engine import Engine

# The number of focus concepts that counts as long (the length feature is 1 there).
LONG_QUESTION = 16
# Forms whose answer is a particular kind of fact.
TYPED_FORMS = frozenset({"quantity", "when", "where", "who"})


@dataclass(frozen=True, slots=True)
class Trigger:
    features: dict[str, float]
    confidence: float  # the probability that the collection answers
    answer: bool


def trigger_features(
    engine: Engine, candidates: Candidates, lead: PaperCandidate, table: SentenceTable
) -> dict[str, float]:
    question = candidates.question
    coverage = table.column("coverage")
    sentence_coverage = float(coverage.max()) if len(table) else 0.0
    typed = table.column("answer_type") > 0
    if question.form in TYPED_FORMS:
        # The best sentence that holds the kind of answer asked for ("how many": a number).
        answer_type = float(coverage[typed].max()) if typed.any() else 0.0
    else:
        answer_type = sentence_coverage
    return {
        "coverage": lead.coverage,
        "sentence_coverage": sentence_coverage,
        "missing": question.missing_share(lead.terms),
        "unknown": sum(f.share for f in question.focus if not f.concept.known),
        "pairs": _pairs_together(candidates, table, sentence_coverage),
        "answer_type": answer_type,
        "plain_words": sum(f.share for f in question.focus if f.concept.meanings),
        # Long questions ask about more aspects than any one paper covers.
        "length": math.log1p(len(question.focus)) / math.log1p(LONG_QUESTION),
        "missing_names": sum(
            f.share for f in question.focus if f.concept.entity and not f.credit(lead.terms)
        ),
        "likelihood": _likelihood_ratio(engine, candidates, lead),
        "missing_rarity": _missing_rarity(engine, candidates, lead),
    }


def _likelihood_ratio(engine: Engine, candidates: Candidates, lead: PaperCandidate) -> float:
    """How much likelier the paper makes the question than the collection does: the mean over
    query terms of log P(t | paper) / P(t | collection), the paper's model smoothed towards the
    collection's (Dirichlet, with the mean document length as the prior's weight), per term of
    query weight. Scaled by log(collection length) to be comparable across collections."""
    index = engine.index
    weights = candidates.question.weights
    if not weights:
        return 0.0
    total = index.total_length
    mu = index.avg_len
    terms, tfs = engine.term_counts(lead.doc)
    tf_of = dict(zip(terms.tolist(), tfs.tolist(), strict=True))
    length = float(index.doc_length(lead.doc))
    score = 0.0
    for term, weight in weights.items():
        in_collection = max(index.collection_frequency(term), 1) / total
        in_paper = (tf_of.get(term, 0) + mu * in_collection) / (length + mu)
        score += weight * math.log(in_paper / in_collection)
    return score / sum(weights.values()) / math.log(max(total, 2.0))


def _missing_rarity(engine: Engine, candidates: Candidates, lead: PaperCandidate) -> float:
    """The IDF of the rarest word of the question that the collection knows and the paper
    lacks, as a share of the largest IDF the collection can give."""
    index = engine.index
    missing = [
        max(index.idf(t) for t in (c.whole, *c.parts) if t >= 0)
        for c in candidates.question.concepts
        if c.known and (c.whole >= 0 or c.parts) and not c.in_terms(lead.terms)
    ]
    return max(missing, default=0.0) / index.idf(-1)


def _pairs_together(candidates: Candidates, table: SentenceTable, fallback: float) -> float:
    """The share of the question's neighbouring concepts (in the question's order) that stand
    in one sentence of the paper together: a paper on the same topic has the words, the paper
    the question is about has them together."""
    concepts = [c for c in candidates.question.concepts if c.known]
    pairs = list(itertools.pairwise(concepts))
    if not pairs:
        return fallback
    sentence_terms = [frozenset(t) for t in table.terms]
    together = sum(
        any(a.in_terms(terms) and b.in_terms(terms) for terms in sentence_terms) for a, b in pairs
    )
    return together / len(pairs)


def decide(features: dict[str, float], model: TriggerModel) -> Trigger:
    confidence = model.probability(features)
    return Trigger(features, confidence, confidence >= model.threshold)


def named_comparison(candidates: Candidates) -> Trigger:
    """A comparison names its papers, and the collection holds them: it is answered. (The
    evidence of one paper for a question that also names another says little.)"""
    return Trigger({}, 1.0, True)
