"""Merging segments into one, leaving out deleted documents.

Documents keep their order. Postings are merged in batches of term ids and written batch by
batch, and stored text is copied from file to file, so memory stays bounded whatever the size
of the collection: within a batch, each segment's postings of a term go after those of the
segments before it, so every posting's place is computed directly, without sorting.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path

import numpy as np

from retrieval.generation import SEGMENTS
from retrieval.persistence import DirectoryWriter, StringColumn, StringColumnWriter
from retrieval.postings import encode
from retrieval.segment import (
    SEGMENT_FORMAT,
    TEXT_COLUMNS,
    PostingsWriter,
    Segment,
    sorted_positions,
    write_name_table,
)

# Postings decoded at a time while merging.
BATCH_POSTINGS = 2_000_000


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
        # The stored text is copied meanwhile: file copies leave the interpreter free.
        with ThreadPoolExecutor(1) as copying:
            copied = copying.submit(_copy_documents, writer, segments, keep)
            df = _merge_postings(writer, segments, renumber)
            max_words = _names(writer, segments, renumber)
            copied.result()
        _release(segments)
        sample = [sum(s.sentences[i] for s in segments) for i in range(3)]
        directory = writer.commit(
            {
                "kind": "segment",
                "format": SEGMENT_FORMAT,
                "docs": base,
                "postings": int(df.sum()),
                "source_files": _files(segments),
                "name_max_words": max_words,
                "sentences": sample,
            }
        )
        return directory
    except BaseException:
        writer.discard()
        raise


def _release(segments: list[Segment]) -> None:
    """Memory stays bounded: what was read of the segments need not stay resident."""
    for segment in segments:
        segment.stored.release_pages()


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
            _copy_rows(source, rows, column)
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


def _copy_rows(source: StringColumn, rows: np.ndarray, column: StringColumnWriter) -> None:
    """Append the values of ascending rows to `column`, run by run of consecutive rows, copied
    from file to file: a merge neither maps nor reads the text."""
    offsets = source.offsets
    with source.path.open("rb") as fh:
        for run_start, run_stop in _runs(rows):
            lo = int(offsets[run_start])
            column.copy_values(fh.fileno(), lo, offsets[run_start : run_stop + 1] - lo)


def _names(writer: DirectoryWriter, segments: list[Segment], renumber: list[np.ndarray]) -> int:
    """The segments' name tables merged: each name's live documents in the new numbering,
    shown as the first segment that still has it shows it."""
    keys: list[str] = []
    surfaces: list[str] = []
    counts, docs = [], []
    for segment, numbers in zip(segments, renumber, strict=True):
        keys.extend(segment.name_keys.all())
        surfaces.extend(segment.name_surfaces.all())
        counts.append(np.diff(segment.name_ptr))
        docs.append(numbers[segment.name_docs])
    # Entries: every segment's names, one after another; their live documents.
    entry_of = np.repeat(np.arange(len(keys)), np.concatenate(counts))
    all_docs = np.concatenate(docs)
    live = all_docs >= 0
    entry_of, all_docs = entry_of[live], all_docs[live]
    live_count = np.bincount(entry_of, minlength=len(keys))
    # Entries by key, segments in order within a key (a stable sort; each segment's keys are
    # sorted already, so it merges runs), those without live documents left out.
    order = np.asarray(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)
    order = order[live_count[order] > 0]
    in_order = [keys[i] for i in order.tolist()]
    new_key = np.fromiter(
        (a != b for a, b in pairwise(in_order)), dtype=bool, count=max(order.size - 1, 0)
    )
    firsts = np.flatnonzero(np.concatenate([[order.size > 0], new_key]))
    # Each entry's live documents, entry after entry in key order.
    starts = np.zeros(len(keys), dtype=np.int64)
    np.cumsum(live_count[:-1], out=starts[1:])
    sizes = live_count[order]
    offsets = np.cumsum(sizes) - sizes
    gathered = all_docs[np.repeat(starts[order] - offsets, sizes) + np.arange(int(sizes.sum()))]
    ptr = np.zeros(firsts.size + 1, dtype=np.int64)
    if firsts.size:
        np.cumsum(np.add.reduceat(sizes, firsts), out=ptr[1:])
    first_entries = order[firsts].tolist()
    return write_name_table(
        writer,
        [keys[i] for i in first_entries],
        [surfaces[i] for i in first_entries],
        ptr,
        gathered,
    )


def _merge_postings(
    writer: DirectoryWriter, segments: list[Segment], renumber: list[np.ndarray]
) -> np.ndarray:
    """Postings of every term over the kept documents, merged and written batch by batch of
    term ids; the terms' document frequencies in the merged segment."""
    vocabulary = max((int(s.terms[-1]) + 1 for s in segments if s.terms.size), default=0)
    lengths = np.concatenate([s.doc_len[r >= 0] for s, r in zip(segments, renumber, strict=True)])
    out = PostingsWriter(writer)
    dfs = []

    # Batches are gathered and encoded by two threads (numpy leaves the interpreter free for
    # most of it) and written in order; at most three are held at once.
    def gathered_and_encoded(bounds: tuple[int, int]):
        terms, ptr, docs, tfs = _batch(segments, renumber, *bounds)
        if not terms.size:
            return None
        starts = ptr[:-1]
        max_tf = np.maximum.reduceat(tfs, starts)
        min_len = np.minimum.reduceat(lengths[docs], starts)
        return terms, encode(ptr, docs, tfs, lengths), max_tf, min_len, np.diff(ptr)

    def write(done) -> None:
        if done is not None:
            *batch, df = done
            out.add(*batch)
            dfs.append(df)
        _release(segments)

    with ThreadPoolExecutor(2) as encoding:
        pending: deque[Future] = deque()
        for batch_bounds in _batch_bounds(segments, vocabulary):
            pending.append(encoding.submit(gathered_and_encoded, batch_bounds))
            if len(pending) > 2:
                write(pending.popleft().result())
        while pending:
            write(pending.popleft().result())
    out.close()
    writer.array("doc_len", lengths.astype(np.uint32))
    return np.concatenate(dfs) if dfs else np.zeros(0, np.int64)


