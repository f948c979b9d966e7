"""The forms of a question: the kind of answer it asks for ("how many": a number; "what is X":
what X is; "which papers": a list), read from its wording, and which of its words give that form
rather than its subject. Also the back-references ("it", "this paper") that tie a follow-up to
the previous answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "definition",
    "contribution",
    "problem",
    "limitation",
    "composition",
    "quantity",
    "ratio",
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
    "baseline",
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

# The verbs that open a yes/no question or follow a wh-word: "does it", "can models".
AUXILIARY = r"(?:do|does|did|is|are|was|were|can|could|will|would|should|has|have|had)"
# "How many papers study X?" asks for the papers, and how many there are.
_COUNTS_PAPERS = re.compile(r"\bhow many (?:papers|works|studies|articles)\b", re.I)
# Measures in the superlative: a figure chooses the thing that has the most of them.
_SUPERLATIVES = (
    "largest|biggest|fastest|longest|shortest|smallest|tallest|highest|lowest|farthest|furthest|"
    "oldest|deepest|widest|heaviest|hottest|coldest|loudest|brightest|cheapest"
)
# "Which model has the most parameters?", "Which paper trains on the most tokens?": a count
# ranking the collection's papers, which no abstract answers alone. Each paper's own figure for
# what is counted answers it. So too for a size: "Which paper has the largest model?" ("Which is
# the largest moon of Saturn?" asks for one thing, which a text may name).
_RANKS_PAPERS = re.compile(
    r"^\s*which\s+(?!(?:is|are|was|were)\b)(?:[\w-]+\s+){0,4}?(?:the\s+)?"
    r"(?:(?P<superlative>most|fewest|least|(?:highest|lowest|largest|smallest|greatest)\s+"
    r"number\s+of)\s+(?P<asked>(?:[\w-]+\s+)?[\w-]+s)"
    rf"|(?P<size>{_SUPERLATIVES})\s+(?P<sized>(?:[\w-]+\s+)?[\w-]+))"
    r"\s*(?:\?|$|(?=(?:in|on|of|for|per|among|across|than)\b))",
    re.I,
)
# "The latest papers on X", "Which paper is the most recent?": papers on X, the newest first. The
# words asking for recency are no words the papers must use ("the latest advancements").
# A paper, as a question names it: "papers", "a study", "other works".
_PAPER_WORD = r"(?:papers?|works?|stud(?:y|ies)|articles?)"
_PAPER_NOUN = rf"(?:{_PAPER_WORD}|publications?|research)"
_NEWEST = re.compile(
    rf"\b(?P<recency>latest|newest|most recent|recent|new)\s+{_PAPER_NOUN}\b"
    rf"|\b{_PAPER_NOUN}\b[^?]*?\b(?:is|are)\s+(?:the\s+)?(?P<last>latest|newest|most recent)\b"
    r"|\b(?P<published>(?:most )?recently (?:published|released|appeared)"
    r"|(?:published|released|appeared|came out|come out) (?:most )?recently)\b",
    re.I,
)
# "Which papers from March 14 study X?", "papers on X published in 2023", "since 2022": papers on
# X whose records give a date in (or after, or before) the period named.
_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATED = re.compile(
    r"\b(?:(?:were|was|are|is)\s+)?(?:published\s+)?"
    r"(?P<relation>from|in|on|dated|since|after|before)\s+(?P<date>"
    rf"{_MONTH_NAME}\s+\d{{1,2}}(?:,?\s+\d{{4}})?(?!\d)|\d{{1,2}}\s+{_MONTH_NAME}(?:\s+\d{{4}})?"
    rf"|{_MONTH_NAME}\s+\d{{4}}|{_MONTH_NAME}(?![\w.])|\d{{4}}(?:-\d{{1,2}}(?:-\d{{1,2}})?)?(?!\d))",
    re.I,
)
# "Is there a paper on X?", "Are there any studies of X?": the papers answer it, as they answer
# "Which papers study X?".
_THERE_PAPERS = re.compile(
    rf"^\s*(?:is|are) there (?:any |a |an |some |other )*{_PAPER_WORD}\b",
    re.I,
)
# "What was published in 2023?", "What came out on pruning?": the papers, which "published" is
# no word of.
_PUBLISHED = re.compile(
    r"^\s*what\s+(?:(?:was|were|has\s+been|have\s+been)\s+published|came\s+out)\b", re.I
)
# Up to three words of a name ("G. E. Hinton"); as few as will do, in the patterns below.
NAME_WORDS = r"[^\W\d_][\w'.-]*(?:\s+[^\W\d_][\w'.-]*){0,2}"
_NAME = NAME_WORDS + "?"
_WRITE = r"(?:write|written|publish|published|(?:co-?)?author|(?:co-?)?authored)"
# "What did Hinton write?", "Which papers has G. Hinton published?": the papers someone wrote.
WROTE = re.compile(
    rf"^\s*(?:what|which)\s+(?:else\s+|other\s+)?(?:(?:{_PAPER_WORD}|publications?)\s+)?"
    rf"(?:did|has|have)\s+(?P<writer>{_NAME})\s+{_WRITE}\b",
    re.I,
)
# Other ways of naming someone as the writer of papers: "Did Hinton write about capsules?",
# "Hinton's papers", "Which papers list Hinton as an author?", "Which papers is Hinton an author
# of?". Whether the name is an author's, only the records tell.
_WRITER = re.compile(
    rf"^\s*(?i:did|has|have)\s+(?P<asks>{_NAME})\s+(?i:{_WRITE})\b"
    rf"|\b(?P<owner>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){{0,2}})(?:'s?|’s?)\s+"
    rf"(?i:{_PAPER_WORD}|publications?)\b"
    rf"|\b(?P<listed>{_NAME})\s+(?i:(?:as|is)\s+(?:an?\s+|the\s+)?(?:co-?)?author)\b"
    rf"|\b(?i:is|was)\s+(?P<subject>{_NAME})\s+(?i:(?:an?|the)\s+(?:co-?)?author)\b",
)
# "Who is Hinton?": of someone the records list as an author, the papers they wrote answer.
_WHO_IS = re.compile(rf"^\s*who\s+(?:is|was)\s+(?P<person>{_NAME})\s*[?.!]*\s*$", re.I)
# "What is the dataset called?": the question asks for a name, which "called" is no word of.
_CALLED = re.compile(
    r"^\s*what\s+(?:is|are|was|were)\s+\S.*?\s+(?P<called>called|named)\s*[?.!]*\s*$", re.I
)
# "Who wrote BERT?", "Who are its authors?", "Who's behind it?": who wrote a paper, which its
# record in the collection may list (an abstract does not name its authors).
_AUTHORSHIP = re.compile(
    r"^\s*(?:who\s+(?:wrote|(?:co-?)?authored|(?:is|are|was|were)\s+behind)\b"
    r"|(?:who|what)\s+(?:is|are|was|were)\s+(?:the|its|their)\s+"
    r"(?:(?:first|last|lead|main|senior|corresponding)\s+)?(?:co-?)?authors?\b"
    r"|(?:list|name|give|show)(?:\s+me)?\s+(?:all\s+)?(?:the|its|their)\s+(?:co-?)?authors\b"
    r"|(?:the\s+)?(?:co-?)?authors?\s+of\b)",
    re.I,
)
# "Any papers on pruning?": which papers there are on it.
_ANY_PAPERS = re.compile(
    rf"^\s*(?:any|some)\s+(?:other\s+)?{_PAPER_WORD}(?=\s+(?:on|about|that|which|using)\b)",
    re.I,
)
_LIST = re.compile(
    r"\b(which|what|list|find|name|show)\b[^?]*\b(papers|works|studies|articles|approaches|methods)\b"
    r"|\bpapers (?:that|which|about|on|using|(?:written |authored )?by)\b"
    r"|\blist (?:all |the )?papers\b"
    rf"|{_ANY_PAPERS.pattern}"
    rf"|{_PUBLISHED.pattern}|{WROTE.pattern}"
    rf"|{_COUNTS_PAPERS.pattern}|{_THERE_PAPERS.pattern}",
    re.I,
)
# The work the previous answer gave, as a question's subject: "they", "the authors", "this paper".
_WORK_SPOKEN_OF = r"(?:they|it|the\s+authors|(?:the|this)\s+(?:paper|study|work))"
# "Which methods did the authors use?", "What approach did they take?": the methods of the work
# spoken of, which its abstract tells, not a list of papers ("Which methods use it?"). The verb of
# using is the question's frame, as the noun is: an abstract seldom says it "uses" its own
# methods.
_USING = r"(?:use[sd]?|using|appl(?:y|ies|ied)|employ(?:s|ed)?|adopt(?:s|ed)?|take[sn]?|took)"
_METHODS_ASKED = (
    r"^\s*(?:which|what)\s+(?:[\w-]+\s+)?"
    rf"(?P<asked>methods?|approach(?:es)?|techniques?|strateg(?:y|ies))\s+{AUXILIARY}\s+"
)
_VERB_OF_USING = rf"(?:\w+ly\s+)?(?P<verb>{_USING})\b"
# The subject of the verb of using: a few words, not a paper word ("Chimera", "the authors"; in
# "which methods do papers use" the papers are what is asked for).
_USER = rf"(?:(?!{_PAPER_WORD}\b)[\w.-]+\s+){{1,5}}?"
_METHODS_OF_THE_WORK = re.compile(
    rf"{_METHODS_ASKED}{_WORK_SPOKEN_OF}\b(?:\s+{_VERB_OF_USING})?", re.I
)
# ... or of a work the question names: "What techniques does Chimera use?". Of a topic ("Which
# methods do LLMs use to reason?") it asks for the papers, each with its own.
_METHODS_OF_A_WORK = re.compile(rf"{_METHODS_ASKED}{_USER}{_VERB_OF_USING}", re.I)
# "What dataset does it use?", "Which GPUs did they use?", "Which GPUs were used?": asked of the
# work the previous answer gave, these ask for the thing used, which its abstract states in its
# own words ("trained on", "we evaluate with"), seldom saying it "uses" it. So the verb of using
# is the question's frame, and a paper that never names the thing does not answer. A question
# naming its work keeps the verb: measured, dropping it there moved the fitted bar and cost
# abstentions on absent abstracts.
_THING_USED = re.compile(
    rf"^\s*(?:which|what)\s+(?:[\w-]+\s+){{1,4}}?"
    rf"(?:{AUXILIARY}\s+{_USER}|(?:is|are|was|were)\s+){_VERB_OF_USING}",
    re.I,
)
# "What do they have in common?", "How are X and Y alike?": a comparison.
_IN_COMMON = re.compile(r"\b(?:(?:have|has)\s+)?in\s+common\b|\balike\b", re.I)
COMPARE = re.compile(
    r"\bcompar(e|ed|ing|ison)\b|\bversus\b|\bvs\.?\s|\bdiffer(s|ence|ences)?\b|\bcontrast\b"
    rf"|{_IN_COMMON.pattern}",
    re.I,
)
# "Show me the abstract of X", "the full abstract": every sentence of it, in its order.
_WHOLE_ABSTRACT = re.compile(
    r"^\s*(?:please\s+)?(?:show|give|print|display|quote|read)(?:\s+me)?\s+(?:the\s+|its\s+)?"
    r"(?:full\s+|whole\s+|entire\s+|complete\s+)?abstract\b"
    r"|\b(?:full|whole|entire|complete)\s+abstract\b",
    re.I,
)
# "Tell me more about it", "Say more about the first one": what has not been quoted yet.
_MORE_ABOUT = re.compile(r"^\s*(tell me|say|give me)( a (bit|little))? more (about|on)\b", re.I)
# "Any others?", "Is there another paper on this?", "What about the other ones?": nothing but a
# request for papers besides those already given.
_ONLY_OTHERS = re.compile(
    r"^\s*(?:(?:are|is)\s+there\s+|(?:show|give)\s+me\s+|(?:what|how)\s+about\s+)?"
    r"(?:any|some|the)?\s*"
    rf"(?:others?|other\s+(?:ones?|{_PAPER_WORD})|another(?:\s+(?:one|{_PAPER_WORD}))?"
    rf"|more\s+{_PAPER_WORD})"
    r"(?:\s+(?:on|about|like)\s+(?:this|that|it|these|those|them)(?:\s+(?:topic|question))?)?"
    r"\s*[.?!]*\s*$",
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
    # "Where can I download it?": of a dataset or a model, the same; so are "Where can I get
    # it?" and "Where are the models?" (but not "Where is the data from?").
    r"|\bwhere\b.*\b(download\w*|obtain(?:ed)?|access(?:ed)?)\b"
    r"|\bwhere\b.*\b(?:get|find)\s+(?:it|them)\b"
    r"|^\s*where\s+(?:is|are)\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+\s+)?"
    r"(?:models?|data|datasets?|corpus|benchmarks?|list|toolkit|tools?|demo)\s*\??\s*$"
    # "Give me the link", "What is its URL?": a link is all it asks for.
    r"|^\s*(?:please\s+)?(?:give|show|send|share)\s+(?:me\s+)?(?:the\s+|its\s+|their\s+|a\s+)?"
    r"(?:link|url|github)\b"
    r"|^\s*what\s+(?:is|are)\s+(?:the\s+|its\s+|their\s+)?(?:links?|urls?|github)\b"
    # "Is it open source?", "Is LongWriter open-sourced?": of a work, the question is the same.
    r"|^\s*(?:is|are|was|were|has|have)\s+(?:[\w-]+\s+){1,3}?(?:been\s+)?"
    r"open[- ]?sourced?\s*\??\s*$",
    re.I,
)
# The measures a "how ..." question asks for a quantity of: "how tall", "how fast".
_MEASURES = (
    "large|big|fast|long|small|often|tall|high|far|old|deep|wide|heavy|hot|cold|loud|bright|"
    "early|late|expensive|cheap"
)
_QUANTITY = re.compile(
    rf"\bhow (many|much|{_MEASURES})\b"
    r"|\b(number|size|sizes|score|scores|accuracy|perplexity|rate|rates|percent|percentage|"
    r"speedup|improvement|improvements|gain|gains|faster|cost|latency|throughput|bleu|rouge|f1)\b",
    re.I,
)
# "What does X compare against?", "What is it compared with?", "What baselines does X use?",
# "What does it outperform?": what the work measures itself against, which a sentence comparing
# it gives ("compared to vanilla decoding", "outperforms GPT-3"). The words asking so are the
# question's form, not words such a sentence must use.
_BASELINE = re.compile(
    r"^\s*(?:what|which)\s+(?:(?P<noun>baselines?|competitors?)\s+)?"
    r"(?:is|are|was|were|does|do|did)\s+(?:[\w'-]+\s+){0,3}?"
    r"(?P<verb>(?:compar|benchmark)(?:e|es|ed|ing)?\s+(?:against|to|with)|outperform\w*|beat\w*|"
    r"surpass\w*)"
    r"|^\s*(?:what|which)\s+(?P<only>baselines?|competitors?)\b"
    r"(?:\s+(?:is|are|was|were|does|do|did)\s+(?:[\w'-]+\s+){0,3}?(?P<use>use[sd]?|chosen|choose))?",
    re.I,
)
# "Summarize it", "Give me a short summary of X", "TL;DR": what the work is, as "What is X?" asks.
_SUMMARY = (
    r"(?:summari[sz]e|(?:give\s+me\s+)?an?\s+(?:(?:short|brief|quick)\s+)?(?:summary|overview)"
    r"(?:\s+of)?|tl\s*;?\s*dr)\b"
)
# The verbs of a request ("Explain X"), which say what to do, not what it is about.
_REQUEST_VERB = rf"(?:(?:define|describe|explain|outline)\b|{_SUMMARY})"
# "What is X?" with a short X, "Tell me about X", "What's the paper on X about?"; not "What is X
# made of?", which a final preposition shows to ask something else about X.
_DEFINITION = re.compile(
    r"^\s*(what|who)('s| is| are| was)( an?| the)?(\s+[^\s?]+){0,3}"
    r"\s+(?!(of|for|from|in|with|by|to|on|at|like|after)\s*[?.!]*\s*$)[^\s?]+\s*[?.!]*\s*$"
    rf"|^\s*(?:(?:define|describe|explain|tell me (?:more )?about)\b|{_SUMMARY})"
    r"|\babout\s*[?.!]*\s*$"
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
# "Which river is the longest?": the measure asked for, in the superlative, by which the thing
# asked for is chosen; an answer gives the measure in figures ("runs about 6,400 kilometres").
_SUPERLATIVE_MEASURE = re.compile(rf"\bthe\s+(?P<measure>{_SUPERLATIVES})\s*[?.!]*\s*$", re.I)
# Measures a number gives, as "how tall" asks.
_MEASURE_NOUNS = (
    r"(?:height|length|depth|width|diameter|radius|area|size|population|weight|mass|age|"
    r"lifespan|speed|distance|temperature|duration|elevation|altitude|volume|capacity|price)s?"
)
# "What is the height of X?"
_MEASURE_NOUN = re.compile(rf"\b{_MEASURE_NOUNS}\s*$", re.I)
# "What size is it?", "What model sizes are there?", "What sizes does X come in?"
_MEASURE_ASKED = re.compile(
    rf"^\s*what\s+(?:[\w-]+\s+)?(?P<measure>{_MEASURE_NOUNS})\s+(?:is|are|was|were|do|does|did)\b",
    re.I,
)
# "How much faster?", "What speedup?", "How many times larger?": a ratio ("2.7x", "twice as
# fast", "40% lower") answers, not any number ("two strategies").
_COMPARATIVES = (
    "more|less|fewer|better|worse|greater|larger|bigger|smaller|faster|slower|quicker|higher|"
    "lower|longer|shorter|cheaper|deeper|wider|heavier|lighter|stronger|weaker|older|earlier|later"
)
# "Which one is faster?": the measure in the comparative, which each paper compared answers with
# its own ratio ("3.65 times higher throughput").
_COMPARATIVE_MEASURE = re.compile(
    rf"^\s*which\b[^?]*?\b(?:is|are|was|were|runs?)\s+(?P<measure>{_COMPARATIVES})\s*[?.!]*\s*$",
    re.I,
)
_RELATIVE = frozenset({"faster", "slower", "quicker", "cheaper"})
# "Which one uses less memory?", "Which of them has more parameters?": asked of papers already
# given, the comparative is what each one's figure answers, not a word its abstract must use
# ("less than 1%"); the noun after it is what the figure measures. "Which paper uses less
# memory?" asks the collection, whose papers say so in words ("uses less memory"); "Which one
# is more accurate?" has an adjective, no noun.
_COMPARATIVE_AMOUNT = re.compile(
    r"^\s*which(?:\s+one|\s+of\s+(?:them|the\s+two|these|those))?\s+"
    r"(?!(?:is|are|was|were|be|been)\b)[\w-]+\s+(?:the\s+)?"
    r"(?P<comparative>more|less|fewer|higher|lower|larger|smaller|greater|bigger)\s+"
    r"(?!than\b)(?P<amount>(?:[\w-]+\s+)?[\w-]+)"
    r"\s*(?:[?.!]|$|(?=(?:in|on|of|for|per|among|across|than)\b))",
    re.I,
)
_RATIO_ASKED = re.compile(
    rf"\bhow (?:much|many times) (?P<comparative>{_COMPARATIVES})\b|\bspeed-?ups?\b"
    r"|\brelative (improvement|gain|reduction|increase|decrease)s?\b",
    re.I,
)
# What qualifies a ratio: what it is over, or where it holds.
_QUALIFIED = re.compile(r"\b(?:over|than|against|compared|versus|vs|on|in|for|with|at)\b", re.I)
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
# "Why?", "How so?", "When?": a question word alone asks the previous question again, in its
# form ("Who discovered penicillin?", then "When?").
_BARE_QUESTION = re.compile(
    r"^\s*(?:(?P<why>why(?:\s+(?:is\s+that|so))?|how\s+come)"
    r"|(?P<how>how(?:\s+(?:so|exactly))?|in\s+what\s+way)|(?P<when>when)|(?P<where>where)"
    r"|(?P<who>who))\s*[?.!]*\s*$",
    re.I,
)
# The question word a question opens with, and the "many" or "much" after "how".
_OPENING_QUESTION_WORD = re.compile(
    r"^\s*(?:what|which|who|whom|whose|when|where|why|how(?:\s+(?:many|much))?)\b\s*", re.I
)
# Words a follow-up may open with before the question proper: "and why?", "so what is X?".
_OPENING = re.compile(r"^\s*(?:(?:and|but|so|also|then|ok|okay|well|now)\b[\s,]*)+", re.I)
# Questions asking what a work found: "What is the main finding of X?", "What are X's results?",
# "What did X find / show / conclude?", "What are its advantages?" (what it shows it achieves).
# The words saying so are not what the question is about: a finding is known by its form ("we
# find that", "results suggest"), not by the word.
_FINDING = re.compile(
    r"^\s*what\s+(?:(?:is|are|were|was)\s+(?:the|its|their|[\w-]+'s?)\s+"
    r"(?P<said>(?:(?:main|key|central|major|primary|principal|most important)\s+)?"
    r"(?:finding|result|conclusion|takeaway|outcome|advantage|benefit|strength|merit)s?)\b"
    r"|(?:did|does|do)\s+(?:[^?]{1,80}?\s+)?(?P<verb>find|show|conclude|demonstrate|reveal)\b)",
    re.I,
)
# "How well does X predict Y?", "How well does it work?": what the work found of it, which a
# judgement answers ("predicts pressures that are too low") more often than a number.
_HOW_WELL = re.compile(r"^\s*how\s+well\b", re.I)
# "Is X better than Y?", "Which is faster, X or Y?": of two papers, a comparison.
_RANKS = re.compile(
    r"\b(?:better|worse|faster|slower|stronger|weaker|cheaper|larger|smaller|more accurate)\b",
    re.I,
)
# "Summarize it", "Define X", "Help me find ...": the request opening the question is not what
# it is about.
_REQUEST = re.compile(rf"^\s*(?:please\s+)?(?:help me(?:\s+to)?\b|{_REQUEST_VERB})", re.I)
# "TL;DR?", "Summarize.", "Explain please": a request with nothing to act on but the previous
# answer's paper.
_BARE_REQUEST = re.compile(rf"\s*(?:please\s+)?{_REQUEST_VERB}(?:\s+please)?\s*[?.!]*\s*", re.I)
# "Summarize it briefly", "in one sentence", "in a nutshell", "in simple terms", "basically":
# how the answer should be put, not what it is about ("names in a sentence" is what a question
# may be about).
_BRIEFLY = re.compile(
    r"(?:,\s*|\s+)(?:briefly|simply|basically"
    r"|in\s+(?:one|two|three|a\s+few|a\s+single)\s+(?:sentences?|lines?|words?)"
    r"|in\s+(?:simple|plain|everyday|lay(?:man'?s|men'?s)?)\s+(?:terms|words|english|language)"
    r"|in\s+short|in\s+a\s+nutshell)(?=\s*[?.!]*\s*$)",
    re.I,
)
# "What is X in a sentence?", "Explain X in a sentence": how short, when the question asks what
# something is; "Do models mark names in a sentence?" asks about sentences.
_IN_A_SENTENCE = re.compile(r"(?:,\s*|\s+)in\s+a\s+sentence(?=\s*[?.!]*\s*$)", re.I)
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
# "Why does it matter?", "Why is X important?", "What is the significance of X?", "Why did they
# build it?": what the work answers, as "What problem does X solve?" asks; the words asking so
# are not words the abstract must use.
_SIGNIFICANCE = re.compile(
    r"^\s*why\s+(?:does|do|did|is|are|was|were|should)\s+(?:[\w'-]+\s+){1,4}?"
    r"(?P<matters>(?:matters?|important|significant|relevant|useful|needed|necessary|care))"
    r"\s*[?.!]*\s*$"
    r"|^\s*what\s+(?:is|was|are)\s+(?:the\s+|its\s+|their\s+|[\w-]+'s?\s+)?"
    r"(?P<significance>significance|importance|relevance)\b"
    # "Why did they build it?", "Why was it made?": of the work spoken of, why it was made at all,
    # which the abstract tells as the problem it answers; the making is no word it must use.
    rf"|^\s*why\s+{AUXILIARY}\s+{_WORK_SPOKEN_OF}\s+(?:\w+ly\s+)?"
    r"(?P<made>build|built|create|created|develop|developed|design|designed|make|made|"
    r"introduce|introduced|propose|proposed)(?:\s+(?:it|this|them))?\s*[?.!]*\s*$",
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
    r"consist(?:s|ed)?\s+of|contain|include|comprise)\b"
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
# "Where was the trial done?", "When was it carried out?": a verb saying only that something was
# done, ending a question asking where, when or how, is the question's form, not its subject.
_DONE = re.compile(
    r"^\s*(?:where|when|how)\b.*\b(?:was|were|is|are)\b.*?\s"
    r"(?P<done>done|made|held|conducted|carried\s+out|performed|undertaken)\s*[?.!]*\s*$",
    re.I,
)
# "How many GPUs?", "How many languages?": what a count asked with no verb counts.
_COUNTED_ONLY = re.compile(
    r"^\s*how many\s+(?P<asked>[\w'-]+(?:\s+[\w'-]+){0,2})\s*[?.!]*\s*$", re.I
)
# "When", "In which year", "What century".
_WHEN = re.compile(
    r"^\s*(when|((in|during) )?(what|which) (year|date|day|month|decade|century))\b", re.I
)
_WHERE = re.compile(r"^\s*(where|in what (country|city|place))\b", re.I)
_WHO = re.compile(r"^\s*(who|whom|whose)\b", re.I)
# "Who uses Dolma?": what uses a work is most often another work ("used to train OLMo"), which no
# person's name answers.
_WHO_USES = re.compile(r"^\s*who\s+(?:uses?|used|is\s+using|are\s+using|adopts?|adopted)\b", re.I)
# Back-references to the papers of the previous answer.
_BACK_REFERENCE = re.compile(
    r"\b(it|its|it's|they|their|them|theirs|which ones?|(?<=\bof )these|(?<=\bof )those)\b"
    r"|\b(this|these|those|the same) "
    r"(paper|papers|work|study|method|approach|model|system|dataset|framework|technique|one)\b"
    r"|\bthe (paper|authors)\b",
    re.I,
)
# "Which other papers use Dolma?": a list of papers leaving out those the question names.
_OTHER_PAPERS = re.compile(rf"\bother\s+{_PAPER_WORD}\b", re.I)
# "Papers other than Splitwise on inference": the papers named after it are left out, and are
# not what the list is about.
_EXCEPT = re.compile(r"\b(?:other than|besides|apart from|except(?: for)?)\s+$", re.I)
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
# "Which papers release their code?": a wh-word and the noun it asks about, then straight on to
# the verb, with no auxiliary between ("What dataset did they use?" asks of the previous papers).
# "What about its ...", "Which one", "Which of": no noun; "What other papers cite their work?"
# sets the papers apart from those the possessive stands for.
_WH_SUBJECT = re.compile(
    rf"^\s*(?:which|what)\s+(?!(?:{AUXILIARY}|of|one|ones|about|else|other)\b)"
    rf"(?:(?!{AUXILIARY}\b)[\w-]+\s+)+$",
    re.I,
)
_PRONOUNS = frozenset(
    {"it", "its", "it's", "they", "their", "them", "theirs", "which one", "which ones"}
)
# What sets a pronoun's clause apart from an earlier subject: a relative pronoun, a conjunction,
# a subordinator, punctuation.
_CLAUSE_BREAK = re.compile(
    r"[,;:]|\b(?:that|which|who|whom|whose|what|where|when|while|if|whether|without|before|"
    r"after|because|since|so|and|or|but|than|until|unless|once|how)\b",
    re.I,
)
_SENTENCE_BREAK = re.compile(r"[.?!]\s")
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
# "Any of them", "either of them": some of the previous answer's papers.
_PARTITIVE = r"(?:any|each|all|some|none|both|either|neither|one)\s+of\s+(?:them|these|those)"
# "Which of them use X?", "Which ones use X?": the pronoun is the subject as well.
_PRONOUN_SUBJECT = re.compile(
    rf"\b{AUXILIARY}\s+(?:it|they|{_PARTITIVE})\b|^\s*which\s+(?:ones|of\s+(?:them|these|those))\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class FormWords:
    """Where the question's form lies in its text, as character offsets."""

    opening: int  # where the question proper starts, after an opening "and" or "so"
    said: frozenset[int]  # the words giving its form, which are not what it is about
    asked: range  # what a "how many" or "what X" question asks about
    measure: range  # the measure a "how tall" question asks for
    ranks_papers: bool  # "Which model has the most parameters?"
    newest_first: bool  # "What are the latest papers on X?"
    dated: tuple[str, str] | None  # "from March 14": the relation and the date as written


