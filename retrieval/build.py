"""Building segments from corpus files: analysis (in this process, or in worker processes for
large corpora), global term ids, and segments of bounded size.

Analysis turns each chunk of documents into postings: every document's distinct terms and how
often each occurs (the title counted `title_weight` times), plus sentence statistics of a
sample. Workers are fresh interpreters running `python -m retrieval.analysis_worker`, fed
chunks over a pipe: they never import the caller's script (a script without an
`if __name__ == "__main__":` guard can open a large corpus) and need nothing of the parent's
standard streams (the chat can index too). Segments are written once they hold SEGMENT_DOCS
documents or SEGMENT_POSTINGS postings, so memory no longer grows with the corpus.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from retrieval.analysis import PieceAnalyzer
from retrieval.corpus import (
    Collection,
    CorpusFile,
    LineSpan,
    LoadReport,
    Paper,
    PaperRecord,
    json_lines_spans,
    numbered_lines,
    parse_json_lines,
    read_records,
    read_span,
)
from retrieval.errors import InputError
from retrieval.generation import SEGMENTS, TermTable
from retrieval.persistence import make_durable
from retrieval.segment import SegmentWriter
from retrieval.sentences import split_sentences

# Documents (or bytes of JSON Lines) sent to analysis at a time, and how many such chunks may be
# in flight (enough to keep the workers busy while a segment is written).
CHUNK_DOCS = 1000
CHUNK_BYTES = 1 << 20
CHUNKS_IN_FLIGHT = 6
# A segment is written when it holds this many documents or postings (this bounds memory).
SEGMENT_DOCS = 100_000
SEGMENT_POSTINGS = 2_000_000
# Sentences are counted in the first SENTENCE_SAMPLE documents, then in one in SENTENCE_STEP.
SENTENCE_SAMPLE = 1000
SENTENCE_STEP = 1000

ProgressFn = Callable[[str, float], None]


# ---------------------------------------------------------------------------------------------
# Analysis


@dataclass
class Work:
    """A chunk for analysis: JSON Lines still to read and parse (a span of a file's lines: the
    analysis reads them itself, so the file's text is not passed around), or the (title,
    abstract) of records already read; `first` numbers its first record (for the sample)."""

    first: int
    path: str | None = None
    span: LineSpan | None = None
    docs: list[tuple[str, str]] | None = None


@dataclass
class AnalyzedChunk:
    """A chunk's records (when parsed by the analysis) and each one's postings."""

    analyzer: str  # which ChunkAnalyzer made it (its term numbers are its own)
    new_terms: list[str]  # its terms first met in this chunk, in number order
    lengths: np.ndarray  # int32 per record: its terms, the title weighted
    ptr: np.ndarray  # int64 [records + 1]: each record's postings
    terms: np.ndarray  # int32: each record's distinct terms
    counts: np.ndarray  # int32: how often each occurs (the title weighted)
    sample: np.ndarray  # int64 [records, 3]: sampled (0/1), its sentences, their terms
    records: list[PaperRecord] | None = None  # parsed here from JSON Lines
    report: LoadReport | None = None  # what parsing them saw
    error: InputError | None = None  # the first bad line: nothing else is analysed


class ChunkAnalyzer:
    """Turns chunks of documents into postings, in whichever process runs it. Each process
    numbers terms its own way and reports those it met first with every chunk; the indexer maps
    them onto the collection's global ids."""

    def __init__(self, title_weight: int, compiled: bool = False) -> None:
        self.pieces = PieceAnalyzer(compiled=compiled)
        self.title_weight = title_weight
        self.key = f"{os.getpid()}:{id(self)}"

    def run(self, work: Work) -> AnalyzedChunk:
        """Parse the chunk if needed, then analyse it."""
        if work.docs is not None:
            return self.analyze(work.docs, work.first)
        assert work.path is not None and work.span is not None
        path = Path(work.path)
        report = LoadReport()
        try:
            lines = numbered_lines(work.span, read_span(path, work.span))
            records = parse_json_lines(path, lines, report)
        except InputError as err:
            return replace(self.analyze([], work.first), error=err)
        chunk = self.analyze([(r.title, r.abstract) for r in records], work.first)
        return replace(chunk, records=records, report=report)

    def analyze(self, docs: Sequence[tuple[str, str]], first: int = 0) -> AnalyzedChunk:
        """Postings of (title, abstract) documents; sentence statistics of those whose number
        (counting from `first`) falls in the sample."""
        known = len(self.pieces.spellings)
        n = len(docs)
        codes, ptr = self.pieces.fields([text for doc in docs for text in doc])
        sizes = np.diff(ptr)  # title, abstract, title, abstract, ...
        field_weight = np.tile(np.array([self.title_weight, 1], dtype=np.int64), n)
        lengths = (sizes * field_weight).reshape(n, 2).sum(axis=1).astype(np.int32)
        # The title's terms count title_weight times: repeat them.
        ids = np.repeat(codes, np.repeat(field_weight, sizes))
        doc_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
        # One sort of (document, term) keys gives every document's distinct terms and counts.
        width = np.int64(max(len(self.pieces.spellings), 1))
        keys, counts = np.unique(doc_of * width + ids, return_counts=True)
        doc_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys // width, minlength=n), out=doc_ptr[1:])
        sample = np.zeros((n, 3), dtype=np.int64)
        for i in range(n):
            number = first + i
            if number < SENTENCE_SAMPLE or number % SENTENCE_STEP == 0:
                sample[i] = (1, *self._sentences(docs[i][1]))
        return AnalyzedChunk(
            analyzer=self.key,
            new_terms=self.pieces.spellings[known:],
            lengths=lengths,
            ptr=doc_ptr,
            terms=(keys % width).astype(np.int32),
            counts=counts.astype(np.int32),
            sample=sample,
        )

    def _sentences(self, abstract: str) -> tuple[int, int]:
        """The abstract's sentences and their terms."""
        spans = split_sentences(abstract)
        if not spans:
            return 0, 0
        _, ptr = self.pieces.fields([abstract[s.start : s.end] for s in spans])
        return len(spans), int(ptr[-1])


