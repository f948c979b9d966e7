"""Reading a question: its query terms and its focus (the content words an answer must speak to,
each weighted by how rare it is), with its form (see forms), the papers it names (see naming)
and the typos it makes (see spelling).

A name is an ordinary rare query term: it stays in the focus and weighs by its IDF like any
other word. Other words the index does not know are corrected against its vocabulary.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.answering.authors import AuthorIndex
from assistant.answering.english import rare_in_english
from assistant.answering.forms import (
    BY,
    NAME_WORDS,
    QUESTION_WORDS,
    Kind,
    asks_for_authors,
    asks_for_more,
    asks_for_others,
    asks_for_whole_abstract,
    bare_question_word,
    counts_papers,
    form_of_each,
    form_words,
    leaving_out,
    person_asked,
    pronoun_is_subject,
    question_kind,
    refers_to_previous,
    writers,
)
from assistant.answering.glossary import Glossary
from assistant.answering.naming import NamedPaper, NameIndex, looks_like_name, named_papers
from assistant.answering.spelling import corrected_term
from retrieval.analysis import TOKEN_PATTERN
from retrieval.dates import DateKey, date_key

if TYPE_CHECKING:
    from retrieval.engine import Engine

# Research terms that stand for the question's plain words weigh half as much as its own words.
GLOSSARY_WEIGHT = 0.5
COMPOUND_PART_WEIGHT = 0.5
# Shorter unknown words are more often real words the corpus lacks ("reach") than typos.
MIN_TYPO_CHARS = 6
# A plain word the corpus lacks weighs this share of the rarest term in the focus.
UNKNOWN_WORD_SHARE = 0.25
# Two terms this long where one starts the other are forms of one word ("gpu", "gpus").
MIN_SHARED_STEM = 3
# Up to three words of an author's name after "by" ("by Geoffrey E. Hinton").
_NAME_WORDS = re.compile(NAME_WORDS)


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
    # Other forms of the word that count as the word itself ("accuracy" for "accurate"), where
    # the question is asked of papers already given.
    forms: tuple[int, ...] = ()

    def in_terms(self, terms: set[int] | frozenset[int]) -> bool:
        return self.own_in_terms(terms) or any(self.meanings_in_terms(terms))

    def own_in_terms(self, terms: set[int] | frozenset[int]) -> bool:
        """The word itself (in any of its `forms`), not a research phrase for it."""
        if self.whole >= 0 and self.whole in terms:
            return True
        if any(t in terms for t in self.forms):
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
    # "What are the latest papers on X?": a list of papers on X, the newest first.
    newest_first: bool = False
    # "Show me the abstract of X": every sentence of the abstract, in its order.
    whole_abstract: bool = False
    # "Which papers from March 14 study X?": the relation ("from", "since", "before"), the date
    # as written, and the period it names.
    dated: tuple[str, str, DateKey] | None = None
    # "Which papers by Hinton study X?": the author's name as the question writes it.
    author: str | None = None
    # "Which one is better?" of the papers just given, asked as what each one found: no abstract
    # ranks the others.
    judges_papers: bool = False
    # "Which papers are similar?" after an answer on a paper: that paper, whose most distinctive
    # words the list is about.
    like: int | None = None

    @property
    def authorship(self) -> bool:
        """Whether the question asks who wrote a paper ("Who wrote BERT?", "Who are its
        authors?"), which the paper's record may list."""
        return self.kind != "list" and asks_for_authors(self.text)

    @property
    def skips_shown(self) -> bool:
        """Whether the sentences the conversation has quoted are not to be quoted again: "tell
        me more", "tell me more about the first one", and a bare "Why?" or "How?" (which asks
        beyond what was quoted; "When?" may be answered by a sentence already shown)."""
        return (
            self.kind == "more"
            or asks_for_more(self.text)
            or bare_question_word(self.text) in ("why", "how")
        )

    @property
    def asked_of_others(self) -> bool:
        """Whether the question is one asked before, now of the papers besides those cited for
        it ("Any others?"); a list of other papers ("Which other papers use X?") is not."""
        return bool(self.besides) and self.kind != "list"

    @property
    def counted(self) -> list[Focus]:
        """What a question asking for a quantity counts ("how many GPUs"), by its focus. One
        asking for a measure counts nothing: "Which river is the longest?" measures rivers."""
        if self.form != "quantity" or self.measure:
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
        return self.of_previous or pronoun_is_subject(self.text)

    @property
    def unknown(self) -> list[str]:
        """Content words the corpus lacks."""
        return [c.word for c in self.concepts if not c.known]

    def with_forms(self, forms: dict[int, tuple[int, ...]]) -> Question:
        """The question with other forms of its words (by the word's term: its forms' terms)
        counting as the words themselves, in its focus and its query."""
        focus = [
            Focus(
                dataclasses.replace(f.concept, forms=forms.get(f.concept.whole, ())),
                f.share,
                f.meaning_credit,
            )
            for f in self.focus
        ]
        weights = dict(self.weights)
        for term, others in forms.items():
            for other in others:
                weights.setdefault(other, weights.get(term, 1.0))
        return dataclasses.replace(
            self, focus=focus, concepts=[f.concept for f in focus], weights=weights
        )

    def in_forms_of(self, engine: Engine, docs: list[int]) -> Question:
        """The question asked of these papers: a word of it counts in any form they use
        ("accuracy" for "accurate"; "GPU" for "GPUs"), since the stemmer keeps some forms apart
        and only their words are at stake."""
        index = engine.index
        used = [(t, index.term(t)) for t in sorted({t for d in docs for t in engine.term_ids(d)})]
        forms: dict[int, tuple[int, ...]] = {}
        for f in self.focus:
            whole = f.concept.whole
            if f.concept.names_paper or whole < 0:
                continue
            word = index.term(whole)
            others = tuple(t for t, other in used if t != whole and same_word(word, other))
            if others:
                forms[whole] = others
        return self.with_forms(forms) if forms else self

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
            form = form_of_each(self.text)
            if self.kind == "compare" and form in ("other", "yesno"):
                return "definition"
            # "What are the papers on X?" asks what each brings, not what X is.
            if self.kind == "list" and form in ("other", "definition"):
                return "contribution"
            return form
        return self.kind

    @property
    def counts_papers(self) -> bool:
        """Whether the question asks how many papers there are ("How many papers study X?")."""
        return self.kind == "list" and counts_papers(self.text)

    @property
    def named_docs(self) -> list[int]:
        seen: list[int] = []
        for named in self.named:
            for doc in named.docs:
                if doc not in seen:
                    seen.append(doc)
        return seen


def read_question(
    engine: Engine,
    names: NameIndex,
    text: str,
    glossary: Glossary,
    authors: AuthorIndex | None = None,
    of_previous: bool = False,
) -> Question:
    """Everything the answer pipeline needs to know about one question (with `authors`, the
    author a list asks for: "Which papers by Hinton ..."; `of_previous`: a question with no
    subject but the previous answer's papers, "Which GPUs?", read as one saying "it")."""
    tokens = [(m.group(), m.start(), m.end()) for m in TOKEN_PATTERN.finditer(text)]
    known = [_known(engine, tok) for tok, _, _ in tokens]
    named = named_papers(engine, names, text, tokens, known)
    refers_back = of_previous or refers_to_previous(text, [n.end for n in named])
    kind = question_kind(text, len({n.docs for n in named}), refers_back)
    author = _author_asked(text, authors, kind) if authors is not None else None
    if author is not None:
        kind = "list"  # "Did Hinton write about capsules?": the papers he wrote on them
    name_of = {
        i: n for n in named for i, (_, s, e) in enumerate(tokens) if s >= n.start and e <= n.end
    }
    analyzer = engine.analyzer
    analysed = [analyzer.token_terms(analyzer.normalize(tok)) for tok, _, _ in tokens]
    meanings = _glossary_meanings(engine, glossary, analysed, set(name_of))
    weights: dict[int, float] = {}
    concepts: list[Concept] = []
    corrections: dict[str, str] = {}
    form = form_words(text, kind, bool(named), refers_back)
    opening, said = form.opening, form.said
    measure: set[int] = set()
    asked: set[int] = set()
    # "Besides X": X and the words leaving it out are not what the question is about.
    excepting = {n: leaving_out(text, n.start) for n in named}
    excepted = [n for n, m in excepting.items() if m is not None]
    except_words = {i for m in excepting.values() if m for i in range(*m.span())}
    if author is not None:
        except_words.update(range(*author[1]))
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
        if word in QUESTION_WORDS or start in said or start < opening or start in except_words:
            continue
        terms = analysed[i]
        if not terms:
            continue
        ids = [engine.index.term_id(t) for t in terms]
        if i not in meanings and not any(t >= 0 for t in ids):
            name = looks_like_name(tok, start, False)
            long_enough = len(tok) >= MIN_TYPO_CHARS
            fixed = corrected_term(engine, terms[0], word, name) if long_enough else None
            if fixed is not None:
                corrections[tok] = engine.index.term(fixed)
                ids = [fixed]
        parts = tuple(t for t in ids[1:] if t >= 0)
        if len(parts) < len(ids) - 1:
            parts = ()  # a part the corpus lacks: only the whole form can match
        known_word = any(t >= 0 for t in ids)
        entity = looks_like_name(tok, start, known_word)
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
        if start in form.asked:
            asked.add(position)
        if start in form.measure:
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
        ranks_papers=form.ranks_papers,
        newest_first=form.newest_first and kind == "list",
        whole_abstract=asks_for_whole_abstract(text),
        dated=dated_period(form.dated),
        author=author[0] if author else None,
    )


