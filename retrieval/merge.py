"""Merging segments into one, leaving out deleted documents.

Documents keep their order. Postings are merged in batches of term ids, so memory stays bounded
whatever the size of the collection: within a batch, each segment's postings of a term go after
those of the segments before it, so every posting's place is computed directly, without sorting.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval.corpus import title_key
from retrieval.generation import SEGMENTS
from retrieval.names import title_names
from retrieval.persistence import DirectoryWriter
from retrieval.postings import EncodedPostings, encode
from retrieval.segment import (
    POSTING_ARRAYS,
    SEGMENT_FORMAT,
    TEXT_COLUMNS,
    Segment,
    _write_names,
    sorted_positions,
)

# Postings decoded at a time while merging.
BATCH_POSTINGS = 16_000_000


def merge_segments(
    root: Path, segments: list[Segment], deleted: list[np.ndarray], name: str
) -> Path:
    """Write one segment holding the live documents of `segments`, in order."""
    writer = DirectoryWriter(root / SEGMENTS, name)
    try:
        keep = [_live(s, d) for s, d in zip(segments, deleted, strict=True)]
        # New numbers of the kept documents, segment after segment.
        renumber = []
        base = 0
        for segment, kept in zip(segments, keep, strict=True):
            numbers = np.full(segment.n_docs, -1, dtype=np.int64)
            numbers[kept] = base + np.arange(kept.size)
            renumber.append(numbers)
            base += kept.size
        _copy_documents(writer, segments, keep)
        df = _merge_postings(writer, segments, renumber)
        sample = [sum(s.sentences[i] for s in segments) for i in range(3)]
        directory = writer.commit(
            {
                "kind": "segment",
                "format": SEGMENT_FORMAT,
                "docs": base,
                "postings": int(df.sum()),
                "source_files": _files(segments),
                "name_max_words": _names(writer, segments, keep),
                "sentences": sample,
            }
        )
        return directory
    except BaseException:
        writer.discard()
        raise


def _live(segment: Segment, deleted: np.ndarray) -> np.ndarray:
    mask = np.ones(segment.n_docs, dtype=bool)
    mask[deleted] = False
    return np.flatnonzero(mask)


def _files(segments: list[Segment]) -> list[str]:
    return list(dict.fromkeys(f for s in segments for f in s.source_files))


def _copy_documents(
    writer: DirectoryWriter, segments: list[Segment], keep: list[np.ndarray]
) -> None:
    """Text columns, ids, hashes, lengths and sources of the kept documents."""
    for name in (*TEXT_COLUMNS, "source_dates"):
        column = writer.column(name)
        for segment, kept in zip(segments, keep, strict=True):
            source = segment.columns[name] if name != "source_dates" else segment.source_dates
            rows = kept if name != "source_dates" else _source_rows(segment, kept)
            for run_start, run_stop in _runs(rows):
                data, offsets = source.raw(run_start, run_stop)
                column.append_bytes(data, offsets)
        writer.close_column(name, column)
    ids: list[str] = []
    for segment, kept in zip(segments, keep, strict=True):
        every = segment.columns["ids"].all()
        ids.extend(every[i] for i in kept.tolist())
    writer.array("id_order", sorted_positions(ids))
    pairs = list(zip(segments, keep, strict=True))
    writer.array("title_hash", np.concatenate([s.title_hash[k] for s, k in pairs]))
    writer.array("content_hash", np.concatenate([s.content_hash[k] for s, k in pairs]))
    files = _files(segments)
    counts, file_ids, lines = [], [], []
    for segment, kept in zip(segments, keep, strict=True):
        remap = np.asarray([files.index(f) for f in segment.source_files], dtype=np.int32)
        counts.append(np.diff(segment.source_ptr)[kept])
        rows = _source_rows(segment, kept)
        file_ids.append(remap[segment.source_file[rows]] if rows.size else np.zeros(0, np.int32))
        lines.append(segment.source_line[rows])
    ptr = np.zeros(sum(k.size for k in keep) + 1, dtype=np.int64)
    np.cumsum(np.concatenate(counts), out=ptr[1:])
    writer.array("source_ptr", ptr)
    writer.array("source_file", np.concatenate(file_ids).astype(np.int32))
    writer.array("source_line", np.concatenate(lines).astype(np.int32))


def _source_rows(segment: Segment, kept: np.ndarray) -> np.ndarray:
    """The source rows of the kept documents, in order."""
    lo = segment.source_ptr[kept]
    hi = segment.source_ptr[kept + 1]
    lengths = hi - lo
    if not lengths.sum():
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(lo - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return starts + np.arange(int(lengths.sum()))


def _runs(rows: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive runs of ascending row numbers, as (start, stop) pairs."""
    if not rows.size:
        return []
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    starts = np.concatenate([[0], breaks])
    stops = np.concatenate([breaks, [rows.size]])
    return [(int(rows[a]), int(rows[b - 1]) + 1) for a, b in zip(starts, stops, strict=True)]