def form_words(text: str, kind: Kind, names_work: bool, refers_back: bool) -> FormWords:
    """The words of `text` that give its form, for a question of this kind that names a work
    (`names_work`) or refers back to the previous answer's."""
    # The question proper, after an opening "and" or "so": the forms are read from there.
    opening = len(text) - len(without_opening(text))
    attribute = _ATTRIBUTE.match(text[opening:])
    asked_span = attribute or _ASKED.match(text[opening:]) or _COUNTED_ONLY.match(text[opening:])
    asked_range = range(*_shifted(asked_span, "asked", opening))
    measure = (
        _MEASURE.match(text[opening:])
        or _MEASURE_ASKED.match(text[opening:])
        or _SUPERLATIVE_MEASURE.search(text[opening:])
        or _COMPARATIVE_MEASURE.match(text[opening:])
    )
    measure_range = range(*_shifted(measure, "measure", opening))
    if _measures(attribute):
        # "What is the height of X?" asks a measure of X, as "How tall is X?" does.
        measure_range, asked_range = asked_range, range(0)
    elif measure is not None and measure.re is _MEASURE_ASKED:
        # "What size is X?" asks as "How big is X?" does, not which of its sizes.
        asked_range = range(0)
    # "What did X find?": once the question names the work or refers back to it, the words
    # asking for its finding are not what it is about. A question naming no work ("results for
    # creep buckling") searches with every word. "The main contributions of X" always asks what
    # X brings, whatever X is.
    finding = _CONTRIBUTION.match(text[opening:]) or (
        _FINDING.match(text[opening:]) if names_work or refers_back else None
    )
    said = set(range(*_shifted(finding, finding.lastgroup if finding else None, opening)))
    said.update(range(*_shifted(_CALLED.match(text[opening:]), "called", opening)))
    said.update(range(*_shifted(_DONE.match(text[opening:]), "done", opening)))
    authorship = _AUTHORSHIP.match(text[opening:])
    if authorship is not None:
        # "Who wrote X?": the record answers, not words the abstract must use.
        said.update(range(opening, opening + authorship.end()))
    request = _REQUEST.match(text[opening:])
    if request is not None:
        said.update(range(opening, opening + request.end()))
    briefly = _manner(text)
    if briefly is not None:
        said.update(range(*briefly.span()))
    problem = _PROBLEM.match(text[opening:])
    for part in ("noun", "verb", "motive") if problem else ():
        said.update(range(*_shifted(problem, part if problem[part] else None, opening)))
    significance = _SIGNIFICANCE.match(text[opening:])
    for part in ("matters", "significance", "made") if significance else ():
        said.update(range(*_shifted(significance, part if significance[part] else None, opening)))
    limitation = _LIMITATION.match(text[opening:])
    said.update(range(*_shifted(limitation, "noun" if limitation else None, opening)))
    methods = _METHODS_OF_THE_WORK.match(text[opening:]) or (
        _METHODS_OF_A_WORK.match(text[opening:]) if names_work or refers_back else None
    )
    for part in ("asked", "verb") if methods else ():
        said.update(range(*_shifted(methods, part if methods[part] else None, opening)))
    used = _THING_USED.match(text[opening:]) if refers_back else None
    said.update(range(*_shifted(used, "verb" if used else None, opening)))
    composition = _COMPOSITION.match(text[opening:])
    for part in ("verb", "noun") if composition else ():
        said.update(range(*_shifted(composition, part if composition[part] else None, opening)))
    amount = _COMPARATIVE_AMOUNT.match(text[opening:]) if refers_back else None
    if amount is not None:
        said.update(range(*_shifted(amount, "comparative", opening)))
        asked_range = range(*_shifted(amount, "amount", opening))
    ranking = _RANKS_PAPERS.match(text[opening:]) if kind == "list" else None
    if ranking is not None:
        # "The most" is what each paper's figure answers, not a word it must use; what it
        # counts is what the figure must count.
        sized = ranking["size"] is not None
        said.update(range(*_shifted(ranking, "size" if sized else "superlative", opening)))
        asked_range = range(*_shifted(ranking, "sized" if sized else "asked", opening))
    newest = _NEWEST.search(text)
    for part in ("recency", "last", "published") if newest else ():
        said.update(range(*_shifted(newest, part if newest[part] else None, 0)))
    published = _PUBLISHED.match(text[opening:]) if kind == "list" else None
    if published is not None:
        said.update(range(opening, opening + published.end()))
    dated = _DATED.search(text) if kind == "list" else None
    if dated is not None:
        # The date is what the records give, not a word the abstracts must use.
        said.update(range(*dated.span()))
    if names_work or refers_back:
        # "What do they have in common?", "How are X and Y alike?": what each paper's sentence
        # shows, not words the abstracts must use.
        for match in _IN_COMMON.finditer(text):
            said.update(range(*match.span()))
    baseline = _BASELINE.match(text[opening:]) if kind == "baseline" else None
    for part in ("noun", "verb", "only", "use") if baseline else ():
        said.update(range(*_shifted(baseline, part if baseline[part] else None, opening)))
    if kind == "pointer" and (names_work or refers_back):
        # "Is the LongWriter code available?", "Do they release code?": the words asking where
        # the code is are the form of the question, which a link answers, not its subject.
        for match in _POINTER_WORDS.finditer(text):
            said.update(range(*match.span()))
    if refers_back:
        # "Does either of them release code?": "either" is no word of the subject.
        for match in re.finditer(rf"\b{_PARTITIVE}\b", text, re.I):
            said.update(range(*match.span()))
        # "Which one is faster?": the pronoun's "one" is no word of the subject.
        for match in _BACK_REFERENCE.finditer(text):
            if (match.group(1) or "").lower() in ("which one", "which ones"):
                said.update(range(*match.span()))
        # "How big is it?": asked of the previous answer's work, the measure is the form of the
        # question, which a number answers, not a word its abstract must use (the question has
        # few other words, and the measure would weigh most of its focus).
        said.update(measure_range)
        # "How much faster is it?", "How many times larger is it?", "What speedup does it
        # get?": so are the words asking for the ratio ("times" is no training time; a paper
        # gives its speedup as "3.65 times higher throughput"). A speedup over something
        # ("its speedup over Megatron-LM") is one the abstract names so.
        ratio = _RATIO_ASKED.search(text, opening)
        if ratio is not None and (ratio["comparative"] or not _QUALIFIED.search(text, ratio.end())):
            said.update(range(*ratio.span()))
    return FormWords(
        opening,
        frozenset(said),
        asked_range,
        measure_range,
        ranking is not None,
        newest is not None,
        (dated["relation"].casefold(), dated["date"]) if dated else None,
    )