# ---------------------------------------------------------------------------------------------
# Worker processes


def _write_frame(stream, payload: bytes) -> None:
    stream.write(struct.pack("<Q", len(payload)))
    stream.write(payload)
    stream.flush()


def _read_frame(stream) -> bytes | None:
    header = stream.read(8)
    if len(header) < 8:
        return None
    (size,) = struct.unpack("<Q", header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return payload


class WorkerProcess:
    """One analysis worker: `python -m retrieval.analysis_worker TITLE_WEIGHT compiled|plain`."""

    def __init__(self, title_weight: int, compiled: bool) -> None:
        package_root = str(Path(__file__).resolve().parent.parent)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p
            ),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "retrieval.analysis_worker",
                str(title_weight),
                "compiled" if compiled else "plain",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )

    def call(self, work: Work) -> AnalyzedChunk:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            _write_frame(self.process.stdin, pickle.dumps(work, protocol=5))
            payload = _read_frame(self.process.stdout)
        except (BrokenPipeError, OSError):
            payload = None
        if payload is None:
            raise RuntimeError("an analysis worker process stopped unexpectedly")
        return pickle.loads(payload)

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            if self.process.stdin is not None:
                _write_frame(self.process.stdin, b"")
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def serve_worker(title_weight: int, compiled: bool) -> None:
    """A worker's loop: chunks of documents in, analysed chunks out, until an empty frame."""
    analyzer = ChunkAnalyzer(title_weight, compiled)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        payload = _read_frame(stdin)
        if not payload:
            return
        chunk = analyzer.run(pickle.loads(payload))
        _write_frame(stdout, pickle.dumps(chunk, protocol=5))


