"""Versions: the documents that are one paper.

Documents that share a title (its key, see `corpus.title_key`) are versions of one paper when
their abstracts keep most of their wording: a revised abstract rewrites some sentences, while the
passages of one article, filed under the article's title, each say something else. Wording is
compared with rapidfuzz's Indel similarity over the abstracts' words (their longest common
subsequence, against both lengths). The seeds' one revised abstract, much rewritten, scores 0.53;
the halves of each of the 500 PubMedQA abstracts score at most 0.33, unrelated abstracts 0.17.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel

# Abstracts at least this alike, word for word, are versions of one text.
SAME_WORDING = 0.45
# No paper has this many versions: a title shared by more documents heads a topic's passages,
# each a document of its own (and comparing them all would cost quadratic time).
MAX_VERSIONS = 16
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class VersionGroups:
    """Each document's group (-1 for a paper with one version), and each group's documents in
    order: group g holds members[ptr[g]:ptr[g + 1]]. Groups are numbered by their first
    document, so the numbering follows the corpus."""

    group: np.ndarray
    ptr: np.ndarray
    members: np.ndarray

    @property
    def count(self) -> int:
        return int(self.ptr.shape[0] - 1)

    @property
    def documents(self) -> int:
        return int((self.group >= 0).sum())


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _alike(words_a: list[str], words_b: list[str]) -> bool:
    """Whether two abstracts, as words, are versions of one text."""
    return Indel.normalized_similarity(words_a, words_b) >= SAME_WORDING


def version_groups(title_hashes: np.ndarray, abstract: Callable[[int], str]) -> VersionGroups:
    """Group the documents that are versions of one paper: a shared title (hash; 0 for none,
    which is never a version key) and the same wording. Within a title, each document joins
    the first earlier version whose wording it keeps."""
    n = title_hashes.shape[0]
    titled = np.flatnonzero(title_hashes != 0)
    order = titled[np.argsort(title_hashes[titled], kind="stable")]
    hashes = title_hashes[order]
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]]) if order.size else order
    ends = np.r_[starts[1:], order.size] if order.size else order
    shared = (ends - starts > 1) & (ends - starts <= MAX_VERSIONS)
    clusters: list[list[int]] = []
    for start, end in zip(starts[shared].tolist(), ends[shared].tolist(), strict=True):
        found: list[tuple[list[str], list[int]]] = []  # the first version's words, the versions
        for doc in order[start:end].tolist():  # in document order (the sort is stable)
            words = _words(abstract(doc))
            home = next((docs for first, docs in found if _alike(first, words)), None)
            if home is None:
                found.append((words, [doc]))
            else:
                home.append(doc)
        clusters += [docs for _, docs in found if len(docs) > 1]
    clusters.sort(key=lambda c: c[0])
    group = np.full(n, -1, dtype=np.int32)
    ptr = np.zeros(len(clusters) + 1, dtype=np.int64)
    for g, members in enumerate(clusters):
        group[members] = g
        ptr[g + 1] = ptr[g] + len(members)
    flat = [d for members in clusters for d in members]
    return VersionGroups(group, ptr, np.asarray(flat, dtype=np.int32))
