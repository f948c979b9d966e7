"""The authors the records give, for lists of the papers someone wrote ("Which papers by Hinton
study capsules?"). A name is an author's when each of its words is a word of one author entry of
a record, case and accents aside: "hinton" and "G. Hinton" are both in "G. E. Hinton"."""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrieval.engine import Engine

# Author entries are separated so ("A. Smith, B. Jones and C. Wu"; "Smith; Jones").
_ENTRY = re.compile(r",|;|\band\b")
_WORD = re.compile(r"[^\W\d_]+")


class AuthorIndex:
    """Every word of the collection's author entries (read on first use: a collection without
    authors costs one pass over its records)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @cached_property
    def words(self) -> frozenset[str]:
        found: set[str] = set()
        for _, text in self.engine.papers.live_values("authors"):
            if text:
                found.update(name_words(text))
        return frozenset(found)

    def knows(self, name: str) -> bool:
        """Whether some record lists an author with every word of `name`."""
        wanted = name_words(name)
        return bool(wanted) and wanted <= self.words


def wrote(engine: Engine, doc: int, name: str) -> bool:
    """Whether the paper's record lists an author with every word of `name`."""
    return lists_author(engine.papers.authors.optional(doc), name)


def lists_author(authors: str | None, name: str) -> bool:
    """Whether a record's authors (`authors`, as it gives them) hold one with every word of
    `name`."""
    wanted = name_words(name)
    return bool(authors) and any(wanted <= name_words(e) for e in _ENTRY.split(authors or ""))


def name_words(text: str) -> set[str]:
    """The words of a name, without case or accents ("Balázs" is "balazs")."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return {w.casefold() for w in _WORD.findall(plain)}