def _batch_bounds(segments: list[Segment], vocabulary: int) -> list[tuple[int, int]]:
    """Ranges of term ids whose postings, over all segments, come to about BATCH_POSTINGS."""
    per_term = np.zeros(vocabulary, dtype=np.int64)
    for s in segments:
        per_term[s.terms] += np.diff(s.postings.ptr)
    ends = np.cumsum(per_term)
    bounds = []
    start = 0
    while start < vocabulary:
        before = int(ends[start - 1]) if start else 0
        stop = max(int(np.searchsorted(ends, before + BATCH_POSTINGS, side="right")), start + 1)
        bounds.append((start, stop))
        start = stop
    return bounds


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
        docs, tfs = s.postings.decode_range(a, b)
        term_of = np.repeat(
            (s.terms[a:b] - start).astype(np.int32), np.diff(s.postings.ptr[a : b + 1])
        )
        if numbers.size and numbers[0] >= 0 and numbers[-1] - numbers[0] == numbers.size - 1:
            # Nothing deleted: new numbers are the old ones shifted.
            new = docs + int(numbers[0])
        else:
            new = numbers[docs]
            live = new >= 0
            term_of, new, tfs = term_of[live], new[live], tfs[live]
        counts[i] = np.bincount(term_of, minlength=span)
        per_segment.append((term_of, new, tfs))
    df = counts.sum(axis=0)
    ptr_full = np.zeros(span + 1, dtype=np.int64)
    np.cumsum(df, out=ptr_full[1:])
    total = int(ptr_full[-1])
    docs_out = np.empty(total, dtype=np.int64)
    tfs_out = np.empty(total, dtype=np.int64)
    before = np.zeros(span, dtype=np.int64)  # postings of earlier segments, per term
    for i, (term_of, new, tfs) in enumerate(per_segment):
        if term_of.size:
            # A posting's place: its term's start, after earlier segments' postings of the
            # term, plus its rank among this segment's postings of the term.
            first = np.cumsum(counts[i]) - counts[i]
            dest = np.arange(term_of.size) + (ptr_full[:-1] + before - first)[term_of]
            docs_out[dest] = new
            tfs_out[dest] = tfs
        before += counts[i]
    kept = np.flatnonzero(df)
    ptr = np.zeros(kept.size + 1, dtype=np.int64)
    np.cumsum(df[kept], out=ptr[1:])
    return (kept + start).astype(np.int32), ptr, docs_out, tfs_out
