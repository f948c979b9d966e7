"""Composing an answer: chosen sentences, verbatim, each with a numbered citation; or an honest
"the abstracts do not answer this" with the closest papers to look at."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from assistant.evidence import Evidence, Scored, has_number, is_proposal, is_reporting
from assistant.paths import display_path
from assistant.question import Question
from retrieval.engine import Engine
from retrieval.names import system_name

# One calibrated threshold on the evidence's confidence, chosen on the dev fixtures as a whole.
ABSTAIN_BELOW = 0.18
# Confidence is multiplied by this for each name-like question word the paper lacks.
MISSING_ENTITY_FACTOR = 0.3
MAX_SENTENCES = 3
MAX_LIST_PAPERS = 8
SEE_ALSO = 3
# A further sentence must score at least this share of the first one, and add this share of
# the question's focus that the sentences chosen so far lack.
FOLLOWING_SHARE = 0.5
MIN_FOCUS_GAIN = 0.15
# Sentences sharing this much of their terms say the same thing.
SAME_SENTENCE = 0.7
# A paper joins a list when it scores this share of the best paper's score.
LIST_SHARE = 0.55

NO_ANSWER = "The abstracts in this collection do not answer this question."


class AnswerSentence(BaseModel):
    text: str
    doc_id: str
    title: str
    sentence_index: int
    score: float
    citation: int


class Citation(BaseModel):
    n: int
    doc_id: str
    title: str
    date: str | None
    source: str


class Reference(BaseModel):
    doc_id: str
    title: str
    date: str | None
    source: str


class Answer(BaseModel):
    """What `assistant ask --json` prints, and what the chat and evaluation consume."""

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


@dataclass(frozen=True, slots=True)
class Choice:
    scored: Scored
    label: str | None = None  # a paper's name shown before its sentence (lists, comparisons)


def compose(engine: Engine, evidence: Evidence, shown: set[tuple[int, int]]) -> Answer:
    """The answer for the evidence; `shown` holds (doc, sentence) pairs already quoted in the
    conversation, which "tell me more" skips."""
    q = evidence.question
    if q.kind == "list":
        choices = _list_choices(evidence)
    elif q.kind == "compare":
        choices = _compare_choices(engine, evidence)
    else:
        choices = _single_paper_choices(evidence, shown if q.kind == "more" else set())
    confidence = answer_confidence(evidence, choices[0].scored.doc) if choices else 0.0
    if confidence < ABSTAIN_BELOW:
        # The papers the question pointed at come first among the closest ones.
        pointed = q.named_docs or (evidence.context if q.refers_back else [])
        closest = [p for p in pointed if p in evidence.paper_score]
        closest += [p for p in evidence.papers if p not in closest]
        return abstention(engine, q, closest, confidence)
    choices, notes = _with_versions(engine, evidence, choices)
    return _assemble(engine, q, choices, notes, confidence, lines=q.kind in ("list", "compare"))


def _single_paper_choices(evidence: Evidence, skip: set[tuple[int, int]]) -> list[Choice]:
    """A question that names a paper is answered from it; one that says "it" or "they", from
    the papers of the previous answer, unless it brings its own subject, a name those papers
    never mention ("How does ADED build its drafts?" after an answer about something else)."""
    q = evidence.question
    papers = evidence.papers
    if q.named_docs:
        return _best_choices(evidence, skip, [p for p in papers if p in q.named_docs])
    if q.refers_back and evidence.context:
        context = [p for p in papers if p in evidence.context]
        own_subject = q.kind != "more" and all(evidence.missing_entities(p) for p in context)
        if not own_subject:
            return _best_choices(evidence, skip, context)
    return _best_choices(evidence, skip, papers)


def answer_confidence(evidence: Evidence, paper: int) -> float:
    """How well the paper an answer leans on speaks to the question: the largest share of the
    question's focus one of its sentences covers and the share it covers anywhere, averaged;
    cut sharply for each name-like word of the question ("HumanEval", "GPUs") that the paper
    never mentions."""
    own = evidence.of(paper)
    if evidence.question.form == "quantity":
        # A "how many" answer is a sentence with a number in it.
        own = [s for s in own if has_number(s.passage.text)]
    if not own:
        return 0.0
    best_sentence = max(s.coverage for s in own)
    base = 0.5 * best_sentence + 0.5 * evidence.doc_coverage.get(paper, 0.0)
    return base * MISSING_ENTITY_FACTOR ** len(evidence.missing_entities(paper))


def abstention(
    engine: Engine, question: Question, papers: Iterable[int], confidence: float
) -> Answer:
    return Answer(
        question=question.text,
        kind=question.kind,
        abstained=True,
        answer=NO_ANSWER,
        sentences=[],
        citations=[],
        see_also=[_reference(engine, doc) for doc in list(papers)[:SEE_ALSO]],
        confidence=round(confidence, 4),
    )


def _best_choices(
    evidence: Evidence, skip: set[tuple[int, int]], papers: list[int]
) -> list[Choice]:
    """Sentences of the first of `papers` with any left, in the abstract's order: its best
    sentence; for "how" and "what is" questions, when that sentence introduces the work, the
    sentences that go on to describe it; then sentences that answer parts of the question still
    unanswered (maximal marginal relevance). At most three."""
    for paper in papers:
        pool = [s for s in evidence.of(paper) if (s.doc, s.passage.sentence) not in skip]
        if pool:
            break
    else:
        return []
    first = pool[0]
    chosen = [first]
    form = evidence.question.form
    if form in ("method", "definition") and is_proposal(first.passage.text):
        by_position = {s.passage.sentence: s for s in pool}
        for offset in range(1, 3 if form == "method" else 2):
            follower = by_position.get(first.passage.sentence + offset)
            if follower is None or is_reporting(follower.passage.text):
                break
            chosen.append(follower)
    covered = set().union(*(c.passage.matched for c in chosen))
    # A definition is its defining sentence and what follows; other kinds add sentences that
    # answer the parts of the question still open.
    for candidate in pool[1:] if form != "definition" else []:
        if len(chosen) >= MAX_SENTENCES:
            break
        if candidate in chosen or candidate.score < FOLLOWING_SHARE * first.score:
            continue
        gain = evidence.coverage(covered | candidate.passage.matched) - evidence.coverage(covered)
        if gain >= MIN_FOCUS_GAIN and not any(_similar(candidate, c) for c in chosen):
            chosen.append(candidate)
            covered |= candidate.passage.matched
    chosen.sort(key=lambda s: s.passage.sentence)
    return [Choice(s) for s in chosen]


def _list_choices(evidence: Evidence) -> list[Choice]:
    """The best sentence of each paper that scores close enough to the best paper."""
    papers = evidence.papers
    if not papers:
        return []
    bar = LIST_SHARE * evidence.paper_score[papers[0]]
    chosen: list[Scored] = []
    for paper in papers:
        own = evidence.of(paper)
        if evidence.paper_score[paper] < bar or len(chosen) == MAX_LIST_PAPERS:
            break
        if own and not any(_similar(own[0], c) for c in chosen):
            chosen.append(own[0])
    return [Choice(s) for s in chosen]


def _compare_choices(engine: Engine, evidence: Evidence) -> list[Choice]:
    """The best sentence of each paper compared, side by side, in the question's order."""
    q = evidence.question
    docs: list[int] = []
    for named in q.named:
        if named.docs[0] not in docs:
            docs.append(named.docs[0])
    if q.refers_back and evidence.context and evidence.context[0] not in docs:
        docs.insert(0, evidence.context[0])
    chosen = []
    for doc in docs:
        own = evidence.of(doc)
        if own:
            label = _short_name(engine.papers.title(doc))
            chosen.append(Choice(own[0], label))
    return chosen


