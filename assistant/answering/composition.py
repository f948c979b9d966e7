"""Composing an answer: the best sentences of the paper the answer leans on, verbatim and best
first, each with a numbered citation; one line per paper for lists and comparisons; or an honest
"the abstracts do not answer this" with the closest papers to look at."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from assistant.answering.answer import Answer, AnswerSentence, Citation, Reference
from assistant.answering.authors import lists_author
from assistant.answering.candidates import Candidates, PaperCandidate
from assistant.answering.features import (
    FAMILIES,
    UNCUED_FORMS,
    SentenceTable,
    gives_figure,
    gives_link,
    sentence_table,
)
from assistant.answering.forms import bare_question_word
from assistant.answering.question import Question
from assistant.answering.triggering import (
    Trigger,
    asks_what_named_is,
    cannot_answer,
    decide,
    named_answer,
    trigger_features,
)
from assistant.answering.weights import FittedWeights
from assistant.paths import display_path
from retrieval.dates import DateKey, date_key, dated_as
from retrieval.engine import Engine
from retrieval.names import system_name

# Sentences quoted from the paper an answer leans on.
MAX_SENTENCES = 2
MAX_LIST_PAPERS = 8
# The papers most like a paper that "Which papers are similar?" lists.
SIMILAR_PAPERS = 5
# The engine's first papers, any of which may lead an answer.
LEAD_CHOICES = 3
SEE_ALSO = 3
# Sentences sharing this much of their terms say the same thing.
SAME_SENTENCE = 0.7
# Below even odds that the answer leans on a right paper, an answer is shown as a weak match.
WEAK_BELOW = 0.5
# Sorted newest first, a paper without a date comes after every dated one.
UNDATED: DateKey = (-1, 0, 0)
# A paper compared before that speaks to less than this share of a follow-up's focus does not
# say.
SPOKEN_SHARE = 0.5

NO_ANSWER = "The abstracts in this collection do not answer this question."
NO_ANSWER_IN = "The abstract of “{title}” does not answer this question."
NO_AUTHORS_ON_RECORD = "Its record in the collection lists no authors either."
# Forms a place or a date answers, which a sentence holds whatever else it speaks of.
PLACE_OR_TIME = ("where", "when")
# The words no abstract uses that an abstention names, at most.
UNUSED_WORDS_SHOWN = 3
NO_ANSWER_AMONG = "None of the {count} abstracts cited before answers this question."
NONE_COMPARED = "None of the {count} abstracts compared answers this question."
ONE_COMPARED = (
    "The comparison names only one paper of this collection, “{title}”: name another to compare "
    "it with."
)
NOT_SAID_BY = "The abstract of “{title}” does not say."
NO_AUTHORS_NAMED = "The abstracts do not name their authors."
WRITTEN_BY = "The record of “{title}” lists {authors}."
NO_AUTHORS_LISTED = "The record of “{title}” names no authors."
NEWEST_FIRST = "Newest first, by the dates the collection gives."
NO_DATES = (
    "The records give these papers no dates that can be put in order: they are in order of "
    "relevance."
)
VERSION_SHOWN = "“{title}” has {count} versions in this collection: this is one of them."
DATED_AS_ASKED = "Only papers whose records are dated {period}."
NONE_DATED = "No paper on this in the collection has a record dated {period}."
NO_MORE_PAPERS = "No other papers match as well: the list so far holds them all."
NO_PAPER_DATED = "No paper in the collection has a record dated {period}."
LIKE_PAPER = "Papers on the topic of “{title}”, by its most distinctive words: {words}."
AUTHORED_AS_ASKED = "Only papers whose records list {author} among their authors."
NONE_AUTHORED = "No paper on this in the collection lists {author} among its authors."
NO_PAPER_AUTHORED = "No paper in the collection lists {author} among its authors."
NO_OTHER_AUTHORED = "No other paper in the collection lists {author} among its authors."
COMPARED_BY_DATE = "By the dates their records give, newest first: {dated}."
NO_DATES_COMPARED = "The records of these papers give them no dates that can be put in order."
NO_DATES_AT_ALL = "The records give this collection's papers no dates that can be put in order."
SO_FAR = "{shown} of {matched} matching papers so far; “tell me more” lists the next ones."
NOTHING_MORE = "The abstracts cited say nothing more on this."
NO_OTHER_PAPERS = "No other paper in this collection matches this question."
FINDINGS_NOT_RANKED = (
    "Each paper's own findings are quoted: the abstracts do not rank the papers against each other."
)
RANKED_BY_READER = (
    "Each paper's own figures are quoted: the abstracts do not rank the papers against each other."
)


@dataclass(frozen=True, slots=True)
class Choice:
    doc: int
    sentence: int  # position in the abstract
    text: str
    score: float
    terms: frozenset[int]
    label: str | None = None  # a paper's name shown before its sentence (lists, comparisons)


@dataclass
class Composer:
    """Composes the answer for one question's candidates; sentence tables are built once per
    paper and only for the papers an answer may quote."""

    engine: Engine
    candidates: Candidates
    weights: FittedWeights
    tables: dict[int, SentenceTable] = field(default_factory=dict)
    bests: dict[int, Choice | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.vector = self.weights.sentence_vector()

    @property
    def question(self) -> Question:
        return self.candidates.question

    @cached_property
    def sentence_question(self) -> Question:
        """The question sentences are read for. Asked of papers compared before ("Which one is
        more accurate?"), a word of the question counts in any form those papers use
        ("accuracy"; "GPU" for "GPUs"): the stemmer keeps some forms apart, and only their
        words are at stake."""
        q = self.question
        if q.kind != "compare" or not q.refers_back:
            return q
        return q.in_forms_of(self.engine, self.compared())

    def table(self, doc: int) -> SentenceTable:
        table = self.tables.get(doc)
        if table is None:
            table = self.tables[doc] = sentence_table(self.engine, self.sentence_question, doc)
        return table

    def ranked(self, doc: int, skip: set[tuple[int, int]] = frozenset()) -> list[Choice]:
        """The paper's sentences, best first, without those in `skip` ((doc, sentence) pairs)."""
        table = self.table(doc)
        if not len(table):
            return []
        scores = table.values @ self.vector
        order = np.lexsort((np.arange(len(table)), -scores))
        return [
            Choice(
                doc, table.positions[i], table.texts[i], float(scores[i]), frozenset(table.terms[i])
            )
            for i in order
            if (doc, table.positions[i]) not in skip
        ]

    # -- the paper an answer leans on -----------------------------------------------------

    def lead(self, shown: set[tuple[int, int]]) -> tuple[PaperCandidate, Trigger] | None:
        """The paper the answer leans on, with the decision whether to answer at all: of the
        lead choices, the one the trigger rates likeliest to answer (the engine's order breaks
        ties)."""
        judged = [(p, self.trigger(p)) for p in self.lead_choices(shown)]
        return max(judged, key=lambda pair: pair[1].confidence) if judged else None

    def lead_choices(self, shown: set[tuple[int, int]]) -> list[PaperCandidate]:
        """The papers that may lead: those of the contenders that mention every paper the
        question names, whatever their scores (a paper that never mentions the one asked about
        does not answer for it); without such, the contenders scoring at least the fitted share
        of the engine's best."""
        pool = self.lead_pool(shown)
        share = self.weights.lead_share
        contenders = self.contenders(pool)
        return (
            [p for p in contenders if self.mentions_names(p)]
            or [p for p in contenders if p.relevance >= share]
            or pool[:1]
        )

    def mentions_names(self, paper: PaperCandidate) -> bool:
        """Whether the paper mentions every paper name the question gives (and it gives one):
        such a paper may lead however the engine ranks it among the first few."""
        names = [c for c in self.question.concepts if c.names_paper]
        return bool(names) and all(c.in_terms(paper.terms) for c in names)

    def contenders(self, pool: list[PaperCandidate]) -> list[PaperCandidate]:
        """For a question of its own, one version of each of the engine's first LEAD_CHOICES
        papers (versions are quoted together); otherwise the first of the pool."""
        if not pool or not self.chooses_lead():
            return pool[:1]
        return self.one_version_each(pool[:LEAD_CHOICES])

    def one_version_each(self, papers: list[PaperCandidate]) -> list[PaperCandidate]:
        """The papers in order, each paper's first version only."""
        found: list[PaperCandidate] = []
        versions: set[int] = set()
        for paper in papers:
            if paper.doc not in versions:
                found.append(paper)
                versions.update(self.engine.papers.versions(paper.doc))
        return found

    def chooses_lead(self) -> bool:
        """Whether the lead is chosen among the engine's first papers: for a question of its own
        (not a list, a comparison, "tell me more", or a question about the previous answer's
        papers)."""
        q = self.question
        if q.kind in ("list", "compare", "more"):
            return False
        return not (q.refers_back and self.candidates.context and not self._own_subject())

    def lead_pool(self, shown: set[tuple[int, int]]) -> list[PaperCandidate]:
        """The papers an answer may lean on, best first: every candidate; for a question that
        says "it" or "they", the papers of the previous answer, unless the question brings its
        own subject, a name those papers never mention ("How does ADED build its drafts?" after
        an answer about something else); for "tell me more", those of them with sentences not
        yet shown; for "any others?", those not yet cited for the question; for a comparison,
        the first paper compared."""
        q, candidates = self.question, self.candidates
        papers = candidates.papers
        if q.kind == "compare":
            compared = [candidates.of(d) for d in self.compared()[:1]]
            return [p for p in compared if p is not None]
        if q.refers_back and candidates.context and not self._own_subject():
            papers = [p for p in papers if p.doc in candidates.context]
        if q.asked_of_others:
            papers = [p for p in papers if p.doc not in q.besides]
        if q.kind == "more":
            papers = [p for p in papers if self.ranked(p.doc, shown)]
        return papers

    def _own_subject(self) -> bool:
        """A question saying "its" brings its own subject when it names something none of the
        previous answer's papers mention ("How does ADED build its drafts?"). One whose subject
        is "it" or "they" ("How many GPUs did they use?") asks about those papers, whatever it
        names."""
        q, candidates = self.question, self.candidates
        if q.kind == "more" or q.back_reference_is_subject:
            return False
        context = [p for p in candidates.papers if p.doc in candidates.context]
        return all(_missing_entities(q, p) for p in context)

    def asked_of_each(self) -> list[PaperCandidate]:
        """For a question about the previous answer's papers when that answer cited several
        (after a list: "Do any of them release code?", "Which GPUs?"), those papers, one version
        each, in the previous answer's order: each is read for it. Otherwise none."""
        q, candidates = self.question, self.candidates
        if q.kind in ("list", "compare", "more") or not (q.refers_back and candidates.context):
            return []
        if self._own_subject():
            return []
        cited = [p for p in map(candidates.of, candidates.context) if p is not None]
        papers = self.one_version_each(cited)
        return papers[:MAX_LIST_PAPERS] if len(papers) >= 2 else []

    def compared(self) -> list[int]:
        """The papers of a comparison, in the question's order; for a follow-up on a
        comparison ("do they ..."), the papers compared before."""
        q, context = self.question, self.candidates.context
        docs: list[int] = []
        for named in q.named:
            if named.docs[0] not in docs:
                docs.append(named.docs[0])
        if q.refers_back and context:
            if not docs:
                return list(dict.fromkeys(context))
            if context[0] not in docs:
                docs.insert(0, context[0])
        return docs

    # -- choices ------------------------------------------------------------------------------

    def best_sentences(self, doc: int, skip: set[tuple[int, int]]) -> list[Choice]:
        """The paper's best sentences, unlike each other. When the question has no words of its
        own to match and asks for a fact or a judgement ("Do they release code?", "What did they
        find?"), only its form tells the sentences apart: a further sentence is quoted only if
        it holds that form (a link, a conclusion). ("Summarize it" wants any sentence more.) A
        bare "Why?" is answered only by sentences of its form (a conclusion, a reason), or not at
        all; a bare "How?", which no cue shows, by the best sentences not yet quoted. A "how
        many" answer whose best sentence gives no number opens with the paper's best sentence
        giving a figure for what is asked ("How many women were in the mammography trial?":
        "One thousand ninety-nine women ...", not a closing word on mammography), and a "where"
        or "when" answer whose best sentence names no place or date with the paper's best
        sentence naming one. (A sentence giving a number counts in its own way: "models in size
        1B, 7B and 16B" answers "what model sizes" though no figure stands before "sizes".)"""
        ranked = self.ranked(doc, skip)
        q = self.question
        table = self.table(doc)
        opening = self._opening(doc, ranked) if ranked else None
        if opening is not None:
            ranked = [opening, *(c for c in ranked if c.sentence != opening.sentence)]
        bare = bare_question_word(q.text) in ("why", "how") and q.form not in UNCUED_FORMS
        if bare or (not q.focus and q.kind != "more" and FAMILIES.get(q.form) != "description"):
            typed = {table.positions[r] for r in np.flatnonzero(table.typed)}
            first = [] if bare else ranked[:1]
            ranked = first + [c for c in ranked[len(first) :] if c.sentence in typed]
        chosen: list[Choice] = []
        for choice in ranked:
            if len(chosen) == MAX_SENTENCES:
                break
            if not any(_similar(choice, c) for c in chosen):
                chosen.append(choice)
        return chosen

    def _opening(self, doc: int, ranked: list[Choice]) -> Choice | None:
        """The sentence to open with when the best one lacks the fact a "how many", "where" or
        "when" question asks for: the best giving a figure for what is counted, or naming a
        place or a date ("Where was the trial done?": "... recruited from ... in North
        Carolina", though the trial's words stand elsewhere)."""
        table = self.table(doc)
        if table.typed[self.row(ranked[0])]:
            return None
        if self.question.counted:
            return self.figure_counted(doc, ranked)
        if self.question.form in PLACE_OR_TIME:
            return next((c for c in ranked if table.typed[self.row(c)]), None)
        return None

    def list_choices(self, listed: set[int]) -> tuple[list[Choice], int]:
        """The best sentence of each paper that scores close enough to the best paper, skipping
        the papers in `listed` (named by the list this one continues); and how many papers
        qualify in all."""
        papers = self.candidates.papers
        besides = self.question.besides
        if any(c.names_paper for c in self.question.concepts):
            # A list about a named work ("Which papers use Dolma?") holds the papers that
            # mention it: the work's own paper, which repeats the name, sets no bar for them.
            qualifying = [p for p in papers if self.mentions_names(p) and p.doc not in besides]
        elif self.question.like is not None:
            # Papers like a paper are a ranking, as "more like this" is: the closest few,
            # whatever the bar a topic sets.
            qualifying = [p for p in papers if p.doc not in besides][:SIMILAR_PAPERS]
        else:
            # Papers a list of others leaves out set no bar: words taken from a paper ("Which
            # other papers are about it?") match that paper best of all.
            others = [p for p in papers if p.doc not in besides]
            bar = self.weights.list_share * max((p.relevance for p in others), default=0.0)
            qualifying = [p for p in others if p.relevance >= bar]
        if self.question.ranks_papers:
            # Papers giving no figure for what is counted cannot be ranked by it.
            qualifying = [p for p in qualifying if self._gives_figure(p)]
        if self.question.dated:
            qualifying = [p for p in qualifying if self.dated_as_asked(p.doc)]
        if self.question.newest_first:
            # Undated papers come last; papers of one date stay in the order of relevance.
            qualifying.sort(key=lambda p: self.newest_date(p.doc) or UNDATED, reverse=True)
        chosen: list[Choice] = []
        left_out = 0
        for paper in qualifying:
            if len(chosen) == MAX_LIST_PAPERS:
                break
            if paper.doc in listed:
                continue
            if self.links_only(paper.doc):
                left_out += 1
                continue
            best = self.best_sentence(paper.doc)
            if best is not None and not any(_similar(best, c) for c in chosen):
                chosen.append(best)
        # Papers past the last one read are not looked into: they count as matching.
        return chosen, len(qualifying) - left_out

    def links_only(self, doc: int) -> bool:
        """Whether the paper meets a list's topic only in its link line: its best sentence for
        the topic gives the address of its code or data ("Our code is available at https://..."
        for "Which papers are about code generation?"). A list asking for a fact, such as where
        the code is, keeps it."""
        best = self.best_sentence(doc)
        return (
            best is not None
            and FAMILIES.get(self.question.form) != "fact"
            and gives_link(best.text)
        )

    def version_dates(self, doc: int) -> list[DateKey]:
        """The dates the records of the paper's versions give, where they can be read."""
        papers = self.engine.papers
        return _readable_dates(papers.dates.optional(v) for v in papers.versions(doc))

    def dated_as_asked(self, doc: int) -> bool:
        """Whether a version of the paper is dated in (or since, after, before) the period the
        question names ("from March 14"), by the date its record gives."""
        return self._in_period(self.version_dates(doc))

    def _in_period(self, dates: list[DateKey]) -> bool:
        """Whether one of the dates is in (or since, after, before) the period asked for."""
        assert self.question.dated is not None
        relation, _, asked = self.question.dated
        return any(dated_as(date, relation, asked) for date in dates)

    def newest_date(self, doc: int) -> DateKey | None:
        """The latest date any version of the paper gives."""
        return max(self.version_dates(doc), default=None)

    def best_sentence(self, doc: int) -> Choice | None:
        """The paper's best sentence for the question (ranked once per paper)."""
        if doc not in self.bests:
            self.bests[doc] = next(iter(self.ranked(doc)), None)
        return self.bests[doc]

    def figure_counted(self, doc: int, ranked: list[Choice] | None = None) -> Choice | None:
        """The paper's best sentence (of `ranked`, its sentences already ranked, when given)
        giving a figure for what the question counts ("trained on 60 languages"), if any."""
        table = self.table(doc)
        counting = {table.positions[r] for r in np.flatnonzero(table.counting)}
        return next(
            (
                c
                for c in (self.ranked(doc) if ranked is None else ranked)
                if c.sentence in counting and gives_figure(c.text)
            ),
            None,
        )

    def row(self, choice: Choice) -> int:
        """The row of the chosen sentence in its paper's table."""
        return self.table(choice.doc).positions.index(choice.sentence)

    def _gives_figure(self, paper: PaperCandidate) -> bool:
        """The paper's best sentence gives a figure for what the question counts ("52 billion
        parameters", not "billions of parameters")."""
        best = self.best_sentence(paper.doc)
        if best is None or not gives_figure(best.text):
            return False
        return bool(self.table(paper.doc).counting[self.row(best)])

    def cannot_say(self, doc: int) -> bool:
        """Whether the paper's abstract cannot answer the question, whatever else it says (see
        triggering.cannot_answer): a comparison asking "what are their limitations?" of two
        papers that state none."""
        paper = self.candidates.of(doc)
        if paper is None:
            return False
        unspoken = self.question.refers_back and self._says_little_of(paper)
        return unspoken or cannot_answer(self.question, paper.terms, self.table(doc))

    def _says_little_of(self, paper: PaperCandidate) -> bool:
        """Whether the paper uses, in any form ("GPU" for "GPUs"), the words of less than half
        of the question's focus, the names of the papers compared aside: asked of papers
        already given ("How do they handle floods?", or "Do they use GPUs?" of a paper that
        only "uses" something else), such a paper has nothing to quote on it."""
        focus = [f for f in self.sentence_question.focus if not f.concept.names_paper]
        total = sum(f.share for f in focus)
        spoken = sum(f.share for f in focus if f.credit(paper.terms))
        return bool(total) and spoken < SPOKEN_SHARE * total

    def side_by_side(
        self,
        docs: list[int],
        skip: set[tuple[int, int]] = frozenset(),
        preferred: dict[int, Choice] | None = None,
    ) -> list[Choice]:
        """The best sentence of each paper (but those in `skip`; the `preferred` one where
        given), labelled with its name, in the order given. An untitled paper has no name: its
        citation number tells it apart, where "(untitled)" and its opening words would only
        crowd the line."""
        chosen = []
        for doc in docs:
            best = (
                [preferred[doc]] if preferred and doc in preferred else self.ranked(doc, skip)[:1]
            )
            if best:
                title = self.engine.papers.title(doc)
                chosen.append(_labelled(best[0], _short_name(title) if title else None))
        return chosen

    def with_versions(self, choices: list[Choice]) -> tuple[list[Choice], list[str]]:
        """Versions of a cited paper: say so, and where they disagree, quote both. A version
        whose best sentence speaks to less of the question than the one quoted does not
        disagree: it is silent on what was asked ("MT-Bench" in one version only)."""
        papers = self.engine.papers
        notes: list[str] = []
        out = list(choices)
        cited = {c.doc for c in choices}
        for choice in choices:
            versions = papers.versions(choice.doc)
            if len(versions) < 2:
                continue
            notes.append(
                f"“{papers.heading(choice.doc)}” has {len(versions)} versions in this collection."
            )
            for other in versions:
                if other in cited:
                    continue
                theirs = self.ranked(other)[:1]
                if (
                    theirs
                    and not _similar(theirs[0], choice)
                    and self.question.coverage(theirs[0].terms)
                    >= self.question.coverage(choice.terms)
                ):
                    out.insert(out.index(choice) + 1, _labelled(theirs[0], choice.label))
                    cited.add(other)
                    notes.append("Its versions say different things here; both are quoted.")
        return out, list(dict.fromkeys(notes))

    # -- the whole answer ---------------------------------------------------------------------

    def trigger(self, lead: PaperCandidate) -> Trigger:
        q = self.question
        if q.kind == "compare" or q.continues == "compare" or asks_what_named_is(q, lead):
            return named_answer()
        features, cannot = self.evidence(lead)
        given = self.given(lead)
        trigger = decide(features, self.weights.trigger, cannot, given)
        if given and not (trigger.answer or cannot) and self.counts_asked(lead.doc):
            # "How many patients were included?" of a paper saying "19 patients were treated":
            # its figure for what is counted answers, whatever verb the question counts with.
            return replace(trigger, answer=True)
        return trigger

    def counts_asked(self, doc: int) -> bool:
        """Whether the paper gives a figure for what a "how many" question counts."""
        return bool(self.question.counted) and self.figure_counted(doc) is not None

    def given(self, paper: PaperCandidate) -> bool:
        """Whether the question is asked of the paper as one the reader was just given: it says
        "it" or "they" of the previous answer's papers, brings no subject of its own, and
        `paper` is one of them."""
        return (
            paper.doc in self.candidates.context
            and self.question.kind not in ("list", "compare", "more")
            and not self.chooses_lead()
        )

    def evidence(self, paper: PaperCandidate) -> tuple[dict[str, float], bool]:
        """What the trigger weighs for the paper, and whether the paper cannot answer the
        question whatever the trigger says (see triggering.cannot_answer)."""
        table = self.table(paper.doc)
        features = trigger_features(self.engine, self.candidates, paper, table)
        return features, cannot_answer(self.question, paper.terms, table)

    def compose(self, shown: set[tuple[int, int]]) -> Answer:
        q = self.question
        if q.said:
            return abstention(self.engine, q, [], 0.0, said=q.said)
        if q.whole_abstract and self.pointed():
            return self.whole_abstract(self.pointed()[0])
        if q.kind == "compare" and q.newest_first:
            return self.compared_by_date()
        if q.authorship:
            # "Who wrote it?", "Who wrote them?" after a list: the records answer, not each
            # abstract.
            written = self.written_by(shown)
            if written is not None:
                return written
        each = self.asked_of_each()
        if each:
            return self.compose_each(each)
        continues_list = q.kind == "more" and q.continues == "list"
        listed = {doc for doc, _ in shown} if continues_list else set()
        # A list of words no abstract uses ("Which papers study citations?") has a topic,
        # which no paper is on; only one with no words of its own lists every paper.
        topicless = not (q.concepts or q.named)
        if topicless and ((q.kind == "list" and not q.refers_back) or continues_list):
            return self.topicless_list(listed)
        if continues_list:
            rest = [p for p in self.candidates.papers if p.doc not in listed]
            if q.ranks_papers:
                rest = [p for p in rest if self._gives_figure(p)]
            following = rest[0] if rest else None
            chosen = None if following is None else (following, self.trigger(following))
        else:
            chosen = self.lead(shown)
        # "Tell me more" that finds nothing more says so, rather than that nothing answers: a
        # list with no further paper as good, a paper with no sentence left.
        exhausted = (NO_MORE_PAPERS if continues_list else NOTHING_MORE) if q.skips_shown else None
        if chosen is None:
            if q.asked_of_others and not exhausted:
                return abstention(self.engine, q, [], 0.0, said=NO_OTHER_PAPERS)
            if q.author and not exhausted:
                said = NONE_AUTHORED.format(author=q.author)
                return abstention(self.engine, q, [], 0.0, said=said)
            return abstention(self.engine, q, self._suggested(exhausted), 0.0, said=exhausted)
        lead, trigger = chosen
        if not trigger.answer:
            if continues_list:
                return abstention(self.engine, q, [], trigger.confidence, said=NO_MORE_PAPERS)
            if q.asked_of_others:
                said = NO_OTHER_PAPERS
                return abstention(self.engine, q, self.closest(), trigger.confidence, said=said)
            about = [lead.doc] if lead.doc in self.pointed() else []
            return abstention(self.engine, q, self.closest(lead), trigger.confidence, about)
        matched = None
        notes: list[str] = []
        silent: list[int] = []
        if q.kind == "list" or continues_list:
            choices, qualifying = self.list_choices(listed)
            if qualifying > len(listed) + len(choices):
                matched = qualifying
        elif q.kind == "compare":
            # A paper whose abstract cannot answer is said to, not quoted for what it does say.
            compared = self.compared()
            if len(compared) == 1:
                # "Is it better than MiniLLM?" after MiniPLM, the paper that name finds too.
                said = ONE_COMPARED.format(title=self.engine.papers.heading(compared[0]))
                return abstention(self.engine, q, [], trigger.confidence, compared, said)
            silent = [d for d in compared if self.cannot_say(d)]
            if silent and len(silent) == len(compared):
                said = NONE_COMPARED.format(count=len(compared))
                return abstention(self.engine, q, compared, trigger.confidence, silent, said)
            choices = self.side_by_side([d for d in compared if d not in silent])
            notes = [NOT_SAID_BY.format(title=self.engine.papers.heading(d)) for d in silent]
        elif q.continues == "compare":
            # "Tell me more" after a comparison goes on with each paper, side by side.
            choices = self.side_by_side(self.compared(), shown)
        else:
            choices = self.best_sentences(lead.doc, shown)
        if not choices:
            if q.dated and not exhausted:
                said = NONE_DATED.format(period=_period(q.dated))
                return abstention(self.engine, q, [], trigger.confidence, said=said)
            if q.besides and not exhausted:
                closest = self.closest()
                return abstention(self.engine, q, closest, trigger.confidence, said=NO_OTHER_PAPERS)
            suggested = self._suggested(exhausted)
            return abstention(self.engine, q, suggested, trigger.confidence, said=exhausted)
        if matched is not None:
            notes.append(SO_FAR.format(shown=len(listed) + len(choices), matched=matched))
        elif q.counts_papers:
            count = len(choices)
            notes.append(f"{count} {'paper matches' if count == 1 else 'papers match'} closely.")
        if q.ranks_papers and len(choices) > 1:
            notes.append(RANKED_BY_READER)
        if q.dated and q.kind in ("list", "more"):
            notes.append(DATED_AS_ASKED.format(period=_period(q.dated)))
        if q.author and q.kind in ("list", "more"):
            notes.append(AUTHORED_AS_ASKED.format(author=q.author))
        if q.like is not None and q.kind == "list":
            words = ", ".join(c.word for c in q.concepts)
            notes.append(LIKE_PAPER.format(title=self.engine.papers.heading(q.like), words=words))
        if q.newest_first and q.kind in ("list", "more"):
            dated = any(self.newest_date(c.doc) for c in choices)
            notes.append(NEWEST_FIRST if dated else NO_DATES)
        lines = q.kind in ("list", "compare") or q.continues in ("list", "compare")
        answer = self.finish(choices, notes, trigger.confidence, lines, lead)
        answer.matched_papers = matched
        # A paper compared that does not say is still one of "them" in the next question.
        answer.about = [self.engine.papers.ids[d] for d in silent]
        return answer

    def topicless_list(self, listed: set[int]) -> Answer:
        """The papers a list with no topic asks for: those its date or author chooses ("Which
        papers are from 2023?", "What did Hinton write?"), or all of them ("Which paper is the
        newest?", "List all papers"), newest first (in the collection's order when the records
        give no dates), each quoted where it puts its own work forward, but those in `listed`
        (shown by the list this one continues)."""
        q = self.question
        store = self.engine.papers
        written = dict(store.live_values("dates"))
        authors = dict(store.live_values("authors")) if q.author else {}
        seen: set[int] = set()
        authored = False
        papers: list[tuple[DateKey | None, int]] = []
        for doc in written:
            versions = store.versions(doc)
            if versions[0] in seen:
                continue  # another version of a paper already held
            seen.add(versions[0])
            if q.author and not lists_author(authors[doc], q.author):
                continue
            authored = True
            dates = _readable_dates(written.get(v) for v in versions)
            if q.dated is None or self._in_period(dates):
                papers.append((max(dates, default=None), doc))
        if q.author and not authored:
            said = NO_PAPER_AUTHORED.format(author=q.author)
            return abstention(self.engine, q, [], 0.0, said=said)
        dated = any(date for date, _ in papers)
        if q.dated and not dated:
            said = NO_PAPER_DATED.format(period=_period(q.dated))
            return abstention(self.engine, q, [], 0.0, said=said)
        if q.newest_first and not dated:
            return abstention(self.engine, q, [], 0.0, said=NO_DATES_AT_ALL)
        # Undated papers come last; papers of one date stay in the collection's order.
        papers.sort(key=lambda pair: (pair[0] or UNDATED, -pair[1]), reverse=True)
        rest = [
            doc
            for _, doc in papers
            if doc not in listed and q.besides.isdisjoint(store.versions(doc))
        ]
        if not rest:
            if q.author and q.besides:  # "What else did Devlin write?"
                said = NO_OTHER_AUTHORED.format(author=q.author)
                return abstention(self.engine, q, [], 0.0, said=said)
            return abstention(self.engine, q, [], 0.0, said=NO_MORE_PAPERS)
        choices = [c for doc in rest[:MAX_LIST_PAPERS] for c in self._own_work(doc)]
        shown = len(papers) - len(rest) + len(choices)
        notes = [SO_FAR.format(shown=shown, matched=len(papers))] if shown < len(papers) else []
        if q.dated:
            notes.append(DATED_AS_ASKED.format(period=_period(q.dated)))
        if q.author:
            notes.append(AUTHORED_AS_ASKED.format(author=q.author))
        if dated:
            notes.append(NEWEST_FIRST)
        choices, version_notes = self.with_versions(choices)
        answer = assemble(self.engine, q, choices, notes + version_notes, 1.0, True)
        answer.matched_papers = len(papers) if shown < len(papers) else None
        return answer

    def _own_work(self, doc: int) -> list[Choice]:
        """The paper's best sentence putting its own work forward, or, when none does (an
        encyclopedia entry), its opening sentence: with no topic to weigh, the form alone tells
        its sentences apart."""
        ranked = self.ranked(doc)
        table = self.table(doc)
        typed = {table.positions[r] for r in np.flatnonzero(table.typed)}
        opening = min(ranked, key=lambda c: c.sentence, default=None)
        return [next((c for c in ranked if c.sentence in typed), opening)] if opening else []

    def whole_abstract(self, doc: int) -> Answer:
        """Every sentence of the paper's abstract, in its order, each with its citation."""
        papers = self.engine.papers
        abstract = papers.abstract(doc)
        choices = [
            Choice(doc, i, abstract[span.start : span.end], 0.0, frozenset())
            for i, span in enumerate(self.engine.sentences(doc))
        ]
        count = len(papers.versions(doc))
        notes = [VERSION_SHOWN.format(title=papers.heading(doc), count=count)] if count > 1 else []
        return assemble(self.engine, self.question, choices, notes, 1.0, False)

    def compose_each(self, papers: list[PaperCandidate]) -> Answer:
        """The answer to a question asked of each of several papers: the best sentence of each
        paper whose abstract answers it with at least even odds, one line each (two sentences
        when only one does), with a note of how many did. When none does so clearly, the answer
        leans on the likeliest as a weak match; when none answers at all, it says so."""
        q = self.question
        judged = [(p, self.trigger(p)) for p in papers]
        # A paper giving a figure for what a "how many" question counts ("trained on 60
        # languages") answers it, whatever verb the question counts with ("cover"): that
        # sentence is its answer.
        figures = {
            p.doc: figure
            for p, _ in judged
            if q.counted and (figure := self.figure_counted(p.doc)) is not None
        }
        answering = [(p, t) for p, t in judged if t.answer or p.doc in figures]
        clear = [(p, t) for p, t in answering if t.confidence >= WEAK_BELOW or p.doc in figures]
        lead, trigger = max(clear or answering or judged, key=lambda pair: pair[1].confidence)
        if not answering:
            said = NO_ANSWER_AMONG.format(count=len(papers))
            asked_of = [p.doc for p in papers]
            return abstention(
                self.engine, q, self.closest(lead), trigger.confidence, asked_of, said=said
            )
        notes = []
        if len(clear) > 1:
            choices = self.side_by_side([p.doc for p, _ in clear], preferred=figures)
        else:
            choices = self.best_sentences(lead.doc, set())
            if lead.doc in figures:
                figure = figures[lead.doc]
                rest = [c for c in choices if c.sentence != figure.sentence]
                choices = [figure, *rest][:MAX_SENTENCES]
        if clear and len(clear) < len(papers):
            notes.append(
                f"{len(clear)} of the {len(papers)} papers cited before "
                f"{'speaks' if len(clear) == 1 else 'speak'} clearly to this."
            )
        # A figure for what is counted is no weak match, however the question's words fare.
        weak = False if any(p.doc in figures for p, _ in clear) else None
        return self.finish(choices, notes, trigger.confidence, len(clear) > 1, lead, weak)

    def finish(
        self,
        choices: list[Choice],
        notes: list[str],
        confidence: float,
        lines: bool,
        lead: PaperCandidate,
        weak: bool | None = None,
    ) -> Answer:
        """The answer quoting `choices` (with the versions of the papers cited), marked as a
        weak match with the closest other papers when `weak`, or else when the confidence is
        low."""
        choices, version_notes = self.with_versions(choices)
        if self.question.judges_papers:
            notes = [*notes, FINDINGS_NOT_RANKED]
        answer = assemble(
            self.engine, self.question, choices, notes + version_notes, confidence, lines
        )
        if confidence < WEAK_BELOW if weak is None else weak:
            cited = {c.doc for c in choices}
            others = [d for d in self.closest(lead) if d not in cited]
            answer.weak = True
            answer.see_also = [reference(self.engine, d) for d in others[:SEE_ALSO]]
        return answer

    def written_by(self, shown: set[tuple[int, int]]) -> Answer | None:
        """The answer to who wrote the paper asked about: its abstract does not say (abstracts
        do not name their authors), its record in the collection lists them. The paper is the
        one the question names or refers to, or the one it is about, were the answer to lean on
        it. None when that record lists no one: "Who wrote Hamlet?" of an encyclopedia is
        answered by a sentence ("written by William Shakespeare")."""
        papers = self.engine.papers
        pointed = [p for p in map(self.candidates.of, self.pointed()) if p is not None]
        docs, confidence = [p.doc for p in self.one_version_each(pointed)], 1.0
        chosen = None if docs else self.lead(shown)
        if chosen is not None:
            # "Who wrote the paper on capsules?": whether the paper names anyone does not
            # matter here, the record answers.
            trigger = decide(chosen[1].features, self.weights.trigger, cannot=False)
            if not trigger.answer:
                return None
            docs, confidence = [chosen[0].doc], trigger.confidence
        listed = [(doc, papers.authors.optional(doc)) for doc in docs[:MAX_LIST_PAPERS]]
        if not any(authors for _, authors in listed):
            return None
        if len(listed) == 1:
            return abstention(self.engine, self.question, [], confidence, about=docs[:1])
        # "Who wrote them?" of several papers: each one's record.
        said = " ".join(
            [NO_AUTHORS_NAMED]
            + [
                (WRITTEN_BY if authors else NO_AUTHORS_LISTED).format(
                    title=papers.heading(doc), authors=authors
                )
                for doc, authors in listed
            ]
        )
        about = [doc for doc, _ in listed]
        return abstention(self.engine, self.question, [], confidence, about, said=said)

    def compared_by_date(self) -> Answer:
        """ "Which one is more recent?" after a comparison: the papers compared, newest first, by
        the dates their records give (an abstract seldom says when it was written)."""
        papers = self.engine.papers
        compared = self.compared()
        newest = {doc: self.newest_written_date(doc) for doc in compared}
        if not any(newest.values()):
            said = NO_DATES_COMPARED
        else:
            ordered = sorted(
                compared, key=lambda doc: newest[doc][0] if newest[doc] else UNDATED, reverse=True
            )
            said = COMPARED_BY_DATE.format(
                dated="; ".join(
                    f"“{papers.heading(doc)}” ({newest[doc][1] if newest[doc] else 'no date'})"
                    for doc in ordered
                )
            )
        # The papers are listed below, to be opened.
        return abstention(self.engine, self.question, compared, 1.0, compared, said=said)

    def newest_written_date(self, doc: int) -> tuple[DateKey, str] | None:
        """The newest date the records of the paper's versions give, and as it is written."""
        written = (self.engine.papers.dates.optional(v) for v in self.engine.papers.versions(doc))
        return max(
            ((key, text) for text in written if text for key in _readable_dates([text])),
            default=None,
        )

    def pointed(self) -> list[int]:
        """The papers the question is about: those it names, or for "it" and "they" those of
        the previous answer."""
        q = self.question
        return q.named_docs or (self.candidates.context if q.refers_back else [])

    def _suggested(self, exhausted: str | None) -> list[int]:
        """The papers an abstention suggests: none when "tell me more" has run out."""
        return [] if exhausted else self.closest()

    def closest(self, lead: PaperCandidate | None = None) -> list[int]:
        """The papers to suggest beside an abstention or a weak answer; those the question
        pointed at come first. When the answer leans on one of those (asked of the paper it
        names, or of the previous answer's), only those: other papers are no answer to that. A
        list of other papers suggests none of those it leaves out."""
        candidates = self.candidates
        pointed = [d for d in self.pointed() if candidates.of(d) is not None]
        others = [] if lead is not None and lead.doc in pointed else candidates.docs
        closest: list[int] = []
        seen: set[int] = set(self.question.besides)
        for doc in pointed + others:
            if doc not in seen:  # one entry per paper, whichever of its versions comes first
                closest.append(doc)
                seen.update(self.engine.papers.versions(doc))
        return closest


def compose(
    engine: Engine,
    candidates: Candidates,
    weights: FittedWeights,
    shown: set[tuple[int, int]],
) -> Answer:
    """The answer for the candidates; `shown` holds (doc, sentence) pairs not to quote again:
    those the conversation quoted, for "tell me more", or those an earlier part of the same
    question quoted."""
    return Composer(engine, candidates, weights).compose(shown)


def abstention(
    engine: Engine,
    question: Question,
    papers: Iterable[int],
    confidence: float,
    about: Sequence[int] = (),
    said: str | None = None,
) -> Answer:
    """The answer saying the collection does not answer; `about`: the papers the question asked
    about, whose abstracts were read and do not say; `said`: another reason to give."""
    if said is None and len(about) == 1:
        said = NO_ANSWER_IN.format(title=engine.papers.heading(about[0]))
        # What the record says instead ("When was X published?"), or else which words of the
        # question no abstract uses.
        more = _on_record(engine, question, about[0]) or _unused_words(question)
        said = f"{said} {more}" if more else said
    elif said is None:
        unused = _unused_words(question)
        said = f"{NO_ANSWER} {unused}" if unused else NO_ANSWER
    return Answer(
        question=question.text,
        kind=question.kind,
        abstained=True,
        answer=said,
        sentences=[],
        citations=[],
        see_also=[reference(engine, doc) for doc in list(papers)[:SEE_ALSO]],
        confidence=round(confidence, 4),
        about=[engine.papers.ids[doc] for doc in about],
    )


def assemble(
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
        if choice.doc not in numbers:
            # A quote is a slice of the stored abstract: its bytes are checked before use.
            engine.papers.check_abstract(choice.doc)
            numbers[choice.doc] = len(numbers) + 1
            citations.append(
                Citation(n=numbers[choice.doc], **reference(engine, choice.doc).model_dump())
            )
        n = numbers[choice.doc]
        sentences.append(
            AnswerSentence(
                text=choice.text,
                doc_id=engine.papers.ids[choice.doc],
                title=engine.papers.heading(choice.doc),
                sentence_index=choice.sentence,
                score=round(choice.score, 4),
                citation=n,
            )
        )
        quoted = f"{choice.text} [{n}]"
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
        notes=notes,
        confidence=round(confidence, 4),
    )


def _unused_words(question: Question) -> str | None:
    """The question's words that no abstract uses, which may be why it goes unanswered (or a
    slip of the keyboard the reader can mend): names and specialist terms first."""
    unused = [c for c in question.concepts if not c.known]
    unused.sort(key=lambda c: not (c.entity or c.specialist))
    words = list(dict.fromkeys(c.word for c in unused))
    if not words:
        return None
    quoted = [f"“{w}”" for w in words[:UNUSED_WORDS_SHOWN]]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
    return f"No abstract here uses the word{'s' if len(quoted) > 1 else ''} {listed}."


def _on_record(engine: Engine, question: Question, doc: int) -> str | None:
    """What the paper's record in the collection says to a "when" or "who" question its
    abstract does not answer: its date, or its authors."""
    if question.form == "when":
        date = engine.papers.dates.optional(doc)
        return f"Its record in the collection is dated {date}." if date else None
    if question.form == "who":
        authors = engine.papers.authors.optional(doc)
        if authors:
            return f"Its record in the collection lists {authors}."
        # "Who wrote it?" of a record naming no one: neither says.
        return NO_AUTHORS_ON_RECORD if question.authorship else None
    return None


def reference(engine: Engine, doc: int) -> Reference:
    papers = engine.papers
    sources = papers.sources(doc)
    return Reference(
        doc_id=papers.ids[doc],
        title=papers.heading(doc),
        date=papers.dates.optional(doc),
        source=", ".join(dict.fromkeys(display_path(s.path) for s in sources)),
        authors=papers.authors.optional(doc),
        url=papers.urls.optional(doc),
        version=version_label(engine, doc),
    )


def version_label(engine: Engine, doc: int) -> str | None:
    """ "v2 of 3, Mar 14" for a paper with several versions in the collection: its place among
    them and what sets it apart: its date where the dates differ, else where it was read."""
    papers = engine.papers
    versions = papers.versions(doc)
    if len(versions) < 2:
        return None
    dates = [papers.dates.optional(v) for v in versions]
    if len(set(dates)) == len(dates):
        differs = dates[versions.index(doc)] or "no date"
    else:
        files = [[display_path(s.path) for s in papers.sources(v)] for v in versions]
        first = papers.sources(doc)[0]
        differs = display_path(first.path)
        if len({tuple(f) for f in files}) < len(files):
            differs += f", line {first.line}"
    return f"v{versions.index(doc) + 1} of {len(versions)}, {differs}"


def _missing_entities(question: Question, paper: PaperCandidate) -> list[str]:
    """The question's name-like words that the paper never mentions."""
    return [c.word for c in question.concepts if c.entity and not c.in_terms(paper.terms)]


def _readable_dates(texts: Iterable[str | None]) -> list[DateKey]:
    """The dates among records' date fields that can be read."""
    keys = (date_key(text or None) for text in texts)
    return [key for key in keys if key is not None]


def _period(dated: tuple[str, str, DateKey]) -> str:
    """ "Mar 14" for a question asking "from Mar 14", "since 2022" for one asking so."""
    relation, written, _ = dated
    return f"{relation} {written}" if relation in ("since", "after", "before") else written


def _labelled(choice: Choice, label: str | None) -> Choice:
    return Choice(choice.doc, choice.sentence, choice.text, choice.score, choice.terms, label)


def _similar(a: Choice, b: Choice) -> bool:
    ta = {t for t in a.terms if t >= 0}
    tb = {t for t in b.terms if t >= 0}
    if not ta or not tb:
        return a.text == b.text
    return len(ta & tb) / len(ta | tb) >= SAME_SENTENCE


def _short_name(title: str) -> str:
    return system_name(title) or title
