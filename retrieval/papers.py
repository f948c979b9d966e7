"""Read access to the documents of an opened index: fields, sources, versions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrieval.corpus import SourceRef
from retrieval.names import bisect_sorted
from retrieval.persistence import StoredIndex, StringColumn

TEXT_COLUMNS = ("ids", "titles", "abstracts", "dates", "authors", "urls", "categories")
# A record without a title is shown by this many opening words of its abstract.
UNTITLED_WORDS = 12


@dataclass
class PaperStore:
    """Document fields by index, backed by memory-mapped columns."""

    ids: StringColumn
    titles: StringColumn
    abstracts: StringColumn
    dates: StringColumn
    authors: StringColumn
    urls: StringColumn
    categories: StringColumn
    source_files: list[str]
    source_ptr: np.ndarray
    source_file: np.ndarray
    source_line: np.ndarray
    source_dates: StringColumn
    version_group: np.ndarray
    group_ptr: np.ndarray
    group_docs: np.ndarray
    id_order: np.ndarray  # positions sorted by id, for lookups by id

    @classmethod
    def open(cls, stored: StoredIndex) -> PaperStore:
        columns = {name: stored.column(name) for name in TEXT_COLUMNS}
        return cls(
            **columns,
            source_files=list(stored.manifest["source_files"]),
            source_ptr=stored.array("source_ptr"),
            source_file=stored.array("source_file"),
            source_line=stored.array("source_line"),
            source_dates=stored.column("source_dates"),
            version_group=stored.array("version_group"),
            group_ptr=stored.array("group_ptr"),
            group_docs=stored.array("group_docs"),
            id_order=stored.array("id_order"),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, doc_id: str) -> int | None:
        """The document with this id (binary search over the sorted ids)."""
        return bisect_sorted(self.ids, self.id_order, doc_id)

    def title(self, i: int) -> str:
        """The title as the record gives it (empty for a record without one)."""
        return self.titles[i]

    def heading(self, i: int) -> str:
        """What to show for the paper: its title, or "(untitled)" and its opening words."""
        title = self.titles[i]
        if title:
            return title
        words = self.abstracts[i].split()
        opening = " ".join(words[:UNTITLED_WORDS])
        return f"(untitled) {opening}" + ("…" if len(words) > UNTITLED_WORDS else "")

    def abstract(self, i: int) -> str:
        return self.abstracts[i]

    def sources(self, i: int) -> list[SourceRef]:
        lo, hi = int(self.source_ptr[i]), int(self.source_ptr[i + 1])
        return [
            SourceRef(
                self.source_files[int(self.source_file[j])],
                int(self.source_line[j]),
                self.source_dates.optional(j),
            )
            for j in range(lo, hi)
        ]

    def versions(self, i: int) -> list[int]:
        """Every document that is a version of the same paper as `i` (including `i`), in order."""
        group = int(self.version_group[i])
        if group < 0:
            return [i]
        lo, hi = int(self.group_ptr[group]), int(self.group_ptr[group + 1])
        return [int(d) for d in self.group_docs[lo:hi]]
