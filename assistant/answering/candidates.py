"""Candidate papers for a question, in the engine's order.

The engine ranks the right paper first far more often than any rule on top of it would (reordering
by how much of the question's focus each paper covers measured no better: benchmarks/
fit_answers.py). Papers the question names, or that the previous answer cited when the question
refers back, join the candidates even when the engine did not retrieve them.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering.authors import wrote
from assistant.answering.question import Question
from retrieval.engine import Engine
from retrieval.versions import MAX_VERSIONS

# Papers whose sentences may be quoted (lists take their best ones).
CANDIDATE_PAPERS = 15
# How far down the engine's ranking a list by an author looks for that author's papers.
AUTHOR_SEARCH_DEPTH = 500


@dataclass(frozen=True, slots=True)
class PaperCandidate:
    doc: int
    engine_rank: int  # 0 for the engine's first paper; -1 when it was not retrieved
    relevance: float  # engine score relative to the engine's best (0 when not retrieved)
    coverage: float  # share of the question's focus the paper's text speaks to
    terms: frozenset[int]  # every term of the paper


@dataclass
class Candidates:
    question: Question
    papers: list[PaperCandidate]  # best first
    context: list[int]  # papers the previous answer cited

    @property
    def docs(self) -> list[int]:
        return [p.doc for p in self.papers]

    def of(self, doc: int) -> PaperCandidate | None:
        return next((p for p in self.papers if p.doc == doc), None)


def gather(
    engine: Engine,
    question: Question,
    context: list[int],
    k: int = CANDIDATE_PAPERS,
    feedback: bool = True,
) -> Candidates:
    """The candidate papers for the question, best first. A list ranks on the question's own
    words: feedback terms come from the first papers and would push papers unlike them below the
    list's bar."""
    if question.kind == "list" or question.continues == "list":
        feedback = False
    depth = AUTHOR_SEARCH_DEPTH if question.author else k
    hits = engine.rank(question.weights, depth, feedback=feedback) if question.weights else []
    if question.author:
        # "Which papers by Hinton study X?": the author's papers, ranked among themselves.
        hits = [h for h in hits if wrote(engine, h.doc, question.author)][:k]
    best = hits[0].score if hits else 1.0
    found = {h.doc: (rank, h.score / best) for rank, h in enumerate(hits)}
    # A named paper's versions join; a title that many documents share heads a topic's
    # passages, and the engine's ranking already holds those that speak to the question.
    extra = list(
        dict.fromkeys(d for n in question.named if len(n.docs) <= MAX_VERSIONS for d in n.docs)
    )
    if question.refers_back:
        extra += context
    for doc in extra:
        found.setdefault(doc, (-1, 0.0))
    papers = []
    for doc, (rank, relevance) in found.items():
        terms = frozenset(engine.term_ids(doc))
        papers.append(PaperCandidate(doc, rank, relevance, question.coverage(terms), terms))
    papers.sort(key=lambda p: (-p.relevance, p.doc))
    return Candidates(question, papers, context)
