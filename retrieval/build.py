"""Building segments from corpus files: analysis (in this process, or in worker processes for
large corpora), global term ids, and segments of bounded size.

Workers are fresh interpreters running `python -m retrieval.analysis_worker`, fed chunks of
documents over a pipe: they never import the caller's script (a script without an
`if __name__ == "__main__":` guard can open a large corpus) and need nothing of the parent's
standard streams (the chat can index too). Segments are written once they hold SEGMENT_DOCS
documents or SEGMENT_TOKENS terms, so memory no longer grows with the corpus.
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
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import numpy as np

from retrieval.analysis import TOKEN_PATTERN, Analyzer
from retrieval.corpus import Paper
from retrieval.generation import SEGMENTS, TermTable
from retrieval.segment import SegmentDoc, SegmentWriter
from retrieval.sentences import split_sentences

# Documents sent to analysis at a time, and how many such chunks may be in flight.
CHUNK_DOCS = 2000
CHUNKS_IN_FLIGHT = 6
# A segment is written when it holds this many documents or terms (this bounds memory).
SEGMENT_DOCS = 50_000
SEGMENT_TOKENS = 8_000_000
# Sentences are counted in the first SENTENCE_SAMPLE documents, then in one in SENTENCE_STEP.
SENTENCE_SAMPLE = 1000
SENTENCE_STEP = 1000
# A worker forgets the white-space chunks it has seen beyond this many.
MAX_CACHED_CHUNKS = 2_000_000

ProgressFn = Callable[[str, float], None]


# ---------------------------------------------------------------------------------------------
# Analysis


@dataclass
class AnalyzedChunk:
    analyzer: str  # which ChunkAnalyzer made it (its ids are its own)
    new_terms: list[str]  # its terms first met in this chunk, in id order
    lengths: np.ndarray  # int32 per document (weighted length)
    ids: np.ndarray  # int32 term ids, document after document


class ChunkAnalyzer:
    """Turns documents into term ids, in whichever process runs it.

    Terms are the Analyzer's (the same ones a query gets), found through a cache of the text's
    white-space separated pieces: a token never spans white space, so each distinct piece
    ("models," or "GPT-3.5") is analysed once and afterwards costs one dictionary lookup. Each
    process numbers terms its own way and reports those it met first with every chunk; the
    indexer maps them onto the collection's global ids.
    """

    def __init__(self, title_weight: int) -> None:
        self.analyzer = Analyzer()
        self.title_weight = title_weight
        self.key = f"{os.getpid()}:{id(self)}"
        self.terms: dict[str, int] = {}
        self.pieces: dict[str, int] = {}  # piece -> its one term, -1 for none, <= -2 several
        self.several: list[tuple[int, ...]] = []

    def analyze(self, docs: Sequence[tuple[str, str]]) -> AnalyzedChunk:
        known = len(self.terms)
        if len(self.pieces) > MAX_CACHED_CHUNKS:
            self.pieces.clear()
            self.several.clear()
        parts: list[np.ndarray] = []
        lengths = np.zeros(len(docs), dtype=np.int32)
        for i, (title, abstract) in enumerate(docs):
            title_ids = self.ids(title)
            abstract_ids = self.ids(abstract)
            parts.extend([title_ids] * self.title_weight)
            parts.append(abstract_ids)
            lengths[i] = title_ids.shape[0] * self.title_weight + abstract_ids.shape[0]
        new_terms = list(self.terms)[known:] if len(self.terms) > known else []
        ids = np.concatenate(parts) if parts else np.zeros(0, np.int32)
        return AnalyzedChunk(self.key, new_terms, lengths, ids)

    def ids(self, text: str) -> np.ndarray:
        """The text's term ids (this analyzer's numbering), in order."""
        normal = text.lower() if text.isascii() else self.analyzer.normalize(text)
        pieces = normal.split()
        lookup = self.pieces.__getitem__
        try:
            codes = np.fromiter(map(lookup, pieces), dtype=np.int32, count=len(pieces))
        except KeyError:
            # In the text's order: terms are numbered by first occurrence, whatever the chunks.
            for piece in pieces:
                if piece not in self.pieces:
                    self.pieces[piece] = self._code(piece)
            codes = np.fromiter(map(lookup, pieces), dtype=np.int32, count=len(pieces))
        if codes.size and codes.min() < 0:
            if (codes <= -2).any():
                codes = np.fromiter(
                    chain.from_iterable(
                        (c,) if c >= 0 else self.several[-c - 2] if c <= -2 else ()
                        for c in codes.tolist()
                    ),
                    dtype=np.int32,
                )
            else:
                codes = codes[codes >= 0]
        return codes

    def _code(self, piece: str) -> int:
        terms = [
            self.terms.setdefault(t, len(self.terms))
            for token in TOKEN_PATTERN.findall(piece)
            for t in self.analyzer.token_terms(token)
        ]
        if not terms:
            return -1
        if len(terms) == 1:
            return terms[0]
        self.several.append(tuple(terms))
        return -1 - len(self.several)


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
    """One analysis worker: `python -m retrieval.analysis_worker TITLE_WEIGHT`."""

    def __init__(self, title_weight: int) -> None:
        package_root = str(Path(__file__).resolve().parent.parent)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p
            ),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "retrieval.analysis_worker", str(title_weight)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )

    def call(self, docs: Sequence[tuple[str, str]]) -> AnalyzedChunk:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            _write_frame(self.process.stdin, pickle.dumps(list(docs), protocol=5))
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


def serve_worker(title_weight: int) -> None:
    """A worker's loop: chunks of documents in, analysed chunks out, until an empty frame."""
    analyzer = ChunkAnalyzer(title_weight)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        payload = _read_frame(stdin)
        if not payload:
            return
        chunk = analyzer.analyze(pickle.loads(payload))
        _write_frame(stdout, pickle.dumps(chunk, protocol=5))


