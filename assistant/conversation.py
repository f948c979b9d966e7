"""Conversation: questions answered in the context of the previous answers.

"it", "they", "this paper", "its" mean the papers cited in the previous answer; "the second one",
"the first two", "paper 3", "[1] and [3]" or "the latter" pick among them by their numbers;
"tell me more" continues with the next best sentences; "any others?" asks the previous question
of the papers not cited for it yet; "and X?" asks the previous question of
the paper X names (or X of the previous papers: "and the code?", as does "Is the code
available?" when they mention code); "compare it with X" compares them with X, and "compare
them" or "compare the first two" compares the papers picked. The chat and `assistant ask
--session` share this logic.
"""

from __future__ import annotations

import dataclasses
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from assistant.answering.answer import Answer, joined
from assistant.answering.authors import AuthorIndex
from assistant.answering.candidates import gather
from assistant.answering.composition import compose
from assistant.answering.forms import (
    AUXILIARY,
    COMPARE,
    as_asked_of_previous,
    as_choice_between_given,
    as_request_of_previous,
    asked_anew,
    asks_for_others,
    asks_how_they_differ,
    asks_measure_by_name,
    asks_which_is_better,
    aspect_only,
    bare_question_word,
    date_asked,
    name_after_by,
    only_asks_for_others,
    refers_to_previous,
    similar_asked,
    two_questions,
    uncontracted,
    with_referent,
    writers,
)
from assistant.answering.glossary import EMPTY, Glossary, default_glossary
from assistant.answering.naming import NameIndex
from assistant.answering.question import Question, dated_period, read_question
from assistant.answering.spelling import with_form_words_spelt
from assistant.answering.weights import FittedWeights, fitted_weights
from retrieval.engine import Engine
from retrieval.errors import InputError

