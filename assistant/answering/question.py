"""Reading a question: its kind, the papers it names, back-references, its query terms, and its
focus (the content words an answer must speak to, each weighted by how rare it is).

Names are matched with rapidfuzz against the system names of the collection (the part of a title
before ":", e.g. "Splitwise", and short titles), so "splitwize" still finds Splitwise. A name is an
ordinary rare query term: it stays in the focus and weighs by its IDF like any other word. Other
words the index does not know are corrected against its vocabulary.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from assistant.answering.english import rare_in_english
from assistant.answering.glossary import Glossary
from retrieval.analysis import TOKEN_PATTERN
from retrieval.corpus import title_key
from retrieval.names import system_name

if TYPE_CHECKING:
    from retrieval.engine import Engine

Kind = Literal[
    "definition",
    "contribution",
    "problem",
    "limitation",
    "composition",
    "quantity",
    "method",
    "list",
    "compare",
    "yesno",
    "why",
    "finding",
    "when",
    "where",
    "who",
    "pointer",
    "more",
    "other",
]

# Words that shape a question but are not what it is about.
QUESTION_WORDS = frozenset(
    """
    what which who whom whose when where why how many much tell me show list give find name
    explain describe paper papers work works study studies article articles author authors
    propose proposes proposed introduce introduces introduced present presents presented report
    reports reported mention mentions mentioned discuss discusses kind kinds type types please
    also each try tries get gets about does do did exist exists compare compared comparison
    comparing versus vs difference differences differ differs contrast
    """.split()
)

# "How many papers study X?" asks for the papers, and how many there are.
_COUNTS_PAPERS = re.compile(r"\bhow many (?:papers|works|studies|articles)\b", re.I)
# "Which model has the most parameters?", "Which paper trains on the most tokens?": a count
# ranking the collection's papers, which no abstract answers alone. Each paper's own figure for
# what is counted answers it.
_RANKS_PAPERS = re.compile(
    r"^\s*which\s+(?:[\w-]+\s+){0,4}?(?:the\s+)?"
    r"(?P<superlative>most|fewest|least|(?:highest|lowest|largest|smallest|greatest)\s+number\s+of)"
    r"\s+(?P<asked>(?:[\w-]+\s+)?[\w-]+s)\s*(?:\?|$|(?=(?:in|on|of|for|per|among|across|than)\b))",
    re.I,
)
_LIST = re.compile(
    r"\b(which|what|list|find|name|show)\b[^?]*\b(papers|works|studies|articles|approaches|methods)\b"
    r"|\bpapers (?:that|which|about|on|using)\b|\blist (?:all |the )?papers\b"
    rf"|{_COUNTS_PAPERS.pattern}",
    re.I,
)
COMPARE = re.compile(
    r"\bcompar(e|ed|ing|ison)\b|\bversus\b|\bvs\.?\s|\bdiffer(s|ence|ences)?\b|\bcontrast\b",
    re.I,
)
_MORE = re.compile(
    r"^\s*(tell me more|more( please)?|go on|continue|what else|anything else|and\??)\s*[.?!]*\s*$",
    re.I,
)
# "Is the code available?", "Did they release the weights?", "Where can I find the code?": asks
# where the work's code or models are, which a link or "code is available" answers. Not data:
# "what data are available on X" asks for studies.
_CODE = r"\b(code|implementation|repository|repo|weights|checkpoints?)\b"
_AVAILABLE = (
    r"\b(available|availability|releas(e|es|ed|ing)|open[- ]?sourced?|publicly|download\w*|"
    r"github|link|url)\b"
)
# The words asking where the code is ("code", "release", "available").
_POINTER_WORDS = re.compile(rf"{_CODE}|{_AVAILABLE}", re.I)
_POINTER_ASKED = re.compile(
    rf"{_CODE}.*{_AVAILABLE}|{_AVAILABLE}.*{_CODE}|\bwhere\b.*\b(code|implementation)\b"
    # "Is it open source?", "Is LongWriter open-sourced?": of a work, the question is the same.
    r"|^\s*(?:is|are|was|were|has|have)\s+(?:[\w-]+\s+){1,3}?(?:been\s+)?"
    r"open[- ]?sourced?\s*\??\s*$",
    re.I,
)
# The measures a "how ..." question asks for a quantity of: "how tall", "how fast".
_MEASURES = (
    "large|big|fast|long|small|often|well|tall|high|far|old|deep|wide|heavy|hot|cold|loud|bright|"
    "early|late|expensive|cheap"
)
_QUANTITY = re.compile(
    rf"\bhow (many|much|{_MEASURES})\b"
    r"|\b(number|size|sizes|score|scores|accuracy|perplexity|rate|rates|percent|percentage|"
    r"speedup|improvement|improvements|gain|gains|faster|cost|latency|throughput|bleu|rouge|f1)\b",
    re.I,
)
# "What is X?" with a short X, "Tell me about X", "What's the paper on X about?"; not "What is X
# made of?", which a final preposition shows to ask something else about X.
_DEFINITION = re.compile(
    r"^\s*(what|who)('s| is| are| was)( an?| the)?(\s+[^\s?]+){0,3}"
    r"\s+(?!(of|for|from|in|with|by|to|on|at|like|after)\s*[?.!]*\s*$)[^\s?]+\s*[?.!]*\s*$"
    r"|^\s*(define|describe|explain|tell me about|summari[sz]e)\b|\babout\s*[?.!]*\s*$"
    # "What does X do?" asks what X is for.
    r"|^\s*what (does|do|did) [^?]{1,60}? do\s*[?.!]*\s*$",
    re.I,
)
# "What is the capital of Peru?", "What is the largest moon of Saturn?": the "X of Y" asks for a
# particular thing (X) about Y, not for what X is.
_ATTRIBUTE = re.compile(
    r"^\s*(what|who)('s| is| are| was) the\s+(?P<asked>(?:[^\s?]+\s+){1,3})of\s", re.I
)
# "How tall is X?": the measure asked for (tall), not what the question is about (X).
_MEASURE = re.compile(rf"^\s*how (?P<measure>{_MEASURES})\b", re.I)
# "What is the height of X?": a measure a number gives, as "how tall" asks.
_MEASURE_NOUN = re.compile(
    r"\b(height|length|depth|width|diameter|radius|area|size|population|weight|mass|age|"
    r"lifespan|speed|distance|temperature|duration|elevation|altitude|volume|capacity|price)s?\s*$",
    re.I,
)
_METHOD = re.compile(r"^\s*how (does|do|did|is|are|can|could|would|was|were)\b", re.I)
# A yes/no question opens with an auxiliary verb, also after a topic and a colon, a dash or a
# full stop ("Drug X: is it safe?", "Drug X. Is it safe?"), as titles of studies often ask.
_YESNO = re.compile(
    r"(^|:\s*|[.;]\s+|--\s*|\u2014\s*)"
    r"(does|do|did|is|are|can|could|was|were|will|would|has|have|had|should|may|might|must)\b",
    re.I,
)
# A question without a question word that states something asks yes or no ("Drug X: a new risk
# factor?"); a name or two with a question mark ("Splitwise?") asks what it is.
_WH_WORD = re.compile(r"\b(what|which|who|whom|whose|when|where|why|how)\b", re.I)
CLAIM_WORDS = 4
_WHY = re.compile(r"^\s*why\b", re.I)
# Words a follow-up may open with before the question proper: "and why?", "so what is X?".
_OPENING = re.compile(r"^\s*(?:(?:and|but|so|also|then|ok|okay|well|now)\b[\s,]*)+", re.I)
# Questions asking what a work found: "What is the main finding of X?", "What are X's results?",
# "What did X find / show / conclude?". The words saying so are not what the question is about:
# a finding is known by its form ("we find that", "results suggest"), not by the word.
_FINDING = re.compile(
    r"^\s*what\s+(?:(?:is|are|were|was)\s+(?:the|its|their|[\w-]+'s?)\s+"
    r"(?P<said>(?:(?:main|key|central|major|primary|principal|most important)\s+)?"
    r"(?:finding|result|conclusion|takeaway|outcome)s?)\b"
    r"|(?:did|does|do)\s+(?:[^?]{1,80}?\s+)?(?P<verb>find|show|conclude|demonstrate|reveal)\b)",
    re.I,
)
# "Is X better than Y?", "Which is faster, X or Y?": of two papers, a comparison.
_RANKS = re.compile(
    r"\b(?:better|worse|faster|slower|stronger|weaker|cheaper|larger|smaller|more accurate)\b",
    re.I,
)
# "Summarize it", "Define X", "Help me find ...": the request opening the question is not what
# it is about.
_REQUEST = re.compile(
    r"^\s*(?:please\s+)?(?:help me(?:\s+to)?|define|describe|explain|summari[sz]e|outline)\b", re.I
)
# "What are the main contributions of X?", "What is the key idea of X?": what the work brings,
# which is what it proposes ("we introduce X, a ..."), as "What is X?" asks.
_CONTRIBUTION = re.compile(
    r"^\s*what\s+(?:is|are|were|was)\s+(?:the|its|their|[\w-]+'s?)\s+"
    r"(?P<said>(?:(?:main|key|central|major|primary|principal|core|basic)\s+)?"
    r"(?:contribution|idea|novelty|innovation)s?)\b"
    r"|^\s*what(?:'s|\s+is)\s+(?P<new>new|novel)\s+(?:in|about)\b",
    re.I,
)
# "What problem does X solve?", "What challenge does X address?", "What is the motivation for
# X?": what the work answers, which its abstract tells before it says what it proposes ("...
# is an important challenge", "Despite ..., X underutilizes ..."). The words asking so are not
# words the abstract must use.
_PROBLEM = re.compile(
    r"^\s*what\s+(?:(?:main|key|central)\s+)?(?P<noun>problems?|challenges?|issues?|gaps?)\s+"
    r"(?:does|do|did|is|are|was|were)\s+(?:[^?]{1,60}?\s+)?(?P<verb>solve|solving|address|"
    r"addressing|tackle|tackling|overcome|fix|fixing)[sd]?\b"
    r"|^\s*what\s+(?:is|was|are|were)\s+(?:the\s+)?(?P<motive>motivations?)\s+(?:for|of|behind)\b",
    re.I,
)
# "What are the limitations of X?", "What are its drawbacks?": what the work itself cannot do,
# which an abstract seldom says. The word asking so is not a word the abstract must use.
_LIMITATION = re.compile(
    r"^\s*what\s+(?:are|is|were|was)\s+(?:the\s+|its\s+|their\s+|[\w-]+'s?\s+)?"
    r"(?:main\s+|key\s+)?(?P<noun>limitations?|drawbacks?|weakness(?:es)?|shortcomings?|"
    r"downsides?|disadvantages?)\b",
    re.I,
)
# "What is X made of?", "What does X consist of?", "What sources does X include?": what X is
# made of, which an abstract tells where it says so ("built from a mixture of web content,
# scientific papers, ..."), not where it uses the question's verb ("including its design").
_COMPOSITION = re.compile(
    r"^\s*(?:what|which)\s+(?:[\w'-]+\s+){0,3}?(?:is|are|was|were|does|do|did)\s+[^?]{1,80}?\s+"
    r"(?P<verb>(?:made|built|composed|formed|drawn|collected|sourced)\s+(?:up\s+)?(?:of|from)|"
    r"consist(?:s|ed)?\s+of|contain|include|comprise|cover)\b"
    r"|^\s*what\s+(?:are|were)\s+(?:the\s+)?(?:main\s+)?(?P<noun>components|constituents|"
    r"ingredients|parts)\s+of\b",
    re.I,
)
# What a wh-question asks about: the words between "how many", "what" or "which" and the verb or
# preposition that follows them ("How many GPUs were used", "What learning rate was used",
# "Which GPU did it use"). An answer states it beside the answer itself.
_ASKED = re.compile(
    r"^\s*(?:how many|what|which)\s+(?P<asked>(?:[\w'-]+\s+){1,4}?)"
    r"(?=(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|may|might|in|on|"
    r"for|to|by|with|from|at|that|the|a|an)\b)",
    re.I,
)
# "When", "In which year", "What century".
_WHEN = re.compile(
    r"^\s*(when|((in|during) )?(what|which) (year|date|day|month|decade|century))\b", re.I
)
_WHERE = re.compile(r"^\s*(where|in what (country|city|place))\b", re.I)
_WHO = re.compile(r"^\s*(who|whom|whose)\b", re.I)
# Back-references to the papers of the previous answer.
_BACK_REFERENCE = re.compile(
    r"\b(it|its|it's|they|their|them|theirs|which one)\b|\b(this|these|those|the same) "
    r"(paper|papers|work|study|method|approach|model|system|dataset|framework|technique|one)\b"
    r"|\bthe (paper|authors)\b",
    re.I,
)
# "Which other papers use Dolma?": a list of papers leaving out those the question names.
_OTHER_PAPERS = re.compile(r"\bother\s+(?:papers?|works?|stud(?:y|ies)|articles?)\b", re.I)
# "Papers other than Splitwise on inference": the papers named after it are left out, and are
# not what the list is about.
_EXCEPT = re.compile(r"\b(?:other than|besides|apart from|except(?: for)?)\s+$", re.I)
# The verbs that open a yes/no question or follow a wh-word: "does it", "can models".
AUXILIARY = r"(?:do|does|did|is|are|was|were|can|could|will|would|should|has|have|had)"
# What a pronoun may stand for within the question itself: "How can a model handle texts longer
# than anything it saw?", "Do chatbots cope when they ...?". An indefinite noun phrase (not the
# one "there is" introduces: "Is there a way to make it faster?" asks of the paper), or a bare
# subject right after the opening verb ("Are chatbots", "Why do models", "Does ADED").
_INDEFINITE = re.compile(
    r"(?<!there )\b(?:a|an|any|some|several|each|every|multiple)\s+(?!of\b)\w", re.I
)
_BARE_SUBJECT = re.compile(
    rf"^\s*(?:[^,?]{{1,40}},\s*)?(?:(?:how|why|when|where)\s+)?{AUXILIARY}\s+"
    r"(?!(?:it|its|it's|they|their|them|this|these|those|that|the|there|we|you|i|he|she)\b)\w",
    re.I,
)
_PRONOUNS = frozenset({"it", "its", "it's", "they", "their", "them", "theirs", "which one"})
# What sets a pronoun's clause apart from an earlier subject: a relative pronoun, a conjunction,
# a subordinator, punctuation.
_CLAUSE_BREAK = re.compile(
    r"[,;:]|\b(?:that|which|who|whom|whose|what|where|when|while|if|whether|without|before|"
    r"after|because|since|so|and|or|but|than|until|unless|once|how)\b",
    re.I,
)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:from|with|on|in|at|by|into|onto|of|about|for|to|through|without|like|over|under)\s+$",
    re.I,
)
_CLAUSE_END = re.compile(r"\s*(?:[?.!,;:]|$|(?:as|to|for|with|from|on|in|at|by|into|than)\b)", re.I)
# "Each of them", "do any of them": the quantifier opens the question's subject and picks from
# what the pronoun stands for, which the question has not introduced.
_PART_OF = re.compile(
    rf"^\s*(?:{AUXILIARY}\s+)?"
    r"(?:each|any|some|all|both|either|neither|none|most|many|one|few|several|which)\s+of\s+$",
    re.I,
)
# "it" or "they" as the subject of the question's verb: "does it", "did they", "can it".
_PRONOUN_SUBJECT = re.compile(rf"\b{AUXILIARY}\s+(?:it|they)\b", re.I)

FUZZY_NAME_CUTOFF = 85.0
# A name an abstract gives may stand in this many versions of its paper, no more.
MAX_NAME_VERSIONS = 4
# Research terms that stand for the question's plain words weigh half as much as its own words.
GLOSSARY_WEIGHT = 0.5
COMPOUND_PART_WEIGHT = 0.5
# Shorter unknown words are more often real words the corpus lacks ("reach") than typos.
MIN_TYPO_CHARS = 6
MIN_FUZZY_NAME_CHARS = 5
# A plain word the corpus lacks weighs this share of the rarest term in the focus.
UNKNOWN_WORD_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class NamedPaper:
    docs: tuple[int, ...]  # every version
    name: str  # as the question writes it
    canonical: str  # as the collection writes it ("Splitwise" for "splitwize")
    start: int  # offsets of the naming words in the question
    end: int


@dataclass(frozen=True, slots=True)
class Concept:
    """One content word of the question, or one paper name it gives. A text speaks to it when
    it contains its whole term or all of its parts ("mixture-of-experts" or "mixture of
    experts"); a word the corpus lacks has neither."""

    word: str
    whole: int  # term id, -1 when unknown
    parts: tuple[int, ...]
    entity: bool  # looks like a name ("HumanEval", "GPUs")
    # Research phrases the glossary gives for the plain words this one belongs to.
    meanings: tuple[tuple[int, ...], ...] = ()
    # A word the corpus lacks that English rarely uses ("xerostomia"): a specialist term, not
    # a plain word of a paraphrase ("cheaply").
    specialist: bool = False
    names_paper: bool = False  # the name of a paper of the collection

    def in_terms(self, terms: set[int] | frozenset[int]) -> bool:
        return self.own_in_terms(terms) or any(self.meanings_in_terms(terms))

    def own_in_terms(self, terms: set[int] | frozenset[int]) -> bool:
        """The word itself, not a research phrase for it."""
        if self.whole >= 0 and self.whole in terms:
            return True
        return bool(self.parts) and all(p in terms for p in self.parts)

    def meanings_in_terms(self, terms: set[int] | frozenset[int]) -> list[bool]:
        return [all(t in terms for t in meaning) for meaning in self.meanings]

    def same_word(self, other: Concept) -> bool:
        """Both stand for the same word: the same terms, or, unknown, the same spelling."""
        if self.known or other.known:
            mine = (self.whole, self.parts, self.meanings)
            return mine == (other.whole, other.parts, other.meanings)
        return self.word.casefold() == other.word.casefold()

    @property
    def known(self) -> bool:
        return self.whole >= 0 or bool(self.parts) or bool(self.meanings)

    @property
    def term_ids(self) -> tuple[int, ...]:
        own = (self.whole, *self.parts)
        return tuple(t for t in (*own, *(t for m in self.meanings for t in m)) if t >= 0)


@dataclass(frozen=True, slots=True)
class Focus:
    """A concept of the question and its share of the focus, by IDF. A research phrase standing
    for the concept's plain words earns the share in proportion to how rare it is beside the
    word: "chatbot" is rare, and "LLM", which stands for it, is in every abstract."""

    concept: Concept
    share: float
    meaning_credit: tuple[float, ...]

    def credit(self, terms: set[int] | frozenset[int]) -> float:
        if self.concept.own_in_terms(terms):
            return 1.0
        found = self.concept.meanings_in_terms(terms)
        return max((c for c, f in zip(self.meaning_credit, found, strict=True) if f), default=0.0)


@dataclass
class Question:
    text: str
    kind: Kind
    named: list[NamedPaper]
    refers_back: bool
    weights: dict[int, float]  # query term id -> weight
    concepts: list[Concept]  # what the answer must speak to
    focus: list[Focus]  # the concepts' shares of the focus
    corrections: dict[str, str] = field(default_factory=dict)
    continues: Kind | None = None  # for "tell me more": the kind of the question it continues
    # For "tell me more" after a list: the form its sentences had, which the next papers'
    # sentences keep.
    continued_form: Kind | None = None
    # A follow-up with no subject but the previous answer's papers ("and the code?", "Which
    # GPUs?"): whatever it names, it asks of them.
    of_previous: bool = False
    # Said instead of an answer when the question asks for what the conversation lacks ("the
    # fifth one" after three papers, "tell me more" before any answer).
    said: str = ""
    # What a "how many" or "what" question asks about ("GPUs"): positions in `concepts`.
    asked: frozenset[int] = frozenset()
    # The measure a "how tall" question asks for: positions in `concepts`.
    measure: frozenset[int] = frozenset()
    # The papers a list of other papers leaves out ("Which other papers use Dolma?").
    besides: frozenset[int] = frozenset()
    # A list asking which paper counts most ("Which model has the most parameters?"): each
    # paper's own figure answers it, here and in the rest of the list ("tell me more").
    ranks_papers: bool = False

    @property
    def counted(self) -> list[Focus]:
        """What a question asking for a quantity counts ("how many GPUs"), by its focus."""
        if self.form != "quantity":
            return []
        return [self.focus[i] for i in sorted(self.asked) if i < len(self.focus)]

    @property
    def asked_terms(self) -> frozenset[int]:
        """Every term of the question's focus, research phrases for its plain words included."""
        return frozenset(t for c in self.concepts for t in c.term_ids) | frozenset(self.weights)

    @property
    def back_reference_is_subject(self) -> bool:
        """Whether the previous answer's papers are what the question asks about: "it" or
        "they" as its subject ("How many GPUs did they use?", not the possessive of "How does
        ADED build its drafts?"), or a follow-up with no subject of its own."""
        return self.of_previous or bool(_PRONOUN_SUBJECT.search(self.text))

    @property
    def unknown(self) -> list[str]:
        """Content words the corpus lacks."""
        return [c.word for c in self.concepts if not c.known]

    def coverage(self, terms: set[int] | frozenset[int]) -> float:
        """The share of the focus (IDF-weighted) that a text with these terms speaks to."""
        if not self.focus:
            return 1.0
        return sum(f.share * f.credit(terms) for f in self.focus)

    def missing_share(self, terms: set[int] | frozenset[int]) -> float:
        """The largest share of one focus concept that a text with these terms lacks."""
        return max((f.share for f in self.focus if not f.credit(terms)), default=0.0)

    @property
    def form(self) -> Kind:
        """What each quoted sentence should be: a comparison or a list is made of answers to the
        question's own form ("How do X and Y each ..." wants methods); a bare "Compare X and Y"
        wants what each one is, and "Which papers study X?" what each brings to X (a sentence
        putting forward its own work, not one saying what X is)."""
        if self.ranks_papers:
            return "quantity"
        if self.continued_form is not None:
            return self.continued_form
        if self.kind in ("compare", "list", "more"):
            form = sentence_form(_COUNTS_PAPERS.sub("which papers", self.text))
            if self.kind == "compare" and form in ("other", "yesno"):
                return "definition"
            if self.kind == "list" and form == "other":
                return "contribution"
            return form
        return self.kind

    @property
    def counts_papers(self) -> bool:
        """Whether the question asks how many papers there are ("How many papers study X?")."""
        return self.kind == "list" and bool(_COUNTS_PAPERS.search(self.text))

    @property
    def named_docs(self) -> list[int]:
        seen: list[int] = []
        for named in self.named:
            for doc in named.docs:
                if doc not in seen:
                    seen.append(doc)
        return seen


class NameIndex:
    """The collection's paper names (see retrieval.names), as the question reader uses them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.table = engine.names
        self.max_words = self.table.max_words

    def docs_of(self, key: str) -> list[int]:
        return self.table.documents(key)

    def surface(self, key: str) -> str:
        return self.table.surface(key) or key

    def closest(self, key: str) -> str | None:
        """The name `key` is a typo of: similar, and no more edits away than a typo makes
        ("MiniCPM" is not a typo of "MiniPLM")."""
        match = self.table.closest(key, FUZZY_NAME_CUTOFF, MIN_FUZZY_NAME_CHARS)
        if match is None or OSA.distance(key, match) > _typo_edits(key):
            return None
        return match

    def surface_of(self, doc: int, fallback: str) -> str:
        """The system name of `doc` as its title writes it."""
        return system_name(self.engine.papers.title(doc)) or fallback

    def is_common(self, key: str) -> bool:
        """A name made only of words found in several abstracts ("FIRST", "Mission") must match
        with its own capitalisation."""
        index = self.engine.index
        ids = [index.term_id(t) for t in self.engine.analyzer.terms(key)]
        return bool(ids) and all(t >= 0 and index.df(t) > 3 for t in ids)


def read_question(engine: Engine, names: NameIndex, text: str, glossary: Glossary) -> Question:
    """Everything the answer pipeline needs to know about one question."""
    tokens = [(m.group(), m.start(), m.end()) for m in TOKEN_PATTERN.finditer(text)]
    known = [_known(engine, tok) for tok, _, _ in tokens]
    named = (
        _find_names(engine, names, text, tokens, known)
        or _title_named(engine, text)
        or _spelt_names(engine, tokens)
    )
    if len({n.docs for n in named}) < 2 and COMPARE.search(text):
        # Only to name the papers compared: otherwise the titles' names alone stand.
        compared = named + _names_in_abstracts(engine, tokens, known, named)
        if len({n.docs for n in compared}) >= 2:
            named = sorted(compared, key=lambda n: n.start)
    refers_back = refers_to_previous(text)
    kind = question_kind(text, len({n.docs for n in named}), refers_back)
    name_of = {
        i: n for n in named for i, (_, s, e) in enumerate(tokens) if s >= n.start and e <= n.end
    }
    analyzer = engine.analyzer
    analysed = [analyzer.token_terms(analyzer.normalize(tok)) for tok, _, _ in tokens]
    meanings = _glossary_meanings(engine, glossary, analysed, set(name_of))
    weights: dict[int, float] = {}
    concepts: list[Concept] = []
    corrections: dict[str, str] = {}
    # The question proper, after an opening "and" or "so": the forms are read from there.
    opening = len(text) - len(without_opening(text))
    attribute = _ATTRIBUTE.match(text[opening:])
    asked_span = attribute or _ASKED.match(text[opening:])
    asked_range = range(*_shifted(asked_span, "asked", opening))
    measure_range = range(*_shifted(_MEASURE.match(text[opening:]), "measure", opening))
    if _measures(attribute):
        # "What is the height of X?" asks a measure of X, as "How tall is X?" does.
        measure_range, asked_range = asked_range, range(0)
    measure: set[int] = set()
    asked: set[int] = set()
    # "What did X find?": once the question names the work or refers back to it, the words
    # asking for its finding are not what it is about. A question naming no work ("results for
    # creep buckling") searches with every word. "The main contributions of X" always asks what
    # X brings, whatever X is.
    finding = _CONTRIBUTION.match(text[opening:]) or (
        _FINDING.match(text[opening:]) if named or refers_back else None
    )
    said = set(range(*_shifted(finding, finding.lastgroup if finding else None, opening)))
    request = _REQUEST.match(text[opening:])
    if request is not None:
        said.update(range(opening, opening + request.end()))
    problem = _PROBLEM.match(text[opening:])
    for part in ("noun", "verb", "motive") if problem else ():
        said.update(range(*_shifted(problem, part if problem[part] else None, opening)))
    limitation = _LIMITATION.match(text[opening:])
    said.update(range(*_shifted(limitation, "noun" if limitation else None, opening)))
    composition = _COMPOSITION.match(text[opening:])
    if composition is not None:
        said.update(range(*_shifted(composition, composition.lastgroup, opening)))
    ranking = _RANKS_PAPERS.match(text[opening:]) if kind == "list" else None
    if ranking is not None:
        # "The most" is what each paper's figure answers, not a word it must use; what it
        # counts is what the figure must count.
        said.update(range(*_shifted(ranking, "superlative", opening)))
        asked_range = range(*_shifted(ranking, "asked", opening))
    if kind == "pointer" and (named or refers_back):
        # "Is the LongWriter code available?", "Do they release code?": the words asking where
        # the code is are the form of the question, which a link answers, not its subject.
        for match in _POINTER_WORDS.finditer(text):
            said.update(range(*match.span()))
    if refers_back:
        # "Which one is faster?": the pronoun's "one" is no word of the subject.
        for match in _BACK_REFERENCE.finditer(text):
            if (match.group(1) or "").lower() == "which one":
                said.update(range(*match.span()))
        # "How big is it?": asked of the previous answer's work, the measure is the form of the
        # question, which a number answers, not a word its abstract must use (the question has
        # few other words, and the measure would weigh most of its focus).
        said.update(measure_range)
    # "Besides X": X and the words leaving it out are not what the question is about.
    excepting = {n: _EXCEPT.search(text[: n.start]) for n in named}
    excepted = [n for n, m in excepting.items() if m is not None]
    leaving_out = {i for m in excepting.values() if m for i in range(*m.span())}
    for i, (tok, start, _) in enumerate(tokens):
        if i in name_of:
            paper = name_of[i]
            if paper in excepted:
                continue
            if tokens[i][1] == paper.start:  # the name is one concept, where it stands
                concept, ids = _name_concept(engine, paper)
                if concept is not None and concept not in concepts:
                    concepts.append(concept)
                _add_weights(weights, ids, once=True)
            continue
        word = tok.casefold()
        if word in QUESTION_WORDS or start in said or start < opening or start in leaving_out:
            continue
        terms = analysed[i]
        if not terms:
            continue
        ids = [engine.index.term_id(t) for t in terms]
        if i not in meanings and not any(t >= 0 for t in ids):
            name = _looks_like_name(tok, start, False)
            fixed = _correct(engine, terms[0], word, name) if len(tok) >= MIN_TYPO_CHARS else None
            if fixed is not None:
                corrections[tok] = engine.index.term(fixed)
                ids = [fixed]
        parts = tuple(t for t in ids[1:] if t >= 0)
        if len(parts) < len(ids) - 1:
            parts = ()  # a part the corpus lacks: only the whole form can match
        known_word = any(t >= 0 for t in ids)
        entity = _looks_like_name(tok, start, known_word)
        concept = Concept(
            tok,
            ids[0],
            parts,
            entity,
            meanings.get(i, ()),
            specialist=not known_word and i not in meanings and _is_specialist(tok, entity),
        )
        # A word the question repeats ("PSA and free PSA") is still one idea of its focus.
        position = next((j for j, c in enumerate(concepts) if c.same_word(concept)), len(concepts))
        if position == len(concepts):
            concepts.append(concept)
        if start in asked_range:
            asked.add(position)
        if start in measure_range:
            measure.add(position)
        _add_weights(weights, ids)
    # Research phrases stand for the words of the question's subject, not for those giving its
    # form ("open source" in "Is it open source?" asks where the code is).
    for found in (found for i, found in meanings.items() if tokens[i][1] not in said):
        for meaning in found:
            for term_id in meaning:
                weights.setdefault(term_id, GLOSSARY_WEIGHT)
    refers_back = refers_back or kind == "more"
    focus = focus_shares(engine, concepts)
    others = named if asks_for_others(text) else excepted
    besides = frozenset(d for n in others for d in n.docs)
    return Question(
        text,
        kind,
        named,
        refers_back,
        weights,
        concepts,
        focus,
        corrections,
        asked=frozenset(asked),
        measure=frozenset(measure),
        besides=besides if kind == "list" else frozenset(),
        ranks_papers=ranking is not None,
    )


def asks_for_others(text: str) -> bool:
    """Whether the question asks for papers other than those it speaks of ("Which other papers
    use Dolma?")."""
    return bool(_OTHER_PAPERS.search(text))


def with_referent(text: str, words: str) -> str:
    """The question with its back-references ("it", "this paper") replaced by `words`."""
    return _BACK_REFERENCE.sub(words, text)


def _add_weights(weights: dict[int, float], ids: list[int], once: bool = False) -> None:
    """A word's terms join the query; a compound ("left-to-right") is one idea, so its parts
    count less than the whole."""
    for position, term_id in enumerate(ids):
        if term_id < 0 or (once and term_id in weights):
            continue
        weight = 1.0 if position == 0 else COMPOUND_PART_WEIGHT
        weights[term_id] = weights.get(term_id, 0.0) + weight


def _name_concept(engine: Engine, paper: NamedPaper) -> tuple[Concept | None, list[int]]:
    """A named paper as one concept, spelt as the collection spells it ("Splitwise" for
    "splitwize"): its whole term, or all of its words."""
    analyzer, index = engine.analyzer, engine.index
    tokens = analyzer.tokens(paper.canonical)
    per_token = [t for t in map(analyzer.token_terms, tokens) if t]
    ids = [index.term_id(t) for terms in per_token for t in terms]
    if not per_token:
        return None, ids
    if len(per_token) == 1:
        whole, *parts = [index.term_id(t) for t in per_token[0]]
        kept = tuple(p for p in parts if p >= 0)
        concept = Concept(
            paper.canonical, whole, kept if len(kept) == len(parts) else (), True, names_paper=True
        )
    else:
        words = tuple(index.term_id(terms[0]) for terms in per_token)
        concept = Concept(
            paper.canonical, -1, words if all(w >= 0 for w in words) else (), True, names_paper=True
        )
    return concept, ids


def focus_shares(engine: Engine, concepts: list[Concept]) -> list[Focus]:
    """Each concept's share of the question's focus, by IDF. A word the corpus lacks weighs like
    the rarest term when it looks like a name ("HumanEval", "Everest") or English rarely uses it
    ("xerostomia"), like its rarest research phrase when the glossary has one, and much less when
    it is a plain word ("giant"), since paraphrases are full of those."""
    index = engine.index
    rare = index.idf(-1)
    # Plain unknown words only weigh beside words the corpus knows: alone ("What is [bold]X?")
    # they are noise around a name.
    plain_unknown = UNKNOWN_WORD_SHARE * rare if any(c.known or c.entity for c in concepts) else 0.0
    masses = []
    meaning_masses = []
    for c in concepts:
        meaning_mass = tuple(max(index.idf(t) for t in meaning) for meaning in c.meanings)
        if c.whole >= 0:
            mass = index.idf(c.whole)
        elif c.parts:
            mass = max(index.idf(p) for p in c.parts)
        elif meaning_mass:
            mass = max(meaning_mass)
        else:
            mass = rare if c.entity or c.specialist else plain_unknown
        masses.append(mass)
        meaning_masses.append(meaning_mass)
    total = sum(masses)
    if not total:
        return []
    return [
        Focus(c, m / total, tuple(min(1.0, x / m) if m else 0.0 for x in mm))
        for c, m, mm in zip(concepts, masses, meaning_masses, strict=True)
    ]


def _glossary_meanings(
    engine: Engine, glossary: Glossary, analysed: list[tuple[str, ...]], covered: set[int]
) -> dict[int, tuple[tuple[int, ...], ...]]:
    """For each question token inside a glossary phrase, the research phrases it stands for
    that the index knows (term ids). Words naming a paper are left alone, and so is a single
    plain word that the collection uses at least as often as the research phrase: there it is
    the collection's own word ("patients" among clinical abstracts)."""
    index = engine.index
    positions = [i for i, terms in enumerate(analysed) if terms and i not in covered]
    terms = [analysed[i][0] for i in positions]
    found: dict[int, tuple[tuple[int, ...], ...]] = {}
    for match in glossary.find(terms):
        plain = index.term_id(terms[match.start]) if match.end - match.start == 1 else -1
        plain_df = index.df(plain) if plain >= 0 else 0
        # A research phrase made only of the plain phrase's own words is no meaning of it: one
        # word of a text would stand for all its words ("open" in "an open challenge" is not
        # "open source").
        own = {index.term_id(t) for t in terms[match.start : match.end]}
        known = []
        for meaning in match.meanings:
            ids = tuple(index.term_id(t) for t in meaning)
            if (
                all(t >= 0 for t in ids)
                and min(index.df(t) for t in ids) > plain_df
                and not set(ids) <= own
            ):
                known.append(ids)
        if known:
            for position in positions[match.start : match.end]:
                found[position] = tuple(known)
    return found


def without_opening(text: str) -> str:
    """The question after the words a follow-up may open with ("and why does it work?")."""
    return _OPENING.sub("", text, count=1)


def _shifted(match: re.Match[str] | None, group: str | None, offset: int) -> tuple[int, int]:
    """The span of a match's group in the whole question; empty without a match."""
    if match is None or group is None:
        return (0, 0)
    start, end = match.span(group)
    return (start + offset, end + offset)


def refers_to_previous(text: str) -> bool:
    """Whether the question speaks of the previous answer's papers: "this paper", or a pronoun
    with nothing in the question itself for it to stand for."""
    return any(
        (m.group(1) or "").lower() not in _PRONOUNS
        or not _introduced(text[: m.start()], _is_object(m, text))
        for m in _BACK_REFERENCE.finditer(text)
    )


def _introduced(before: str, is_object: bool) -> bool:
    """Whether the words before a pronoun introduce something it may stand for. An object
    pronoun never stands for the subject of its own clause ("Would a bigger model benefit from
    it?" asks about the paper), only for something a clause break sets apart ("a network that
    imitates it", "without retraining them")."""
    if _PART_OF.search(before):
        return False
    bare = _BARE_SUBJECT.match(before)
    starts = [m.start() for m in _INDEFINITE.finditer(before)] + ([bare.end()] if bare else [])
    return any(not is_object or _CLAUSE_BREAK.search(before[start:]) for start in starts)


def _is_object(match: re.Match[str], text: str) -> bool:
    """Whether the pronoun is an object: "them", or "it" after a preposition or ending its
    clause ("benefit from it", "run it?"), not "it saw" or a possessive."""
    word = match.group(1).lower()
    if word != "it":
        return word == "them"
    return bool(
        _PREPOSITION_BEFORE.search(text[: match.start()]) or _CLAUSE_END.match(text[match.end() :])
    )


def question_kind(text: str, n_named: int = 0, refers_back: bool = False) -> Kind:
    """The kind of answer the question asks for, from its form. A comparison needs two papers:
    two named, or one named and one referred back to."""
    text = without_opening(text)
    if _MORE.match(text):
        return "more"
    papers = n_named + (1 if refers_back else 0)
    if papers == 0 and _RANKS_PAPERS.match(text):
        return "list"
    if papers >= 2 and (
        COMPARE.search(text) or _RANKS.search(text) or re.search(r"\band\b.+\beach\b", text, re.I)
    ):
        return "compare"
    if _LIST.search(text):
        return "list"
    return sentence_form(text)


def as_asked_of_previous(words: str) -> str:
    """What "and X?" asks of the previous answer's papers: X, or for a work's findings ("the
    results", "the main finding") the question "What are its results?"."""
    findings = "What are its " + re.sub(r"^(?:the|its|their)\s+", "", words.strip(), flags=re.I)
    return findings + "?" if _FINDING.match(findings) else words


def sentence_form(text: str) -> Kind:
    """The kind of a single answer: why, when, where the code is, where, finding, method,
    yes/no, quantity, definition, who or other."""
    text = without_opening(text)
    if _WHY.match(text):
        return "why"
    if _WHEN.match(text):
        return "when"
    if _POINTER_ASKED.search(text):
        return "pointer"
    if _WHERE.match(text):
        return "where"
    if _FINDING.match(text):
        return "finding"
    if _CONTRIBUTION.match(text):
        return "definition"
    if _PROBLEM.match(text):
        return "problem"
    if _LIMITATION.match(text):
        return "limitation"
    if _COMPOSITION.match(text):
        return "composition"
    if _measures(_ATTRIBUTE.match(text)):
        return "quantity"
    # The opening words decide first: "Can it run faster?" asks yes or no, and "How does size
    # affect how well it generalises?" asks how; neither asks for a number.
    if _METHOD.match(text):
        return "method"
    definition = bool(_DEFINITION.search(text)) and not _ATTRIBUTE.search(text)
    if _YESNO.search(text) and not definition:
        return "yesno"
    if _QUANTITY.search(text):
        return "quantity"
    if definition:
        return "definition"
    if _WHO.match(text):
        return "who"
    if (
        text.rstrip().endswith("?")
        and not _WH_WORD.search(text)
        and len(text.split()) >= CLAIM_WORDS
    ):
        return "yesno"
    return "other"


def _measures(attribute: re.Match[str] | None) -> bool:
    """Whether the "X of Y" a question asks for (an _ATTRIBUTE match) is a measure ("the height
    of"), which a number gives."""
    return attribute is not None and bool(_MEASURE_NOUN.search(attribute["asked"]))


def _is_specialist(token: str, entity: bool) -> bool:
    """Whether a word the corpus lacks is a specialist term: English rarely uses it, and it is
    a name ("COPD") or long enough to have been checked for a typo (a short unknown word that
    is not English, "splt" or "mny", is more often a slip of the keyboard)."""
    return (entity or len(token) >= MIN_TYPO_CHARS) and rare_in_english(token)


def _looks_like_name(token: str, start: int, known: bool) -> bool:
    """Mixed case, capitals only, or letters with digits: "HumanEval", "GPUs", "HMO",
    "CodeGen2"; or capitalised inside the question and unknown to the collection: "Everest".
    A known capitalised word is not enough: titles capitalise every word."""
    letters = [c for c in token if c.isalpha()]
    return bool(letters) and (
        any(c.isupper() for c in token[1:])
        or any(c.isdigit() for c in token)
        or (token[0].isupper() and start > 0 and not known)
    )


def _known(engine: Engine, token: str) -> bool:
    """False for a word that has terms, none of which the index knows (a typo, or a word the
    corpus lacks); stopwords and question words count as known."""
    if token.casefold() in QUESTION_WORDS:
        return True
    terms = engine.analyzer.token_terms(engine.analyzer.normalize(token))
    return not terms or any(engine.index.term_id(t) >= 0 for t in terms)


def _find_names(
    engine: Engine,
    names: NameIndex,
    text: str,
    tokens: list[tuple[str, int, int]],
    known: list[bool],
) -> list[NamedPaper]:
    """Longest-first matches of question word sequences against names; fuzzy only where a word
    is unknown to the index (a likely typo)."""
    found: list[NamedPaper] = []
    taken: set[int] = set()
    for length in range(min(names.max_words, len(tokens)), 0, -1):
        for start in range(0, len(tokens) - length + 1):
            span = range(start, start + length)
            if taken.intersection(span):
                continue
            lo, hi = tokens[start][1], tokens[start + length - 1][2]
            phrase = text[lo:hi]
            key = title_key(phrase)
            if not key:
                continue
            matched = key
            docs = names.docs_of(key)
            if docs and length == 1 and names.is_common(key):
                surface = names.surface(key)
                if surface not in phrase and phrase not in surface:
                    docs = []
            # A misspelt name is one or two words, one of them unknown to the index.
            if not docs and length <= 2 and not all(known[i] for i in span):
                match = names.closest(key)
                if match is not None:
                    matched, docs = match, names.docs_of(match)
            if not docs:
                continue
            # As the collection writes it: "Penicillin" for "penicilin".
            canonical = names.surface_of(docs[0], names.surface(matched))
            found.append(NamedPaper(tuple(docs), phrase, canonical, lo, hi))
            taken.update(span)
    found.sort(key=lambda n: n.start)
    return found


# "the Butterfly Effect paper": a paper called by words of its title, which its abstract may
# never repeat. Ordinals and the like pick among the previous answer's papers instead.
_TITLE_WORDS_PAPER = re.compile(
    r"\bthe\s+(?P<words>(?!(?:first|second|third|fourth|fifth|last|same|previous|other|next|"
    r"above|latter|former|original|new|whole|entire)\b)(?:(?!the\b)[\w'-]+\s+){0,4}?"
    r"(?!the\b)[\w'-]+)\s+(?:paper|article|study|work)\b",
    re.I,
)
# The engine's first papers for those words, among which the title is looked for.
TITLE_CANDIDATES = 10


def _title_named(engine: Engine, text: str) -> list[NamedPaper]:
    """The paper whose title, alone among the engine's first papers for them, holds the words
    before "paper" in the order the question gives them: two words or more, or one that
    looks like a name ("the LEGO paper")."""
    match = _TITLE_WORDS_PAPER.search(text)
    if match is None:
        return []
    analyzer, papers = engine.analyzer, engine.papers
    words = analyzer.tokens(match["words"])
    if not words or (len(words) == 1 and not _looks_like_name(match["words"], 1, True)):
        return []
    weights = {t: 1.0 for t in engine.index.term_ids(analyzer.terms(match["words"])).tolist()}
    weights.pop(-1, None)
    holders: dict[str, list[int]] = {}
    for hit in engine.rank(weights, TITLE_CANDIDATES, feedback=False):
        title = papers.title(hit.doc)
        tokens = analyzer.tokens(title)
        if any(tokens[i : i + len(words)] == words for i in range(len(tokens))):
            holders.setdefault(title_key(title), []).append(hit.doc)
    if len(holders) != 1:
        return []
    doc = next(iter(holders.values()))[0]
    docs = tuple(papers.versions(doc))
    start, end = match.span("words")
    return [NamedPaper(docs, match["words"], match["words"], start, end)]


def _names_in_abstracts(
    engine: Engine,
    tokens: list[tuple[str, int, int]],
    known: list[bool],
    named: list[NamedPaper],
) -> list[NamedPaper]:
    """Names that only one paper's text uses, for a comparison whose titles name fewer than two
    papers: "compare EDLM and SPT", where each name is one an abstract gives its system ("we
    propose Energy-based Diffusion Language Model (EDLM)"). A word that looks like a name and
    that the abstracts of one paper alone (in all its versions) use names that paper."""
    index, analyzer = engine.index, engine.analyzer
    found = []
    for i, (token, start, end) in enumerate(tokens):
        if not known[i] or any(n.start <= start < n.end for n in named):
            continue
        if not _looks_like_name(token, start, True):
            continue
        terms = analyzer.token_terms(analyzer.normalize(token))
        term = index.term_id(terms[0]) if terms else -1
        if term < 0 or index.df(term) > MAX_NAME_VERSIONS:
            continue
        docs = tuple(sorted(h.doc for h in engine.rank({term: 1.0}, MAX_NAME_VERSIONS, False)))
        if _one_paper(engine, docs):
            found.append(NamedPaper(docs, token, token, start, end))
    return found


# How many of the papers using a name's stem are searched for the name as it is spelt.
SPELT_NAME_PAPERS = 50


def _spelt_names(engine: Engine, tokens: list[tuple[str, int, int]]) -> list[NamedPaper]:
    """Names the stemmer merges with a common word ("ToolE" with "tool"), found as they are
    spelt: a mixed-case word that the text of one paper alone (in all its versions) writes
    just so, among the papers using its stem. "What is ToolE?" is about the benchmark that
    creates "a dataset called ToolE", not about tools."""
    index, analyzer, papers = engine.index, engine.analyzer, engine.papers
    found = []
    for token, start, end in tokens:
        if not any(a.islower() and b.isupper() for a, b in itertools.pairwise(token)):
            continue
        terms = analyzer.token_terms(analyzer.normalize(token))
        term = index.term_id(terms[0]) if terms else -1
        if term < 0 or index.df(term) <= MAX_NAME_VERSIONS:
            continue  # a rare term finds its few papers by itself
        spelt = re.compile(rf"(?<![\w-]){re.escape(token)}(?![\w-])")
        hits = engine.rank({term: 1.0}, SPELT_NAME_PAPERS, False)
        docs = tuple(sorted(h.doc for h in hits if spelt.search(papers.abstract(h.doc))))
        if _one_paper(engine, docs):
            found.append(NamedPaper(docs, token, token, start, end))
    return found


def _one_paper(engine: Engine, docs: tuple[int, ...]) -> bool:
    """The documents are one paper, in one or more of its versions (papers without titles are
    never versions of each other)."""
    return bool(docs) and set(docs) <= set(engine.papers.versions(docs[0]))


def _typo_edits(word: str) -> int:
    """The most edits a typo makes: one, two in long words (a transposition counting as one)."""
    return 1 if len(word) <= 7 else 2


def _correct(engine: Engine, term: str, word: str, name: bool) -> int | None:
    """The vocabulary term an unknown one (`term`, of the question's `word`) is a typo of, or
    None when nothing is close enough.

    A word English commonly uses is no typo: "submarine" is not "summary", nor "parents"
    "patents"; only its ending may differ from the term meant, which the stemmer left apart
    ("unnecessarily" and "unnecessary"). Otherwise, first a word one edit away whose term the
    collection uses ("traning" for "training", "modles" for "models"; not for a `name`, whose
    letters are no dictionary word's); then the closest term. Typos keep the first letter and
    are at most `_typo_edits` away; among equals, a missing or extra letter beats a wrong one
    (Indel distance), then the more frequent term wins.
    """
    if not term.isalpha():
        return None
    common = not rare_in_english(word)
    index = engine.index
    if not common and not name:
        found = _one_edit_away(engine, word.casefold())
        if found is not None:
            return found
    if len(term) < 5:
        return None
    vocabulary = index.sorted_terms
    # The sorted vocabulary's run of terms with the same first letter.
    same_letter = vocabulary.slice(
        bisect.bisect_left(vocabulary, term[0]),
        bisect.bisect_left(vocabulary, chr(ord(term[0]) + 1)),
    )
    candidates = [
        c
        for c in process.extract(
            term, same_letter, scorer=OSA.distance, score_cutoff=_typo_edits(term), limit=20
        )
        # Terms only removed papers used stay in the vocabulary, with no live documents.
        if c[0].isalpha()
        and index.term_id(c[0]) >= 0
        and (not common or _same_but_ending(term, c[0]))
    ]
    if not candidates:
        return None
    best = min(
        candidates,
        key=lambda c: (c[1], Indel.distance(term, c[0]), -index.df(index.term_id(c[0])), c[0]),
    )
    return index.term_id(best[0])


def _same_but_ending(term: str, other: str) -> bool:
    """Whether two terms differ only in their last two letters."""
    keep = max(len(term), len(other)) - 2
    return term[:keep] == other[:keep]


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_edit_away(engine: Engine, word: str) -> int | None:
    """The term of a word one edit from `word`, the first letter kept, that the collection uses:
    a letter missing, extra, or two swapped before a wrong letter ("relase" is "release" before
    "relate"), then the term the collection uses most."""
    if not word.isalpha() or not word.isascii():
        return None
    splits = [(word[:i], word[i:]) for i in range(1, len(word) + 1)]
    missing_or_swapped = {a + b[1:] for a, b in splits if b}
    missing_or_swapped |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    missing_or_swapped |= {a + c + b for a, b in splits for c in _LETTERS}
    wrong = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    index, analyzer = engine.index, engine.analyzer
    for spellings in (missing_or_swapped, wrong - missing_or_swapped):
        found = [analyzer.word_term(s) for s in spellings - {word}]
        terms = {index.term_id(t) for t in found if t}
        terms.discard(-1)
        if terms:
            return max(sorted(terms), key=index.df)
    return None
