"""Plain words for research vocabulary: "chatbot" for "large language model", "make things up"
for "hallucination". Researchers ask in everyday words; abstracts answer in the field's terms.

The glossary (glossary.txt, beside this module) is read once per analyzer and compared on
analysed terms, so one form of a word covers its plurals and tenses. Matching is longest-first
over the question's terms; what a phrase stands for is added to the query at a lower weight and
lets a paper that uses the research term count as speaking to the plain words. Users add phrase
files of their own in the same format (`--synonyms FILE`), as search engines take synonym lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.analysis import Analyzer
from retrieval.corpus import read_text_lines
from retrieval.errors import InputError

if TYPE_CHECKING:
    from retrieval.engine import Engine
    from retrieval.index import Bm25Index

GLOSSARY_PATH = Path(__file__).with_name("glossary.txt")


@dataclass(frozen=True, slots=True)
class GlossaryMatch:
    start: int  # positions in the term sequence given to `find`
    end: int
    meanings: tuple[tuple[str, ...], ...]  # each research phrase, as analysed terms


class Glossary:
    def __init__(self, entries: dict[tuple[str, ...], tuple[tuple[str, ...], ...]]) -> None:
        self.entries = entries
        self.longest = max((len(k) for k in entries), default=0)

    @classmethod
    def parse(cls, lines: list[str], analyzer: Analyzer, source: str | Path) -> Glossary:
        """Entries from "plain, plain = research, research" lines; "#" starts a comment. A line
        of another shape is an InputError naming `source` and the line."""
        entries: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for number, line in enumerate(lines, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            plain, sep, research = line.partition("=")
            if not sep or not plain.strip() or not research.strip():
                raise InputError("expected 'plain phrases = research phrases'", source, number)
            meanings = [m for m in (_phrase_terms(analyzer, p) for p in research.split(",")) if m]
            keys = [k for k in (_phrase_terms(analyzer, p) for p in plain.split(",")) if k]
            if not meanings or not keys:
                # "foo =>", "chatbot = the": only stopwords or signs on one side, nothing to match.
                side = "research" if not meanings else "plain"
                raise InputError(f"the {side} phrases hold no word to search for", source, number)
            for key in keys:
                known = entries.setdefault(key, [])
                known.extend(m for m in meanings if m not in known and m != key)
        return cls({k: tuple(v) for k, v in entries.items() if v})

    @classmethod
    def read(cls, path: str | Path, analyzer: Analyzer) -> Glossary:
        return cls.parse(read_text_lines(path), analyzer, path)

    def merged(self, other: Glossary) -> Glossary:
        """Both glossaries' entries; where both have a phrase, its meanings are joined."""
        entries = dict(self.entries)
        for key, meanings in other.entries.items():
            entries[key] = tuple(dict.fromkeys((*entries.get(key, ()), *meanings)))
        return Glossary(entries)

    def find(self, terms: list[str]) -> list[GlossaryMatch]:
        """Non-overlapping matches in a sequence of analysed terms, longest first, left to right."""
        matches: list[GlossaryMatch] = []
        taken = [False] * len(terms)
        for length in range(min(self.longest, len(terms)), 0, -1):
            for start in range(len(terms) - length + 1):
                end = start + length
                if any(taken[start:end]):
                    continue
                meanings = self.entries.get(tuple(terms[start:end]))
                if meanings:
                    matches.append(GlossaryMatch(start, end, meanings))
                    taken[start:end] = [True] * length
        matches.sort(key=lambda m: m.start)
        return matches


def _phrase_terms(analyzer: Analyzer, phrase: str) -> tuple[str, ...]:
    """A phrase's terms, whole forms only: "code-switching" is one term, as in the index."""
    return tuple(terms[0] for terms in map(analyzer.token_terms, analyzer.tokens(phrase)) if terms)


EMPTY = Glossary({})


@cache
def bundled_glossary(analyzer_version: str) -> Glossary:
    """The bundled glossary, analysed as indexes of this analyzer version are."""
    del analyzer_version  # the cache key: a new analyzer analyses the glossary anew
    return Glossary.read(GLOSSARY_PATH, Analyzer())


# The bundled glossary is on unless measurement says otherwise (see the README's table).
BUNDLED_BY_DEFAULT = True


def read_synonyms(analyzer: Analyzer, path: str | Path | None) -> Glossary:
    """The user's phrase file (`--synonyms`), or no phrases."""
    return EMPTY if path is None else Glossary.read(path, analyzer)


def speaks_field(glossary: Glossary, index: Bm25Index) -> bool:
    """Whether the collection is of the field the glossary was written for: its abstracts use
    the glossary's research phrases more than its everyday ones. Elsewhere its entries misread
    the collection's own words (among clinical abstracts "testes" is analysed as "test", which
    a glossary of machine-learning terms reads as "evaluation")."""
    meanings = {m for ms in glossary.entries.values() for m in ms}
    words = sorted({t for phrase in (*meanings, *glossary.entries) for t in phrase})
    df = dict(zip(words, map(index.df, index.term_ids(words).tolist()), strict=True))

    def papers(phrase: tuple[str, ...]) -> int:
        """The papers that may hold the phrase: those holding its rarest term."""
        return min(df[t] for t in phrase)

    research = sum(map(papers, meanings))
    plain = sum(map(papers, glossary.entries))
    return research > plain


def default_glossary(engine: Engine, synonyms: Glossary = EMPTY) -> Glossary:
    """The glossary a collection's questions are read with: the bundled one, when it is on by
    default and the collection is of its field, joined by the user's own phrases."""
    base = bundled_glossary(engine.analyzer.version)
    if not (BUNDLED_BY_DEFAULT and speaks_field(base, engine.index)):
        base = EMPTY
    return base.merged(synonyms) if synonyms.entries else base
