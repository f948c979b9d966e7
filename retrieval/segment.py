"""Segments: immutable parts of an index, each holding some of the collection's documents.

A segment stores, for its documents: the postings of every term they contain (keyed by the
collection's global term ids, compactly encoded, see postings.py), each document's length, the
documents' fields (id, title, abstract, date, ...), where each was read, the names their titles
give, and hashes of their titles and contents (to link versions and recognise duplicates in
later additions). Nothing in a segment depends on the rest of the collection: scores are computed
with collection-wide statistics at query time, so a collection split into several segments
ranks exactly as it would in one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.corpus import Paper, SourceRef
from retrieval.persistence import CacheDamaged, DirectoryWriter, StoredDirectory, StringColumn
from retrieval.postings import (
    ARRAY_DTYPES,
    BLOCK_ARRAYS,
    FOUR_BITS,
    TF_CODES,
    WIDTHS,
    Postings,
    encode,
)

SEGMENT_FORMAT = 2
# Stored text columns and the Paper fields they hold.
COLUMN_FIELDS = {
    "ids": "doc_id",
    "titles": "title",
    "abstracts": "abstract",
    "dates": "date",
    "authors": "authors",
    "urls": "url",
    "categories": "categories",
}
TEXT_COLUMNS = tuple(COLUMN_FIELDS)


@dataclass
class WrittenSegment:
    """A segment just written: where, and what the generation needs to know of it."""

    directory: Path
    terms: np.ndarray  # global ids of its terms, ascending
    df: np.ndarray  # their document frequencies
    cf: np.ndarray  # their collection frequencies
    title_hash: np.ndarray  # per document
    sample: tuple[int, int, int]  # sentence statistics of its sampled documents


class SegmentWriter:
    """Writes one segment: documents are added with their postings (global term ids)."""

    def __init__(self, parent: Path, name: str) -> None:
        self.writer = DirectoryWriter(parent, name)
        self.columns = {c: self.writer.column(c) for c in TEXT_COLUMNS}
        self.source_dates = self.writer.column("source_dates")
        self.ids: list[str] = []
        self.title_hashes: list[int] = []
        self.content_hashes: list[bytes] = []
        self.source_counts: list[int] = []
        self.source_file: list[int] = []
        self.source_line: list[int] = []
        self.files: dict[str, int] = {}
        self.names: dict[str, list[int]] = {}
        self.surfaces: dict[str, str] = {}
        self.postings_per_doc: list[np.ndarray] = []
        self.term_parts: list[np.ndarray] = []
        self.count_parts: list[np.ndarray] = []
        self.lengths: list[np.ndarray] = []
        self.n_postings = 0
        self._sample = [0, 0, 0]

    def __len__(self) -> int:
        return len(self.ids)

    def sample(self, sentences: tuple[int, int, int]) -> None:
        """Count sentence statistics of sampled documents towards this segment."""
        for i, value in enumerate(sentences):
            self._sample[i] += value

    def add_documents(
        self,
        papers: Sequence[Paper],
        ptr: np.ndarray,
        terms: np.ndarray,
        counts: np.ndarray,
        lengths: np.ndarray,
    ) -> None:
        """Add documents with their postings: document i holds the distinct global term ids
        terms[ptr[i]:ptr[i+1]], each occurring counts[...] times; `lengths` are the documents'
        lengths (the title weighted, as the counts are)."""
        first = len(self.ids)
        for name, field in COLUMN_FIELDS.items():
            self.columns[name].extend([getattr(p, field) for p in papers])
        self.ids.extend(p.doc_id for p in papers)
        self.title_hashes.extend(p.title_hash for p in papers)
        self.content_hashes.extend(p.content for p in papers)
        self.source_counts.extend(len(p.sources) for p in papers)
        refs = [ref for p in papers for ref in p.sources]
        self.source_file.extend(self.files.setdefault(ref.path, len(self.files)) for ref in refs)
        self.source_line.extend(ref.line for ref in refs)
        self.source_dates.extend(ref.date for ref in refs)
        for n, paper in enumerate(papers, start=first):
            for name_key, name in paper.names:
                docs = self.names.setdefault(name_key, [])
                if not docs or docs[-1] != n:
                    docs.append(n)
                self.surfaces.setdefault(name_key, name)
        self.postings_per_doc.append(np.diff(ptr).astype(np.int32))
        self.term_parts.append(np.asarray(terms, dtype=np.int32))
        self.count_parts.append(np.asarray(counts, dtype=np.int32))
        self.lengths.append(np.asarray(lengths, dtype=np.uint32))
        self.n_postings += int(terms.shape[0])

    def commit(self, durable: bool = True) -> WrittenSegment:
        """Postings and the rest, checksummed and moved into place (synced to disk when
        `durable`)."""
        w = self.writer
        try:
            for name, column in self.columns.items():
                w.close_column(name, column)
            w.close_column("source_dates", self.source_dates)
            n = len(self.ids)
            w.array("id_order", sorted_positions(self.ids))
            title_hashes = np.asarray(self.title_hashes, dtype=np.uint64).reshape(n)
            w.array("title_hash", title_hashes)
            content = np.frombuffer(b"".join(self.content_hashes), dtype="<u8").reshape(n, 2)
            w.array("content_hash", content.astype(np.uint64))
            source_ptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.asarray(self.source_counts, dtype=np.int64), out=source_ptr[1:])
            w.array("source_ptr", source_ptr)
            w.array("source_file", np.asarray(self.source_file, dtype=np.int32))
            w.array("source_line", np.asarray(self.source_line, dtype=np.int32))
            max_words = _write_names(
                w, ((key, self.surfaces[key], self.names[key]) for key in sorted(self.names))
            )
            lengths = _joined(self.lengths, np.uint32)
            # Each part list is dropped as soon as it is joined: sorting the postings is when
            # a build holds the most.
            per_doc = _joined(self.postings_per_doc, np.int32)
            self.postings_per_doc = []
            all_terms = _joined(self.term_parts, np.int32)
            self.term_parts = []
            all_counts = _joined(self.count_parts, np.int32)
            self.count_parts = []
            terms, postings, max_tf, min_len, df, cf = _postings(
                per_doc, all_terms, all_counts, lengths
            )
            del per_doc, all_terms, all_counts
            out = PostingsWriter(w)
            out.add(terms, postings, max_tf, min_len)
            out.close()
            w.array("doc_len", lengths)
            directory = w.commit(
                {
                    "kind": "segment",
                    "format": SEGMENT_FORMAT,
                    "docs": n,
                    "postings": postings.n_postings,
                    "source_files": sorted(self.files, key=self.files.__getitem__),
                    "name_max_words": max_words,
                    "sentences": list(self._sample),
                },
                durable,
            )
            return WrittenSegment(directory, terms, df, cf, title_hashes, tuple(self._sample))
        except BaseException:
            w.discard()
            raise

    def discard(self) -> None:
        for column in self.columns.values():
            column.close()
        self.source_dates.close()
        self.writer.discard()


class PostingsWriter:
    """Writes a segment's postings batch after batch of terms (in ascending global id), so a
    merge never holds more than a batch."""

    def __init__(self, w: DirectoryWriter) -> None:
        self.out = {name: w.appender(name, dtype) for name, dtype in ARRAY_DTYPES.items()}
        for name, dtype in (("terms", np.int32), ("max_tf", np.uint32), ("min_len", np.uint32)):
            self.out[name] = w.appender(name, dtype)
        self.out["post_ptr"].append(np.zeros(1))
        self.out["block_ptr"].append(np.zeros(1))
        self.postings = 0
        self.blocks = 0
        # Values written so far in each width's array, indexed by width.
        self.gap_base = np.zeros(max(WIDTHS) + 1, dtype=np.int64)
        self.tf_base = np.zeros(max(WIDTHS) + 1, dtype=np.int64)

    def add(
        self, terms: np.ndarray, postings: Postings, max_tf: np.ndarray, min_len: np.ndarray
    ) -> None:
        out = self.out
        out["terms"].append(terms)
        out["max_tf"].append(max_tf)
        out["min_len"].append(min_len)
        out["post_ptr"].append(postings.ptr[1:] + self.postings)
        out["block_ptr"].append(postings.block_ptr[1:] + self.blocks)
        out["gap_width"].append(postings.gap_width)
        out["gap_at"].append(postings.gap_at + self.gap_base[postings.gap_width])
        out["tf_width"].append(postings.tf_width)
        out["tf_at"].append(postings.tf_at + self.tf_base[postings.tf_width])
        for name in BLOCK_ARRAYS:
            out[name].append(getattr(postings, name))
        for w in WIDTHS:
            out[f"gaps{w}"].append(postings.gaps[w])
            self.gap_base[w] += postings.gaps[w].shape[0]
        for w in TF_CODES:
            out[f"tfs{w}"].append(postings.tfs[w])
            # Four-bit values are counted in values, two to a (whole) byte.
            self.tf_base[w] += postings.tfs[w].shape[0] * (2 if w == FOUR_BITS else 1)
        self.postings += postings.n_postings
        self.blocks += int(postings.block_ptr[-1])

    def close(self) -> None:
        for appender in self.out.values():
            appender.close()


def _joined(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


# Postings are sorted as (term, document, frequency) packed in 64 bits.
DOC_BITS = 17
TF_BITS = 16
DOC_MASK = (1 << DOC_BITS) - 1
TF_MASK = (1 << TF_BITS) - 1
TERM_MAX = (1 << (63 - DOC_BITS - TF_BITS)) - 1


def _postings(
    per_doc: np.ndarray, terms: np.ndarray, counts: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, Postings, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Term-major postings of documents given document after document: the global ids present
    (ascending), their encoded postings, for each its largest frequency and its shortest
    document (score bounds), and its document and collection frequencies."""
    n_docs = per_doc.shape[0]
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), per_doc)
    if n_docs <= DOC_MASK and (not terms.size or int(terms.max()) <= TERM_MAX):
        # Term, document and frequency packed in one integer: sorting the values (far faster
        # than a stable argsort) orders postings by term, then document.
        packed = terms.astype(np.int64) << (DOC_BITS + TF_BITS)
        packed |= doc_of << TF_BITS
        packed |= np.minimum(counts, TF_MASK)
        del doc_of
        packed.sort()
        # int32 from here on: these arrays are what a build holds at its peak.
        tfs = (packed & TF_MASK).astype(np.int32)
        docs = ((packed >> TF_BITS) & DOC_MASK).astype(np.int32)
        large = np.flatnonzero(counts >= TF_MASK)
        if large.size:  # frequencies too large to pack: put them back
            large_docs = np.searchsorted(np.cumsum(per_doc), large, side="right")
            pairs = packed >> TF_BITS  # (term, document), ascending
            wanted = (terms[large].astype(np.int64) << DOC_BITS) | large_docs
            tfs[np.searchsorted(pairs, wanted)] = counts[large]
        terms = (packed >> (DOC_BITS + TF_BITS)).astype(np.int32)
        del packed
    else:
        # A stable sort by term keeps each term's documents ascending.
        order = np.argsort(terms, kind="stable")
        docs = doc_of[order].astype(np.int32)
        del doc_of
        tfs = counts[order].astype(np.int32)
        terms = terms[order]
        del order
    starts = np.flatnonzero(np.diff(terms, prepend=np.int32(-1)) != 0) if terms.size else terms
    present = terms[starts].astype(np.int32)
    del terms
    ptr = np.append(starts, docs.shape[0]).astype(np.int64)
    if docs.size:
        max_tf = np.maximum.reduceat(tfs, starts)
        min_len = np.minimum.reduceat(lengths[docs], starts)
        cf = np.add.reduceat(tfs, starts, dtype=np.int64)
    else:
        max_tf = min_len = cf = np.zeros(0, np.int64)
    postings = encode(ptr, docs, tfs, lengths)
    return present, postings, max_tf, min_len, np.diff(ptr), cf


