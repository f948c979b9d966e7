"""Answer triggering: whether the collection answers the question at all.

The decision rests on the evidence for the paper the answer would lean on, measured against the
question's focus with corpus statistics: how much of the focus (by IDF) the paper and its best
sentence contain, the share of its concepts the paper mentions (each counting the same, however
rare), the largest rare part of it the paper lacks, whether the question's neighbouring
ideas meet in one sentence, how much of the question the corpus has never seen and whether that
holds a specialist term (a word English rarely uses), how much of what the paper itself is about
(its most distinctive terms) the question asks, the tf-idf cosine of the two, and for "how many"
questions whether the thing counted stands beside a number. A fitted logistic model turns these
into the probability that the collection answers; below the fitted threshold the assistant says
it does not.

Eleven pieces of evidence stand on their own, whatever else the paper shares with the question: a
paper that never names what a "how many" question counts, when that is a name ("GPUs"), cannot
say how many there are; nor can a paper that mentions the name a "how many" question asks about
only where it counts nothing of it ("How many parameters does GPT-4 have?"); a paper that
mentions nothing of what the question is about (a chess entry for "how many players are on a
soccer team") cannot answer it; a paper that names no one cannot say who ("Who proposed
TinyStories?": abstracts seldom name their authors); a paper the question names or refers to
that holds no date cannot say when, nor, giving no number, how many, nor, stating no limitation
of its own, what its limitations are, nor, giving no ratio, how much faster it is, nor,
comparing itself with nothing, what it is measured against, nor, giving no number of that kind,
how heavy, costly or hot it is; and a paper that gives no link and releases nothing cannot say
where its code is."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

import numpy as np

from assistant.answering.candidates import Candidates, PaperCandidate
from assistant.answering.features import FAMILIES, SentenceTable, has_number
from assistant.answering.question import Question
from assistant.answering.weights import TriggerModel
from retrieval.engine import Engine

# The number of focus concepts that counts as long (the length feature is 1 there).
LONG_QUESTION = 16
# The paper's most distinctive terms, which say what it is about.
SUBJECT_TERMS = 8
# Forms whose answer is a particular kind of fact ("how many": a number).
TYPED_FORMS = frozenset(form for form, family in FAMILIES.items() if family == "fact")


@dataclass(frozen=True, slots=True)
class Trigger:
    features: dict[str, float]
    confidence: float  # the probability that the collection answers
    answer: bool


def trigger_features(
    engine: Engine, candidates: Candidates, lead: PaperCandidate, table: SentenceTable
) -> dict[str, float]:
    question = candidates.question
    paper_terms = _tf_idf(engine, lead.doc)
    coverage = table.column("coverage")
    sentence_coverage = float(coverage.max()) if len(table) else 0.0
    typed = table.typed
    if question.form in TYPED_FORMS and table.shows_type:
        # The best sentence that holds the kind of answer asked for ("how many": a number).
        answer_type = float(coverage[typed].max()) if typed.any() else 0.0
    else:
        answer_type = sentence_coverage
    return {
        "coverage": lead.coverage,
        "sentence_coverage": sentence_coverage,
        "missing": question.missing_share(lead.terms),
        "unknown": sum(f.share for f in question.focus if not f.concept.known),
        # A specialist term no abstract uses: most often, the paper asked about is not here.
        "unseen_term": float(any(c.specialist for c in question.concepts)),
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
        "subject": _subject_asked(question, paper_terms),
        "cosine": _cosine(engine, question, paper_terms),
        "asked_missing": _asked_missing(question, table),
        "concepts": _concepts_mentioned(question, lead.terms),
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


def _subject_asked(question: Question, paper_terms: dict[int, float]) -> float:
    """How much of what the paper is about the question asks: the share, by tf-idf, of the
    paper's SUBJECT_TERMS most distinctive terms that are the question's own. A neighbour on a
    related topic shares some of the question's words, but its own subject lies elsewhere."""
    top = sorted(paper_terms.items(), key=lambda item: -item[1])[:SUBJECT_TERMS]
    total = sum(w for _, w in top)
    asked = question.asked_terms
    return sum(w for t, w in top if t in asked) / total if total else 0.0


def _cosine(engine: Engine, question: Question, paper_terms: dict[int, float]) -> float:
    """The cosine of the question and the paper as tf-idf vectors (each question term weighed by
    its IDF): high when the paper's words are mostly the question's."""
    asked = {t: engine.index.idf(t) for t in question.weights}
    dot = sum(w * asked[t] for t, w in paper_terms.items() if t in asked)
    norms = math.hypot(*paper_terms.values()) * math.hypot(*asked.values())
    return dot / norms if norms else 0.0


