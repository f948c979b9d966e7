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


class Citation(BaseModel):
    n: int
    doc_id: str
    title: str
    date: str | None
    source: str


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
    timings_ms: dict[str, float] = {}

    @property
    def cited_ids(self) -> list[str]:
        return [c.doc_id for c in self.citations]