def _write_names(w: DirectoryWriter, names: Iterable[tuple[str, str, list[int]]]) -> int:
    """Write the name table from (key, surface, documents) in ascending key order; the most
    words in a key."""
    keys: list[str] = []
    surfaces: list[str] = []
    ptr = [0]
    flat: list[int] = []
    for key, surface, docs in names:
        keys.append(key)
        surfaces.append(surface)
        flat.extend(docs)
        ptr.append(len(flat))
    return write_name_table(
        w, keys, surfaces, np.asarray(ptr, dtype=np.int64), np.asarray(flat, dtype=np.int32)
    )


def write_name_table(
    w: DirectoryWriter, keys: list[str], surfaces: list[str], ptr: np.ndarray, docs: np.ndarray
) -> int:
    """Write the name table: keys ascending, each shown as its surface, its documents
    docs[ptr[i]:ptr[i+1]]; the most words in a key."""
    for name, values in (("name_keys", keys), ("name_surfaces", surfaces)):
        column = w.column(name)
        column.extend(values)
        w.close_column(name, column)
    w.array("name_ptr", ptr.astype(np.int64))
    w.array("name_docs", docs.astype(np.int32))
    return max((key.count(" ") + 1 for key in keys), default=0)


def sorted_positions(values: list[str]) -> np.ndarray:
    """The permutation that sorts `values` (for binary search by value)."""
    return np.asarray(sorted(range(len(values)), key=values.__getitem__), dtype=np.int32)


