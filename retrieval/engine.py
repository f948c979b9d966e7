"""The engine: a corpus opened through its cached index, searchable by documents and sentences.

`Engine.open` resolves the corpus files, finds the index keyed by their content, and builds it when
it is missing, stale or damaged, saying so in one line.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel

from retrieval.analysis import ANALYZER_VERSION, Analyzer
from retrieval.corpus import Collection, CorpusFile, LoadReport, iter_papers, resolve_corpus
from retrieval.errors import InputError
from retrieval.feedback import Rm3Params, rm3_expand
from retrieval.index import (
    INDEX_ARRAYS,
    Bm25Index,
    Bm25Params,
    ChunkAnalyzer,
    IndexBuilder,
    analyze_in_process,
    top_k,
)
from retrieval.names import NameTable, NameTableBuilder, sorted_positions
from retrieval.papers import TEXT_COLUMNS, PaperStore
from retrieval.persistence import (
    CacheDamaged,
    IndexWriter,
    StoredIndex,
    atomic_write_text,
    build_lock,
    cache_root,
    corpus_fingerprint,
    index_key,
)
from retrieval.sentences import Span, split_sentences

Method = Literal["bm25", "okapi", "rank-bm25"]
METHODS: tuple[Method, ...] = ("bm25", "okapi", "rank-bm25")
# Larger corpora are analysed by worker processes, in chunks of this many documents.
PARALLEL_BYTES = 64 << 20
CHUNK_DOCS = 2000
CHUNKS_IN_FLIGHT = 8
# Sentence statistics come from this many documents, spread evenly over the corpus.
SENTENCE_SAMPLE = 1000
LATEST = "latest.json"

ProgressFn = Callable[[str, float], None]
NoticeFn = Callable[[str], None]


class IndexSummary(BaseModel):
    """What an index holds and how it came to be (printed by `assistant index`)."""

    files: int
    documents: int
    duplicates_merged: int
    version_groups: int
    versioned_documents: int
    sentences: int
    sentences_estimated: bool
    avg_sentence_terms: float
    vocabulary: int
    postings: int
    skipped_files: list[str]
    skipped_records: int
    warnings: list[str]
    build_seconds: float


@dataclass(frozen=True, slots=True)
class DocHit:
    doc: int
    score: float


class Engine:
    """Documents and their BM25 index, opened from the cache."""

    def __init__(
        self,
        index: Bm25Index,
        papers: PaperStore,
        names: NameTable,
        summary: IndexSummary,
        location: Path | None,
        status: str,
        rm3: Rm3Params | None = None,
    ) -> None:
        self.index = index
        self.papers = papers
        self.names = names
        self.summary = summary
        self.location = location
        self.status = status
        self.rm3 = rm3 or Rm3Params()
        self.analyzer = Analyzer()
        self._sentences: dict[int, list[Span]] = {}
        self._reference = None

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        corpus: Sequence[str | Path],
        index_dir: str | Path | None = None,
        *,
        params: Bm25Params | None = None,
        on_progress: ProgressFn | None = None,
        on_notice: NoticeFn | None = None,
    ) -> Engine:
        params = params or Bm25Params()
        notice = on_notice or (lambda _message: None)
        report = LoadReport()
        files = resolve_corpus(corpus, report)
        root = cache_root(index_dir)
        writable = _writable(root)
        fingerprint = corpus_fingerprint(
            [(f.path, f.format) for f in files], root if writable else None
        )
        key = index_key(fingerprint, {"analyzer": ANALYZER_VERSION, "params": params.as_dict()})
        if not writable:
            notice(f"warning: cannot write the index cache at {root}; indexing without caching")
            return cls._build(files, report, None, key, params, on_progress, "built, not cached")

        with build_lock(root, key):
            opened = cls._try_load(root, key, notice)
            if opened is not None:
                return opened
            status = "built"
            previous = _previous_key(root, corpus)
            if previous and previous != key and (root / previous).exists():
                notice("the corpus or the engine changed since the index was built; rebuilding it")
                _remove_index(root / previous)
                status = "rebuilt: corpus or engine changed"
            elif (root / key).exists():
                status = "rebuilt: damaged cache"
                _remove_index(root / key)
            engine = cls._build(files, report, root, key, params, on_progress, status)
            _remember_key(root, corpus, key)
            return engine

    @classmethod
    def _try_load(cls, root: Path, key: str, notice: NoticeFn) -> Engine | None:
        directory = root / key
        if not directory.exists():
            return None
        try:
            return cls._load(StoredIndex(directory, key), "loaded")
        except (CacheDamaged, KeyError, ValueError, OSError, TypeError) as err:
            notice(f"the cached index was damaged ({err}); rebuilding it")
            return None

    @classmethod
    def _load(cls, stored: StoredIndex, status: str) -> Engine:
        manifest = stored.manifest
        params = Bm25Params(**manifest["params"])
        n_docs = int(manifest["summary"]["documents"])
        index = Bm25Index(
            vocabulary=stored.lines("vocabulary"),
            params=params,
            **{name: stored.array(name) for name in INDEX_ARRAYS},
        )
        if (
            index.n_docs != n_docs
            or len(index.vocabulary) + 1 != index.post_ptr.shape[0]
            or int(index.post_ptr[0]) != 0
            or int(index.post_ptr[-1]) != index.post_doc.shape[0]
            or index.doc_ptr.shape[0] != n_docs + 1
            or int(index.doc_ptr[-1]) != index.doc_term.shape[0]
        ):
            raise CacheDamaged("inconsistent postings")
        papers = PaperStore.open(stored)
        if len(papers) != n_docs:
            raise CacheDamaged("document count mismatch")
        summary = IndexSummary(**manifest["summary"])
        return cls(index, papers, NameTable.open(stored), summary, stored.dir, status)

    @classmethod
    def _build(
        cls,
        files: list[CorpusFile],
        report: LoadReport,
        root: Path | None,
        key: str,
        params: Bm25Params,
        on_progress: ProgressFn | None,
        status: str,
    ) -> Engine:
        if root is None:
            # No usable cache: the index lives in a private directory removed at exit.
            import atexit
            import shutil
            import tempfile

            root = Path(tempfile.mkdtemp(prefix="assistant-index-"))
            atexit.register(shutil.rmtree, root, True)
        started = time.perf_counter()
        writer = IndexWriter(root, key)
        try:
            manifest = _write_index(writer, files, report, params, on_progress, started)
            directory = writer.commit(manifest)
        except BaseException:
            writer.discard()
            raise
        return cls._load(StoredIndex(directory, key), status)

    # -- searching -------------------------------------------------------------------------

    def query_weights(self, text: str) -> dict[int, float]:
        """{term id: count} of the query's terms that the index knows."""
        weights: dict[int, float] = {}
        for term in self.analyzer.terms(text):
            term_id = self.index.term_id(term)
            if term_id >= 0:
                weights[term_id] = weights.get(term_id, 0.0) + 1.0
        return weights

    def rank(self, weights: dict[int, float], k: int, feedback: bool = True) -> list[DocHit]:
        """Top-k documents for weighted query terms, with RM3 feedback when asked."""
        if not weights:
            return []
        if feedback:
            docs, doc_scores = self.index.top(weights, self.rm3.docs)
            weights = rm3_expand(weights, self.index, docs, doc_scores, self.rm3)
        docs, values = self.index.top(weights, k)
        return [DocHit(int(d), float(s)) for d, s in zip(docs, values, strict=True)]

    def search(
        self, text: str, k: int = 10, method: Method = "bm25", feedback: bool = True
    ) -> list[DocHit]:
        if method == "bm25":
            return self.rank(self.query_weights(text), k, feedback)
        if method == "okapi":
            scores = self.index.score_okapi(self.analyzer.terms(text))
        else:
            scores = self.reference().scores(self.analyzer.terms(text))
        docs, values = top_k(scores, k)
        return [DocHit(int(d), float(s)) for d, s in zip(docs, values, strict=True)]

    def reference(self):
        """rank_bm25.BM25Okapi over the same terms (built on first use; slow on big corpora)."""
        if self._reference is None:
            from retrieval.reference import RankBm25Reference

            self._reference = RankBm25Reference(self)
        return self._reference

    def term_ids(self, doc: int) -> list[int]:
        """The distinct term ids of the document (title and abstract)."""
        return self.index.document_terms(doc)[0].tolist()

    def document_terms(self, doc: int) -> list[str]:
        """The document's terms as indexed: the title `title_weight` times, then the abstract."""
        title = self.analyzer.terms(self.papers.title(doc))
        return title * self.index.params.title_weight + self.analyzer.terms(
            self.papers.abstract(doc)
        )

    def sentences(self, doc: int) -> list[Span]:
        """Sentence spans of the document's abstract (split on first use, then remembered)."""
        spans = self._sentences.get(doc)
        if spans is None:
            spans = self._sentences[doc] = split_sentences(self.papers.abstract(doc))
        return spans