def leaving_out(text: str, start: int) -> re.Match[str] | None:
    """The words before `start` that leave out what stands there ("besides X", "other than X")."""
    return _EXCEPT.search(text[:start])


def counts_papers(text: str) -> bool:
    """Whether the question asks how many papers there are ("How many papers study X?")."""
    return bool(_COUNTS_PAPERS.search(text))


def form_of_each(text: str) -> Kind:
    """The form of each answer a list or a comparison is made of: "Is X faster than Y?" wants
    each one's ratio, as "Which is faster?" does."""
    for asking in (_COUNTS_PAPERS, _THERE_PAPERS, _ANY_PAPERS):
        text = asking.sub("which papers", text)
    form = sentence_form(text)
    return "ratio" if form == "yesno" and _asks_relative(text) else form


def _asks_relative(text: str) -> bool:
    """Whether the question compares by speed or cost ("faster", "cheaper"), which papers give
    relative to something ("10 times faster", "40% lower cost")."""
    return any(word.casefold() in _RELATIVE for word in re.findall(r"[\w-]+", text))


def pronoun_is_subject(text: str) -> bool:
    """Whether "it" or "they" is the subject of the question's verb ("does it", "did they",
    "do any of them")."""
    return bool(_PRONOUN_SUBJECT.search(text))