def _tf_idf(engine: Engine, doc: int) -> dict[int, float]:
    """Each term of the paper weighed by (1 + log tf) * IDF."""
    index = engine.index
    terms, tfs = engine.term_counts(doc)
    return {
        t: (1.0 + math.log(tf)) * index.idf(t)
        for t, tf in zip(terms.tolist(), tfs.tolist(), strict=True)
        if tf > 0
    }


def _concepts_mentioned(question: Question, terms: frozenset[int]) -> float:
    """The share of the question's concepts the paper mentions, each counting the same however
    rare: by IDF, a neighbour on the same topic shares the rare words that set the scene
    ("orchiopexy"), but not the common ones the question asks about ("age", "survival")."""
    focus = [f for f in question.focus if f.share > 0]
    return sum(f.credit(terms) for f in focus) / len(focus) if focus else 0.0


def _asked_missing(question: Question, table: SentenceTable) -> float:
    """For a question asking for a quantity, the share of its focus that what it counts takes
    and that no sentence of the paper holding a number also holds: a number the paper gives
    about something else does not answer it."""
    counted = question.counted
    if not counted:
        return 0.0
    told = max(
        (sum(f.share * f.credit(terms) for f in counted) for terms in _typed_sentences(table)),
        default=0.0,
    )
    return sum(f.share for f in counted) - told


def _typed_sentences(table: SentenceTable) -> list[frozenset[int]]:
    """The terms of each sentence of the paper that holds the kind of answer asked for (for
    "how many": a number)."""
    return [frozenset(table.terms[r]) for r in np.flatnonzero(table.typed)]


def never_names_counted(question: Question, paper_terms: frozenset[int]) -> bool:
    """Whether the paper never names what the question counts, when that is or holds a name
    ("how many GPUs", "what HumanEval score"): the paper cannot say how many. Plain words are
    left to the model, since a paper may count them in other words ("how many people" and "a
    population of 709,037")."""
    counted = [f for f in question.counted if f.share > 0]
    return any(f.concept.entity for f in counted) and not any(
        f.credit(paper_terms) for f in counted
    )


def counts_only_others(question: Question, table: SentenceTable) -> bool:
    """Whether a "how many" question about a name ("How many parameters does GPT-4 have?")
    never meets that name in a sentence holding both a number and what it counts: the paper
    mentions it, but counts that of something else ("models with around 125M parameters such
    as GPT-Neo"). The name of the paper itself is left out, since its abstract seldom repeats
    it beside each figure ("we train on 60 languages")."""
    counted = question.counted
    named = [
        f
        for i, f in enumerate(question.focus)
        if i not in question.asked
        and f.share > 0
        and f.concept.entity
        and not (f.concept.names_paper and table.doc in question.named_docs)
    ]
    if not counted or not named:
        return False
    return not any(
        any(f.credit(terms) for f in counted) and any(f.credit(terms) for f in named)
        for terms in _typed_sentences(table)
    )


def lacks_subject(question: Question, paper_terms: frozenset[int]) -> bool:
    """Whether the paper mentions nothing of what the question is about: its focus besides what
    it asks for ("how many players are on a soccer team": a soccer team; "how tall is Everest":
    Everest), when the question has a subject of its own (not "it" or "they")."""
    asked = question.asked | question.measure
    subject = [f for i, f in enumerate(question.focus) if i not in asked and f.share > 0]
    return (
        bool(subject)
        and not question.refers_back
        and not any(f.credit(paper_terms) for f in subject)
    )


# Forms only a sentence of their kind answers, and whether only of a paper the question names or
# refers to: "Who proposed TinyStories?" (an abstract seldom names its authors), where the code is
# (a paper that only says "we implement ..." gives no link), "When was Kestrel published?" (a
# paper holding no date), "What are the limitations of Splitwise?" (a paper that states none of
# its own), "How much faster is ADED?" (a paper giving no ratio, only "significantly
# accelerates"), "What does MiniPLM outperform?" (a paper that only "boosts" its students),
# "How many languages does it cover?" (a paper giving no number at all). Asked of no paper in
# particular, "when", "how many", "what limitations", "how much faster" and "what baselines" may
# ask something else.
_ONLY_OF_THEIR_KIND = {
    "who": False,
    "pointer": False,
    "quantity": True,
    "when": True,
    "limitation": True,
    "ratio": True,
    "baseline": True,
}