class AnalysisPool:
    """Analyses chunks of documents, results in submission order: in this process, or in
    `processes` worker processes."""

    def __init__(self, title_weight: int, processes: int) -> None:
        self.inline = ChunkAnalyzer(title_weight) if processes < 2 else None
        self.workers: list[WorkerProcess] = []
        self.idle: deque[WorkerProcess] = deque()
        self.lock = threading.Lock()
        self.executor: ThreadPoolExecutor | None = None
        if processes >= 2:
            self.workers = [WorkerProcess(title_weight) for _ in range(processes)]
            self.idle.extend(self.workers)
            self.executor = ThreadPoolExecutor(processes)

    def _run(self, docs: Sequence[tuple[str, str]]) -> AnalyzedChunk:
        with self.lock:
            worker = self.idle.popleft()
        try:
            return worker.call(docs)
        finally:
            with self.lock:
                self.idle.append(worker)

    def map(self, chunks: Iterable[Sequence[tuple[str, str]]]) -> Iterator[AnalyzedChunk]:
        if self.inline is not None:
            for docs in chunks:
                yield self.inline.analyze(docs)
            return
        assert self.executor is not None
        pending: deque[Future] = deque()
        for docs in chunks:
            pending.append(self.executor.submit(self._run, docs))
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
    """Writes the papers it is given into new segments under `root`."""

    root: Path
    terms: TermTable
    title_weight: int
    processes: int = 0
    on_progress: ProgressFn | None = None
    segments: list[NewSegment] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._seen = 0
        self._maps: dict[str, np.ndarray] = {}
        self._analyzer = Analyzer()
        self._writer: SegmentWriter | None = None
        self._sample: list[int] = [0, 0, 0]

    def run(self, papers: Iterable[Paper], progress: Callable[[], float] | None = None) -> None:
        pool = AnalysisPool(self.title_weight, self.processes)
        try:
            chunks = self._chunks(papers, progress)
            batches: deque[list[Paper]] = deque()

            def texts() -> Iterator[list[tuple[str, str]]]:
                for batch in chunks:
                    batches.append(batch)
                    yield [(p.title, p.abstract) for p in batch]

            for analyzed in pool.map(texts()):
                self._add(batches.popleft(), analyzed)
            self._flush()
        except BaseException:
            if self._writer is not None:
                self._writer.discard()
            raise
        finally:
            pool.close()

    def _chunks(
        self, papers: Iterable[Paper], progress: Callable[[], float] | None
    ) -> Iterator[list[Paper]]:
        batch: list[Paper] = []
        for paper in papers:
            batch.append(paper)
            if len(batch) == CHUNK_DOCS:
                yield batch
                batch = []
                if self.on_progress is not None and progress is not None:
                    self.on_progress("reading", min(progress(), 1.0))
        if batch:
            yield batch

    def _add(self, papers: list[Paper], chunk: AnalyzedChunk) -> None:
        mapping = self._maps.get(chunk.analyzer)
        new = np.asarray([self.terms.id(t) for t in chunk.new_terms], dtype=np.int32)
        mapping = new if mapping is None else np.concatenate([mapping, new])
        self._maps[chunk.analyzer] = mapping
        ids = mapping[chunk.ids] if chunk.ids.size else chunk.ids
        bounds = np.zeros(len(papers) + 1, dtype=np.int64)
        np.cumsum(chunk.lengths, out=bounds[1:])
        for i, paper in enumerate(papers):
            writer = self._current()
            writer.add(_segment_doc(paper), ids[bounds[i] : bounds[i + 1]])
            if self._seen < SENTENCE_SAMPLE or self._seen % SENTENCE_STEP == 0:
                self._count_sentences(paper.abstract)
            self._seen += 1
            if len(writer) >= SEGMENT_DOCS or writer.tokens >= SEGMENT_TOKENS:
                self._flush()

    def _count_sentences(self, abstract: str) -> None:
        spans = split_sentences(abstract)
        self._sample[0] += 1
        self._sample[1] += len(spans)
        self._sample[2] += sum(len(self._analyzer.terms(abstract[s.start : s.end])) for s in spans)

    def _current(self) -> SegmentWriter:
        if self._writer is None:
            self._writer = SegmentWriter(self.root / SEGMENTS, segment_name())
        return self._writer

    def _flush(self) -> None:
        writer, self._writer = self._writer, None
        if writer is None or not len(writer):
            return
        if self.on_progress is not None:
            self.on_progress("postings", 1.0)
        directory, terms, df, cf = writer.commit(tuple(self._sample))
        self.segments.append(
            NewSegment(
                directory.name,
                directory,
                len(writer),
                terms,
                df,
                cf,
                np.asarray(writer.title_hashes, dtype=np.uint64),
                tuple(self._sample),
            )
        )
        self._sample = [0, 0, 0]


def _segment_doc(paper: Paper) -> SegmentDoc:
    return SegmentDoc(
        doc_id=paper.doc_id,
        title=paper.title,
        abstract=paper.abstract,
        date=paper.date,
        authors=paper.authors,
        url=paper.url,
        categories=paper.categories,
        sources=paper.sources,
        own_id=None,
    )


def segment_name() -> str:
    """A new segment's name: ordered by creation time, unique across processes."""
    import time

    return f"seg-{time.time_ns():020d}-{os.getpid()}-{os.urandom(3).hex()}"


def processes_for(total_bytes: int, threshold: int) -> int:
    """Worker processes for a corpus of this size: none below the threshold, else one per core
    (up to four)."""
    cores = os.cpu_count() or 1
    return min(4, cores) if total_bytes > threshold and cores > 1 else 0