# ---------------------------------------------------------------------------------------------
# Building


class ChunkPipeline:
    """Feeds documents to the index builder in chunks: analysed in this process for small
    corpora, in worker processes (one per core, up to four) for large ones, always added in
    corpus order."""

    def __init__(self, builder: IndexBuilder, title_weight: int, parallel: bool) -> None:
        self.builder = builder
        self.title_weight = title_weight
        self.buffer: list[tuple[str, str]] = []
        self.pending: deque = deque()
        self.executor = None
        self.inline = ChunkAnalyzer(title_weight)
        if parallel and (os.cpu_count() or 1) > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            workers = min(4, os.cpu_count() or 1)
            self.executor = ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("spawn")
            )

    def __enter__(self) -> ChunkPipeline:
        return self

    def add(self, title: str, abstract: str) -> None:
        self.buffer.append((title, abstract))
        if len(self.buffer) >= CHUNK_DOCS:
            self._submit()

    def _submit(self) -> None:
        chunk, self.buffer = self.buffer, []
        if self.executor is None:
            self.builder.add_chunk(self.inline.analyze(chunk))
            return
        self.pending.append(self.executor.submit(analyze_in_process, chunk, self.title_weight))
        while len(self.pending) > CHUNKS_IN_FLIGHT:
            self.builder.add_chunk(self.pending.popleft().result())

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is None:
                if self.buffer:
                    self._submit()
                while self.pending:
                    self.builder.add_chunk(self.pending.popleft().result())
        finally:
            if self.executor is not None:
                self.executor.shutdown(wait=True, cancel_futures=True)