# ---------------------------------------------------------------------------------------------
# Reading


class Segment:
    """A committed segment, memory-mapped."""

    def __init__(self, directory: Path) -> None:
        stored = StoredDirectory(directory)
        manifest = stored.manifest
        if manifest.get("kind") != "segment" or manifest.get("format") != SEGMENT_FORMAT:
            raise CacheDamaged(f"{directory.name}: not a segment of this format")
        self.stored = stored
        self.name = directory.name
        self.dir = directory
        self.n_docs = int(manifest["docs"])
        self.source_files: list[str] = list(manifest["source_files"])
        self.name_max_words = int(manifest["name_max_words"])
        self.sentences = tuple(manifest["sentences"])
        self.terms = stored.array("terms")
        self.postings = Postings.load(stored.array)
        self.max_tf = stored.array("max_tf")
        self.min_len = stored.array("min_len")
        self.doc_len = stored.array("doc_len")
        self.columns: dict[str, StringColumn] = {c: stored.column(c) for c in TEXT_COLUMNS}
        self.source_dates = stored.column("source_dates")
        self.id_order = stored.array("id_order")
        self.title_hash = stored.array("title_hash")
        self.content_hash = stored.array("content_hash")
        self.source_ptr = stored.array("source_ptr")
        self.source_file = stored.array("source_file")
        self.source_line = stored.array("source_line")
        self.name_keys = stored.column("name_keys")
        self.name_surfaces = stored.column("name_surfaces")
        self.name_ptr = stored.array("name_ptr")
        self.name_docs = stored.array("name_docs")
        self._check_shapes()

    def _check_shapes(self) -> None:
        n, t, p = self.n_docs, self.terms.shape[0], self.postings
        consistent = (
            all(len(c) == n for c in self.columns.values())
            and self.doc_len.shape[0] == n
            and self.id_order.shape[0] == n
            and self.source_ptr.shape[0] == n + 1
            and p.ptr.shape[0] == t + 1
            and p.consistent()
            and self.max_tf.shape[0] == t == self.min_len.shape[0]
        )
        if not consistent:
            raise CacheDamaged(f"{self.name}: its arrays do not fit together")

    def local_term(self, term: int) -> int:
        """The position of a global term id among this segment's terms, or -1."""
        i = int(np.searchsorted(self.terms, np.int32(term)))  # same dtype: no copy of the array
        return i if i < self.terms.shape[0] and int(self.terms[i]) == term else -1

    def postings_of(self, local: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Documents (int32, ascending) and frequencies (float32, None when all are 1) of a
        term, checked to lie in the segment: a damaged array is reported, never used."""
        docs, tfs = self.postings.decode(local)
        self._check_docs(docs)
        return docs, tfs

    def _check_docs(self, docs: np.ndarray) -> None:
        if docs.size and (int(docs[0]) < 0 or int(docs[-1]) >= self.n_docs):
            raise CacheDamaged(f"{self.name}: postings point outside the segment")

    def verify(self) -> list[str]:
        return self.stored.verify()

    def source_refs(self, doc: int) -> list[SourceRef]:
        lo, hi = int(self.source_ptr[doc]), int(self.source_ptr[doc + 1])
        refs = []
        for j in range(lo, hi):
            f = int(self.source_file[j])
            if not 0 <= f < len(self.source_files):
                raise CacheDamaged(f"{self.name}: a source points outside its file list")
            refs.append(
                SourceRef(
                    self.source_files[f], int(self.source_line[j]), self.source_dates.optional(j)
                )
            )
        return refs

    def check_abstract(self, doc: int) -> None:
        """The stored abstract's bytes match their checksums (before it is quoted)."""
        lo, hi = self.columns["abstracts"].span(doc)
        self.stored.check_range("abstracts.txt", lo, hi)
