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
        """The papers "it" and "they" mean after this answer: those it cites, then those whose
        abstracts it says do not answer (a comparison can do both)."""
        return list(dict.fromkeys(self.cited_ids + self.about))


def joined(question: str, parts: list[Answer]) -> Answer:
    """One answer to a question asking several things, from the answers to each in turn: their
    texts one after another (but for an answer quoting only what one before it quoted), the
    papers they cite numbered once, in order."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    texts: list[str] = []
    for part in parts:
        quoted = {(s.doc_id, s.sentence_index) for s in sentences}
        if part.sentences and quoted.issuperset(
            (s.doc_id, s.sentence_index) for s in part.sentences
        ):
            continue  # "What is Dolma and how big is it?": the first answer says it already
        renumbered = {}
        for citation in part.citations:
            if citation.doc_id not in numbers:
                numbers[citation.doc_id] = len(numbers) + 1
                citations.append(citation.model_copy(update={"n": numbers[citation.doc_id]}))
            renumbered[citation.n] = numbers[citation.doc_id]
        # Each quote's marker is renumbered where the quote stands, in the order the quotes
        # run: a quote may itself hold "[2]", which no pattern over the text could tell apart.
        text, cursor, pieces = part.answer, 0, []
        for s in part.sentences:
            new = renumbered[s.citation]
            quote = f"{s.text} [{s.citation}]"
            at = text.find(quote, cursor)
            if at >= 0:
                pieces += [text[cursor:at], f"{s.text} [{new}]"]
                cursor = at + len(quote)
            sentences.append(s.model_copy(update={"citation": new}))
        texts.append("".join([*pieces, text[cursor:]]))
    cited = set(numbers)
    see_also = {r.doc_id: r for part in parts for r in part.see_also if r.doc_id not in cited}
    answered = [part for part in parts if not part.abstained]
    return Answer(
        question=question,
        kind=parts[0].kind,
        abstained=not answered,
        answer="\n\n".join(texts),
        sentences=sentences,
        citations=citations,
        see_also=list(see_also.values()),
        notes=[note for part in parts for note in part.notes],
        confidence=min(part.confidence for part in parts),
        weak=any(part.weak for part in answered),
        about=list(dict.fromkeys(d for part in parts for d in part.about)),
        matched_papers=parts[0].matched_papers,
        timings_ms={
            key: round(sum(part.timings_ms.get(key, 0.0) for part in parts), 2)
            for key in parts[0].timings_ms
        },
    )