def _write_index(
    writer: IndexWriter,
    files: list[CorpusFile],
    report: LoadReport,
    params: Bm25Params,
    on_progress: ProgressFn | None,
    started: float,
) -> dict:
    collection = Collection(report)
    total_bytes = sum(f.path.stat().st_size for f in files) or 1
    analyzer = Analyzer()
    builder = IndexBuilder(params)
    names = NameTableBuilder()
    ids: list[str] = []
    columns = {name: writer.column(name) for name in TEXT_COLUMNS}
    with ChunkPipeline(
        builder, params.title_weight, parallel=total_bytes > PARALLEL_BYTES
    ) as chunks:
        for n, paper in enumerate(iter_papers(files, collection), start=1):
            chunks.add(paper.title, paper.abstract)
            names.add(n - 1, paper.title)
            ids.append(paper.doc_id)
            for name, value in (
                ("ids", paper.doc_id),
                ("titles", paper.title),
                ("abstracts", paper.abstract),
                ("dates", paper.date),
                ("authors", paper.authors),
                ("urls", paper.url),
                ("categories", paper.categories),
            ):
                columns[name].append(value)
            if on_progress is not None and n % 1000 == 0:
                on_progress("reading", min(report.bytes_read / total_bytes, 1.0))
    if builder.n_docs == 0:
        raise InputError("the corpus is empty: no records with a title and an abstract")
    for name, column in columns.items():
        writer.array(f"{name}_offsets", column.close())
    if on_progress is not None:
        on_progress("postings", 1.0)
    version_group = np.asarray(collection.finish(), dtype=np.int32)
    writer.array("id_order", sorted_positions(ids))
    del ids
    name_max_words = names.write(writer)
    _write_sources(writer, collection, files=[str(f.path) for f in report.files])
    _write_versions(writer, version_group)
    index = builder.finish()
    writer.text("vocabulary", index.vocabulary)
    for name in INDEX_ARRAYS:
        writer.array(name, getattr(index, name))
    n_sentences, avg_terms, estimated = _sentence_statistics(writer, analyzer, builder.n_docs)
    summary = IndexSummary(
        files=len(report.files),
        documents=builder.n_docs,
        duplicates_merged=collection.duplicates_merged,
        version_groups=collection.version_groups,
        versioned_documents=collection.versioned_documents,
        sentences=n_sentences,
        sentences_estimated=estimated,
        avg_sentence_terms=avg_terms,
        vocabulary=index.n_terms,
        postings=index.n_postings,
        skipped_files=report.skipped_files,
        skipped_records=report.skipped_records,
        warnings=report.warnings,
        build_seconds=round(time.perf_counter() - started, 3),
    )
    return {
        "params": params.as_dict(),
        "analyzer": ANALYZER_VERSION,
        "source_files": [str(f.path) for f in report.files],
        "name_max_words": name_max_words,
        "summary": summary.model_dump(),
    }


