"""Typos in a question's words: the vocabulary term a word the index does not know stands for
("traning" for "training"), found with rapidfuzz edit distances over the index's sorted
vocabulary; and the question words that give it its form ("hwo many", "waht is")."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from assistant.answering.english import english_frequency, rare_in_english
from retrieval.analysis import STOPWORDS

if TYPE_CHECKING:
    from retrieval.engine import Engine


# The words that give a question its form, which a typo would hide ("hwo many" asks for a
# number only as "how many").
FORM_WORDS = ("what", "which", "when", "where", "who", "why", "how", "many", "much")
_WORD = re.compile(r"[A-Za-z]+")


def with_form_words_spelt(engine: Engine, text: str) -> str:
    """The question with each typo of a form word spelt right: a word neither English nor the
    collection uses, one edit (a transposition counting as one) from a form word ("hwo",
    "waht", "mnay"); of two such, one with its first letter ("hwo": "how", not "who"), then
    the one English uses more."""

    def spelt(match: re.Match[str]) -> str:
        word = match.group()
        low = word.casefold()
        if len(low) < 3 or low in FORM_WORDS or low in STOPWORDS:
            return word
        close = [f for f in FORM_WORDS if OSA.distance(low, f) <= 1]
        # English is looked up last, and only for the few words that close: it loads slowly.
        if not close or any(engine.index.term_id(t) >= 0 for t in engine.analyzer.terms(word)):
            return word
        if not rare_in_english(low):
            return word
        best = max(close, key=lambda f: (f[0] == low[0], english_frequency(f)))
        return best.capitalize() if word[0].isupper() else best

    return _WORD.sub(spelt, text)


def typo_edits(word: str) -> int:
    """The most edits a typo makes: one, two in long words (a transposition counting as one)."""
    return 1 if len(word) <= 7 else 2


def corrected_term(engine: Engine, term: str, word: str, name: bool) -> int | None:
    """The vocabulary term an unknown one (`term`, of the question's `word`) is a typo of, or
    None when nothing is close enough.

    A word English commonly uses is no typo: "submarine" is not "summary", nor "parents"
    "patents"; only its ending may differ from the term meant, which the stemmer left apart
    ("unnecessarily" and "unnecessary"). Otherwise, first a word one edit away whose term the
    collection uses ("traning" for "training", "modles" for "models"; not for a `name`, whose
    letters are no dictionary word's); then the closest term. Typos keep the first letter and
    are at most `typo_edits` away; among equals, a missing or extra letter beats a wrong one
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
            term, same_letter, scorer=OSA.distance, score_cutoff=typo_edits(term), limit=20
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