def _author_asked(
    text: str, authors: AuthorIndex, kind: Kind
) -> tuple[str, tuple[int, int]] | None:
    """The author whose papers the question asks for, with the span of the words naming them:
    someone the records list named as a writer ("What did Hinton write?", "Hinton's papers",
    "Did Hinton write about capsules?"), the name being the last words of the writer found
    ("list Hinton as an author"); or, in a list, the longest run of words after "by" that names
    an author ("papers by Hinton", "written by G. Hinton"). "Which papers improve accuracy by
    pruning?" names none."""
    for writer in writers(text):
        words = writer.group(writer.lastgroup or 0).split()
        for n in range(len(words)):
            name = " ".join(words[n:])
            if authors.knows(name):
                return name, writer.span()
    person = person_asked(text)
    if person is not None and authors.knows(person["person"]):
        # "Who is Hinton?": the abstracts seldom say; the papers he wrote do.
        return person["person"], (0, len(text))
    if kind != "list":
        return None
    for by in BY.finditer(text):
        run = _NAME_WORDS.match(text, by.end())
        if run is None:
            continue
        words = list(re.finditer(r"\S+", run.group()))
        for n in range(len(words), 0, -1):
            name = run.group()[: words[n - 1].end()].rstrip(".")
            if authors.knows(name):
                return name, (by.start(), by.end() + len(name))
    return None


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


