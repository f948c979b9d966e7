"""Sentence features: what each sentence of a candidate paper offers as an answer.

Every feature rests on corpus statistics or on the sentence's own form, never on particular
questions: the sentence's BM25 score with the corpus's IDF, the IDF-weighted share of the question's
focus it covers, how close together the question's terms stand in it, its length, its position in
the abstract, whether it points to code or data, and whether it holds the kind of answer the
question asks for (a number for "how many", and apart from that whether the number counts what is
asked; for "how fast", a rate or a ratio said of speed; a year or date for "when", a place or a
person for "where" and "who" (in a text with capitals), a conclusion or a stated finding for
yes/no and "why", or for "why" a reason stated as one; the work's own introduction for "what
is"). How a thing works is told in any words: no cue shows it.
Position means different things for different questions (conclusions come last, introductions
early), so it is read separately for three families of question forms. How much the last place
says of a judgement depends on the collection: structured clinical abstracts end on their
conclusion, while engineering reports may end on anything; so position for a judgement is
weighed by how much likelier the collection's last sentences are than its others to state one.
For a question asking for a fact, each sentence is read with the paper's title, since all of a
text speaks of what its title names.

A sentence's score is the weighted sum of its features; the weights are fitted by
benchmarks/fit_answers.py and read from weights.json (see weights.py).
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from retrieval.analysis import STOPWORDS, TOKEN_PATTERN
from retrieval.sentences import Span

if TYPE_CHECKING:
    from assistant.answering.forms import Kind
    from assistant.answering.question import Question
    from retrieval.analysis import Analyzer
    from retrieval.engine import Engine

# Answer sentences may be long: their length counts less against them than a document's.
SENTENCE_B = 0.3
# A longer paper is scored on this many of its sentences at most: the work per paper is bounded.
MAX_SENTENCES = 400

# How many words, stopwords aside, may stand between a number and what a "how many" question
# counts ("60 languages", "13 billion parameters", "1,000 of the most common words").
COUNT_WINDOW = 3

# What a position in the abstract means depends on what the question wants.
FAMILIES = {
    "yesno": "judgement",
    "why": "judgement",
    "finding": "judgement",
    "definition": "description",
    "contribution": "description",
    "problem": "description",
    "limitation": "fact",
    "composition": "description",
    "method": "description",
    "other": "description",
    "quantity": "fact",
    "ratio": "fact",
    "when": "fact",
    "where": "fact",
    "who": "fact",
    "pointer": "fact",
    "baseline": "fact",
}
FAMILY_NAMES = ("judgement", "description", "fact")
# Forms whose answer is known by its capitals: "who" (a person), "where" (a place).
CASED_FORMS = frozenset({"who", "where"})
# Forms whose answer no cue shows (answer_type holds for none of their sentences): "other" asks
# anything, and how a thing works is told in any words. (Words of means, "by", "using", "first",
# stand in about half of all sentences, and in as many of those answering "how".)
UNCUED_FORMS = frozenset({"method", "other"})
POSITION_FEATURES = ("position", "first", "last")

FEATURES: tuple[str, ...] = (
    "bm25",
    "coverage",
    "proximity",
    "length",
    "answer_type",
    "counted",
    "result",
    "background",
    "reporting",
    "pointer",
    *(f"{p}:{f}" for f in FAMILY_NAMES for p in POSITION_FEATURES),
)
COLUMN = {name: i for i, name in enumerate(FEATURES)}

# A number that counts or measures: digits opening a word ("175B", "3.65", "10-20"), or a number
# word. Digits inside a name ("fp16", "GPT-4", "IL-6", "CD4") do not measure anything.
_DIGITS = re.compile(r"(?<![^\W_])(?<![^\W\d_][-‐‑])\d")
_NUMBER_WORD = re.compile(
    r"twice|thrice|half|double|triple|once|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|(thir|four|fif|six|seven|eigh|nine)teen|(twen|thir|for|fif|six|seven|eigh|"
    r"nine)ty|dozens?|hundreds?|thousands?|millions?|billions?|trillions?",
    re.I,
)
_NUMBER = re.compile(rf"{_DIGITS.pattern}|\b({_NUMBER_WORD.pattern})\b", re.I)
_YEAR_DIGITS = r"\b(1[5-9]\d\d|20\d\d)s?\b"
# A year: four digits from 1500 to 2099 standing alone, not counting things ("2048 tokens").
_YEAR = re.compile(rf"(?<![\d,.]){_YEAR_DIGITS}(?![,.]\d|\s+[a-z]{{3,}}s\b)")
_DATE = re.compile(
    rf"{_YEAR_DIGITS}|\b(January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\b|\bcentur(y|ies)\b|\b(decade|year)s? (ago|later|earlier)\b"
)
# "in Paris", "at the University of Oslo", "from Norway" (not at the start of the sentence).
_PLACE = re.compile(
    r"(?<=\S )(in|at|from|near|across|throughout|off) (the )?"
    r"((north|south|east|west|central)\w* )?[A-Z][a-z]+"
    # "east of the Mariana Islands", "south-west of Tokyo", "off the coast of Queensland"
    r"|\b((north|south)?-?(east|west)|north|south|coast|shores?) of (the )?[A-Z][a-z]+"
)
# A citation of another work: "(Bender et al., 2021)", "(Arora & Goyal, 2023)", "Smith et al.
# (2020)". It names that work's authors, not the authors of the text citing it.
_CITATION = re.compile(
    r"\([^()]*(?:\bet al\b|\band\b|&)[^()]*\b(?:1[5-9]|20)\d\d[a-z]?\)"
    r"|\b[A-Z][a-z]+\s+(?:et al\.?|(?:and|&)\s+[A-Z][a-z]+)\s*\((?:1[5-9]|20)\d\d[a-z]?\)"
)
# "by John Smith", "Smith and Jones", "Smith et al."
_PERSON = re.compile(
    r"\b(by|from) [A-Z][a-z]+ [A-Z][a-z]+|\b[A-Z][a-z]+ (and|&) [A-Z][a-z]+\b|[A-Z][a-z]+ et al\b"
)
_WORD = re.compile(r"[\w']+")
# A web address names its project in its path ("github.com/THUDM/LongWriter"): the sentence
# says where the code is, not anything about what the question names.
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
# A line of index terms ("Keywords: ...", "Medical Subject Headings (MeSH): ..."): a list of the
# topics, which states nothing, though it holds every word a question on them uses.
_INDEX_TERMS = re.compile(
    r"^\W*(?:key\s*words?|key\s+terms|index\s+terms|(?:medical\s+)?subject\s+headings|mesh\s+terms|"
    r"mesh|ccs\s+concepts|jel\s+(?:classification|codes?))\b[^:.]{0,20}:",
    re.I,
)
# A run of capitalised words ("Alexander Fleming", "The Coral Sea").
_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")
# Words before or opening a capitalised run that make it a place or a thing ("in New York",
# "the Coral Sea", "The Great Barrier Reef"), not a person.
_NOT_BEFORE_A_PERSON = frozenset(
    "a an the this these its our in at on to of for from near into across".split()
)
_CONCLUSION = re.compile(
    r"\b(we conclude|in conclusion|to conclude|conclusions?|overall|taken together|in summary|"
    r"(these|our|the|this) (findings|results|data|observations|study|studies|analysis|trial) "
    r"(suggest|indicate|show|demonstrate|support|confirm|provide|highlight)\w*|"
    r"(suggest|indicate|demonstrate|support|confirm|find)s? that|(found|finding) that|"
    r"(core|main|key) (finding|result)s?|"
    r"should be|may be|might be|appears? to)\b",
    re.I,
)
# A reason, stated as one: "criticized because of their inconvenient tabulation", "due to the
# scarcity of long-output examples".
_REASON = re.compile(
    r"\b(because|due to|owing to|caused by|attribut(?:ed|able) to|on account of)\b", re.I
)
# "We propose", "we also introduce", "this paper presents": the verb follows its subject, with at
# most adverbs or auxiliaries between ("we document Dolma, including its design" designs nothing).
# A question the work asks ("Can we design ...?") puts nothing forward.
_OWN_WORK = re.compile(
    r"(?<!\bcan )(?<!\bcould )(?<!\bshould )(?<!\bhow do )"
    r"\b(we|this (paper|work|study)|in this (paper|work))\b(\s+(\w+ly|also|further|then|first|"
    r"here|thus|therefore|hence|now|have|has|will|can))*\s+(propose|introduce|present|"
    r"develop|design|build|release|call|name|term|create|construct)\w*\b|\b(called|named|termed|"
    r"referred to as|dubbed)\b",
    re.I,
)
# A definition may also say what a thing is ("X is a ...").
_PROPOSE = re.compile(rf"{_OWN_WORK.pattern}|\b(is|are) (a|an)\b", re.I)
_RESULT = re.compile(
    r"\b(show|shows|showed|find|found|demonstrat\w*|outperform\w*|achiev\w*|improv\w*|reveal\w*|"
    r"surpass\w*|indicat\w*|suggest\w*|because|reason\w*|due to|result\w*|better|worse|"
    r"significant\w*|effective\w*)\b",
    re.I,
)
_BACKGROUND = re.compile(r"^(recent|however|despite|while|although|with the|as )", re.I)
# Sentences that report results rather than say how something works.
_REPORTING = re.compile(
    r"^(experiment|extensive|empirical|evaluation|results?|our (experiment|result|evaluation|"
    r"model)|we (evaluate|validate|show|demonstrate|conduct|find|test))",
    re.I,
)
# What something is made of, said so: "built from a mixture of web content, ...", "consist
# mostly of ice", "composed of three modules".
_COMPOSED = re.compile(
    r"\b(?:(?:made|built|composed|formed|drawn|collected|sourced)\s+(?:up\s+)?(?:of|from)|"
    r"consist(?:s|ed|ing)?\s+(?:\w+ly\s+)?of|compris(?:e|es|ed|ing)|(?:mixture|mix|blend)\s+of|"
    r"contain(?:s|ed|ing)?|includes|included)\b",
    re.I,
)
# What a work answers: a challenge, a shortcoming of what came before ("... is an important
# challenge", "Despite ..., the phase underutilizes compute", "existing methods suffer from").
_PROBLEM = re.compile(
    r"\b(challeng\w*|problems?|issues?|limitations?|bottlenecks?|suffer\w*|struggl\w*|lack\w*|"
    r"difficult\w*|costly|prohibitive|inefficien\w*|underutiliz\w*|fail\w*|remains? unclear|"
    r"cannot|unable|hinder\w*|barriers?|obstacles?|despite|however)\b",
    re.I,
)
# A work's own limitation, in its own words: "despite certain limitations, our study ...". Not
# the shortcomings of earlier work that it answers ("addressing these limitations, we
# introduce ...").
_LIMITS = r"(limitations?|drawbacks?|shortcomings?|weakness(es)?|downsides?)"
_OWN_LIMITATION = re.compile(rf"\b{_LIMITS}\b", re.I)
_OWN_VOICE = re.compile(r"\b(we|our|this (work|paper|study|method|approach|model))\b", re.I)
_OTHERS_LIMITATION = re.compile(
    rf"\b(these|those|such|their|existing|previous|prior|current)\s+{_LIMITS}"
    r"|\b(address\w*|overcom\w*|alleviat\w*|mitigat\w*|tackl\w*|in light of|instead of|"
    r"remed\w*)\b",
    re.I,
)
# Whether the code is out, in words: the work itself is open source, "we open source our
# toolkit", "Lens is an open source project", "open-sourced"; not "open source models such as
# OPT", which are others'.
_OPEN_SOURCE = re.compile(
    r"\bopen[- ]?sourc(ed|ing)\b|\b(we|is|are|be|been)\s+([\w-]+\s+){0,2}open[- ]?source\b"
    r"|\bopen[- ]?source\s+(our|the|all|it|them|this)\b|\bour\s+open[- ]?source\b",
    re.I,
)
# Sentences that say where the code or data are: they answer "where", not what the work found.
_POINTER = re.compile(
    r"https?://|\bgithub\b|\b(codes?|data|dataset|models?|weights)\b[^.]{0,60}\b((is|are) "
    r"(publicly |openly |freely )?(available|accessible|released|open[- ]?sourced)|be (made )?"
    r"(publicly |openly |freely )?(released|open[- ]?sourced))\b|^(code|our code|we release)",
    re.I,
)


# An acronym in brackets right after a run of capitalised words, which spells out a term.
_ACRONYM_AFTER = re.compile(r"\s*\([A-Z][A-Za-z]*[A-Z]")


def _names_someone(text: str) -> bool:
    """A name of two or more capitalised words that opens the sentence or follows a plain word:
    "Johannes Gutenberg, a goldsmith", "the scientist Alexander Fleming"."""
    for run in _CAPITALISED_RUN.finditer(text):
        before = _WORD.findall(text[: run.start()])[-1:]  # the word before the run, if any
        words = run.group().split()
        if not before and words[0].casefold() in STOPWORDS:
            # "With Splitwise, we ...": a function word opening the sentence is no part of it.
            before, words = [words[0].casefold()], words[1:]
        if len(words) < 2 or not all(w.islower() for w in before):
            continue
        if _ACRONYM_AFTER.match(text, run.end()):
            continue  # "Large Language Models (LLMs)": a term and its acronym, not a person
        if not {*before, words[0].casefold()} & _NOT_BEFORE_A_PERSON:
            return True
    return False


def gives_link(text: str) -> bool:
    """The sentence gives a web address ("Our code is available at https://...")."""
    return bool(_URL.search(text))


def has_number(text: str) -> bool:
    """A quantity: a number that is not a year ("in 2016, 2017 and 2020" dates; it does not
    measure)."""
    return bool(_NUMBER.search(_YEAR.sub(" ", text)))


# A ratio: "2.7x", "3.65 times", "ten-fold", "by 40%", "twice as fast", "halved".
_RATIO = re.compile(
    rf"{_DIGITS.pattern}[\d.,]*\s?(x|×|\\?%)(?!\w)"
    rf"|({_DIGITS.pattern}[\d.,]*|\b({_NUMBER_WORD.pattern}))[\s-]?(times|fold|percent)\b"
    r"|\b(twice|thrice|doubl(es|ed|ing)|tripl(es|ed|ing)|halv(es|ed|ing))\b"
    r"|\bby a factor of\b|\border of magnitude\b",
    re.I,
)


# "How fast is it?", "Which is faster?", "What speedup?" ask a speed, which a rate ("1000
# tokens/second", "2 m/s") or a ratio said of speed ("2.7x speedup", "10 times faster") gives,
# not any number ("two strategies") nor any ratio ("outliers (less than 1%)").
_SPEED_ASKED = re.compile(
    r"^\s*how\s+(?:fast|quick(?:ly)?|slow(?:ly)?)\b|\b(?:faster|slower|quicker|speed-?ups?)\b", re.I
)
_SPEED = re.compile(
    r"\b(?:fast\w*|slow\w*|quick\w*|speed\w*|accelerat\w*|latenc\w*|throughput)", re.I
)
_RATE = re.compile(
    rf"{_DIGITS.pattern}[\d.,]*\s*[a-z%]*\s*(?:/|per\s+)(?:s|sec|seconds?|min|minutes?|h|hours?|"
    r"days?)\b|\b(?:mph|fps)\b",
    re.I,
)


# A comparison with something else: "compared to vanilla decoding", "better than GPT-3",
# "outperforms the baselines", "relative to Megatron-LM", "over strong baselines".
_COMPARED = re.compile(
    r"\bcompar(?:ed|ing|able)\s+(?:to|with|against)\b|\bin\s+comparison\s+(?:to|with)\b"
    r"|\bthan\b|\brelative\s+to\b"
    r"|\b(?:outperform|surpass|beat|exceed)\w*|\bversus\b|\bvs\b|\bagainst\b"
    r"|\b(?:improve\w*|gains?|speedups?)\s+(?:over|on|upon)\b",
    re.I,
)


# "Billions of parameters", "hundreds of languages": how large, not a figure to compare.
_VAGUE_NUMBER = re.compile(
    r"\b(dozens|hundreds|thousands|millions|billions|trillions)\s+of\b", re.I
)


def gives_figure(text: str) -> bool:
    """The sentence gives a figure one could compare, not only a vague size ("with billions of
    parameters")."""
    return has_number(_VAGUE_NUMBER.sub(" ", text))


def counts(analyzer: Analyzer, text: str, counted: frozenset[str]) -> bool:
    """A number stands at most COUNT_WINDOW words before what the question counts, stopwords
    aside ("trained on 60 languages", "three trillion tokens", "1,000 of the most common
    words"): the sentence says how many of it there are."""
    since_number = COUNT_WINDOW + 1
    for token in analyzer.tokens(text):
        if (_NUMBER_WORD.fullmatch(token) or _DIGITS.search(token)) and not _YEAR.fullmatch(token):
            since_number = 0
            continue
        terms = analyzer.token_terms(token)
        if not terms:
            continue  # a stopword
        since_number += 1
        if since_number <= COUNT_WINDOW and counted.intersection(terms):
            return True
    return False


def defines(text: str, name: str) -> bool:
    """The sentence defines `name`: "we release Dolma, a ...", "called ADED", "X is a ..."."""
    n = re.escape(name)
    return bool(
        re.search(rf"{n}\)?\s*,\s+(a|an|the|which|that)\b", text)
        or re.search(rf"\b(called|named|termed|dubbed|referred to as)\s+(the\s+)?{n}", text)
        or re.search(rf"{n}\)?\s+(is|are)\s+(a|an|the)\b", text)
    )


def answer_type(
    form: Kind,
    text: str,
    names: list[str],
    of_topic: bool = False,
    authorship: bool = False,
    speed: bool = False,
) -> bool:
    """The sentence holds the kind of answer a question of this form asks for; `of_topic`: the
    question asks it of a topic, not of a paper it names or refers to ("What are the limitations
    of quantization?" is answered by a shortcoming stated of it, in any voice); `authorship`: it
    asks who wrote the text, which the authors of a work it cites are not; `speed`: it asks how
    fast (see _SPEED_ASKED)."""
    if form in ("quantity", "ratio") and speed:
        return bool(_RATE.search(text) or (_RATIO.search(text) and _SPEED.search(text)))
    if form == "quantity":
        return has_number(text)
    if form == "ratio":
        return bool(_RATIO.search(text))
    if form == "when":
        return bool(_DATE.search(text))
    if form == "where":
        return bool(_PLACE.search(text))
    if form == "pointer":
        return bool(_POINTER.search(text) or _OPEN_SOURCE.search(text))
    if form == "baseline":
        return bool(_COMPARED.search(text))
    if form == "who":
        if authorship:
            text = _CITATION.sub(" ", text)
        return bool(_PERSON.search(text)) or _names_someone(text)
    if form == "why":
        return bool(_CONCLUSION.search(text) or _REASON.search(text))
    if form in ("yesno", "finding"):
        return bool(_CONCLUSION.search(text))
    if form == "definition":
        return any(defines(text, n) for n in names) or bool(_PROPOSE.search(text))
    if form == "contribution":
        return bool(_OWN_WORK.search(text))
    if form == "problem":
        return bool(_PROBLEM.search(text))
    if form == "limitation" and of_topic:
        return bool(_PROBLEM.search(text))
    if form == "limitation":
        own = _OWN_VOICE.search(text) or any(re.search(rf"\b{re.escape(n)}\b", text) for n in names)
        return bool(_OWN_LIMITATION.search(text) and own and not _OTHERS_LIMITATION.search(text))
    if form == "composition":
        return bool(_COMPOSED.search(text))
    return False


@dataclass
class SentenceTable:
    """The sentences of one paper, with their features for one question."""

    doc: int
    spans: list[Span]
    positions: list[int]  # each row's sentence position in the abstract
    texts: list[str]
    terms: list[tuple[int, ...]]  # each sentence's term ids in order (-1: unknown to the index)
    matched: list[frozenset[int]]  # the query's terms each sentence contains
    values: np.ndarray  # float64 [sentences, len(FEATURES)]
    # Whether the text could show the kind of answer asked for: a person or a place is known by
    # its capitals, which a text written all in lower case does not have.
    shows_type: bool = True

    def __len__(self) -> int:
        return len(self.spans)

    def column(self, name: str) -> np.ndarray:
        return self.values[:, COLUMN[name]]

    @property
    def typed(self) -> np.ndarray:
        """Which rows hold the kind of answer asked for (for "how many": a number; for "who": a
        person; for where the code is: a link)."""
        return self.column("answer_type") > 0

    @property
    def counting(self) -> np.ndarray:
        """Which rows give a number for what the question counts ("60 languages")."""
        return self.column("counted") > 0


def sentence_table(engine: Engine, question: Question, doc: int) -> SentenceTable:
    """The paper's sentences and their features for the question: every sentence, or for a
    paper longer than MAX_SENTENCES, those where the question's words occur most."""
    index, analyzer = engine.index, engine.analyzer
    abstract = engine.papers.abstract(doc)
    every = engine.sentences(doc)
    positions = (
        list(range(len(every)))
        if len(every) <= MAX_SENTENCES
        else _likely_sentences(engine, question, abstract, every)
    )
    positions = [
        i for i in positions if not _INDEX_TERMS.match(abstract[every[i].start : every[i].end])
    ]
    spans = [every[i] for i in positions]
    texts = [abstract[s.start : s.end] for s in spans]
    ids_of: dict[str, int] = {}  # each distinct term looked up once
    terms = [
        tuple(
            ids_of[t] if t in ids_of else ids_of.setdefault(t, index.term_id(t))
            for t in analyzer.terms(_URL.sub(" ", text))
        )
        for text in texts
    ]
    # Every sentence of a text is about what its title names ("Eiffel Tower": "It was built from
    # 1887 to 1889"). For a question asking a fact about it, the title's words do not tell the
    # sentences apart; the fact asked does. So each sentence is read with the title's terms,
    # once each, in front.
    # So too for a question asking what a work it names found, or what problem it answers: all
    # of its sentences are about the work, and the finding or the problem is told by its form.
    reads_title = FAMILIES.get(question.form) == "fact" or (
        question.form in ("finding", "problem") and doc in question.named_docs
    )
    title = engine.papers.title(doc) if reads_title else ""
    about = tuple(index.term_id(t) for t in analyzer.terms(title)) if title else ()
    read = [about + tuple(t for t in ids if t not in about) for ids in terms] if about else terms
    query = question.weights
    if doc in question.named_docs and not any(t in query for ids in terms for t in ids):
        # "How does FineQuant work?" of a paper whose abstract never writes "FineQuant": the
        # name stands for what its title says the work is ("Fine-Grained Weight-Only
        # Quantization"), which tells its sentences apart where the name cannot.
        title_terms = (index.term_id(t) for t in analyzer.terms(engine.papers.title(doc)))
        query = {**dict.fromkeys((t for t in title_terms if t >= 0), 1.0), **query}
    matched = [frozenset(t for t in ids if t in query) for ids in read]
    n = len(spans)
    values = np.zeros((n, len(FEATURES)), dtype=np.float64)
    form = question.form
    shows_type = form not in CASED_FORMS or abstract != abstract.lower()
    if n == 0:
        return SentenceTable(doc, spans, positions, texts, terms, matched, values, shows_type)

    p = index.params
    avg = max(engine.summary.avg_sentence_terms, 1.0)
    lengths = np.array([len(ids) for ids in terms], dtype=np.float64)
    bm25 = np.zeros(n)
    norm = p.k1 * (1 - SENTENCE_B + SENTENCE_B * lengths / avg)
    for t, weight in query.items():
        tf = np.array([ids.count(t) for ids in read], dtype=np.float64)
        if tf.any():
            bm25 += weight * index.idf(t) * tf * (p.k1 + 1) / (tf + norm)
    top = bm25.max()
    values[:, COLUMN["bm25"]] = bm25 / top if top > 0 else 0.0
    values[:, COLUMN["coverage"]] = [question.coverage(m) for m in matched]
    values[:, COLUMN["proximity"]] = [
        closeness(ids, m) for ids, m in zip(read, matched, strict=True)
    ]
    values[:, COLUMN["length"]] = np.minimum(lengths / avg, 1.0)

    names = [n.canonical for n in question.named if doc in n.docs]
    of_topic = not (question.named or question.refers_back)
    authorship = question.authorship
    speed = bool(_SPEED_ASKED.search(question.text))
    if shows_type:
        values[:, COLUMN["answer_type"]] = [
            answer_type(form, t, names, of_topic, authorship, speed) for t in texts
        ]
    counted = frozenset(index.term(t) for f in question.counted for t in f.concept.term_ids)
    if counted:
        values[:, COLUMN["counted"]] = [counts(analyzer, t, counted) for t in texts]
    values[:, COLUMN["result"]] = [bool(_RESULT.search(t)) for t in texts]
    values[:, COLUMN["background"]] = [bool(_BACKGROUND.match(t)) for t in texts]
    values[:, COLUMN["reporting"]] = [bool(_REPORTING.search(t)) for t in texts]
    values[:, COLUMN["pointer"]] = [bool(_POINTER.search(t)) for t in texts]

    family = FAMILIES.get(form)
    if family is not None:
        total = len(every)
        place = np.asarray(positions, dtype=np.float64)
        columns = [COLUMN[f"{p}:{family}"] for p in POSITION_FEATURES]
        values[:, columns[0]] = place / (total - 1) if total > 1 else 0.0
        values[:, columns[1]] = place == 0
        closing = _closing_position(positions, values[:, COLUMN["pointer"]] > 0, total)
        values[:, columns[2]] = place == closing
        if family == "judgement":
            values[:, columns] *= concluding_last(engine)
    return SentenceTable(doc, spans, positions, texts, terms, matched, values, shows_type)


# The abstracts read to learn where a collection concludes, spread over it: enough for a stable
# share, few enough to read in milliseconds.
HABIT_SAMPLE = 1000
# A collection too small to tell is taken to have the habit abstracts commonly have (their last
# sentence e times likelier to conclude than another): HABIT_PRIOR pseudo-abstracts of that habit
# join the ones read.
HABIT_PRIOR = 10.0
COMMON_HABIT = 1.0
_CLAUSE_END = re.compile(r"(?<=[.!?])\s+")
_concluding: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()


def concluding_last(engine: Engine) -> float:
    """How much likelier the collection's abstracts are to state a conclusion ("we conclude",
    "these results suggest") in their last sentence than in another: the log of the ratio of the
    two shares, over up to HABIT_SAMPLE abstracts of three sentences or more, each read at its
    last sentence and at one other (split on full stops alone: a share needs no exact
    boundaries), drawn towards COMMON_HABIT for a small collection; 0 where they are no likelier,
    or where no abstract concludes in so many words."""
    if engine in _concluding:
        return _concluding[engine]
    papers = engine.papers
    step = max(1, len(papers) // HABIT_SAMPLE)
    last = other = read = 0
    for doc in range(0, len(papers), step):
        pieces = _CLAUSE_END.split(papers.abstract(doc).strip())
        if len(pieces) < 3:
            continue
        read += 1
        last += bool(_CONCLUSION.search(pieces[-1]))
        other += bool(_CONCLUSION.search(pieces[doc % (len(pieces) - 1)]))
    pooled = (last + other) / (2 * read) if read else 0.0
    habit = 0.0
    if pooled > 0:
        in_last = (last + HABIT_PRIOR * pooled * math.exp(COMMON_HABIT)) / (read + HABIT_PRIOR)
        elsewhere = (other + HABIT_PRIOR * pooled) / (read + HABIT_PRIOR)
        habit = max(0.0, math.log(in_last / elsewhere))
    _concluding[engine] = habit
    return habit


def _closing_position(positions: list[int], pointers: np.ndarray, total: int) -> int:
    """The work's last word: its last sentence that is not a pointer to its code or data. The
    rows run in abstract order, so the closing pointers are the trailing rows."""
    closing = total - 1
    for row in range(len(positions) - 1, -1, -1):
        if closing == 0 or positions[row] != closing or not pointers[row]:
            break
        closing -= 1
    return closing


def _likely_sentences(
    engine: Engine, question: Question, abstract: str, spans: list[Span]
) -> list[int]:
    """The positions of the MAX_SENTENCES sentences where the question's words occur most
    (and the first and last two): one case-insensitive scan of the text for the words as the
    question writes them and for the stems of its terms, which start most of their forms."""
    words = {w.casefold() for w in TOKEN_PATTERN.findall(question.text) if len(w) > 2}
    words |= {engine.index.term(t) for t in question.weights}
    words = {w for w in words if len(w) > 2 and w not in STOPWORDS}
    ends = [s for s in (0, 1, len(spans) - 2, len(spans) - 1) if 0 <= s < len(spans)]
    if not words:
        return sorted(set(range(MAX_SENTENCES - len(ends))) | set(ends))
    pattern = re.compile(
        r"\b(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")",
        re.IGNORECASE,
    )
    starts = np.fromiter((s.start for s in spans), dtype=np.int64, count=len(spans))
    hits = np.fromiter((m.start() for m in pattern.finditer(abstract)), dtype=np.int64)
    counts = np.bincount(np.searchsorted(starts, hits, side="right") - 1, minlength=len(spans))
    best = np.argsort(-counts, kind="stable")[: MAX_SENTENCES - len(ends)]
    return sorted(set(best[counts[best] > 0].tolist()) | set(ends))


def closeness(terms: tuple[int, ...], wanted: frozenset[int]) -> float:
    """How close together the question's terms stand in the sentence: the distinct matched
    terms divided by the length of the shortest stretch holding them all (1 when adjacent);
    0 with fewer than two."""
    if len(wanted) < 2:
        return 0.0
    positions = [(i, t) for i, t in enumerate(terms) if t in wanted]
    best = len(terms)
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