# "Papers by Hinton", "written by G. Hinton": what follows may be an author's name.
BY = re.compile(r"\b(?:(?:written|authored|published)\s+)?by\s+", re.I)
# A name (written with a capital, as names are) right after "by".
_CAPITALISED = re.compile(r"[A-Z][a-z][\w'-]*")


def name_after_by(text: str) -> str | None:
    """The capitalised word after "by" (or the writer of "What did Hinton write?", "Hinton's
    papers"), which may name an author ("Which papers by Hinton ...") or a work ("evaluated by
    GPT-4")."""
    for by in BY.finditer(text):
        name = _CAPITALISED.match(text, by.end())
        if name is not None:
            return name.group()
    for writer in writers(text):
        last = writer.group(writer.lastgroup or 0).split()[-1]
        if last[:1].isupper():
            return last
    return None


def writers(text: str) -> list[re.Match[str]]:
    """Where the question names someone as the writer of papers, the name being the match's
    last group ("What did Hinton write?", "Did Hinton write about capsules?", "Hinton's
    papers", "papers with Hinton as an author"); the name may hold other words before it
    ("list Hinton as an author")."""
    wrote = WROTE.match(text)
    found = [wrote] if wrote else []
    return found + [m for m in _WRITER.finditer(text) if m.lastgroup]