def _names(writer: DirectoryWriter, segments: list[Segment], keep: list[np.ndarray]) -> int:
    docs: dict[str, list[int]] = {}
    surfaces: dict[str, str] = {}
    n = 0
    for segment, kept in zip(segments, keep, strict=True):
        titles = segment.columns["titles"]
        for local in kept.tolist():
            for name in title_names(titles[local]):
                key = title_key(name)
                if key:
                    found = docs.setdefault(key, [])
                    if not found or found[-1] != n:
                        found.append(n)
                    surfaces.setdefault(key, name)
            n += 1
    return _write_names(writer, docs, surfaces)


def _merge_postings(
    writer: DirectoryWriter, segments: list[Segment], renumber: list[np.ndarray]
) -> np.ndarray:
    """Postings of every term over the kept documents, merged batch by batch of term ids; the
    terms' document frequencies in the merged segment."""
    vocabulary = max((int(s.terms[-1]) + 1 for s in segments if s.terms.size), default=0)
    present: list[np.ndarray] = []
    parts: dict[str, list[np.ndarray]] = {
        name: [] for name in (*POSTING_ARRAYS, "post_ptr", "max_tf", "min_len")
    }
    totals = {"postings": 0, "gap_exc": 0, "tf_exc": 0}
    dfs = []
    lengths = np.concatenate([s.doc_len[r >= 0] for s, r in zip(segments, renumber, strict=True)])
    start = 0
    while start < vocabulary:
        stop = _batch_end(segments, start, vocabulary)
        terms, ptr, docs, tfs = _batch(segments, renumber, start, stop)
        if terms.size:
            encoded = encode(ptr, docs, tfs)
            present.append(terms)
            _append(parts, totals, encoded)
            nonempty = ptr[:-1] < ptr[1:]
            starts = ptr[:-1][nonempty]
            max_tf = np.zeros(terms.size, np.uint32)
            min_len = np.zeros(terms.size, np.uint32)
            max_tf[nonempty] = np.maximum.reduceat(tfs, starts)
            min_len[nonempty] = np.minimum.reduceat(lengths[docs], starts)
            parts["max_tf"].append(max_tf)
            parts["min_len"].append(min_len)
            dfs.append(np.diff(ptr))
        start = stop
    all_terms = np.concatenate(present) if present else np.zeros(0, np.int32)
    writer.array("terms", all_terms.astype(np.int32))
    ptr = np.concatenate([[0], *parts["post_ptr"]]) if parts["post_ptr"] else np.zeros(1, np.int64)
    writer.array("post_ptr", ptr.astype(np.int64))
    for name in POSTING_ARRAYS:
        chunks = parts[name]
        if name.endswith("_ptr"):
            value = np.concatenate([[0], *chunks]) if chunks else np.zeros(1, np.int64)
            writer.array(name, value.astype(np.int64))
        else:
            dtype = np.uint8 if name in ("gaps", "tfs") else np.uint32
            writer.array(
                name, np.concatenate(chunks).astype(dtype) if chunks else np.zeros(0, dtype)
            )
    for name in ("max_tf", "min_len"):
        chunks = parts[name]
        writer.array(name, np.concatenate(chunks) if chunks else np.zeros(0, np.uint32))
    writer.array("doc_len", lengths.astype(np.uint32))
    return np.concatenate(dfs) if dfs else np.zeros(0, np.int64)


def _batch_end(segments: list[Segment], start: int, vocabulary: int) -> int:
    """The end of a batch of term ids from `start` holding at most BATCH_POSTINGS postings."""
    lo, hi = start + 1, vocabulary
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _postings_between(segments, start, mid) <= BATCH_POSTINGS:
            lo = mid
        else:
            hi = mid - 1
    return max(lo, start + 1)


