"""Evidence for a question: candidate papers, and their sentences scored for the question's kind.

A sentence's score mixes its BM25 score (corpus-wide statistics), the score of its paper, how much
of the question's focus it covers, and cues that fit the kind of question: numbers for "how
many", "we propose" for "what is", results for "how well".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.question import Concept, Question
from retrieval.engine import Engine
from retrieval.passages import Passage, rank_passages

# Papers whose sentences are considered.
CANDIDATE_PAPERS = 15
# Weights of the parts of a sentence's score (they sum to one, cues apart).
W_RELEVANCE = 0.45
W_PAPER = 0.5
W_COVERAGE = 0.25
W_CUE = 0.15
W_DOC_COVERAGE = 0.3
W_CLOSENESS = 0.1
# Answer sentences may be long: their length counts less against them than a document's.
SENTENCE_B = 0.3
UNKNOWN_WORD_SHARE = 0.25
# A paper the question names, or the previous answer cited when the question refers back.
NAMED_BONUS = 0.5
CONTEXT_BONUS = 0.4

_NUMBER = re.compile(
    r"\d|\b(twice|thrice|half|double|triple|once|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|hundred|thousand|million|billion|trillion)\b",
    re.I,
)
_PROPOSE = re.compile(
    r"\b(we|this (paper|work|study)|in this (paper|work))\b[^.]{0,40}\b(propose|introduce|present|"
    r"develop|design|build|release|call|name|term|create|construct)\w*\b|\b(called|named|termed|"
    r"referred to as|dubbed)\b|\b(is|are) (a|an)\b",
    re.I,
)
_METHOD = re.compile(
    r"\b(by|via|through|using|uses|use|leverag\w*|utiliz\w*|employ\w*|consist\w*|compris\w*|"
    r"decompos\w*|combin\w*|stage|step|first|second|then|mechanism|framework|approach|method)\b",
    re.I,
)
_RESULT = re.compile(
    r"\b(show|shows|showed|find|found|demonstrat\w*|outperform\w*|achiev\w*|improv\w*|reveal\w*|"
    r"surpass\w*|indicat\w*|suggest\w*|because|reason\w*|due to|result\w*|better|worse|"
    r"significant\w*|effective\w*)\b",
    re.I,
)
_BACKGROUND = re.compile(r"^(recent|however|despite|while|although|with the|as )", re.I)
# Sentences that report results or point to code rather than say how something works.
_REPORTING = re.compile(
    r"^(experiment|extensive|empirical|evaluation|results?|code|our (experiment|result|evaluation|"
    r"code|model|data)|we (evaluate|validate|show|demonstrate|conduct|release|find|test))|https?://",
    re.I,
)


def is_proposal(text: str) -> bool:
    """ "We propose X ...", "X, called ...": the sentence that introduces the paper's own work."""
    return bool(_PROPOSE.search(text))


def has_number(text: str) -> bool:
    return bool(_NUMBER.search(text))


def is_reporting(text: str) -> bool:
    return bool(_REPORTING.search(text))


@dataclass(frozen=True, slots=True)
class Scored:
    passage: Passage
    relevance: float  # sentence BM25, relative to the best candidate sentence
    coverage: float  # share of the question's focus (IDF-weighted) the sentence contains
    cue: float
    score: float  # how well it answers, form included (for choosing among a paper's sentences)

    @property
    def doc(self) -> int:
        return self.passage.doc


@dataclass(frozen=True, slots=True)
class Focus:
    """A concept of the question and its share of the focus. A research phrase standing for
    the concept's plain words earns the share in proportion to how rare it is beside the word:
    "chatbot" is rare, and "LLM", which stands for it, is in every abstract."""

    concept: Concept
    share: float
    meaning_credit: tuple[float, ...]

    def credit(self, terms: set[int] | frozenset[int]) -> float:
        if self.concept.own_in_terms(terms):
            return 1.0
        found = self.concept.meanings_in_terms(terms)
        return max((c for c, f in zip(self.meaning_credit, found, strict=True) if f), default=0.0)