def person_asked(text: str) -> re.Match[str] | None:
    """The person a "who is" question asks about ("Who is Hinton?"), in its "person" group."""
    return _WHO_IS.match(without_opening(text))


def date_asked(text: str) -> re.Match[str] | None:
    """Where the question names a period for the papers' records ("from Mar 14", "published in
    2023", "since 2021"): the match, with its relation and date."""
    return _DATED.search(text)


def asks_for_authors(text: str) -> bool:
    """Whether the question asks who wrote a paper ("Who wrote BERT?", "Who are its
    authors?")."""
    return bool(_AUTHORSHIP.match(without_opening(text)))


# "Which papers are similar?", "Any related work?", "Papers like this one?", "Which papers are
# similar to LongWriter?": papers on the topic of a paper, not papers speaking of similarity.
_PAPERS = r"(?:papers?|works?|studies|articles|research|others?)"
_SIMILAR = re.compile(
    rf"\b(?:similar|related)\s+{_PAPERS}"
    rf"|\b{_PAPERS}\b[^?.!]*?\b(?:similar|related)\b(?:\s+to\s+(?P<to>[^?.!]+?))?\s*[?.!]*\s*$"
    rf"|\b(?:{_PAPERS}|anything)\s+like\s+(?:it|this|that|this one|that one|them)\b"
    r"|\bmore\s+like\s+(?:it|this|that)\b",
    re.I,
)


