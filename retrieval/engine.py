"""The engine: a corpus opened through its cached, segmented index, searchable by documents and
sentences.

`Engine.open` resolves the corpus files and opens the collection's current generation. Files
that are new, changed or gone since then are noticed (by size, time and inode, confirmed by a
content digest) and only they are indexed: their records are written into new segments, the
records of changed or removed files are marked deleted, and a new generation is committed. A
damaged cache is reported in one line and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel

from retrieval.analysis import ANALYZER_VERSION, Analyzer, PieceAnalyzer
from retrieval.build import Indexer, NewSegment, processes_for, segment_name
from retrieval.corpus import Collection, CorpusFile, LoadReport, resolve_corpus
from retrieval.errors import InputError
from retrieval.feedback import Rm3Params, rm3_expand
from retrieval.generation import (
    GENERATIONS,
    SEGMENTS,
    FileState,
    Generation,
    GenerationState,
    TermTable,
    current_name,
    make_current,
    write_generation,
)
from retrieval.index import Bm25Index, Bm25Params, top_k
from retrieval.merge import merge_segments
from retrieval.names import NameTable
from retrieval.papers import PaperStore
from retrieval.persistence import (
    CacheDamaged,
    cache_root,
    exclusive_lock,
    file_digest,
    remove_stale,
    temporary_name,
    writable,
)
from retrieval.segment import Segment
from retrieval.sentences import SPLITTER_VERSION, Span, split_sentences
from retrieval.versions import VersionGroups, version_groups

Method = Literal["bm25", "okapi", "rank-bm25"]
METHODS: tuple[Method, ...] = ("bm25", "okapi", "rank-bm25")
# Bump when the layout or the meaning of what is stored changes.
ENGINE_FORMAT = 12
# Larger corpora are analysed by worker processes.
PARALLEL_BYTES = 64 << 20
# Above this, the workers look words up in a compiled table: a quarter faster, at about 130 MB
# more per worker for numba, which only a corpus this large makes worth it.
COMPILED_ANALYSIS_BYTES = 512 << 20
# Above this many segments, an update folds the smaller ones into one.
MAX_SEGMENTS = 8
# Documents whose analysed terms are kept for reuse (candidates, feedback).
TERM_CACHE = 512
PRIVATE_PREFIX = "assistant-index-"

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
    segments: int = 1
    deleted: int = 0
    skipped_files: list[str]
    skipped_records: int
    warnings: list[str]
    build_seconds: float


@dataclass(frozen=True, slots=True)
class DocHit:
    doc: int
    score: float


@dataclass
class Changes:
    """How the corpus files differ from what the current generation was built from."""

    new: list[CorpusFile]
    changed: list[CorpusFile]
    removed: list[str]
    restamped: dict[str, FileState]

    def __bool__(self) -> bool:
        return bool(self.new or self.changed or self.removed)

    def describe(self) -> str:
        parts = [
            f"{len(x)} {word} file{'s' if len(x) != 1 else ''}"
            for x, word in ((self.new, "new"), (self.changed, "changed"), (self.removed, "removed"))
            if x
        ]
        return ", ".join(parts)


class Engine:
    """Documents and their BM25 index, opened from the cache."""

    def __init__(
        self,
        home: Path,
        generation: Generation,
        segments: list[Segment],
        params: Bm25Params,
        status: str,
        rm3: Rm3Params | None = None,
    ) -> None:
        self.home = home
        self.generation = generation
        self.index = Bm25Index(generation, segments, params)
        self.papers = PaperStore(self.index, generation)
        self.names = NameTable(segments, self.index.bases, self.index.is_deleted)
        self.summary = IndexSummary(**generation.state.summary)
        self.location = home
        self.status = status
        self.rm3 = rm3 or Rm3Params()
        self.analyzer = Analyzer()
        # Stored text is read back into terms through a cache of its white-space pieces.
        self._pieces = PieceAnalyzer()
        self._piece_ids = np.zeros(0, dtype=np.int64)
        self._lock = threading.Lock()
        self._sentences: dict[int, list[Span]] = {}
        self._terms: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()
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
        add: Sequence[str | Path] = (),
        rebuild: bool = False,
    ) -> Engine:
        """The engine over `corpus`, its index brought up to date with the files (and with
        `add`, files added to the collection for good); built anew when `rebuild`."""
        params = params or Bm25Params()
        notice = on_notice or (lambda _message: None)
        report = LoadReport()
        resolve_corpus(corpus, LoadReport())  # a bad corpus fails here, in one line
        root = cache_root(index_dir)
        if not writable(root):
            notice(f"warning: cannot write the index cache at {root}; indexing without caching")
            home = _private_home()
            with exclusive_lock(home / ".lock"):
                return _update(home, corpus, add, params, report, on_progress, notice, private=True)
        home = root / collection_key(corpus, params)
        _clear_the_way(home, notice)
        with exclusive_lock(root / f".{home.name}.lock"):
            if rebuild:
                _empty(home)
            engine = _update(home, corpus, add, params, report, on_progress, notice)
            if rebuild:
                engine.status = "rebuilt: damaged cache"
            return engine

    @classmethod
    def check(
        cls,
        corpus: Sequence[str | Path],
        index_dir: str | Path | None = None,
        params: Bm25Params | None = None,
    ) -> tuple[Path, list[str]]:
        """Verify the collection's index as it stands, changing nothing: its directory and the
        damaged files (empty when every byte matches its checksum)."""
        params = params or Bm25Params()
        home = cache_root(index_dir) / collection_key(corpus, params)
        with exclusive_lock(home.parent / f".{home.name}.lock"):
            try:
                engine = cls.load(home, params, "loaded")
            except FileNotFoundError:
                raise InputError("there is no index of this corpus yet", home) from None
            except (CacheDamaged, OSError, ValueError, KeyError, TypeError) as err:
                return home, [_one_line(err)]
            return home, engine.verify()

    @classmethod
    def load(cls, home: Path, params: Bm25Params, status: str) -> Engine:
        """The committed generation of a collection directory (CacheDamaged when it cannot be
        trusted, FileNotFoundError when there is none)."""
        name = current_name(home)
        if name is None:
            raise FileNotFoundError(home)
        generation = Generation(home / GENERATIONS / name)
        segments = [Segment(home / SEGMENTS / s) for s in generation.state.segments]
        return cls(home, generation, segments, params, status)

    def verify(self) -> list[str]:
        """Every stored byte against its checksum, as Lucene's CheckIndex does: the damaged
        files (empty when all is well)."""
        damaged = self.generation.verify()
        for segment in self.index.segments:
            damaged += segment.verify()
        return damaged

    def merge(self, on_progress: ProgressFn | None = None, small_only: bool = False) -> Engine:
        """Fold segments together in a new generation (their deleted documents reclaimed): all
        of them, or with `small_only` the small ones that additions leave behind the largest.
        The engine over the result; this engine stays usable meanwhile (its files stay open)."""
        with exclusive_lock(self.home.parent / f".{self.home.name}.lock"):
            current = Engine.load(self.home, self.index.params, "merged")
            segments = current.index.segments
            chosen = small_segments(segments) if small_only else segments
            if len(chosen) < 2 and not (chosen and current.summary.deleted):
                return current
            return _merge(current, chosen, on_progress)

    def has_small_segments(self) -> bool:
        """Whether additions have left two or more small segments to fold together."""
        return len(small_segments(self.index.segments)) >= 2

    # -- searching -------------------------------------------------------------------------

    def query_weights(self, text: str) -> dict[int, float]:
        """{term id: count} of the query's terms that the index knows."""
        terms = self.analyzer.terms(text)
        weights: dict[int, float] = {}
        for term_id in self.index.term_ids(terms).tolist():
            if term_id >= 0:
                weights[term_id] = weights.get(term_id, 0.0) + 1.0
        return weights

    def rank(self, weights: dict[int, float], k: int, feedback: bool = True) -> list[DocHit]:
        """Top-k documents for weighted query terms, with RM3 feedback when asked."""
        if not weights:
            return []
        if feedback:
            docs, doc_scores = self.index.top(weights, self.rm3.docs)
            weights = rm3_expand(weights, self, docs, doc_scores, self.rm3)
        docs, values = self.index.top(weights, k)
        return [DocHit(d, s) for d, s in zip(docs.tolist(), values.tolist(), strict=True)]

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

    def live_documents(self) -> list[int]:
        return [d for d in range(self.index.n_docs) if not self.index.is_deleted(d)]

    def document_terms(self, doc: int) -> list[str]:
        """The document's terms as indexed: the title `title_weight` times, then the abstract."""
        title = self.analyzer.terms(self.papers.title(doc))
        return title * self.index.params.title_weight + self.analyzer.terms(
            self.papers.abstract(doc)
        )

    def term_counts(self, doc: int) -> tuple[np.ndarray, np.ndarray]:
        """The document's distinct term ids (sorted) and their weighted frequencies, from its
        stored text (remembered for the last few hundred documents)."""
        return self.term_counts_of([doc])[0]

    def term_counts_of(self, docs: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
        """`term_counts` of several documents, analysed together (one pass over their text)."""
        with self._lock:  # searches may run in several threads
            missing = list(dict.fromkeys(d for d in docs if d not in self._terms))
            if missing:
                self._analyse(missing)
            found = []
            for doc in docs:
                self._terms.move_to_end(doc)
                found.append(self._terms[doc])
            while len(self._terms) > TERM_CACHE:
                self._terms.popitem(last=False)
            return found

    def _analyse(self, docs: list[int]) -> None:
        """Read the documents' terms back from their stored text into the cache."""
        texts = [text for d in docs for text in (self.papers.title(d), self.papers.abstract(d))]
        numbers, ptr = self._pieces.fields(texts)
        ids = self._global_ids()[numbers]
        sizes = np.diff(ptr)
        # The title counts title_weight times, as it was indexed.
        weight = np.tile(np.array([self.index.params.title_weight, 1], dtype=np.int64), len(docs))
        ids = np.repeat(ids, np.repeat(weight, sizes))
        owner = np.repeat(np.repeat(np.arange(len(docs), dtype=np.int64), 2), sizes * weight)
        known = ids >= 0
        width = np.int64(max(self.index.n_terms, 1))
        keys, counts = np.unique(owner[known] * width + ids[known], return_counts=True)
        bounds = np.searchsorted(keys // width, np.arange(len(docs) + 1))
        for i, doc in enumerate(docs):
            lo, hi = bounds[i], bounds[i + 1]
            self._terms[doc] = (keys[lo:hi] % width, counts[lo:hi])

    def _global_ids(self) -> np.ndarray:
        """The collection's id of every term the piece analyzer has numbered so far."""
        spellings = self._pieces.spellings
        known = self._piece_ids.shape[0]
        if known < len(spellings):
            new = self.index.term_ids(spellings[known:], known=True)
            self._piece_ids = np.concatenate([self._piece_ids, new.astype(np.int64)])
        return self._piece_ids

    def term_ids(self, doc: int) -> list[int]:
        """The distinct term ids of the document (title and abstract)."""
        return self.term_counts(doc)[0].tolist()

    def sentences(self, doc: int) -> list[Span]:
        """Sentence spans of the document's abstract (split on first use, then remembered)."""
        spans = self._sentences.get(doc)
        if spans is None:
            spans = self._sentences[doc] = split_sentences(self.papers.abstract(doc))
        return spans


# ---------------------------------------------------------------------------------------------
# Keeping the index up to date


def collection_key(corpus: Sequence[str | Path], params: Bm25Params) -> str:
    """The cache directory of a collection: the corpus as named, the analyzer, the splitter,
    the parameters and the engine's format (not the files' content: changes are indexed into
    it)."""
    payload = json.dumps(
        {
            "format": ENGINE_FORMAT,
            "corpus": _corpus_signature(corpus),
            "analyzer": ANALYZER_VERSION,
            "splitter": SPLITTER_VERSION,
            "params": params.as_dict(),
        },
        sort_keys=True,
    )
    return hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()


def _corpus_signature(corpus: Sequence[str | Path]) -> list[str]:
    return sorted(str(Path(c).expanduser().resolve()) for c in corpus)


def _clear_the_way(home: Path, notice: NoticeFn) -> None:
    """A regular file where the collection's directory belongs is moved aside."""
    if home.exists() and not home.is_dir():
        aside = home.with_name(f"{home.name}.not-a-directory-{time.strftime('%Y%m%d-%H%M%S')}")
        with contextlib.suppress(OSError):
            home.rename(aside)
            notice(f"a file stood where the index belongs; it was moved to {aside}")
        if home.exists() and not home.is_dir():
            home.unlink()


def _private_home() -> Path:
    """An index directory for this process alone (no usable cache): removed at exit, and those
    of processes that died are removed now."""
    import atexit

    tmp = Path(tempfile.gettempdir())
    remove_stale(tmp, PRIVATE_PREFIX)
    home = tmp / temporary_name(PRIVATE_PREFIX)
    home.mkdir()
    atexit.register(shutil.rmtree, home, True)
    return home


def _update(
    home: Path,
    corpus: Sequence[str | Path],
    add: Sequence[str | Path],
    params: Bm25Params,
    report: LoadReport,
    on_progress: ProgressFn | None,
    notice: NoticeFn,
    private: bool = False,
) -> Engine:
    home.mkdir(parents=True, exist_ok=True)
    for part in (SEGMENTS, GENERATIONS):
        remove_stale(home / part)
    status = "built"
    current: Engine | None = None
    try:
        current = Engine.load(home, params, "loaded")
    except FileNotFoundError:
        pass
    except (CacheDamaged, OSError, ValueError, KeyError, TypeError, IndexError) as err:
        notice(f"the cached index was damaged ({_one_line(err)}); rebuilding it")
        _empty(home)
        status = "rebuilt: damaged cache"
    added = list(current.generation.state.added) if current else []
    for path in add:
        resolved = str(Path(path).expanduser().resolve())
        if resolved not in added:
            added.append(resolved)
    files = resolve_corpus([*corpus, *added], report)
    if current is None:
        changes = Changes(new=files, changed=[], removed=[], restamped={})
    else:
        changes = _changes(current.generation.state, files)
        if not changes and not changes.restamped and added == current.generation.state.added:
            if private:
                current.status = "built, not cached"
            return current
        if changes:
            notice(f"the corpus changed ({changes.describe()}); indexing what changed")
        status = "updated"
    engine = _apply(home, current, files, changes, added, params, report, on_progress, status)
    if private:
        engine.status = "built, not cached"
    return engine


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or err.__class__.__name__


def _empty(home: Path) -> None:
    for part in (SEGMENTS, GENERATIONS):
        shutil.rmtree(home / part, ignore_errors=True)
    with contextlib.suppress(OSError):
        (home / "CURRENT").unlink()


def _state_of(file: CorpusFile, previous: FileState | None = None) -> FileState:
    st = file.path.stat()
    digest = previous.digest if previous is not None else file_digest(file.path)
    return FileState(str(file.path), file.format, st.st_size, st.st_mtime_ns, st.st_ino, digest)


def _changes(state: GenerationState, files: list[CorpusFile]) -> Changes:
    new, changed, restamped = [], [], {}
    for file in files:
        known = state.files.get(str(file.path))
        if known is None:
            new.append(file)
            continue
        st = file.path.stat()
        if [st.st_size, st.st_mtime_ns, st.st_ino] == known.stamp() and file.format == known.format:
            continue
        digest = file_digest(file.path)
        if digest == known.digest and file.format == known.format:
            restamped[str(file.path)] = _state_of(file, known)  # touched, not changed
        else:
            changed.append(file)
    present = {str(f.path) for f in files}
    removed = [p for p in state.files if p not in present]
    return Changes(new, changed, removed, restamped)


class _Existing:
    """The live documents an addition is checked against: their contents (duplicates become
    extra sources) and their ids (a different record with a taken id gets "~2")."""

    def __init__(self, engine: Engine | None, deleted: dict[str, set[int]]) -> None:
        self.engine = engine
        self.deleted = (
            {
                int(engine.index.bases[i]) + d
                for i, seg in enumerate(engine.index.segments)
                for d in deleted.get(seg.name, set())
            }
            if engine is not None
            else set()
        )
        self._tables: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None

    def _contents(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per segment, its content hashes sorted (both halves) and their documents: built on
        first need, by array sorts rather than a dictionary of a million entries."""
        if self._tables is None:
            self._tables = []
            for segment in self.engine.index.segments if self.engine is not None else []:
                hashes = np.asarray(segment.content_hash)
                order = np.lexsort((hashes[:, 1], hashes[:, 0]))
                self._tables.append(
                    (np.ascontiguousarray(hashes[order, 0]), hashes[order, 1].copy(), order)
                )
        return self._tables

    def duplicate(self, content: bytes, own_id: str | None) -> str | None:
        if self.engine is None:
            return None
        low = np.uint64(int.from_bytes(content[:8], "little"))
        high = np.uint64(int.from_bytes(content[8:], "little"))
        for s, (lows, highs, docs) in enumerate(self._contents()):
            base = int(self.engine.index.bases[s])
            i = int(np.searchsorted(lows, low))
            while i < lows.shape[0] and lows[i] == low:
                doc = base + int(docs[i])
                if highs[i] == high and doc not in self.deleted:
                    doc_id = self.engine.papers.ids[doc]
                    return doc_id if own_id is None or own_id == doc_id else None
                i += 1
        return None

    def has_id(self, doc_id: str) -> bool:
        if self.engine is None:
            return False
        found = self.engine.papers.position(doc_id)
        return found is not None and found not in self.deleted


def _apply(
    home: Path,
    current: Engine | None,
    files: list[CorpusFile],
    changes: Changes,
    added: list[str],
    params: Bm25Params,
    report: LoadReport,
    on_progress: ProgressFn | None,
    status: str,
) -> Engine:
    started = time.perf_counter()
    state = current.generation.state if current else None
    terms = (
        TermTable(current.generation.terms.all(), current.generation.hashes_by_id())
        if current
        else TermTable([])
    )
    gone_files = set(changes.removed) | {str(f.path) for f in changes.changed}
    deleted = _deletions(current, gone_files)
    extra = {
        doc_id: [src for src in sources if src[0] not in gone_files]
        for doc_id, sources in (state.extra_sources.items() if state else [])
    }
    # Documents deleted because their files went, but read elsewhere too, stay.
    collection = Collection(report, existing=_Existing(current, deleted))
    reading = [*changes.new, *changes.changed]
    total_bytes = sum(f.path.stat().st_size for f in reading) or 1
    indexer = Indexer(
        home,
        terms,
        params.title_weight,
        processes_for(total_bytes, PARALLEL_BYTES),
        on_progress,
        compiled=total_bytes > COMPILED_ANALYSIS_BYTES,
    )
    # The files' digests are taken in a thread meanwhile (hashing releases the interpreter).
    with ThreadPoolExecutor(1) as digests:
        states = [digests.submit(_state_of, f) for f in reading]
        indexer.run(reading, collection, lambda: report.bytes_read / total_bytes)
        read_states = [state.result() for state in states]
    for doc_id, source in collection.extra_sources:
        extra.setdefault(doc_id, []).append([source.path, source.line, source.date])
    extra = {k: v for k, v in extra.items() if v}
    duplicates = collection.duplicates_merged
    del collection  # its tables of ids and contents are not needed any more
    if current is None and not indexer.segments:
        raise InputError("the corpus is empty: no records with a title and an abstract")
    new_segments = [Segment(s.directory) for s in indexer.segments]
    if current is None and len(new_segments) > 1:
        # A first build is written in segments of bounded size, then made one before it is
        # committed.
        if on_progress is not None:
            on_progress("merging", 1.0)
        nothing = [np.zeros(0, np.int32)] * len(new_segments)
        new_segments = [Segment(merge_segments(home, new_segments, nothing, segment_name()))]
    else:
        indexer.make_durable()
    old_segments = current.index.segments if current else []
    live_old = [s for s in old_segments if len(deleted.get(s.name, ())) < s.n_docs]
    file_states = {p: f for p, f in (state.files.items() if state else []) if p not in gone_files}
    file_states.update(changes.restamped)
    for f, read_state in zip(reading, read_states, strict=True):
        file_states[str(f.path)] = read_state
    new_state = GenerationState(
        number=(state.number + 1) if state else 1,
        segments=[s.name for s in live_old] + [s.name for s in new_segments],
        files=file_states,
        added=added,
        extra_sources=extra,
        summary={},
        duplicates_merged=(state.duplicates_merged if state else 0) + duplicates,
        deleted={
            name: np.asarray(sorted(docs), dtype=np.int32)
            for name, docs in deleted.items()
            if docs and name in {s.name for s in live_old}
        },
    )
    df, cf = _frequencies(current, terms, deleted, indexer.segments, live_old)
    segments = [*live_old, *new_segments]
    versions = _versions(segments, new_state.deleted)
    new_state.summary = _summary(
        segments, new_state, df, versions, report, time.perf_counter() - started
    )
    directory = write_generation(home, new_state, terms, df, cf, versions)
    make_current(home, directory)
    engine = Engine.load(home, params, status)
    segments_now = engine.index.segments
    if len(segments_now) > MAX_SEGMENTS:
        engine = _merge(engine, small_segments(segments_now), on_progress)
    engine.status = status
    return engine


def _deletions(current: Engine | None, gone_files: set[str]) -> dict[str, set[int]]:
    """Per segment, the documents to delete: those already deleted, and those read only from
    files that changed or went (and not also read later from another file)."""
    if current is None:
        return {}
    state = current.generation.state
    deleted = {name: set(docs.tolist()) for name, docs in state.deleted.items()}
    if not gone_files:
        return deleted
    extra_ids = {
        d
        for d, sources in state.extra_sources.items()
        if any(s[0] not in gone_files for s in sources)
    }
    for segment in current.index.segments:
        files_gone = np.asarray([f in gone_files for f in segment.source_files] + [False])
        if not files_gone.any():
            continue
        from_gone = files_gone[segment.source_file]
        remaining = (
            np.add.reduceat((~from_gone).astype(np.int64), segment.source_ptr[:-1])
            if from_gone.size
            else np.zeros(segment.n_docs, np.int64)
        )
        remaining[np.diff(segment.source_ptr) == 0] = 0
        ids = segment.columns["ids"]
        for local in np.flatnonzero(remaining == 0).tolist():
            if ids[local] not in extra_ids:
                deleted.setdefault(segment.name, set()).add(local)
    return deleted


def _frequencies(
    current: Engine | None,
    terms: TermTable,
    deleted: dict[str, set[int]],
    new: list[NewSegment],
    live_old: list[Segment],
) -> tuple[np.ndarray, np.ndarray]:
    """Live document and collection frequency of every global term: the previous generation's,
    less what newly deleted documents held, plus the new segments'."""
    n = len(terms)
    df = np.zeros(n, dtype=np.int64)
    cf = np.zeros(n, dtype=np.int64)
    if current is not None:
        old = current.generation
        df[: old.df.shape[0]] = old.df
        cf[: old.cf.shape[0]] = old.cf
        before = old.state.deleted
        for s, segment in enumerate(current.index.segments):
            fresh = deleted.get(segment.name, set()) - set(
                before.get(segment.name, np.zeros(0)).tolist()
            )
            base = int(current.index.bases[s])
            for local in sorted(fresh):
                ids, tfs = current.term_counts(base + local)
                df[ids] -= 1
                cf[ids] -= tfs
    for segment in new:
        df[segment.terms] += segment.df
        cf[segment.terms] += segment.cf
    return df, cf


def _versions(segments: list[Segment], deleted: dict[str, np.ndarray]) -> VersionGroups:
    """Which documents of the new generation's numbering are versions of one paper (a deleted
    document is no one's version)."""
    hashes = []
    for segment in segments:
        title_hash = np.asarray(segment.title_hash, dtype=np.uint64).copy()
        title_hash[deleted.get(segment.name, np.zeros(0, np.int32))] = 0
        hashes.append(title_hash)
    bases = np.cumsum([0] + [s.n_docs for s in segments])

    def abstract(doc: int) -> str:
        s = int(np.searchsorted(bases, doc, side="right")) - 1
        return segments[s].columns["abstracts"][doc - int(bases[s])]

    return version_groups(np.concatenate(hashes) if hashes else np.zeros(0, np.uint64), abstract)


def _summary(
    segments: list[Segment],
    state: GenerationState,
    df: np.ndarray,
    versions: VersionGroups,
    report: LoadReport,
    seconds: float,
) -> dict:
    deleted = sum(int(d.shape[0]) for d in state.deleted.values())
    documents = sum(s.n_docs for s in segments) - deleted
    sampled = sum(s.sentences[0] for s in segments)
    sentences = sum(s.sentences[1] for s in segments)
    sentence_terms = sum(s.sentences[2] for s in segments)
    estimate = round(sentences * documents / sampled) if sampled else 0
    return IndexSummary(
        files=len(state.files),
        documents=documents,
        duplicates_merged=state.duplicates_merged,
        version_groups=versions.count,
        versioned_documents=versions.documents,
        sentences=int(estimate),
        sentences_estimated=sampled < documents,
        avg_sentence_terms=round(max(sentence_terms / sentences, 1.0), 4) if sentences else 1.0,
        vocabulary=int((df > 0).sum()),
        postings=sum(int(s.postings.ptr[-1]) for s in segments),
        segments=len(segments),
        deleted=deleted,
        skipped_files=report.skipped_files,
        skipped_records=report.skipped_records,
        warnings=report.warnings,
        build_seconds=round(seconds, 3),
    ).model_dump()


def small_segments(segments: list[Segment]) -> list[Segment]:
    """Every segment but the largest: additions pile up small segments beside one large one,
    and folding them together costs little next to rewriting the large one."""
    if len(segments) < 2:
        return []
    largest = max(range(len(segments)), key=lambda i: segments[i].n_docs)
    return [s for i, s in enumerate(segments) if i != largest]


def _merge(engine: Engine, chosen: list[Segment], on_progress: ProgressFn | None) -> Engine:
    """A new generation in which the `chosen` segments are one (their deleted documents
    dropped); the engine over it."""
    if on_progress is not None:
        on_progress("merging", 1.0)
    home = engine.home
    state = engine.generation.state
    names = {s.name for s in chosen}
    deleted = [state.deleted.get(s.name, np.zeros(0, np.int32)) for s in chosen]
    merged = merge_segments(home, chosen, deleted, segment_name())
    order: list[str] = []
    for segment in engine.index.segments:
        if segment.name not in names:
            order.append(segment.name)
        elif merged.name not in order:
            order.append(merged.name)
    new_state = GenerationState(
        number=state.number + 1,
        segments=order,
        files=state.files,
        added=state.added,
        extra_sources=state.extra_sources,
        summary={},
        duplicates_merged=state.duplicates_merged,
        deleted={k: v for k, v in state.deleted.items() if k not in names},
    )
    segments = [Segment(home / SEGMENTS / name) for name in order]
    versions = _versions(segments, new_state.deleted)
    df = engine.generation.df
    summary = _summary(segments, new_state, np.asarray(df), versions, LoadReport(), 0.0)
    summary.update(
        skipped_files=engine.summary.skipped_files,
        skipped_records=engine.summary.skipped_records,
        warnings=engine.summary.warnings,
        build_seconds=engine.summary.build_seconds,
    )
    new_state.summary = summary
    terms = TermTable(engine.generation.terms.all(), engine.generation.hashes_by_id())
    directory = write_generation(
        home, new_state, terms, np.asarray(df), np.asarray(engine.generation.cf), versions
    )
    make_current(home, directory)
    return Engine.load(home, engine.index.params, "merged")