@dataclass
class Evidence:
    question: Question
    context: list[int]  # papers the previous answer cited
    prior: dict[int, float]  # paper retrieval score relative to the best, plus bonuses
    sentences: list[Scored]  # best first
    doc_coverage: dict[int, float]  # share of the focus each paper contains anywhere
    doc_terms: dict[int, set[int]]  # every term of each candidate paper
    paper_score: dict[int, float]  # prior and best sentence together
    shares: list[Focus]  # each concept's share of the focus (IDF-weighted)

    def coverage(self, terms: set[int] | frozenset[int]) -> float:
        """The share of the question's focus that a text with these terms speaks to."""
        if not self.shares:
            return 1.0
        return sum(focus.share * focus.credit(terms) for focus in self.shares)

    @property
    def papers(self) -> list[int]:
        """Candidate papers, best first."""
        return sorted(self.paper_score, key=lambda d: (-self.paper_score[d], d))

    def of(self, doc: int) -> list[Scored]:
        return [s for s in self.sentences if s.doc == doc]

    def missing_entities(self, doc: int) -> list[str]:
        """The question's name-like words that the paper never mentions."""
        terms = self.doc_terms.get(doc, set())
        return [c.word for c in self.question.concepts if c.entity and not c.in_terms(terms)]


def gather(
    engine: Engine,
    question: Question,
    context: list[int],
    k: int = CANDIDATE_PAPERS,
    feedback: bool = True,
) -> Evidence:
    """Candidate papers for the question and every sentence of them, scored."""
    hits = engine.rank(question.weights, k, feedback=feedback) if question.weights else []
    best = hits[0].score if hits else 1.0
    prior: dict[int, float] = {h.doc: h.score / best for h in hits}
    bonus: dict[int, float] = {}
    for doc in question.named_docs:
        bonus[doc] = NAMED_BONUS
    if question.refers_back:
        for rank, doc in enumerate(context):
            bonus[doc] = bonus.get(doc, 0.0) + CONTEXT_BONUS * (1.0 if rank == 0 else 0.8)
    for doc in bonus:
        prior.setdefault(doc, 0.0)
    papers = sorted(prior, key=lambda d: (-prior[d] - bonus.get(d, 0.0), d))

    shares = concept_shares(engine, question)
    passages = rank_passages(engine, sentence_weights(question), papers, b=SENTENCE_B)
    top_relevance = max((p.score for p in passages), default=0.0) or 1.0

    doc_terms: dict[int, set[int]] = {}
    for p in passages:
        doc_terms.setdefault(p.doc, set()).update(p.terms)
    for doc in papers:
        doc_terms.setdefault(doc, set()).update(
            engine.index.term_id(t) for t in engine.analyzer.terms(engine.papers.title(doc))
        )

    evidence = Evidence(question, context, prior, [], {}, doc_terms, {}, shares)
    coverage = evidence.coverage
    named = set(question.named_docs)
    scored: list[Scored] = []
    best_sentence: dict[int, float] = {}
    for p in passages:
        rel = p.score / top_relevance
        cov = coverage(p.matched)
        cue = _cue(question, p, p.doc in named)
        evidence_score = W_RELEVANCE * rel + W_COVERAGE * cov
        answer_score = evidence_score + W_CUE * cue + W_CLOSENESS * closeness(p)
        scored.append(Scored(p, rel, cov, cue, answer_score))
        # Which paper answers depends on what its sentences say, not on their form.
        best_sentence[p.doc] = max(best_sentence.get(p.doc, evidence_score), evidence_score)
    scored.sort(key=lambda s: (-s.score, s.passage.doc, s.passage.sentence))
    evidence.sentences = scored
    evidence.doc_coverage = doc_coverage = {doc: coverage(t) for doc, t in doc_terms.items()}
    evidence.paper_score = {
        d: W_PAPER * prior[d]
        + W_DOC_COVERAGE * doc_coverage.get(d, 0.0)
        + best_sentence.get(d, 0.0)
        + bonus.get(d, 0.0)
        for d in papers
    }
    return evidence