def similar_asked(text: str) -> str | None:
    """For a question asking for papers like a paper ("Which papers are similar?", "Any
    related work?", "Which papers are similar to LongWriter?"), what they should be like: the
    words after "similar to", or "" for the paper spoken of; None for any other question."""
    match = _SIMILAR.search(text)
    if match is None:
        return None
    return (match["to"] or "").strip()


def asks_measure_by_name(text: str) -> bool:
    """Whether the question asks a measure by its name ("What size are the models?", "What
    sizes are there?"), which abstracts seldom use, giving the figure instead."""
    return bool(_MEASURE_ASKED.match(without_opening(text)))


def asks_for_others(text: str) -> bool:
    """Whether the question asks for papers other than those it speaks of ("Which other papers
    use Dolma?")."""
    return bool(_OTHER_PAPERS.search(text))


def only_asks_for_others(text: str) -> bool:
    """Whether the question only asks for papers besides those already given ("Any others?",
    "Is there another paper on this?"): the question answered before, of the other papers."""
    return bool(_ONLY_OTHERS.match(without_opening(text)))


def with_referent(text: str, words: str) -> str:
    """The question with its back-references ("it", "this paper") replaced by `words`, in the
    possessive for "its" and "their" ("What are its limitations?": "What are X's
    limitations?")."""

    def replaced(match: re.Match[str]) -> str:
        possessive = (match.group(1) or "").casefold() in ("its", "their")
        return f"{words}'s" if possessive else words

    return _BACK_REFERENCE.sub(replaced, text)


def asks_for_whole_abstract(text: str) -> bool:
    """Whether the question asks for a paper's whole abstract ("Show me the abstract of X")."""
    return bool(_WHOLE_ABSTRACT.search(without_opening(text)))


def bare_question_word(text: str) -> str | None:
    """The question word a question is made of alone ("Why?", "How so?", "When?"): why, how,
    when, where or who; None for any other question."""
    bare = _BARE_QUESTION.match(without_opening(text))
    return bare.lastgroup if bare else None


