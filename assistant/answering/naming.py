"""The papers a question names: by the system names of the collection's titles (the part of a
title before ":", e.g. "Splitwise", and short titles), matched with rapidfuzz so that "splitwize"
still finds Splitwise; by words of a title before "paper" ("the Butterfly Effect paper"); by a
mixed-case name one paper alone spells ("ToolE"); and, to name the papers a comparison asks of,
by a name only one paper's abstract uses ("compare EDLM and SPT")."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from assistant.answering.forms import COMPARE
from assistant.answering.spelling import typo_edits
from retrieval.corpus import title_key
from retrieval.names import system_name

if TYPE_CHECKING:
    from retrieval.engine import Engine

FUZZY_NAME_CUTOFF = 85.0
MIN_FUZZY_NAME_CHARS = 5
# A name an abstract gives may stand in this many versions of its paper, no more.
MAX_NAME_VERSIONS = 4


@dataclass(frozen=True, slots=True)
class NamedPaper:
    docs: tuple[int, ...]  # every version
    name: str  # as the question writes it
    canonical: str  # as the collection writes it ("Splitwise" for "splitwize")
    start: int  # offsets of the naming words in the question
    end: int


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
        if match is None or OSA.distance(key, match) > typo_edits(key):
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


def named_papers(
    engine: Engine,
    names: NameIndex,
    text: str,
    tokens: list[tuple[str, int, int]],
    known: list[bool],
) -> list[NamedPaper]:
    """The papers the question names, in the order it names them. `tokens` are its words with
    their offsets, and `known` says of each whether the index knows it (an unknown word may be
    a misspelt name)."""
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
    return named


def looks_like_name(token: str, start: int, known: bool) -> bool:
    """Mixed case, capitals only, or letters with digits: "HumanEval", "GPUs", "HMO",
    "CodeGen2"; or capitalised inside the question and unknown to the collection: "Everest".
    A known capitalised word is not enough: titles capitalise every word."""
    letters = [c for c in token if c.isalpha()]
    return bool(letters) and (
        any(c.isupper() for c in token[1:])
        or any(c.isdigit() for c in token)
        or (token[0].isupper() and start > 0 and not known)
    )


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
    if not words or (len(words) == 1 and not looks_like_name(match["words"], 1, True)):
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
        if not looks_like_name(token, start, True):
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
