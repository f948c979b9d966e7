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

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.corpus import SourceRef, title_key
from retrieval.names import title_names
from retrieval.persistence import CacheDamaged, DirectoryWriter, StoredDirectory, StringColumn
from retrieval.postings import EncodedPostings, decode, encode

SEGMENT_FORMAT = 1
TEXT_COLUMNS = ("ids", "titles", "abstracts", "dates", "authors", "urls", "categories")
POSTING_ARRAYS = (
    "gaps",
    "gap_exceptions",
    "gap_exception_ptr",
    "tfs",
    "tf_exceptions",
    "tf_exception_ptr",
)


def title_hash(title: str) -> int:
    """A 63-bit hash of the title's key (0 for no title): equal for versions of one paper."""
    key = title_key(title)
    if not key:
        return 0
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") >> 1 or 1


def content_hash(title: str, abstract: str) -> tuple[int, int]:
    """A 128-bit hash of a record's content: equal for the same paper read twice."""
    digest = hashlib.blake2b(f"{title_key(title)}\n{abstract}".encode(), digest_size=16).digest()
    return int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")


@dataclass
class SegmentDoc:
    """One document as a segment writes it."""

    doc_id: str
    title: str
    abstract: str
    date: str | None
    authors: str | None
    url: str | None
    categories: str | None
    sources: list[SourceRef]
    own_id: str | None  # the record's own id, before any "~2"


class SegmentWriter:
    """Writes one segment: documents are added with their analysed terms (global term ids)."""

    def __init__(self, parent: Path, name: str) -> None:
        self.writer = DirectoryWriter(parent, name)
        self.columns = {c: self.writer.column(c) for c in TEXT_COLUMNS}
        self.source_dates = self.writer.column("source_dates")
        self.ids: list[str] = []
        self.title_hashes: list[int] = []
        self.content_hashes: list[tuple[int, int]] = []
        self.source_counts: list[int] = []
        self.source_file: list[int] = []
        self.source_line: list[int] = []
        self.files: dict[str, int] = {}
        self.names: dict[str, list[int]] = {}
        self.surfaces: dict[str, str] = {}
        self.doc_terms: list[np.ndarray] = []  # per document: its term ids, title repeated
        self.lengths: list[int] = []
        self.sentence_sample: tuple[int, int] = (0, 0)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def tokens(self) -> int:
        return sum(self.lengths)

    def add(self, doc: SegmentDoc, terms: np.ndarray) -> int:
        """Add a document and its term ids (title weighted, as indexed); its local number."""
        n = len(self.ids)
        self.ids.append(doc.doc_id)
        for name, value in (
            ("ids", doc.doc_id),
            ("titles", doc.title),
            ("abstracts", doc.abstract),
            ("dates", doc.date),
            ("authors", doc.authors),
            ("urls", doc.url),
            ("categories", doc.categories),
        ):
            self.columns[name].append(value)
        self.title_hashes.append(title_hash(doc.title))
        self.content_hashes.append(content_hash(doc.title, doc.abstract))
        self.source_counts.append(len(doc.sources))
        for ref in doc.sources:
            self.source_file.append(self.files.setdefault(ref.path, len(self.files)))
            self.source_line.append(ref.line)
            self.source_dates.append(ref.date)
        for name in title_names(doc.title):
            key = title_key(name)
            if key:
                docs = self.names.setdefault(key, [])
                if not docs or docs[-1] != n:
                    docs.append(n)
                self.surfaces.setdefault(key, name)
        self.doc_terms.append(terms.astype(np.int32, copy=False))
        self.lengths.append(int(terms.shape[0]))
        return n

    def commit(self, sentences: tuple[int, ...]) -> tuple[Path, np.ndarray, np.ndarray, np.ndarray]:
        """Postings and the rest, checksummed and moved into place: the segment's directory,
        and the global ids of its terms with their document and collection frequencies."""
        w = self.writer
        try:
            for name, column in self.columns.items():
                w.close_column(name, column)
            w.close_column("source_dates", self.source_dates)
            n = len(self.ids)
            w.array("id_order", sorted_positions(self.ids))
            w.array("title_hash", np.asarray(self.title_hashes, dtype=np.uint64).reshape(n))
            w.array("content_hash", np.asarray(self.content_hashes, dtype=np.uint64).reshape(n, 2))
            source_ptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.asarray(self.source_counts, dtype=np.int64), out=source_ptr[1:])
            w.array("source_ptr", source_ptr)
            w.array("source_file", np.asarray(self.source_file, dtype=np.int32))
            w.array("source_line", np.asarray(self.source_line, dtype=np.int32))
            max_words = _write_names(w, self.names, self.surfaces)
            terms, postings, max_tf, min_len, df, cf = _postings(self.doc_terms, self.lengths)
            self.doc_terms = []
            w.array("terms", terms)
            w.array("post_ptr", postings.ptr)
            for name in POSTING_ARRAYS:
                w.array(name, getattr(postings, name))
            w.array("max_tf", max_tf)
            w.array("min_len", min_len)
            w.array("doc_len", np.asarray(self.lengths, dtype=np.uint32))
            directory = w.commit(
                {
                    "kind": "segment",
                    "format": SEGMENT_FORMAT,
                    "docs": n,
                    "postings": int(postings.ptr[-1]),
                    "source_files": sorted(self.files, key=self.files.__getitem__),
                    "name_max_words": max_words,
                    "sentences": list(sentences),
                }
            )
            return directory, terms, df, cf
        except BaseException:
            w.discard()
            raise

    def discard(self) -> None:
        for column in self.columns.values():
            column.close()
        self.source_dates.close()
        self.writer.discard()