def _postings_between(segments: list[Segment], start: int, stop: int) -> int:
    total = 0
    for s in segments:
        a, b = np.searchsorted(s.terms, [start, stop])
        total += int(s.postings.ptr[b] - s.postings.ptr[a])
    return total


def _batch(
    segments: list[Segment], renumber: list[np.ndarray], start: int, stop: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The merged postings of term ids start..stop-1: the terms with postings left, their
    pointers, documents and frequencies."""
    span = stop - start
    per_segment = []
    counts = np.zeros((len(segments), span), dtype=np.int64)
    for i, (s, numbers) in enumerate(zip(segments, renumber, strict=True)):
        a, b = (int(x) for x in np.searchsorted(s.terms, [start, stop]))
        docs, tfs = _decode_range(s.postings, a, b)
        term_of = np.repeat(
            s.terms[a:b].astype(np.int64) - start, np.diff(s.postings.ptr[a : b + 1])
        )
        new = numbers[docs] if docs.size else docs.astype(np.int64)
        live = new >= 0
        term_of, new, tfs = term_of[live], new[live], tfs[live]
        counts[i] = np.bincount(term_of, minlength=span)
        per_segment.append((term_of, new, tfs))
    df = counts.sum(axis=0)
    ptr_full = np.zeros(span + 1, dtype=np.int64)
    np.cumsum(df, out=ptr_full[1:])
    total = int(ptr_full[-1])
    docs_out = np.empty(total, dtype=np.int32)
    tfs_out = np.empty(total, dtype=np.int64)
    before = np.zeros(span, dtype=np.int64)  # postings of earlier segments, per term
    for i, (term_of, new, tfs) in enumerate(per_segment):
        if term_of.size:
            first = np.concatenate([[0], np.cumsum(counts[i])[:-1]])
            rank = np.arange(term_of.size) - first[term_of]
            dest = ptr_full[term_of] + before[term_of] + rank
            docs_out[dest] = new
            tfs_out[dest] = tfs
        before += counts[i]
    kept = np.flatnonzero(df)
    ptr = np.zeros(kept.size + 1, dtype=np.int64)
    np.cumsum(df[kept], out=ptr[1:])
    return (kept + start).astype(np.int32), ptr, docs_out, tfs_out


def _decode_range(postings: EncodedPostings, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
    """Documents and frequencies of terms a..b-1 (positions in the segment), term after term."""
    lo, hi = int(postings.ptr[a]), int(postings.ptr[b])
    gaps = postings.gaps[lo:hi].astype(np.int64)
    zero = gaps == 0
    if zero.any():
        elo, ehi = int(postings.gap_exception_ptr[a]), int(postings.gap_exception_ptr[b])
        gaps[zero] = postings.gap_exceptions[elo:ehi]
    total = np.cumsum(gaps)
    ptr = postings.ptr[a : b + 1] - lo
    nonempty = ptr[:-1] < ptr[1:]
    before = np.where(ptr[:-1] > 0, total[np.maximum(ptr[:-1] - 1, 0)], 0)
    offsets = np.repeat(before[nonempty], np.diff(ptr)[nonempty])
    docs = (total - offsets - 1).astype(np.int64)
    tfs = postings.tfs[lo:hi].astype(np.int64)
    zero = tfs == 0
    if zero.any():
        elo, ehi = int(postings.tf_exception_ptr[a]), int(postings.tf_exception_ptr[b])
        tfs[zero] = postings.tf_exceptions[elo:ehi]
    return docs, tfs


def _append(
    parts: dict[str, list[np.ndarray]], totals: dict[str, int], encoded: EncodedPostings
) -> None:
    """Add an encoded batch to the output, its pointers shifted past what came before."""
    parts["post_ptr"].append(encoded.ptr[1:] + totals["postings"])
    parts["gap_exception_ptr"].append(encoded.gap_exception_ptr[1:] + totals["gap_exc"])
    parts["tf_exception_ptr"].append(encoded.tf_exception_ptr[1:] + totals["tf_exc"])
    for name in ("gaps", "gap_exceptions", "tfs", "tf_exceptions"):
        parts[name].append(getattr(encoded, name))
    totals["postings"] += int(encoded.ptr[-1])
    totals["gap_exc"] += int(encoded.gap_exception_ptr[-1])
    totals["tf_exc"] += int(encoded.tf_exception_ptr[-1])