def asked_anew(question: str, word: str) -> str:
    """The question asked again with another question word: "Who discovered penicillin?" asked
    "when" is "When discovered penicillin?", and "Is it safe?" asked "why" is "Why is it
    safe?" (the words of the subject are kept; the form is the new word's)."""
    rest = _OPENING_QUESTION_WORD.sub("", without_opening(question), count=1)
    if re.match(rf"{AUXILIARY}\b", rest, re.I):
        rest = rest[0].lower() + rest[1:]
    return f"{word.capitalize()} {rest}"


def asks_for_more(text: str) -> bool:
    """Whether the question asks for more than the conversation has quoted ("tell me more",
    "tell me more about the first one")."""
    asked = without_opening(text)
    return bool(_MORE.match(asked) or _MORE_ABOUT.match(asked))


# "What's their main finding?" asks what "What is their main finding?" does; so does "whats".
_CONTRACTED_IS = re.compile(r"\b(what|who|where|when|how|which)['’]s\b|\b(what|who|where)s\b", re.I)


# "Which one", "which of them (these, those, the two)": a choice among the papers just given.
_WHICH_OF_GIVEN = r"^\s*which\s+(?:ones?|of\s+(?:them|these|those|the\s+[\w-]+))\s+"
# Superlatives read as the comparatives a choice between given papers asks ("Which one is the
# fastest?": which is faster). "Latest" is left alone: it asks for the newest papers.
_COMPARATIVE_OF = {"most": "more", "least": "less", "best": "better", "worst": "worse"} | {
    f"{word.removesuffix('er')}est": word
    for word in _COMPARATIVES.split("|")
    if word.endswith("er") and word not in ("better", "later")
}
_SUPERLATIVE = re.compile(rf"\b(?:the\s+)?({'|'.join(_COMPARATIVE_OF)})\b", re.I)
_WHICH_OF_GIVEN_SUPERLATIVE = re.compile(rf"{_WHICH_OF_GIVEN}.*{_SUPERLATIVE.pattern}", re.I)
# "Which is faster?", "Which is the best?": with no subject of its own, "which" is a choice among
# the papers just given, as "which one" is.
_WHICH_IS_BARE = re.compile(
    rf"^\s*which\s+(?=(?:is|are|was|were)\s+(?:the\s+)?(?:{_COMPARATIVES}|"
    rf"{'|'.join(_COMPARATIVE_OF)})\s*[?.!]*\s*$)",
    re.I,
)
_HOW_MANY_OF_GIVEN = re.compile(
    r"^\s*how\s+many\s+of\s+(?=(?:them|these|those|the\s+(?:two|three|four|five|six|seven|"
    rf"eight|{_PAPER_WORD}))\s+(?!(?:are|were)\s+there\b))",
    re.I,
)
# "Which one is better?", "Which of them works best?", "Which one gives better results?": a
# judgement no abstract makes of the others.
_WHICH_IS_BETTER = re.compile(
    rf"{_WHICH_OF_GIVEN}(?:[\w-]+\s+){{0,3}}?(?:the\s+)?(?:better|worse|superior)\b", re.I
)

# "How do they differ?", "What is the difference?", "How are the two different?": of the
# papers just given, a comparison, each for what it says of itself.
_HOW_THEY_DIFFER = re.compile(
    r"\s*(?:and\s+)?(?:(?:how|in\s+what\s+ways?)\s+(?:do|does|did|are|were|is)\s+"
    r"(?:they|these|those|the\s+two|both|it)(?:\s+(?:papers?|ones|methods|works))?\s+"
    r"(?:differ|different)(?:\s+from\s+(?:each\s+other|one\s+another|the\s+other))?"
    r"|what(?:'s|\s+is|\s+are)\s+the\s+(?:main\s+|key\s+)?differences?"
    r"(?:\s+between\s+(?:them|these|those|the\s+two|both)(?:\s+papers)?)?)\s*[.!?]*\s*",
    re.I,
)


def as_choice_between_given(text: str) -> str:
    """A question choosing among papers just given, read with the comparative ("Which one is
    the fastest?": "Which one is faster?"; "Which of them has the most parameters?": "... has
    more parameters?"), with "which" alone as "which one" ("Which is faster?"), and "how many
    of them" as "which of them" (the answer says how many of them do). Any other question is
    returned as it is."""
    text = _HOW_MANY_OF_GIVEN.sub("Which of ", text, count=1)
    text = _WHICH_IS_BARE.sub(lambda m: f"{m.group()}one ", text, count=1)
    if not _WHICH_OF_GIVEN_SUPERLATIVE.match(text):
        return text
    return _SUPERLATIVE.sub(lambda m: _COMPARATIVE_OF[m.group(1).casefold()], text)


def asks_which_is_better(text: str) -> bool:
    """Whether the question asks which of the papers just given is better or worse ("Which one
    is better?", "Which of them performs better?"): each one's findings answer it, since no
    abstract ranks the others."""
    return bool(_WHICH_IS_BETTER.match(text))


def asks_how_they_differ(text: str) -> bool:
    """Whether the question asks only how the papers just given differ ("How do they differ?",
    "What is the difference?"): comparing them answers it."""
    return bool(_HOW_THEY_DIFFER.fullmatch(text))


def as_request_of_previous(text: str, several: bool) -> str:
    """A request with nothing to act on ("TL;DR?", "Summarize.") as one about the previous
    answer's paper ("Summarize it"), or its papers when it cited `several` ("Summarize them");
    any other question as it is."""
    if not _BARE_REQUEST.fullmatch(text):
        return text
    return "Summarize them" if several else "Summarize it"


def uncontracted(text: str) -> str:
    """The question with "what's", "who's", "where's" ... written out ("what is"), as the forms
    of questions are read; the same length where it holds none."""
    return _CONTRACTED_IS.sub(lambda m: f"{m.group(1) or m.group(2)} is", text)


def without_opening(text: str) -> str:
    """The question after the words a follow-up may open with ("and why does it work?")."""
    return _OPENING.sub("", text, count=1)


def _shifted(match: re.Match[str] | None, group: str | None, offset: int) -> tuple[int, int]:
    """The span of a match's group in the whole question; empty without a match."""
    if match is None or group is None:
        return (0, 0)
    start, end = match.span(group)
    return (start + offset, end + offset)


def refers_to_previous(text: str, name_ends: Sequence[int] = ()) -> bool:
    """Whether the question speaks of the previous answer's papers: "this paper", or a pronoun
    with nothing in the question itself for it to stand for (among which the names it gives,
    ending at `name_ends`)."""
    return any(
        (m.group(1) or "").lower() not in _PRONOUNS
        or not (
            _introduced(text[: m.start()], _is_object(m, text))
            or _named_before(text, m, name_ends)
            or _owned_by_wh_subject(text[: m.start()], m)
        )
        for m in _BACK_REFERENCE.finditer(text)
    )