def closeness(p: Passage) -> float:
    """How close together the question's terms stand in the sentence: the distinct matched
    terms divided by the length of the shortest stretch holding them all (1 when adjacent);
    0 with fewer than two."""
    wanted = p.matched
    if len(wanted) < 2:
        return 0.0
    positions = [(i, t) for i, t in enumerate(p.terms) if t in wanted]
    best = len(p.terms)
    counts: dict[int, int] = {}
    left = 0
    for position, term in positions:
        counts[term] = counts.get(term, 0) + 1
        while len(counts) == len(wanted):
            start, first = positions[left]
            best = min(best, position - start + 1)
            counts[first] -= 1
            if not counts[first]:
                del counts[first]
            left += 1
    return len(wanted) / best


def sentence_weights(question: Question) -> dict[int, float]:
    """Sentences should speak to the focus; a named system's own terms count half."""
    focus = question.focus_terms
    return {t: w if t in focus else 0.5 * w for t, w in question.weights.items()}


def concept_shares(engine: Engine, question: Question) -> list[Focus]:
    """Each concept's share of the question's focus, by IDF. A word the corpus lacks weighs like
    the rarest term when it looks like a name ("HumanEval", "Everest"), like its rarest research
    phrase when the glossary has one, and much less when it is a plain word ("giant"), since
    paraphrases are full of those."""
    index = engine.index
    rare = index.idf(-1)
    # Plain unknown words only weigh beside words the corpus knows: alone ("What is [bold]X?")
    # they are noise around a name.
    plain_unknown = (
        UNKNOWN_WORD_SHARE * rare if any(c.known or c.entity for c in question.concepts) else 0.0
    )
    masses = []
    meaning_masses = []
    for c in question.concepts:
        meaning_mass = tuple(max(index.idf(t) for t in meaning) for meaning in c.meanings)
        if c.whole >= 0:
            mass = index.idf(c.whole)
        elif c.parts:
            mass = max(index.idf(p) for p in c.parts)
        elif meaning_mass:
            mass = max(meaning_mass)
        else:
            mass = rare if c.entity else plain_unknown
        masses.append(mass)
        meaning_masses.append(meaning_mass)
    total = sum(masses)
    if not total:
        return []
    return [
        Focus(c, m / total, tuple(min(1.0, x / m) if m else 0.0 for x in mm))
        for c, m, mm in zip(question.concepts, masses, meaning_masses, strict=True)
    ]


def defines(text: str, name: str) -> bool:
    """The sentence defines `name`: "we release Dolma, a ...", "called ADED", "X is a ..."."""
    n = re.escape(name)
    return bool(
        re.search(rf"{n}\)?\s*,\s+(a|an|the|which|that)\b", text)
        or re.search(rf"\b(called|named|termed|dubbed|referred to as)\s+(the\s+)?{n}", text)
        or re.search(rf"{n}\)?\s+(is|are)\s+(a|an|the)\b", text)
    )


def _cue(question: Question, p: Passage, in_named: bool) -> float:
    """How well the sentence fits the kind of answer the question wants, about -0.5 to 2."""
    text = p.text
    form = question.form
    names = [n.canonical for n in question.named] if in_named else []
    mentions = any(n.casefold() in text.casefold() for n in names)
    cue = 0.0
    if form == "quantity":
        cue = 1.0 if _NUMBER.search(text) else 0.0
    elif form == "definition":
        if any(defines(text, n) for n in names):
            cue = 2.0
        elif _PROPOSE.search(text):
            cue = 1.0 + (0.5 if mentions else 0.0)
    elif form == "method":
        cue = 1.0 if _PROPOSE.search(text) else 0.0
        cue += 0.5 if _METHOD.search(text) else 0.0
        cue -= 0.5 if _REPORTING.search(text) else 0.0
    elif form in ("yesno", "why", "other"):
        cue = 1.0 if _RESULT.search(text) else 0.0
    if _BACKGROUND.match(text):
        cue -= 0.5
    return cue