class AnalysisPool:
    """Analyses chunks of documents, results in submission order: in this process, or in
    `processes` worker processes."""

    def __init__(self, title_weight: int, processes: int, compiled: bool = False) -> None:
        self.inline = ChunkAnalyzer(title_weight) if processes < 2 else None
        self.workers: list[WorkerProcess] = []
        self.idle: deque[WorkerProcess] = deque()
        self.lock = threading.Lock()
        self.executor: ThreadPoolExecutor | None = None
        if processes >= 2:
            self.workers = [WorkerProcess(title_weight, compiled) for _ in range(processes)]
            self.idle.extend(self.workers)
            self.executor = ThreadPoolExecutor(processes)

    def _run(self, work: Work) -> AnalyzedChunk:
        with self.lock:
            worker = self.idle.popleft()
        try:
            return worker.call(work)
        finally:
            with self.lock:
                self.idle.append(worker)

    def map(self, chunks: Iterable[Work]) -> Iterator[AnalyzedChunk]:
        if self.inline is not None:
            for work in chunks:
                yield self.inline.run(work)
            return
        assert self.executor is not None
        pending: deque[Future] = deque()
        for work in chunks:
            pending.append(self.executor.submit(self._run, work))
            while len(pending) > CHUNKS_IN_FLIGHT:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
        for worker in self.workers:
            worker.close()


# ---------------------------------------------------------------------------------------------
# Segments from papers


@dataclass
class NewSegment:
    name: str
    directory: Path
    docs: int
    terms: np.ndarray  # global term ids present
    df: np.ndarray  # their document frequencies in the segment
    cf: np.ndarray  # their collection frequencies in the segment
    title_hash: np.ndarray  # per document
    sentences: tuple[int, int, int]  # sampled documents, their sentences, their terms