# "What else did Devlin write?": besides what was just spoken of.
_ELSE = re.compile(r"\belse\b", re.I)
# "They" (standing for nothing the question introduces), "both", "each", "which one": a follow-up
# about every paper of the previous answer.
_THEY = re.compile(r"\b(they|them|their|theirs)\b", re.I)
_BOTH = re.compile(r"\b(both|each|which one)\b", re.I)
# "It" beside "they" after a list: what the list was about.
_IT = re.compile(r"\bit\b", re.I)
# What each paper found: the answer to which of several papers is better.
FINDINGS_OF_THEM = "What did they find?"
COMPARE_THEM = "Compare them"
# Papers of the previous answer by their numbers: "the second one", "the last paper", "the
# first and third", "the first two", "papers 1 and 3", "[2]".
_ORDINALS = "first second third fourth fifth sixth seventh eighth".split()
_SUFFIXES = "st nd rd th th th th th".split()
_PLACES = {word: n for n, word in enumerate(_ORDINALS, start=1)} | {
    f"{n}{suffix}": n for n, suffix in enumerate(_SUFFIXES, start=1)
}
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_PLACE = rf"(?:{'|'.join(_PLACES)}|last)"
_PAPER = r"(?:one|ones|paper|papers|work|works|study|studies|article|articles)"
_AND = r"(?:,? and|,|&)"
# Without "papers" after it, "the first two" picks papers only at the end of a clause or before
# a verb asked of them, not in "the first two stages"; "the first one to ..." describes a paper
# rather than picks one.
_PICK_ENDS = (
    rf"(?: {_PAPER}\b|(?=\s*(?:[?.!,;:)]|$|(?:differ|compare|contrast|do|does|did|say|says|"
    r"propose|report|use|have|has|share|agree|find|found|show|conclude)\b)))"
)
_BY_NUMBER = re.compile(
    rf"\bthe (?P<places>{_PLACE}(?:{_AND} (?:the )?{_PLACE})+){_PICK_ENDS}"
    rf"|\bthe (?P<place>{_PLACE}) {_PAPER}\b(?!\s+(?:to|that|which|who|whose)\b)"
    rf"|\bthe (?P<alone>{_PLACE}|former|latter)(?=\s*[?.!]*\s*$)|\bthe (?P<pronoun>former|latter)\b"
    rf"|\bthe (?P<end>first|top|last) (?P<count>two|three|four|five|six|seven|eight|[2-8])"
    rf"{_PICK_ENDS}"
    rf"|(?:\b(?:papers?|references?)\s+|(?=\[))"
    rf"(?P<numbers>\[?\d+\]?(?:{_AND}\s*\[?\d+\]?)*)(?![\w.])",
    re.I,
)
# "And BlockLLM?", "What about TinyStories?": the previous question, asked of another paper.
_ABOUT_ANOTHER = re.compile(
    r"^\s*(?:and|(?:what|how) about)\s+(?:for\s+|with\s+)?"
    r"(?!(?:what|how|why|when|where|who|which|is|are|does|do|did|can)\b)"
    r"(?P<subject>[^?.!]{1,80}?)\s*[?.!]*\s*$",
    re.I,
)
# "How many parameters?", "Which GPUs?", "What datasets?": a question of one or two words
# after its opening, and no verb, has no subject of its own ("What is quantization?" has one).
# Nor has one whose verb is a passive saying by whom or where nothing was done: "How many
# patients were included?", "Which optimizer was used?" (not "... used in LongWriter?"), nor one
# asking what there is: "What sizes are there?", "How many variants are there?".
_FRAGMENT = re.compile(
    r"^\s*(?:how many|how much|which|what)"
    rf"(?:\s+(?!(?:{AUXILIARY}|be)\b)[\w'-]+){{1,2}}"
    r"(?:\s+(?:is|are|was|were)\s+(?:\w+ly\s+)?(?:\w+ed|\w+en|built|made|run|set|spent|kept|"
    r"held|done|sent|there))?\s*[?.!]*\s*$",
    re.I,
)
# "The code", "its limitations": what the words name belongs to something already spoken of.
_DETERMINED = re.compile(r"\s*(?:the|its|their|this|these|that|those)\b", re.I)
# "Is the code available?", "What is the learning rate?": a short question whose subject is "the
# X" asks for the X of what was just spoken of, when that speaks of X (the two words after "the",
# short of a participle: "When was the ogive tested?" is about the ogive, whoever tested things).
_THE = re.compile(
    r"\bthe\s+(?P<words>[\w-]+(?:\s+(?!(?:\w+[^\We]ed|built|made|run|set|spent|kept|held|done|"
    r"sent|found|given|taken|shown|written|chosen)\b)[\w-]+)?)",
    re.I,
)
# At most this many ideas: a longer question says what it is about.
SHORT_QUESTION_CONCEPTS = 2
# The words that say what a paper is about, for papers like it: its most distinctive ones.
TOPIC_WORDS = 8
# A word in more than this share of the papers says nothing of any one topic.
COMMON_SHARE = 0.2
# "Similar to it", "like this one": the paper spoken of.
_BACK = re.compile(r"(?:it|this|that|them|this one|that one|this paper|that paper)", re.I)
# "Which paper has the largest model?", "Is there a study on the effect?": asks for a paper,
# which can be one of the previous answer's only when it cites several to choose from.
_CHOOSES_A_PAPER = re.compile(
    r"\b(?:which|what|any|a|an|some)\s+(?:paper|work|study|article)s?\b", re.I
)
# A pronoun after these is the subject: "how do they differ", not "compare them".
_AUXILIARY = re.compile(rf"\b{AUXILIARY}\s*$", re.I)
NO_SUCH_PAPER = "The previous answer cites {count} papers: pick one by its number, 1 to {count}."
ONLY_ONE_PAPER = "The previous answer lists only one paper."
ONE_PAPER_CITED = "The previous answer cites only one paper."
NOTHING_TO_CONTINUE = "There is no earlier answer to go on with: ask a question first."
ASK_OF_ONE = "Ask that of one paper of the list: “Why does the first one work?”."
ONE_TO_COMPARE = "There is one paper to compare so far: name the other (“Compare it with X”)."
NOTHING_TO_COMPARE = "There are no papers to compare yet: name them (“Compare X and Y”)."
NO_OTHER_LISTED = "Every paper of the list has been asked about."
OTHERS_AFTER_COMPARISON = (
    "A comparison has no further papers to go on with: ask for the papers on its topic "
    "(“Which papers study X?”)."
)
NOTHING_TO_REFER = "No earlier answer cites a paper for “it” to stand for: ask about a paper first."
NAME_ONE = "The previous answer cites {count} papers: name the one you mean."
NAME_THE_PAPER = "Say whose abstract to show: “Show me the abstract of Splitwise”."
NOTHING_TO_NAME = "The paper of the previous answer has no title for “it”: say what you mean."
# A greeting, thanks or a call for help asks nothing of the papers: the answer says how to ask.
_SMALL_TALK = re.compile(
    r"\s*(?:hi|hello|hey|thanks|thank you|thx|ok|okay|bye|goodbye|help|what can you do|"
    r"what do you do|who are you|how do i use (?:this|you))?\s*[.!?]*\s*",
    re.I,
)
# "Are you sure?", "Is that right?": doubt about the answer, which the abstract itself settles.
_DOUBT = re.compile(
    r"\s*(?:are you (?:sure|certain)|really|is (?:that|this) (?:right|correct|true)|"
    r"that'?s (?:wrong|not right|incorrect)|you'?re wrong)\s*[.!?]*\s*",
    re.I,
)
CHECK_THE_ABSTRACT = (
    "Every answer quotes the abstracts word for word: “show me the full abstract” gives the "
    "cited paper's whole abstract, to read the sentences in their place."
)
HOW_TO_ASK = (
    "Ask about the papers in plain English: what a paper proposes, how it works, what it "
    "found, or which papers study a topic."
)
# "How many papers are there?", "List all papers", "What is in this collection?": a question
# about the collection itself, which no abstract answers and its index does.
_ABOUT_COLLECTION = re.compile(
    r"\s*(?:how many (?:papers|abstracts|documents|articles)(?: are there| do you have|"
    r" (?:are|is) (?:there )?(?:in|here))?(?: (?:in )?(?:the|this|your) (?:collection|corpus|"
    r"database|index))?|what(?:'s| is) in (?:the|this|your) (?:collection|corpus|database|index)"
    r"|what(?:'s| is) (?:the|this|your) (?:collection|corpus|database|index) about"
    r"|(?:summari[sz]e|describe) (?:the|this|your) (?:collection|corpus|database|index))"
    r"\s*[.?!]*\s*",
    re.I,
)
# "How many are there?" after a list: how many papers it matched.
_HOW_MANY_LISTED = re.compile(
    r"\s*how many (?:(?:of them|papers|ones)\s+)?(?:are there|is that|(?:did|do) you find|"
    r"(?:are|were) (?:listed|found|there))?\s*[.?!]*\s*",
    re.I,
)
LISTED_COUNT = "{count} papers match this list's question closely."
LISTED_SO_FAR = "{count} papers match this list's question; the list so far shows {shown}."
COLLECTION_SIZE = (
    "This collection holds {papers} papers, with {sentences} sentences in their abstracts. "
    "Ask which papers study a topic to see those on it."
)
# "Which one is the most recent?" (or "newer", "the oldest"), "Sort them by date": after a list,
# that list, newest first; after a comparison, the papers compared, by their records' dates.
_WHICH_OF_THEM = r"(?:which|what)(?:\s+one|\s+of\s+them|\s+paper)?\s+"
_NEWEST_OF_THEM = re.compile(
    rf"\s*(?:and\s+)?(?:{_WHICH_OF_THEM}(?:is|was|are|were)\s+(?:the\s+)?(?:newest|latest|"
    r"most\s+recent|newer|more\s+recent|older|oldest|earlier|earliest)"
    rf"|{_WHICH_OF_THEM}(?:came(?:\s+out)?|appeared|was\s+(?:published|written))\s+"
    r"(?:first|earlier|later|last|more\s+recently)"
    r"|(?:sort|order|rank)\s+them\s+by\s+(?:date|recency))"
    r"(?:\s+(?:one|of\s+them|papers?))?\s*[.!?]*\s*",
    re.I,
)
NO_AUTHORS = (
    "The records of this collection name no authors: papers cannot be chosen by who wrote them."
)
# Longer input is not a question; it is refused at once rather than analysed for seconds.
MAX_QUESTION_CHARS = 2000


@dataclass
class Turn:
    question: str
    answer: Answer


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    def last_answered(self, asking: bool = False) -> Turn | None:
        """The latest turn that was answered; with `asking`, the latest that asked something of
        its own (not "tell me more")."""
        for turn in reversed(self.turns):
            if not turn.answer.abstained and not (asking and turn.answer.kind == "more"):
                return turn
        return None

    def last_referred(self) -> Turn | None:
        """The latest turn with papers for "it" to mean: one that was answered, or that said
        the abstracts of the papers it was asked of do not answer."""
        for turn in reversed(self.turns):
            if turn.answer.referred_ids:
                return turn
        return None

    def recent_leads(self, count: int) -> list[str]:
        """The papers the latest answers were each about (their first citations, or the paper
        whose abstract did not answer), newest last: "What is Redco?", "What is BlockLLM?", then
        "compare them"."""
        leads: list[str] = []
        for turn in reversed(self.turns):
            if not turn.answer.referred_ids:
                continue
            lead = turn.answer.referred_ids[0]
            if lead not in leads:
                leads.insert(0, lead)
            if len(leads) == count:
                break
        return leads

    def up_to(self, turn: Turn) -> list[Turn]:
        """The turns until `turn`, with it."""
        end = next(i for i, t in enumerate(self.turns) if t is turn)
        return self.turns[: end + 1]

    def last_citing_several(self) -> Turn | None:
        """The latest answered turn that cited two papers or more (a list, a comparison)."""
        for turn in reversed(self.turns):
            if not turn.answer.abstained and len(turn.answer.cited_ids) >= 2:
                return turn
        return None