def _postings(
    doc_terms: list[np.ndarray], lengths: list[int]
) -> tuple[np.ndarray, EncodedPostings, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Term-major postings of the documents: the global ids present (sorted), their encoded
    postings, for each its largest frequency and its shortest document (score bounds), and its
    document and collection frequencies."""
    from scipy import sparse  # building only: queries never import scipy

    n_docs = len(doc_terms)
    if not n_docs or not sum(lengths):
        empty = encode(np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int64))
        none = np.zeros(0, np.int64)
        return (
            np.zeros(0, np.int32),
            empty,
            none.astype(np.uint32),
            none.astype(np.uint32),
            none,
            none,
        )
    ids = np.concatenate(doc_terms)
    present, local = np.unique(ids, return_inverse=True)
    width = np.int64(max(present.shape[0], 1))
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), np.asarray(lengths, dtype=np.int64))
    keys, counts = np.unique(doc_of * width + local.astype(np.int64), return_counts=True)
    del ids, local, doc_of
    row_ptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys // width, minlength=n_docs), out=row_ptr[1:])
    by_doc = sparse.csr_matrix(
        (counts.astype(np.int64), (keys % width).astype(np.int32), row_ptr),
        shape=(n_docs, present.shape[0]),
    )
    del keys, counts
    by_term = by_doc.tocsc()
    by_term.sort_indices()
    del by_doc
    ptr = by_term.indptr.astype(np.int64)
    docs = by_term.indices.astype(np.int32)
    tfs = by_term.data.astype(np.int64)
    del by_term
    length = np.asarray(lengths, dtype=np.uint32)
    nonempty = ptr[:-1] < ptr[1:]
    starts = ptr[:-1][nonempty]
    max_tf = np.zeros(present.shape[0], dtype=np.uint32)
    min_len = np.zeros(present.shape[0], dtype=np.uint32)
    max_tf[nonempty] = np.maximum.reduceat(tfs, starts)
    min_len[nonempty] = np.minimum.reduceat(length[docs], starts)
    df = np.diff(ptr)
    cf = np.zeros(present.shape[0], dtype=np.int64)
    cf[nonempty] = np.add.reduceat(tfs, starts)
    return present.astype(np.int32), encode(ptr, docs, tfs), max_tf, min_len, df, cf


def _write_names(w: DirectoryWriter, docs: dict[str, list[int]], surfaces: dict[str, str]) -> int:
    keys = sorted(docs)
    key_column, surface_column = w.column("name_keys"), w.column("name_surfaces")
    ptr = np.zeros(len(keys) + 1, dtype=np.int64)
    flat: list[int] = []
    for i, key in enumerate(keys):
        key_column.append(key)
        surface_column.append(surfaces[key])
        flat.extend(docs[key])
        ptr[i + 1] = len(flat)
    w.close_column("name_keys", key_column)
    w.close_column("name_surfaces", surface_column)
    w.array("name_ptr", ptr)
    w.array("name_docs", np.asarray(flat, dtype=np.int32))
    return max((len(k.split()) for k in keys), default=0)


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
        self.postings = EncodedPostings(
            stored.array("post_ptr"), *(stored.array(name) for name in POSTING_ARRAYS)
        )
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
            and int(p.ptr[-1]) == p.gaps.shape[0] == p.tfs.shape[0]
            and int(p.gap_exception_ptr[-1]) == p.gap_exceptions.shape[0]
            and int(p.tf_exception_ptr[-1]) == p.tf_exceptions.shape[0]
            and self.max_tf.shape[0] == t == self.min_len.shape[0]
        )
        if not consistent:
            raise CacheDamaged(f"{self.name}: its arrays do not fit together")

    def local_term(self, term: int) -> int:
        """The position of a global term id among this segment's terms, or -1."""
        i = int(np.searchsorted(self.terms, np.int32(term)))  # same dtype: no copy of the array
        return i if i < self.terms.shape[0] and int(self.terms[i]) == term else -1

    def postings_of(self, local: int) -> tuple[np.ndarray, np.ndarray]:
        """Documents (int32, ascending) and frequencies (float32) of a term, checked to lie in
        the segment: a damaged array is reported, never used."""
        docs, tfs = decode(self.postings, local)
        if docs.size and (int(docs[0]) < 0 or int(docs[-1]) >= self.n_docs):
            raise CacheDamaged(f"{self.name}: postings point outside the segment")
        return docs, tfs

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
