"""Read access to the documents of an opened index, across its segments: fields, sources,
versions, lookup by id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from retrieval.corpus import SourceRef
from retrieval.names import bisect_sorted

if TYPE_CHECKING:
    from collections.abc import Iterator

    from retrieval.generation import Generation
    from retrieval.index import Bm25Index

# A record without a title is shown by this many opening words of its abstract.
UNTITLED_WORDS = 12


class Field:
    """One text field of every document (global numbering), read from its segment."""

    def __init__(self, store: PaperStore, column: str) -> None:
        self.store = store
        self.column = column

    def __getitem__(self, doc: int) -> str:
        s, local = self.store.index.locate(doc)
        return self.store.index.segments[s].columns[self.column][local]

    def __len__(self) -> int:
        return self.store.index.n_docs

    def optional(self, doc: int) -> str | None:
        return self[doc] or None


class PaperStore:
    """Document fields by global document number."""

    def __init__(self, index: Bm25Index, generation: Generation) -> None:
        self.index = index
        self.generation = generation
        self.ids = Field(self, "ids")
        self.titles = Field(self, "titles")
        self.abstracts = Field(self, "abstracts")
        self.dates = Field(self, "dates")
        self.authors = Field(self, "authors")
        self.urls = Field(self, "urls")
        self.categories = Field(self, "categories")
        self._live_files = set(generation.state.files)

    def __len__(self) -> int:
        return self.index.n_docs

    def live_values(self, column: str) -> Iterator[tuple[int, str]]:
        """(document, value) of one text field for every live document, in order, read a
        segment at a time: one decode per segment, far faster than a lookup per document."""
        index = self.index
        for s, segment in enumerate(index.segments):
            base = int(index.bases[s])
            gone = set(index.deleted[s].tolist())
            for local, value in enumerate(segment.columns[column].all()):
                if local not in gone:
                    yield base + local, value

    def position(self, doc_id: str) -> int | None:
        """The live document with this id (binary search over each segment's sorted ids)."""
        for s, segment in enumerate(self.index.segments):
            local = bisect_sorted(segment.columns["ids"], segment.id_order, doc_id)
            if local is not None:
                doc = int(self.index.bases[s]) + local
                if not self.index.is_deleted(doc):
                    return doc
        return None

    def title(self, i: int) -> str:
        """The title as the record gives it (empty for a record without one)."""
        return self.titles[i]

    def heading(self, i: int) -> str:
        """What to show for the paper: its title, or "(untitled)" and its opening words."""
        title = self.titles[i]
        if title:
            return title
        # Punctuation left over from a cut-off heading (": A previous ...") says nothing.
        words = self.abstracts[i].lstrip(" :;,.-–—").split()
        opening = " ".join(words[:UNTITLED_WORDS])
        return f"(untitled) {opening}" + ("…" if len(words) > UNTITLED_WORDS else "")

    def abstract(self, i: int) -> str:
        return self.abstracts[i]

    def check_abstract(self, i: int) -> None:
        """The stored abstract matches its checksums (CacheDamaged when not)."""
        s, local = self.index.locate(i)
        self.index.segments[s].check_abstract(local)

    def sources(self, i: int) -> list[SourceRef]:
        """Where the document was read: its own records in files still in the collection, and
        the same record found later in other files."""
        s, local = self.index.locate(i)
        own = [r for r in self.index.segments[s].source_refs(local) if r.path in self._live_files]
        extra = [
            SourceRef(str(path), int(line), date)
            for path, line, date in self.generation.state.extra_sources.get(self.ids[i], [])
        ]
        return own + extra or self.index.segments[s].source_refs(local)

    def versions(self, i: int) -> list[int]:
        """Every document that is a version of the same paper as `i` (including `i`), in order."""
        g = self.generation
        group = int(g.version_group[i]) if i < g.version_group.shape[0] else -1
        if group < 0:
            return [i]
        lo, hi = int(g.group_ptr[group]), int(g.group_ptr[group + 1])
        return [int(d) for d in g.group_docs[lo:hi]]