class Assistant:
    """Answers questions about one engine's collection. `glossary` maps plain words to research
    terms (default: see answering.glossary.default_glossary); `weights` are the fitted
    parameters of the answer pipeline (default: weights.json)."""

    def __init__(
        self,
        engine: Engine,
        glossary: Glossary | None = None,
        weights: FittedWeights | None = None,
        synonyms: Glossary = EMPTY,
    ) -> None:
        self.engine = engine
        if glossary is None:
            glossary = default_glossary(engine, synonyms)
        self.glossary = glossary
        self.weights = weights if weights is not None else fitted_weights()

    @cached_property
    def names(self) -> NameIndex:
        return NameIndex(self.engine)

    @cached_property
    def authors(self) -> AuthorIndex:
        return AuthorIndex(self.engine)

    def ask(self, text: str, conversation: Conversation | None = None) -> Answer:
        """Answer `text`, and record the turn in `conversation` when one is given. A question
        asking several things of a paper it names ("What is Splitwise and what are its
        limitations?") is answered a part at a time, each later part's "it" standing for that
        paper, and the answers are joined."""
        text = check_question(text)
        conversation = conversation if conversation is not None else Conversation()
        parts = self._parts(text)
        if len(parts) == 1:
            return self._answer(text, conversation)
        scratch = Conversation(list(conversation.turns))
        answers: list[Answer] = []
        for part in parts:
            # A later part quotes what the earlier ones did not ("What is X and how does it
            # work?": how it works, beyond the sentence saying what it is).
            quoted = self._shown(Conversation(scratch.turns[len(conversation.turns) :]))
            answer = self._answer(part, scratch, quoted)
            if answer.abstained and quoted:
                # Nothing new to quote: the part as asked alone, which joining leaves out when
                # it only repeats an earlier part.
                scratch.turns.pop()
                answer = self._answer(part, scratch)
            answers.append(answer)
        answer = joined(text, answers)
        conversation.turns.append(Turn(text, answer))
        return answer

    def _parts(self, text: str) -> list[str]:
        """The questions of a question asking several things of one paper it names, each after
        the first referring back to it ("... and how much faster is it?"); the question itself
        when it asks one thing."""
        split = two_questions(text)
        if split is None or not self.read(split[0]).named:
            return [text]
        parts = [text]
        while split is not None and refers_to_previous(split[1]) and not self.read(split[1]).named:
            parts[-1:] = split
            split = two_questions(parts[-1])
        return parts

    def _answer(
        self, text: str, conversation: Conversation, quoted: set[tuple[int, int]] = frozenset()
    ) -> Answer:
        """The answer to one question; `quoted`: (paper, sentence) pairs not to quote again."""
        started = time.perf_counter()
        question, context = self.understand(text, conversation)
        read = time.perf_counter()
        candidates = gather(self.engine, question, context)
        gathered = time.perf_counter()
        shown = self._shown(conversation) if question.skips_shown else set(quoted)
        answer = compose(self.engine, candidates, self.weights, shown)
        answer.question = text  # as asked, not as read ("it" for "the second one")
        done = time.perf_counter()
        answer.timings_ms = {
            "read": round((read - started) * 1000, 2),
            "candidates": round((gathered - read) * 1000, 2),
            "compose": round((done - gathered) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        }
        conversation.turns.append(Turn(text, answer))
        return answer

    def understand(self, text: str, conversation: Conversation) -> tuple[Question, list[int]]:
        """The question read in its conversation (its form words spelt right, "what's" as "what
        is"), and the papers the previous answer cited (or those of them the question picks by
        number)."""
        question, context = self._in_conversation(self._normalised(text), conversation)
        if question.refers_back and context and question.kind not in ("compare", "list", "more"):
            # Asked of the papers just answered about, a word counts in any form they use.
            question = question.in_forms_of(self.engine, context)
        return question, context

    def _in_conversation(self, text: str, conversation: Conversation) -> tuple[Question, list[int]]:
        if _SMALL_TALK.fullmatch(text):
            return dataclasses.replace(self.read(text), said=HOW_TO_ASK), []
        if _DOUBT.fullmatch(text):
            return dataclasses.replace(self.read(text), said=CHECK_THE_ABSTRACT), []
        if _ABOUT_COLLECTION.fullmatch(text):
            summary = self.engine.summary
            sentences = f"{'about ' if summary.sentences_estimated else ''}{summary.sentences:,}"
            said = COLLECTION_SIZE.format(papers=f"{summary.documents:,}", sentences=sentences)
            return dataclasses.replace(self.read(text), said=said), []
        word = bare_question_word(text)
        if word is not None:
            return self._asked_anew(text, word, conversation)
        previous = conversation.last_referred()
        cited = previous.answer.referred_ids if previous else []
        text = as_request_of_previous(text, several=len(cited) >= 2)
        context = self._positions(cited)
        listed = previous is not None and previous.answer.kind == "list"
        if listed and previous is not None and _NEWEST_OF_THEM.fullmatch(text):
            by_date = self._list_by_date(conversation, previous)
            if by_date is not None:
                return dataclasses.replace(by_date, text=text), context
        compared = previous is not None and previous.answer.kind == "compare"
        if compared and len(context) >= 2 and _NEWEST_OF_THEM.fullmatch(text):
            # "Which one is more recent?" after a comparison: by the dates their records give.
            question = self.read(text)
            return dataclasses.replace(
                question, kind="compare", refers_back=True, newest_first=True
            ), context
        if _HOW_MANY_LISTED.fullmatch(text):
            count = self._listed_count(conversation)
            if count is not None:
                return dataclasses.replace(self.read(text), said=count), []
        if len(cited) >= 2:
            text = COMPARE_THEM if asks_how_they_differ(text) else text
            text = as_choice_between_given(text)
            if asks_which_is_better(text):
                # "Which one is better?": no abstract ranks itself against the others; each
                # one's findings answer it.
                question, context = self._in_conversation(FINDINGS_OF_THEM, conversation)
                return dataclasses.replace(question, judges_papers=True), context
        picked = picked_papers(text, len(cited), listed)
        several = conversation.last_citing_several() if len(cited) < 2 else None
        if picked is None and several is not None:
            # "What did the second one find?", then "and the third?": after an answer on one of
            # them, places still pick among the papers of the last answer that cited several
            # (reference numbers, "[1]" or "paper 1", are those of the answer just given).
            earlier = several.answer.cited_ids
            by_place = picked_papers(text, len(earlier))
            if by_place is not None and not by_place.by_reference:
                picked, cited = by_place, earlier
        if picked is None and len(cited) == 1:
            # With no list to go through, "the first one" is the one paper cited, and "the
            # second one" none.
            picked = picked_papers(text, 1, listed=True)
        if picked is not None and not picked.within(len(cited)):
            only = ONLY_ONE_PAPER if listed else ONE_PAPER_CITED
            said = NO_SUCH_PAPER.format(count=len(cited)) if len(cited) > 1 else only
            return dataclasses.replace(self.read(text), said=said), []
        if picked is not None:
            context = self._positions([cited[n - 1] for n in picked.numbers])
            picked = self._picked_again(picked, conversation, len(cited)) or picked
            question = self._read_picked(picked, len(context), context)
            if question.whole_abstract:
                return self._abstract_of_previous(question, context), context
            return self._by_name(question, context), context
        asked = conversation.last_answered(asking=True)
        if only_asks_for_others(text):
            return self._other_papers(text, conversation)
        again = self._asked_of_another(text, conversation)
        if again is not None:
            return again, context
        within = self._within_listing(text, asked) or self._listing_dated(text, asked, conversation)
        if within is not None:
            return within, []
        name = name_after_by(text)
        term = self.engine.analyzer.term(name) if name is not None else None
        unused = term is not None and self.engine.index.term_id(term) < 0
        if unused and not self.authors.words:
            # "Which papers by Hinton study X?" of a collection whose records name no authors
            # (and whose abstracts never use the name).
            question = self.read(text)
            if (question.kind == "list" or writers(text)) and not question.named:
                return dataclasses.replace(question, said=NO_AUTHORS), context
        if listed and _THEY.search(text) and _IT.search(text):
            text = self._it_as_topic(text, context, conversation)
        like = similar_asked(text)
        similar = self._similar_papers(text, like, context) if like is not None else None
        if similar is not None:
            return similar
        about = self._about_previous(text, context)
        question = about or self._by_name(self.read(text), context)
        if question.author and (_ELSE.search(text) or asks_for_others(text)):
            # "What else did Devlin write?" after BERT: his papers besides BERT.
            question = dataclasses.replace(question, besides=question.besides | set(context))
        if question.whole_abstract and not question.named:
            return self._abstract_of_previous(question, context), context
        if question.kind == "list" and question.refers_back and not question.named:
            # "Which papers use it?" after "What is Dolma?": a list about what was spoken of.
            referent = self._referent(conversation)
            if isinstance(referent, str):
                return dataclasses.replace(question, said=referent), context
            return self._list_about(text, *referent), context
        compares_them = COMPARE.search(text) and _THEY.search(text) and question.kind != "baseline"
        as_typed = self.read(text) if compares_them else question
        if len(context) < 2 and compares_them and not as_typed.named:
            # "Compare them" or "How do they differ?" (which reads "they" as the paper just
            # given) after two answers on one paper each compares those two papers, as "Compare
            # them" does when it asks nothing more; "What are they compared with?" asks for
            # their baselines.
            recent = self._positions(conversation.recent_leads(2))
            if len(recent) == 2:
                compared = as_typed if as_typed.focus else self.read(COMPARE_THEM)
                return dataclasses.replace(compared, kind="compare", refers_back=True), recent
            if not question.focus:
                # "Compare them" with one paper, or none, to compare.
                said = ONE_TO_COMPARE if recent else NOTHING_TO_COMPARE
                return dataclasses.replace(question, said=said), context
        unreferred = previous is None and question.kind not in ("list", "more", "compare")
        if unreferred and question.refers_back and not (self._topical(question) or question.named):
            # "What is it?", "Summarize it", "What does it use?" before any answer: nothing for
            # "it" to stand for, and no topic of its own.
            return dataclasses.replace(question, said=NOTHING_TO_REFER), context
        # "Summarize them" of several papers: each one, as "compare them" quotes each.
        summarizes = question.kind == "definition" and not question.focus
        if question.kind == "more":
            if asked is None:
                return dataclasses.replace(question, said=NOTHING_TO_CONTINUE), context
            return self._continued(text, asked, conversation)
        elif (
            previous is not None
            and len(context) >= 2
            and (previous.answer.kind == "compare" or COMPARE.search(text) or summarizes)
            and not question.named
            and question.kind not in ("list", "more")
            and (_BOTH.search(text) or (question.refers_back and _THEY.search(text)))
        ):
            # "Do they ...?" after a comparison asks it of each paper compared; "compare them"
            # compares the papers of the previous answer, each for what it says of itself when
            # they have names.
            plain = question.kind in ("definition", "other") and not question.focus
            question = dataclasses.replace(question, kind="compare", refers_back=True)
            named = self._compared_by_name(context) if plain else None
            if named is not None:
                question = dataclasses.replace(named, text=question.text, refers_back=True)
        return question, context

    def _asked_anew(
        self, text: str, word: str, conversation: Conversation
    ) -> tuple[Question, list[int]]:
        """ "Why?", "When?" after an answer: the question it answered, asked again with that
        word ("Who discovered penicillin?", then "When?": when penicillin was discovered). A
        list gives no one reason or date: it is asked of one of its papers."""
        turn = _own_question(conversation.turns)
        if turn is None:
            return dataclasses.replace(self.read(text), said=NOTHING_TO_CONTINUE), []
        if turn.answer.kind == "list":
            return dataclasses.replace(self.read(text), said=ASK_OF_ONE), []
        if word == "how" and turn.answer.kind == "method":
            # "How?" after "What techniques does it use?" asks how again: how they work, beyond
            # what was quoted.
            return self._continued(text, turn, conversation)
        picked = picked_papers(turn.question, count=1 << 20)
        if picked is not None:
            # "What did the second one find?", then "Why?": of the paper it picked, whatever
            # the answers since have listed.
            docs = self._positions(turn.answer.referred_ids)
            anew = dataclasses.replace(picked, reading=asked_anew(picked.reading, word))
            question = self._read_picked(anew, len(docs), docs)
            return dataclasses.replace(question, text=text), docs
        question, context = self.understand(asked_anew(turn.question, word), conversation)
        return dataclasses.replace(question, text=text), context

    def _continued(
        self, text: str, asked: Turn, conversation: Conversation
    ) -> tuple[Question, list[int]]:
        """ "Tell me more": the last real question (`asked`) continued, on the papers of the
        last answer (not those of a later one saying their abstracts do not answer)."""
        answered = conversation.last_answered()
        context = self._positions(answered.answer.cited_ids) if answered else []
        earlier = self._read_earlier(asked, context, conversation)
        # The next papers of a list are quoted as its first ones were.
        form = earlier.form if earlier.kind == "list" else None
        question = dataclasses.replace(
            earlier,
            text=text,
            kind="more",
            refers_back=True,
            continues=earlier.kind,
            continued_form=form,
        )
        return question, context

    def _other_papers(self, text: str, conversation: Conversation) -> tuple[Question, list[int]]:
        """ "Any others?": after a list, its next papers, as "tell me more" gives them; after an
        answer from one paper, the question it answered, of the papers not yet cited for it
        (by it or by the "any others?" since)."""
        turns = conversation.turns
        asked = _own_question(turns)
        if asked is None:
            return dataclasses.replace(self.read(text), said=NOTHING_TO_CONTINUE), []
        start = turns.index(asked)
        among_listed = self._others_listed(text, conversation, asked)
        if among_listed is not None:
            return among_listed
        if asked.answer.kind == "list":
            return self._continued(text, asked, conversation)
        if asked.answer.kind == "compare":
            return dataclasses.replace(self.read(text), said=OTHERS_AFTER_COMPARISON), []
        earlier = self._read_earlier(asked, self._positions(asked.answer.cited_ids), conversation)
        about = self._positions(asked.answer.referred_ids)
        if earlier.refers_back and not earlier.named and len(about) == 1:
            # "How much faster is it?", then "Any others?": how much faster other papers on
            # its topic are (the words of its title besides its name).
            earlier = self.read(with_referent(asked.question, self._topic_words(about[0])))
        cited = [doc for turn in turns[start:] for doc in self._positions(turn.answer.referred_ids)]
        versions = frozenset(v for doc in cited for v in self.engine.papers.versions(doc))
        return dataclasses.replace(earlier, text=text, besides=earlier.besides | versions), []

    def _others_listed(
        self, text: str, conversation: Conversation, asked: Turn
    ) -> tuple[Question, list[int]] | None:
        """ "What about the others?" after "What does the first one do?" (or "and the third?")
        of a list: that question, of each paper of the list not yet picked. None when `asked`
        picked no paper of an earlier list."""
        listing = Conversation(conversation.up_to(asked)[:-1]).last_citing_several()
        if listing is None:
            return None
        listed = listing.answer.cited_ids
        picked = picked_papers(asked.question, len(listed))
        if picked is None or picked.by_reference:
            return None
        since = conversation.turns[conversation.turns.index(listing) + 1 :]
        taken = {doc for turn in since for doc in turn.answer.referred_ids}
        numbers = [n for n, doc in enumerate(listed, 1) if doc not in taken]
        if not numbers:
            return dataclasses.replace(self.read(text), said=NO_OTHER_LISTED), []
        rest = self._positions([listed[n - 1] for n in numbers])
        others = dataclasses.replace(picked, numbers=numbers)
        return self._read_picked(others, len(rest), rest), rest

    def _similar_papers(
        self, text: str, like: str, context: list[int]
    ) -> tuple[Question, list[int]] | None:
        """ "Which papers are similar?" after an answer on one paper, or "Which papers are
        similar to LongWriter?": a list of the papers on that paper's topic (its most
        distinctive words), itself aside. "Related to" a topic ("quantization") is a list on
        that topic, read as it is."""
        if like and not _BACK.fullmatch(like):
            named = self.read(like).named
            if len(named) != 1:
                return None
            doc = named[0].docs[0]
        else:
            papers = {min(self.engine.papers.versions(d)) for d in context}
            if len(papers) != 1:
                said = NAME_ONE.format(count=len(papers)) if papers else NOTHING_TO_REFER
                return dataclasses.replace(self.read(text), said=said), context
            doc = context[0]
        question = self.read(f"Which papers are about {' '.join(self._distinctive_words(doc))}?")
        own = frozenset(self.engine.papers.versions(doc))
        like_it = dataclasses.replace(question, text=text, besides=question.besides | own, like=doc)
        return like_it, [doc]

    def _similar_then(self, text: str, before: Turn | None) -> Question | None:
        """ "Which papers are similar?" as it was asked after `before`: the papers like the
        paper spoken of then; None for another question."""
        like = similar_asked(text)
        if like is None:
            return None
        spoken_of = self._positions(before.answer.referred_ids) if before else []
        similar = self._similar_papers(text, like, spoken_of)
        return similar[0] if similar is not None and not similar[0].said else None

    def _distinctive_words(self, doc: int) -> list[str]:
        """The paper's most distinctive words by tf-idf, as its text writes them: words no other
        paper uses (its name) find no others, and words most papers use say nothing."""
        engine, index = self.engine, self.engine.index
        terms, tfs = engine.term_counts(doc)
        weight = {
            t: (1.0 + math.log(tf)) * index.idf(t)
            for t, tf in zip(terms.tolist(), tfs.tolist(), strict=True)
            if tf > 0 and 1 < index.df(t) <= index.n_live * COMMON_SHARE and index.term(t).isalpha()
        }
        top = sorted(weight, key=lambda t: -weight[t])[:TOPIC_WORDS]
        written: dict[int, Counter[str]] = {t: Counter() for t in top}
        text = f"{engine.papers.title(doc)} {engine.papers.abstract(doc)}"
        for token in engine.analyzer.tokens(text):
            terms = engine.analyzer.token_terms(token)
            found = written.get(index.term_id(terms[0])) if terms else None
            if found is not None:
                found[token] += 1
        return [written[t].most_common(1)[0][0] for t in top if written[t]]

    def _topical(self, question: Question) -> bool:
        """Whether the question brings a topic of its own: a word that the collection lacks or
        that few of its papers use ("distillation", not "use" or "method")."""
        index = self.engine.index
        common = max(1.0, index.n_live * COMMON_SHARE)
        return any(
            not f.concept.known or any(index.df(t) <= common for t in f.concept.term_ids)
            for f in question.focus
        )

    def _list_about(self, text: str, words: str, docs: frozenset[int]) -> Question:
        """A list question with `words` for its "it"; "other papers" leaves out `docs`."""
        question = self.read(with_referent(text, words))
        if asks_for_others(text):
            question = dataclasses.replace(question, besides=question.besides | docs)
        return question

    def _referent(self, conversation: Conversation) -> tuple[str, frozenset[int]] | str:
        """What "it" stands for in a list question, and the papers it is: after an answer on
        one paper (or one saying its abstract does not answer), the paper the question named
        ("What is Dolma?": Dolma), what it asked to define ("What is speculative decoding?"),
        or else the paper's name, or its title (for an untitled paper, what the question asked
        of it); after a list, its topic. A list asked of "it" before ("Which papers use it?")
        leaves "it" as it was. When "it" can stand for nothing, what to say instead."""
        turn = next(
            (
                t
                for t in reversed(conversation.turns)
                if t.answer.referred_ids
                and t.answer.kind != "more"
                and not (t.answer.kind == "list" and refers_to_previous(t.question))
            ),
            None,
        )
        if turn is None:
            return NOTHING_TO_REFER
        earlier = self.read(turn.question)
        if turn.answer.kind == "list" and earlier.concepts:
            return " ".join(c.word for c in earlier.concepts), frozenset()
        referred = turn.answer.referred_ids
        if len(referred) != 1:
            return NAME_ONE.format(count=len(referred))
        lead = self.engine.papers.position(referred[0])
        if lead is None:
            return NOTHING_TO_REFER
        docs = frozenset(self.engine.papers.versions(lead))
        if len(earlier.named) == 1:
            return earlier.named[0].canonical, docs | frozenset(earlier.named[0].docs)
        words, _ = self._paper_words(lead)
        if (
            (earlier.kind == "definition" or not words.strip())
            and earlier.concepts
            and not earlier.refers_back
        ):
            # What it asked to define, or the topic it asked of a paper with no title.
            return " ".join(c.word for c in earlier.concepts), docs
        return (words, docs) if words.strip() else NOTHING_TO_NAME

    def _it_as_topic(self, text: str, listed: list[int], conversation: Conversation) -> str:
        """ "How do they measure it?" after "Which papers study hallucination?": they are the
        papers listed, and "it" what the list was about, when none of them speaks to all of the
        question's own words ("measure"), or the collection knows none of them. When one does,
        the topic, which every paper listed shares, would only draw the answer to the sentences
        naming it."""
        question = self.read(text)
        terms = [frozenset(self.engine.term_ids(doc)) for doc in listed]
        if question.focus and any(question.coverage(t) >= 1 for t in terms):
            return text
        referent = self._referent(conversation)
        return text if isinstance(referent, str) else _IT.sub(referent[0], text)

    def _topic_words(self, doc: int) -> str:
        """What a paper's title says it is about, without its name: "Efficient generative LLM
        inference using phase splitting" for "Splitwise: Efficient ...". A title of a name alone
        is all it has."""
        title = self.engine.papers.title(doc)
        name = self.names.surface_of(doc, "")
        head, colon, rest = title.partition(":")
        return rest.strip() if colon and name and name in head and rest.strip() else title

    def _paper_words(self, doc: int) -> tuple[str, frozenset[int]]:
        """The words that name a paper (its name, or its title), and its versions."""
        name = self.names.surface_of(doc, self.engine.papers.title(doc))
        return name, frozenset(self.engine.papers.versions(doc))

    def _read_picked(self, picked: Picked, papers: int, docs: list[int] | None = None) -> Question:
        """A question picking `papers` papers (`docs`) by number, read with a pronoun for them;
        a bare "compare the first and the third" as if it named them."""
        question = self.read(picked.reading)
        if docs and len(docs) == 1 and question.kind == "list" and question.refers_back:
            # "Which papers use the first one?": a list about that paper.
            return self._list_about(picked.reading, *self._paper_words(docs[0]))
        if papers >= 2 and not question.named and question.kind not in ("list", "more"):
            if docs and not question.focus and COMPARE.search(picked.reading):
                named = self._compared_by_name(docs)
                if named is not None:
                    return dataclasses.replace(named, text=question.text, refers_back=True)
            # "What do the first two do?" is asked of each.
            return dataclasses.replace(question, kind="compare", refers_back=True)
        if not question.focus and question.kind == "other":
            # "And the third?" asks what it is; "How does the first one work?" still asks how.
            return dataclasses.replace(question, kind="definition", refers_back=True)
        return question

    def _by_name(self, question: Question, docs: list[int]) -> Question:
        """ "What is it?", "Tell me more about the first one", "How does it work?": what one
        paper with a name is or how it works, read as if the question gave the name, so that its
        sentences are weighed as for "What is EasyQuant?" ("we propose EasyQuant, ...") rather
        than for no words at all."""
        if (
            question.kind not in ("definition", "method")
            or question.focus
            or question.named
            or not question.refers_back
            or len(docs) != 1
        ):
            return question
        name = self.names.surface_of(docs[0], "")
        if not name:
            return question
        named = self.read(with_referent(question.text, name))
        if not any(docs[0] in n.docs for n in named.named):
            return question
        return dataclasses.replace(named, kind=question.kind)

    def _compared_by_name(self, docs: list[int]) -> Question | None:
        """ "Compare A and B" for the papers, when each has a name that names it alone: each
        is then read for what its abstract says of itself ("we propose EasyQuant, ..."), not
        for what any sentence says of the field."""
        names = [self.names.surface_of(doc, "") for doc in docs]
        if not all(names):
            return None
        question = self.read("Compare " + " and ".join(names))
        found = [n.docs for n in question.named]
        if len(found) != len(docs) or any(d not in n for d, n in zip(docs, found, strict=True)):
            return None
        return question

    def _abstract_of_previous(self, question: Question, context: list[int]) -> Question:
        """ "Show me the full abstract" names no paper: it asks for that of the previous
        answer's paper, when it cited one (or versions of one)."""
        if not context:
            return dataclasses.replace(question, said=NAME_THE_PAPER)
        papers = {min(self.engine.papers.versions(doc)) for doc in context}
        if len(papers) > 1:
            return dataclasses.replace(question, said=NO_SUCH_PAPER.format(count=len(papers)))
        return dataclasses.replace(question, refers_back=True)

    def _list_by_date(self, conversation: Conversation, turn: Turn) -> Question | None:
        """The list question of `turn`, or the one a turn sorting a list ("Sort them by date")
        sorted, its papers newest first. A list asked of "it" ("Which papers use it?" after
        "What is Dolma?") is read with what "it" stood for when it was asked."""
        turns = conversation.up_to(turn)
        for i, earlier_turn in reversed(list(enumerate(turns))):
            if earlier_turn.answer.kind != "list" or _NEWEST_OF_THEM.fullmatch(
                earlier_turn.question
            ):
                continue
            before = next((t for t in reversed(turns[:i]) if t.answer.kind != "more"), None)
            similar = self._similar_then(earlier_turn.question, before)
            if similar is not None:
                return dataclasses.replace(similar, newest_first=True)
            earlier = self.read(earlier_turn.question)
            if earlier.kind != "list":
                return None
            if earlier.refers_back:
                referent = self._referent(Conversation(turns[:i]))
                if isinstance(referent, str):
                    return None
                earlier = self._list_about(earlier_turn.question, *referent)
            return dataclasses.replace(earlier, newest_first=True)
        return None

    def _within_listing(self, text: str, asked: Turn | None) -> Question | None:
        """ "Which of them study pruning?" after a list of papers chosen by their dates or
        author alone, or of all of them ("Which papers are from 2023?", "What did Hinton
        write?", "List all papers"): the papers of that whole listing on the topic, not only the
        first ones it showed."""
        if asked is None or asked.answer.kind != "list" or asked.answer.abstained:
            return None
        listing = self.read(asked.question)
        if listing.focus or listing.named or listing.refers_back:
            return None
        question = self.read(text)
        if not question.refers_back or not question.focus or question.named:
            return None
        return dataclasses.replace(
            question,
            kind="list",
            refers_back=False,
            dated=listing.dated,
            newest_first=listing.newest_first,
            author=listing.author,
        )

    def _listed_count(self, conversation: Conversation) -> str | None:
        """How many papers the last list matched, and how many it showed ("tell me more" and
        "any others?" show more); None when the last question answered was no list."""
        asked = conversation.last_answered(asking=True)
        if asked is None or asked.answer.kind != "list":
            return None
        turns = conversation.turns[conversation.turns.index(asked) :]
        cited = self._positions([doc for turn in turns for doc in turn.answer.cited_ids])
        shown = len({self.engine.papers.versions(doc)[0] for doc in cited})  # versions once
        matched = max((t.answer.matched_papers or 0 for t in turns), default=0)
        if matched > shown:
            return LISTED_SO_FAR.format(count=matched, shown=shown)
        return LISTED_COUNT.format(count=shown)

    def _listing_dated(
        self, text: str, asked: Turn | None, conversation: Conversation
    ) -> Question | None:
        """ "Which of them are from Mar 14?" after a list: the papers that list matched (not
        only those it showed) whose records are dated so."""
        if asked is None or asked.answer.kind != "list" or asked.answer.abstained:
            return None
        period = date_asked(text)
        if period is None:
            return None
        rest = self.read(text[: period.start()] + text[period.end() :])
        if not rest.refers_back or rest.focus or rest.named:
            return None
        dated = dated_period((period["relation"].casefold(), period["date"]))
        if dated is None:
            return None
        listing = self._read_earlier(asked, self._positions(asked.answer.cited_ids), conversation)
        return dataclasses.replace(listing, text=text, dated=dated)

    def _read_earlier(self, asked: Turn, cited: list[int], conversation: Conversation) -> Question:
        """An earlier question as it was read: with a pronoun for the papers it picked (how many
        the answer before it cited does not change the reading), or their names when its answer
        (`cited`) compared them by name. Of a question asking several things, the first: "tell
        me more" after "What does LongWriter do, and is it open source?" goes on with what it
        does. "Sort them by date" is the list before it, newest first; "Which papers are
        similar?" the papers like the paper spoken of then."""
        if _NEWEST_OF_THEM.fullmatch(asked.question):
            by_date = self._list_by_date(conversation, asked)
            if by_date is not None:
                return by_date
        earlier = conversation.up_to(asked)[:-1]
        before = next((t for t in reversed(earlier) if t.answer.kind != "more"), None)
        listing = Conversation(earlier).last_answered(asking=True)
        within = self._within_listing(asked.question, before) or self._listing_dated(
            asked.question, listing, conversation
        )
        if within is not None:
            return within
        similar = self._similar_then(asked.question, before)
        if similar is not None:
            return similar
        question = self._parts(asked.question)[0]
        picked = picked_papers(question, count=1 << 20)
        if picked is None:
            return self.read(question)
        docs = cited if len(cited) == len(picked.numbers) else None
        return self._read_picked(picked, len(picked.numbers), docs)

    def _picked_again(
        self, picked: Picked, conversation: Conversation, count: int
    ) -> Picked | None:
        """ "And the third?" after "What did the second one find?": the earlier question, asked
        of the papers this picks. After a question asked of no paper picked or referred to
        (the list itself), "and the third?" asks what it is."""
        match = _ABOUT_ANOTHER.match(picked.reading)
        if match is None or match["subject"].casefold() not in ("it", "they", "them"):
            return None
        asked = _last_full_question(conversation)
        if asked is None:
            return None
        earlier = picked_papers(asked, count)
        if earlier is not None:
            return dataclasses.replace(picked, reading=earlier.reading)
        if refers_to_previous(asked) and not self.read(asked).named:
            return dataclasses.replace(picked, reading=asked)
        return None

    def _asked_of_another(self, text: str, conversation: Conversation) -> Question | None:
        """ "And BlockLLM?" after "What is Splitwise?": the earlier question with the paper it
        named, or the "it" or "they" it asked of, replaced by the one this names ("What is
        BlockLLM?"), when this names one. After "and Chimera?", the question is still the one
        first asked."""
        match = _ABOUT_ANOTHER.match(text)
        if match is None or len(self.read(match["subject"]).named) != 1:
            return None
        asked = _last_full_question(conversation)
        if asked is None:
            return None
        earlier = self.read(asked)
        if not earlier.named and earlier.refers_back:
            # "What datasets did they use?", then "and Splitwise?": asked of Splitwise.
            return self.read(with_referent(asked, match["subject"]))
        if len(earlier.named) != 1:
            return None
        named = earlier.named[0]
        return self.read(asked[: named.start] + match["subject"] + asked[named.end :])

    def _about_previous(self, text: str, context: list[int]) -> Question | None:
        """ "And the dataset?", "What about efficiency?", "How many parameters?" after an
        answer: those words asked of the previous answer's papers. "The X" is theirs; a bare X
        is theirs only when one of them speaks of all of it ("and knowledge distillation?"
        after a paper that never mentions it asks anew), and never when it names something
        they never mention ("what about HumanEval?"). A fragment ("Which GPUs?") has no
        subject but those papers. A short question about "the X" ("Is the code available?") is
        theirs when one of them mentions X; otherwise it is a question of its own ("What is the
        transformer?" after a paper that never says "transformer")."""
        about = _ABOUT_ANOTHER.match(text)
        fragment = _FRAGMENT.match(text)
        # "What are the main results?", "What are the limitations?" ask for theirs, as "and
        # the main results?" does.
        aspect = None if about or fragment else aspect_only(text)
        the = None if about or fragment or aspect else _THE.search(text)
        if not context or not (about or fragment or the or aspect):
            return None
        if len(context) < 2 and _CHOOSES_A_PAPER.search(text):
            return None
        asked = about["subject"] if about else aspect
        reading = as_asked_of_previous(asked) if asked else text
        question = self.read(reading, bool(fragment))
        if question.kind == "pointer" and not question.refers_back:
            # "Give me the link", "What is the URL?": the words asking for a link are its form,
            # asked of the previous papers, which a link answers.
            question = self.read(reading, of_previous=True)
        # "What sizes are there?" asks for a figure, as "How big is it?" does; "What
        # baselines?" for what the paper compares itself with; "Give me the link" for a link;
        # "What are the key contributions?" for what it proposes.
        asks = (
            question.focus
            or aspect is not None
            or question.kind in ("finding", "limitation", "quantity", "baseline", "pointer")
        )
        if not asks or question.named or question.kind in ("list", "compare", "more"):
            return None
        if about or the:
            cited = [frozenset(self.engine.term_ids(doc)) for doc in context]
            names = [c for c in question.concepts if c.entity]
            if any(not any(c.in_terms(terms) for terms in cited) for c in names):
                return None
        if about:
            spoken = any(not question.missing_share(terms) for terms in cited)
            if not spoken and not _DETERMINED.match(about["subject"]):
                return None
        if the:
            # A link is asked of the paper whether or not it speaks of one ("the link").
            pointer = question.kind == "pointer"
            long = len(question.focus) > SHORT_QUESTION_CONCEPTS
            if long or (question.refers_back and not pointer):
                return None
            words = {w.casefold() for w in the["words"].split()}
            subject = [c for c in question.concepts if c.word.casefold() in words]
            spoken_of = any(c.in_terms(terms) for c in subject for terms in cited)
            if not (spoken_of or pointer):
                return None
            if asks_measure_by_name(text):
                # "What size are the models?": a figure answers, whatever its words.
                question = self.read(text, of_previous=True)
        return dataclasses.replace(question, refers_back=True, of_previous=True)

    def read(self, text: str, of_previous: bool = False) -> Question:
        return read_question(
            self.engine,
            self.names,
            self._normalised(text),
            self.glossary,
            self.authors,
            of_previous,
        )

    def _normalised(self, text: str) -> str:
        """The question as its form is read: form words spelt right, "what's" as "what is"."""
        return uncontracted(with_form_words_spelt(self.engine, text))

    def _positions(self, doc_ids: list[str]) -> list[int]:
        found = (self.engine.papers.position(d) for d in doc_ids)
        return [p for p in found if p is not None]

    def _shown(self, conversation: Conversation) -> set[tuple[int, int]]:
        shown: set[tuple[int, int]] = set()
        for turn in conversation.turns:
            for s in turn.answer.sentences:
                doc = self.engine.papers.position(s.doc_id)
                if doc is not None:
                    shown.add((doc, s.sentence_index))
        return shown


def check_question(text: str) -> str:
    """The question, stripped; an InputError when it is empty or far too long."""
    stripped = text.strip()
    if not stripped:
        raise InputError("the question is empty")
    if len(stripped) > MAX_QUESTION_CHARS:
        raise InputError(
            f"the question is too long ({len(stripped):,} characters; the limit is "
            f"{MAX_QUESTION_CHARS:,})"
        )
    return stripped


def _own_question(turns: list[Turn]) -> Turn | None:
    """The latest turn that asked a question of its own: not "tell me more", "any others?", a
    question word alone ("Why?") or "and X?"."""
    return next(
        (
            t
            for t in reversed(turns)
            if t.answer.kind != "more"
            and bare_question_word(t.question) is None
            and not only_asks_for_others(t.question)
            and not _ABOUT_ANOTHER.match(t.question)
        ),
        None,
    )


def _last_full_question(conversation: Conversation) -> str | None:
    """The last question asked in full, before any "and X?" that asked it again."""
    turns = reversed(conversation.turns)
    return next((t.question for t in turns if not _ABOUT_ANOTHER.match(t.question)), None)


@dataclass(frozen=True)
class Picked:
    """Papers of the previous answer that a question picks by their numbers."""

    numbers: list[int]  # from 1, in the previous answer's order of references
    reading: str  # the question with a pronoun for them: "what does it do?"
    by_reference: bool = False  # by reference number ("[2]", "paper 2"), not by place

    def within(self, count: int) -> bool:
        return all(1 <= n <= count for n in self.numbers)


def picked_papers(text: str, count: int, listed: bool = False) -> Picked | None:
    """The papers `text` picks among the `count` of the previous answer: "the second one", "the
    last paper", "the first and third", "the first two", "paper 3", "[1] and [2]", "the former
    ... the latter". One paper leaves nothing to pick by place, unless it was `listed` as the
    only paper of a list ("the second one" then is none); "[1]" is still that paper."""
    matches = [
        m for m in _BY_NUMBER.finditer(text) if count >= 2 or (count and (m["numbers"] or listed))
    ]
    if not matches:
        return None
    numbers: list[int] = []
    reading, end = [], 0
    by_reference = any(m["numbers"] for m in matches)
    for match in matches:
        picked = _numbers(match, count)
        numbers += picked
        if len(picked) == 1:
            pronoun = "it"
        else:
            pronoun = "they" if _AUXILIARY.search(text[: match.start()]) else "them"
        reading += [text[end : match.start()], pronoun]
        end = match.end()
    return Picked(list(dict.fromkeys(numbers)), "".join([*reading, text[end:]]), by_reference)


def _numbers(match: re.Match[str], count: int) -> list[int]:
    """The numbers one picking phrase gives, from 1 ("the last" is `count`)."""
    if match["end"]:
        n = _COUNTS.get(match["count"].casefold()) or int(match["count"])
        last = match["end"].casefold() == "last"
        return list(range(count - n + 1, count + 1) if last else range(1, n + 1))
    if match["numbers"]:
        return [int(d) for d in re.findall(r"\d+", match["numbers"])]
    found = match["place"] or match["places"] or match["alone"] or match["pronoun"]
    words = [w.casefold() for w in re.findall(rf"{_PLACE}|former|latter", found, re.I)]
    ends = {"former": 1, "latter": count, "last": count}
    return [ends.get(w) or _PLACES[w] for w in words]