def _with_versions(
    engine: Engine, evidence: Evidence, choices: list[Choice]
) -> tuple[list[Choice], list[str]]:
    """Versions of a cited paper: say so, and where they disagree, quote both."""
    notes: list[str] = []
    out = list(choices)
    cited = {c.scored.doc for c in choices}
    for choice in choices:
        doc = choice.scored.doc
        versions = engine.papers.versions(doc)
        if len(versions) < 2:
            continue
        others = [v for v in versions if v != doc]
        title = engine.papers.title(doc)
        notes.append(f"“{title}” has {len(versions)} versions in this collection.")
        for other in others:
            if other in cited:
                continue
            theirs = evidence.of(other)
            if theirs and not _similar(theirs[0], choice.scored):
                out.insert(out.index(choice) + 1, Choice(theirs[0], choice.label))
                cited.add(other)
                notes.append("Its versions say different things here; both are quoted.")
    return out, notes


def _assemble(
    engine: Engine,
    question: Question,
    choices: list[Choice],
    notes: list[str],
    confidence: float,
    lines: bool,
) -> Answer:
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    parts: list[str] = []
    for choice in choices:
        s = choice.scored
        if s.doc not in numbers:
            numbers[s.doc] = len(numbers) + 1
            citations.append(_citation(engine, s.doc, numbers[s.doc]))
        n = numbers[s.doc]
        sentences.append(
            AnswerSentence(
                text=s.passage.text,
                doc_id=engine.papers.ids[s.doc],
                title=engine.papers.title(s.doc),
                sentence_index=s.passage.sentence,
                score=round(s.score, 4),
                citation=n,
            )
        )
        quoted = f"{s.passage.text} [{n}]"
        parts.append(f"{choice.label}: {quoted}" if lines and choice.label else quoted)
    text = "\n".join(f"- {p}" for p in parts) if lines else " ".join(parts)
    return Answer(
        question=question.text,
        kind=question.kind,
        abstained=False,
        answer=text,
        sentences=sentences,
        citations=citations,
        see_also=[],
        notes=list(dict.fromkeys(notes)),
        confidence=round(confidence, 4),
    )


def _citation(engine: Engine, doc: int, n: int) -> Citation:
    ref = _reference(engine, doc)
    return Citation(n=n, **ref.model_dump())


def _reference(engine: Engine, doc: int) -> Reference:
    papers = engine.papers
    sources = papers.sources(doc)
    return Reference(
        doc_id=papers.ids[doc],
        title=papers.title(doc),
        date=papers.dates.optional(doc),
        source=", ".join(dict.fromkeys(display_path(s.path) for s in sources)),
    )


def _similar(a: Scored, b: Scored) -> bool:
    ta = {t for t in a.passage.terms if t >= 0}
    tb = {t for t in b.passage.terms if t >= 0}
    if not ta or not tb:
        return a.passage.text == b.passage.text
    return len(ta & tb) / len(ta | tb) >= SAME_SENTENCE


def _short_name(title: str) -> str:
    return system_name(title) or title
