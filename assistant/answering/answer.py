"""The answer as the rest of the product sees it: what `assistant ask --json` prints, what the
chat shows, what history stores and evaluation scores."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AnswerSentence(BaseModel):
    text: str
    doc_id: str
    title: str
    sentence_index: int
    score: float
    citation: int


class Reference(BaseModel):
    doc_id: str
    title: str
    date: str | None
    source: str
    authors: str | None = None
    url: str | None = None
    # For a paper with several versions in the collection: which one this is and what sets it
    # apart ("v2 of 2, Mar 14, seeds/000_aece1beded50ae76.txt").
    version: str | None = None


class Citation(Reference):
    n: int


class Answer(BaseModel):
    question: str
    kind: str
    abstained: bool
    answer: str = Field(description="plain text with [n] citation markers")
    sentences: list[AnswerSentence]
    citations: list[Citation]
    see_also: list[Reference]
    notes: list[str] = []
    confidence: float
    # Answered on weak evidence: shown as a weak match, with the closest other papers (none
    # when the question was about the paper cited).
    weak: bool = False
    # The papers the question was asked of, when their abstracts do not answer it: "it" in the
    # next question still means them.
    about: list[str] = []
    # A list that stopped short: how many papers matched in all.
    matched_papers: int | None = None
    timings_ms: dict[str, float] = {}

    @property
    def cited_ids(self) -> list[str]:
        return [c.doc_id for c in self.citations]

    @property
    def referred_ids(self) -> list[str]:
        """The papers "it" and "they" mean after this answer: those it cites, or those whose
        abstracts it says do not answer."""
        return self.cited_ids or self.about