@dataclass
class Indexer:
    """Writes the records of corpus files into new segments under `root`: each record goes
    through the `collection` (duplicates become extra sources), then into a segment."""

    root: Path
    terms: TermTable
    title_weight: int
    processes: int = 0
    on_progress: ProgressFn | None = None
    # Whether worker processes look pieces up in the compiled table (see piece_table.py).
    compiled: bool = False
    segments: list[NewSegment] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._maps: dict[str, np.ndarray] = {}
        self._writer: SegmentWriter | None = None
        # Records read here, chunk by chunk, until their analysis comes back (None for a chunk
        # that the analysis parses).
        self._read: deque[list[PaperRecord] | None] = deque()

    def run(
        self,
        files: Sequence[CorpusFile],
        collection: Collection,
        progress: Callable[[], float] | None = None,
    ) -> None:
        pool = AnalysisPool(self.title_weight, self.processes, self.compiled)
        try:
            for chunk in pool.map(self._work(files, collection.report, progress)):
                self._add(chunk, collection)
            self._flush()
        except BaseException:
            if self._writer is not None:
                self._writer.discard()
            raise
        finally:
            pool.close()

    def _work(
        self, files: Sequence[CorpusFile], report: LoadReport, progress: Callable[[], float] | None
    ) -> Iterator[Work]:
        """The corpus in chunks: JSON Lines files as spans of lines (read and parsed by the
        analysis, in parallel for large corpora), other files as records read here. Records
        are numbered by line in JSON Lines (blank lines count), else one by one."""
        first = 0
        for corpus_file in files:
            path = corpus_file.path
            if corpus_file.format in ("jsonl", "beir"):
                for span in json_lines_spans(path, report, CHUNK_BYTES):
                    self._read.append(None)
                    yield Work(first, path=str(path), span=span)
                    first += span.lines
                    self._progress(progress)
            else:
                for chunk in _batched(read_records(corpus_file, report), CHUNK_DOCS):
                    self._read.append(chunk)
                    yield Work(first, docs=[(r.title, r.abstract) for r in chunk])
                    first += len(chunk)
                    self._progress(progress)

    def _progress(self, progress: Callable[[], float] | None) -> None:
        if self.on_progress is not None and progress is not None:
            self.on_progress("reading", min(progress(), 1.0))

    def _global_ids(self, chunk: AnalyzedChunk) -> np.ndarray:
        """The chunk's terms in the collection's numbering."""
        mapping = self._maps.get(chunk.analyzer)
        new = np.fromiter(map(self.terms.id, chunk.new_terms), dtype=np.int32)
        mapping = new if mapping is None else np.concatenate([mapping, new])
        self._maps[chunk.analyzer] = mapping
        return mapping[chunk.terms] if chunk.terms.size else chunk.terms

    def _add(self, chunk: AnalyzedChunk, collection: Collection) -> None:
        if chunk.error is not None:
            raise chunk.error
        report = chunk.report
        if report is not None:
            collection.report.warnings.extend(report.warnings)
            collection.report.skipped_records += report.skipped_records
        terms = self._global_ids(chunk)  # every chunk's new terms, so the numbering follows
        read = self._read.popleft()
        records = read if read is not None else chunk.records or []
        papers = [collection.add(record) for record in records]
        kept = np.flatnonzero(np.fromiter((p is not None for p in papers), dtype=bool))
        if kept.size < len(papers):  # duplicates: their postings go
            rows = chunk.ptr
            sizes = (rows[1:] - rows[:-1])[kept]
            take = np.repeat(rows[:-1][kept] - (np.cumsum(sizes) - sizes), sizes) + np.arange(
                int(sizes.sum())
            )
            ptr = np.zeros(kept.size + 1, dtype=np.int64)
            np.cumsum(sizes, out=ptr[1:])
            chunk = replace(
                chunk,
                ptr=ptr,
                counts=chunk.counts[take],
                lengths=chunk.lengths[kept],
                sample=chunk.sample[kept],
            )
            terms = terms[take]
        self._write([p for p in papers if p is not None], chunk, terms)

    def _write(self, papers: list[Paper], chunk: AnalyzedChunk, terms: np.ndarray) -> None:
        """Add papers with their postings to segments, a new one whenever one is full."""
        start = 0
        while start < len(papers):
            writer = self._current()
            # As many documents as the segment still has room for (at least one).
            room = np.searchsorted(
                chunk.ptr[start + 1 :],
                chunk.ptr[start] + SEGMENT_POSTINGS - writer.n_postings,
                side="right",
            )
            stop = min(len(papers), start + max(int(room), 1), start + SEGMENT_DOCS - len(writer))
            lo, hi = int(chunk.ptr[start]), int(chunk.ptr[stop])
            writer.add_documents(
                papers[start:stop],
                chunk.ptr[start : stop + 1] - lo,
                terms[lo:hi],
                chunk.counts[lo:hi],
                chunk.lengths[start:stop],
            )
            writer.sample(tuple(int(x) for x in chunk.sample[start:stop].sum(axis=0)))
            start = stop
            if len(writer) >= SEGMENT_DOCS or writer.n_postings >= SEGMENT_POSTINGS:
                self._flush()

    def _current(self) -> SegmentWriter:
        if self._writer is None:
            self._writer = SegmentWriter(self.root / SEGMENTS, segment_name())
        return self._writer

    def _flush(self) -> None:
        writer, self._writer = self._writer, None
        if writer is None or not len(writer):
            if writer is not None:
                writer.discard()
            return
        if self.on_progress is not None:
            self.on_progress("postings", 1.0)
        written = writer.commit(durable=False)  # see Indexer.make_durable
        self.segments.append(
            NewSegment(
                written.directory.name,
                written.directory,
                len(writer),
                written.terms,
                written.df,
                written.cf,
                written.title_hash,
                written.sample,
            )
        )

    def make_durable(self) -> None:
        """Sync the new segments to disk (they were written without, in case they were merged
        at once)."""
        for segment in self.segments:
            make_durable(segment.directory)


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def segment_name() -> str:
    """A new segment's name: ordered by creation time, unique across processes."""
    import time

    return f"seg-{time.time_ns():020d}-{os.getpid()}-{os.urandom(3).hex()}"


def processes_for(total_bytes: int, threshold: int) -> int:
    """Worker processes for a corpus of this size: none below the threshold, else one per core
    (up to four)."""
    cores = os.cpu_count() or 1
    return min(4, cores) if total_bytes > threshold and cores > 1 else 0