def _write_sources(writer: IndexWriter, collection: Collection, files: list[str]) -> None:
    file_index = {path: i for i, path in enumerate(files)}
    counts = np.fromiter((len(s) for s in collection.sources), dtype=np.int64)
    ptr = np.zeros(counts.size + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    refs = [ref for sources in collection.sources for ref in sources]
    writer.array("source_ptr", ptr)
    writer.array("source_file", np.fromiter((file_index[r.path] for r in refs), np.int32))
    writer.array("source_line", np.fromiter((r.line for r in refs), np.int32))
    dates = writer.column("source_dates")
    for ref in refs:
        dates.append(ref.date)
    writer.array("source_dates_offsets", dates.close())


def _write_versions(writer: IndexWriter, version_group: np.ndarray) -> None:
    writer.array("version_group", version_group)
    grouped = np.flatnonzero(version_group >= 0)
    order = grouped[np.argsort(version_group[grouped], kind="stable")]
    n_groups = int(version_group.max()) + 1 if grouped.size else 0
    ptr = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(version_group[grouped], minlength=n_groups), out=ptr[1:])
    writer.array("group_ptr", ptr)
    writer.array("group_docs", order.astype(np.int32))


def _sentence_statistics(
    writer: IndexWriter, analyzer: Analyzer, n_docs: int
) -> tuple[int, float, bool]:
    """Sentence count and mean sentence length in terms, from an even sample of abstracts."""
    from retrieval.persistence import StringColumn

    abstracts = StringColumn(
        writer.dir / "abstracts.txt", np.load(writer.dir / "abstracts_offsets.npy")
    )
    sample = np.unique(np.linspace(0, n_docs - 1, min(n_docs, SENTENCE_SAMPLE)).astype(np.int64))
    sentences = terms = 0
    for doc in sample:
        text = abstracts[int(doc)]
        for span in split_sentences(text):
            sentences += 1
            terms += len(analyzer.terms(text[span.start : span.end]))
    estimated = sample.size < n_docs
    total = round(sentences * n_docs / sample.size) if sample.size else 0
    avg = terms / sentences if sentences else 1.0
    return int(total), round(max(avg, 1.0), 4), estimated


# ---------------------------------------------------------------------------------------------
# Cache bookkeeping


def _writable(root: Path) -> bool:
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / ".write-probe"
        probe.write_text("")
        probe.unlink()
        return True
    except OSError:
        return False


def _corpus_signature(corpus: Sequence[str | Path]) -> str:
    return json.dumps(sorted(str(Path(c).expanduser().resolve()) for c in corpus))


def _previous_key(root: Path, corpus: Sequence[str | Path]) -> str | None:
    try:
        latest = json.loads((root / LATEST).read_text(encoding="utf-8"))
        value = latest.get(_corpus_signature(corpus))
        return value if isinstance(value, str) else None
    except (OSError, ValueError, AttributeError):
        return None


def _remember_key(root: Path, corpus: Sequence[str | Path], key: str) -> None:
    latest: dict = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads((root / LATEST).read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            latest = loaded
    latest[_corpus_signature(corpus)] = key
    with contextlib.suppress(OSError):
        atomic_write_text(root / LATEST, json.dumps(latest, indent=1))


def _remove_index(directory: Path) -> None:
    import shutil

    shutil.rmtree(directory, ignore_errors=True)