def same_word(term: str, other: str) -> bool:
    """Whether two terms may be forms of one word: one begins the other ("gpu" and "gpus",
    "accur" and "accuraci"), both of MIN_SHARED_STEM letters or more."""
    return min(len(term), len(other)) >= MIN_SHARED_STEM and (
        term.startswith(other) or other.startswith(term)
    )


def dated_period(dated: tuple[str, str] | None) -> tuple[str, str, DateKey] | None:
    """The relation and the date as written ("from", "Mar 14"), with the period the date names;
    None for a date that names none."""
    key = date_key(dated[1]) if dated else None
    return None if dated is None or key is None else (dated[0], dated[1], key)


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


def _is_specialist(token: str, entity: bool) -> bool:
    """Whether a word the corpus lacks is a specialist term: English rarely uses it, and it is
    a name ("COPD") or long enough to have been checked for a typo (a short unknown word that
    is not English, "splt" or "mny", is more often a slip of the keyboard)."""
    return (entity or len(token) >= MIN_TYPO_CHARS) and rare_in_english(token)


def _known(engine: Engine, token: str) -> bool:
    """False for a word that has terms, none of which the index knows (a typo, or a word the
    corpus lacks); stopwords and question words count as known."""
    if token.casefold() in QUESTION_WORDS:
        return True
    terms = engine.analyzer.token_terms(engine.analyzer.normalize(token))
    return not terms or any(engine.index.term_id(t) >= 0 for t in terms)