def holds_nothing_asked(question: Question, table: SentenceTable) -> bool:
    """Whether the question asks for a kind of answer that no sentence of the paper holds (see
    _ONLY_OF_THEIR_KIND). A question opening on a clause ("When a model is pruned, ...?") asks
    something else than when, so it is left to the model; so is a text that cannot show the kind
    asked for (a person's name in a text all in lower case)."""
    pointed_only = _ONLY_OF_THEIR_KIND.get(question.form)
    if pointed_only is None:
        return False
    if pointed_only and not (question.named or question.refers_back):
        return False
    if question.form == "when" and "," in question.text:
        return False
    return table.shows_type and not table.typed.any()


# Measures a number answers only with a unit of their kind, or beside the measure's own word:
# "How much did the Eiffel Tower cost?" is not answered by "330 metres tall", nor "How heavy is
# it?". (How big, fast, long, high or deep a thing is may be told in many ways, "how high" of an
# accuracy or "how deep" of a network by a bare number, and is left to the model.)
_MEASURE_KINDS = (
    (
        re.compile(r"^\s*how\s+(?:heavy\b|much\b.*\bweigh)", re.I),
        re.compile(
            r"\d[\d,.]*\s*-?\s*(?:kg|g|t|kilo(?:gram)?s?|grams?|tonnes?|tons?|lbs?|pounds?|"
            r"ounces?|oz)\b"
            r"|\b(?:weigh\w*|heavy|mass)\b",
            re.I,
        ),
    ),
    (
        re.compile(r"^\s*how\s+(?:expensive|cheap)\b|^\s*how\s+much\b.*\bcost\b", re.I),
        re.compile(
            r"[$€£¥]\s*\d|\d[\d,.]*\s*(?:dollars|euros|pounds|francs|yen|marks|usd|eur|gbp)\b"
            r"|\b(?:cost\w*|price\w*|paid|spent|budget|expensive|cheap\w*)\b",
            re.I,
        ),
    ),
    (
        re.compile(r"^\s*how\s+(?:hot|cold|warm)\b", re.I),
        re.compile(
            r"\d\s*(?:°|degrees?\b|kelvin\b|K\b)|\b(?:temperature|hot|cold|warm|celsius|"
            r"fahrenheit)\b",
            re.I,
        ),
    ),
)


def lacks_measure(question: Question, table: SentenceTable) -> bool:
    """Whether a question asking a measure of a kind (a weight, a sum of money, a temperature)
    of a paper it names or refers to meets no sentence of the paper giving a number of that kind
    (see _MEASURE_KINDS)."""
    if question.form != "quantity" or not (question.named or question.refers_back):
        return False
    for asked, answered in _MEASURE_KINDS:
        if asked.search(question.text):
            return not any(answered.search(text) and has_number(text) for text in table.texts)
    return False


def cannot_answer(question: Question, paper_terms: frozenset[int], table: SentenceTable) -> bool:
    """The evidence that stands on its own: the paper cannot answer the question."""
    return (
        never_names_counted(question, paper_terms)
        or lacks_subject(question, paper_terms)
        or counts_only_others(question, table)
        or holds_nothing_asked(question, table)
        or lacks_measure(question, table)
    )


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


def decide(
    features: dict[str, float], model: TriggerModel, cannot: bool, given: bool = False
) -> Trigger:
    """Whether to answer from the paper. A paper the reader was just given (`given`) need not
    show that it is the one the question is about, only that it says what is asked: the
    question names no subject ("What dataset does it use?"), so the evidence runs lower and the
    bar is a threshold of its own."""
    confidence = 0.0 if cannot else model.probability(features)
    threshold = model.given_threshold if given else model.threshold
    return Trigger(features, confidence, confidence >= threshold and not cannot)


def asks_what_named_is(question: Question, paper: PaperCandidate) -> bool:
    """Whether the question asks only what a paper it names is or how it works ("What is
    FineQuant?", "Tell me about FineQuant", "How does FineQuant work?"), and `paper` is that
    paper: its abstract describes it, whether or not it repeats the name its title gives."""
    return (
        question.kind in ("definition", "method", "problem")
        and paper.doc in question.named_docs
        and bool(question.concepts)
        and all(c.names_paper for c in question.concepts)
    )


def named_answer() -> Trigger:
    """The decision for a question the papers it names answer, whatever their words: a
    comparison naming its papers (the evidence of one paper for a question that also names
    another says little), or a question asking only what a paper it names is (see
    asks_what_named_is)."""
    return Trigger({}, 1.0, True)