def _owned_by_wh_subject(before: str, match: re.Match[str]) -> bool:
    """Whether a possessive belongs to what the question asks about: "Which papers release
    their code?", "What model shares its weights?" (not "What are their limitations?", nor
    "What dataset did they use?")."""
    return match.group(1).lower() in ("its", "their") and bool(_WH_SUBJECT.match(before))


def _named_before(text: str, match: re.Match[str], name_ends: Sequence[int]) -> bool:
    """Whether a name the question gives before the pronoun stands for it: a clause break sets
    them apart, and the pronoun is the subject of its clause or a possessive ("What is Splitwise
    and how much faster is it?", "... and what are its limitations?"), not an object ("Compare
    Splitwise with it" asks of the previous answer's paper); or the name's sentence has ended,
    and the pronoun opens the talk of it again ("What is Chimera? Compare it with ADED")."""
    word = match.group(1).lower()
    subject = word in ("its", "their") or bool(
        re.search(rf"\b{AUXILIARY}\s+$", text[: match.start()], re.I)
    )
    between = [text[end : match.start()] for end in name_ends if end <= match.start()]
    return any(
        (subject and _CLAUSE_BREAK.search(words)) or _SENTENCE_BREAK.search(words)
        for words in between
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


def _manner(text: str) -> re.Match[str] | None:
    """The words ending the question that say how to put the answer ("briefly", "in simple
    terms"; "in a sentence" after a question asking what something is), if any."""
    briefly = _BRIEFLY.search(text)
    if briefly is not None:
        return briefly
    sentence = _IN_A_SENTENCE.search(text)
    if sentence is None:
        return None
    rest = without_opening(text[: sentence.start()]) + "?"
    return sentence if _DEFINITION.search(rest) or _REQUEST.match(rest) else None


def without_manner(text: str) -> str:
    """The question without the words saying how to put the answer."""
    manner = _manner(text)
    return text if manner is None else text[: manner.start()] + text[manner.end() :]


def question_kind(text: str, n_named: int = 0, refers_back: bool = False) -> Kind:
    """The kind of answer the question asks for, from its form. A comparison needs two papers:
    two named, or one named and one referred back to."""
    text = without_manner(without_opening(text))
    if _MORE.match(text):
        return "more"
    papers = n_named + (1 if refers_back else 0)
    if papers == 0 and _NEWEST.search(text):
        return "list"
    if papers == 0 and _RANKS_PAPERS.match(text):
        return "list"
    if papers >= 2 and (
        COMPARE.search(text) or _RANKS.search(text) or re.search(r"\band\b.+\beach\b", text, re.I)
    ):
        return "compare"
    of_a_work = bool(
        _METHODS_OF_THE_WORK.match(text) or (papers and _METHODS_OF_A_WORK.match(text))
    )
    if _LIST.search(text) and not of_a_work:
        return "list"
    return "method" if of_a_work else sentence_form(text)


# "What is Splitwise and what are its limitations?": a second question after "and", ";" or a
# question mark, opening as questions do.
_SECOND_QUESTION = re.compile(
    rf"(?:\s*,?\s+and|\s*;|\?)\s+(?=(?:what|which|how|why|when|where|who|{AUXILIARY})\b)", re.I
)


def two_questions(text: str) -> tuple[str, str] | None:
    """The two questions of a question asking two things ("What is X and how does it work?"):
    the first, and the second from its opening word; None for one question."""
    match = _SECOND_QUESTION.search(text)
    if match is None:
        return None
    first, second = text[: match.start()].strip(), text[match.end() :].strip()
    if len(first.split()) < 2 or len(second.split()) < 2:
        return None
    return (first if first.endswith("?") else first + "?"), second[:1].upper() + second[1:]


def aspect_only(text: str) -> str | None:
    """The words asking for a work's findings, contributions or limitations when they are the
    whole question ("What are the main results?": "main results"; "What are the key
    contributions?": "key contributions"; "What are the downsides?": "downsides"), which then
    has no subject of its own."""
    for pattern, words in ((_FINDING, "said"), (_CONTRIBUTION, "said"), (_LIMITATION, "noun")):
        match = pattern.match(text)
        if match is not None and match[words] and not text[match.end() :].strip(" ?.!"):
            return match[words]
    return None


def as_asked_of_previous(words: str) -> str:
    """What "and X?" asks of the previous answer's papers: X, or for a work's findings or
    limitations ("the results", "the main finding", "the drawbacks") the question "What are
    its results?"."""
    aspect = "What are its " + re.sub(r"^(?:the|its|their)\s+", "", words.strip(), flags=re.I)
    asks_aspect = _FINDING.match(aspect) or _CONTRIBUTION.match(aspect) or _LIMITATION.match(aspect)
    return aspect + "?" if asks_aspect else words


def sentence_form(text: str) -> Kind:
    """The kind of a single answer: why, when, where the code is, where, finding, method,
    yes/no, quantity, definition, who or other."""
    text = without_manner(without_opening(text))
    if _AUTHORSHIP.match(text):
        return "who"
    if _SIGNIFICANCE.match(text):
        return "problem"
    if _WHY.match(text):
        return "why"
    if _WHEN.match(text):
        return "when"
    if _POINTER_ASKED.search(text):
        return "pointer"
    if _BASELINE.match(text):
        return "baseline"
    if _WHERE.match(text):
        return "where"
    if _FINDING.match(text) or _HOW_WELL.match(text):
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
        return _quantity(text)
    # The opening words decide first: "Can it run faster?" asks yes or no, and "How does size
    # affect how well it generalises?" asks how; neither asks for a number.
    if _METHOD.match(text) or _METHODS_OF_THE_WORK.match(text):
        return "method"
    definition = bool(_DEFINITION.search(text)) and not _ATTRIBUTE.search(text)
    if _YESNO.search(text) and not definition:
        return "yesno"
    if (
        _QUANTITY.search(text)
        or _SUPERLATIVE_MEASURE.search(text)
        or _COMPARATIVE_MEASURE.match(text)
        or _COMPARATIVE_AMOUNT.match(text)
    ):
        return _quantity(text)
    if definition:
        return "definition"
    if _WHO.match(text) and not _WHO_USES.match(text):
        return "who"
    if (
        text.rstrip().endswith("?")
        and not _WH_WORD.search(text)
        and len(text.split()) >= CLAIM_WORDS
    ):
        return "yesno"
    return "other"


def _quantity(text: str) -> Kind:
    """A ratio when the question asks how many times more or less, or which is faster or
    cheaper (speed and cost are given relative to something: "10 times faster", "3.65 times
    higher throughput", "40% lower cost"); any quantity otherwise ("which is larger": 7B)."""
    return "ratio" if _RATIO_ASKED.search(text) or _asks_relative(text) else "quantity"


def _measures(attribute: re.Match[str] | None) -> bool:
    """Whether the "X of Y" a question asks for (an _ATTRIBUTE match) is a measure ("the height
    of"), which a number gives."""
    return attribute is not None and bool(_MEASURE_NOUN.search(attribute["asked"]))
