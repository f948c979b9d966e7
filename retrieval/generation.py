"""Generations: which segments make up the collection now, and what is derived from all of them.

A generation lists the live segments in order, the documents deleted from each (reclaimed when
segments are merged), the corpus files it was built from, and collection-wide arrays: the term
table (global term ids, append-only, so segments never change when the vocabulary grows), each
term's live document and collection frequency, and which documents are versions of one paper across
segments. A generation is written into its own directory and committed by replacing the small
file CURRENT atomically: whatever happens during an addition or a merge, even kill -9, the
previous commit stays whole and readable until the new one is.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.persistence import (
    CacheDamaged,
    DirectoryWriter,
    StoredDirectory,
    StringColumn,
    atomic_write_text,
    remove_stale,
)
from retrieval.versions import VersionGroups

GENERATION_FORMAT = 1
CURRENT = "CURRENT"
SEGMENTS = "segments"
GENERATIONS = "generations"


@dataclass
class FileState:
    """A corpus file as the generation read it: changed files are noticed by their stamp,
    confirmed by their content digest."""

    path: str
    format: str
    size: int
    mtime_ns: int
    inode: int
    digest: str

    def stamp(self) -> list[int]:
        return [self.size, self.mtime_ns, self.inode]


@dataclass
class GenerationState:
    """What a generation records besides its arrays."""

    number: int
    segments: list[str]  # live segments, in order
    files: dict[str, FileState]
    added: list[str]  # corpus paths added with `assistant add`, beyond the corpus named
    extra_sources: dict[str, list[list[Any]]]  # doc id -> [path, line, date] read later
    summary: dict[str, Any]
    duplicates_merged: int = 0
    deleted: dict[str, np.ndarray] = field(default_factory=dict)  # segment -> local docs


def term_hash(term: str) -> int:
    """A 64-bit hash of a term, the same in every process (for lookups by hash)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


class TermTable:
    """Global term ids: a term keeps its id forever; new terms are appended."""

    def __init__(self, terms: list[str], hashes: np.ndarray | None = None) -> None:
        self.terms = terms
        self.ids = {t: i for i, t in enumerate(terms)}
        self.known_hashes = hashes  # of the first terms, when the previous generation had them

    def id(self, term: str) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return found

    def __len__(self) -> int:
        return len(self.terms)


def write_generation(
    root: Path,
    state: GenerationState,
    terms: TermTable,
    df: np.ndarray,
    cf: np.ndarray,
    versions: VersionGroups,
) -> Path:
    """Write generation `state.number` with its arrays; not yet current (see `make_current`)."""
    writer = DirectoryWriter(root / GENERATIONS, f"gen-{state.number:06d}")
    try:
        column = writer.column("terms")
        column.extend(terms.terms)
        writer.close_column("terms", column)
        order = np.asarray(
            sorted(range(len(terms.terms)), key=terms.terms.__getitem__), dtype=np.int32
        )
        writer.array("term_order", order)
        hashes = _hashes(terms)
        by_hash = np.argsort(hashes, kind="stable")
        writer.array("term_hashes", hashes[by_hash])
        writer.array("hash_terms", by_hash.astype(np.int32))
        writer.array("df", df.astype(np.int32))
        writer.array("cf", cf.astype(np.int64))
        for name, docs in state.deleted.items():
            writer.array(f"deleted-{name}", np.asarray(docs, dtype=np.int32))
        writer.array("version_group", versions.group)
        writer.array("group_ptr", versions.ptr)
        writer.array("group_docs", versions.members)
        return writer.commit(
            {
                "kind": "generation",
                "format": GENERATION_FORMAT,
                "number": state.number,
                "segments": state.segments,
                "deleted": sorted(state.deleted),
                "corpus_files": {p: f.__dict__ for p, f in state.files.items()},
                "added": state.added,
                "extra_sources": state.extra_sources,
                "duplicates_merged": state.duplicates_merged,
                "summary": state.summary,
            }
        )
    except BaseException:
        writer.discard()
        raise


def _hashes(terms: TermTable) -> np.ndarray:
    """Every term's hash, in id order: those of the previous generation reused."""
    known = terms.known_hashes
    start = 0 if known is None else int(known.shape[0])
    fresh = np.fromiter((term_hash(t) for t in terms.terms[start:]), dtype=np.uint64)
    return fresh if known is None else np.concatenate([known, fresh])


def make_current(root: Path, directory: Path) -> None:
    """Commit: CURRENT names the generation (one atomic replace), then what no longer belongs
    to it is removed."""
    atomic_write_text(root / CURRENT, directory.name + "\n")
    collect_garbage(root, directory.name)


def collect_garbage(root: Path, current: str) -> None:
    """Remove generations other than the current one, segments it does not list, and the
    temporary directories of processes that died. Readers keep what they opened: their files
    stay mapped after removal."""
    try:
        manifest = json.loads((root / GENERATIONS / current / "manifest.json").read_text())
        live = set(manifest["segments"])
    except (OSError, ValueError, KeyError):
        return
    for directory, keep in ((root / GENERATIONS, {current}), (root / SEGMENTS, live)):
        remove_stale(directory)
        with contextlib.suppress(OSError):
            for path in directory.iterdir():
                if not path.name.startswith(".") and path.name not in keep:
                    shutil.rmtree(path, ignore_errors=True)


def current_name(root: Path) -> str | None:
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not name.startswith("gen-") or "/" in name:
        raise CacheDamaged(f"{CURRENT} names no generation")
    return name


class Generation:
    """A committed generation, memory-mapped."""

    def __init__(self, directory: Path) -> None:
        stored = StoredDirectory(directory)
        m = stored.manifest
        if m.get("kind") != "generation" or m.get("format") != GENERATION_FORMAT:
            raise CacheDamaged(f"{directory.name}: not a generation of this format")
        self.stored = stored
        self.dir = directory
        try:
            self.state = GenerationState(
                number=int(m["number"]),
                segments=list(m["segments"]),
                files={p: FileState(**f) for p, f in m["corpus_files"].items()},
                added=list(m["added"]),
                extra_sources={k: list(v) for k, v in m["extra_sources"].items()},
                summary=dict(m["summary"]),
                duplicates_merged=int(m["duplicates_merged"]),
                deleted={name: stored.array(f"deleted-{name}") for name in m["deleted"]},
            )
        except (KeyError, TypeError, ValueError) as err:
            raise CacheDamaged(f"{directory.name}: unreadable manifest ({err})") from None
        self.terms: StringColumn = stored.column("terms")
        self.term_order = stored.array("term_order")
        self.term_hashes = stored.array("term_hashes")
        self.hash_terms = stored.array("hash_terms")
        self.df = stored.array("df")
        self.cf = stored.array("cf")
        self.version_group = stored.array("version_group")
        self.group_ptr = stored.array("group_ptr")
        self.group_docs = stored.array("group_docs")
        n = len(self.terms)
        sizes = {a.shape[0] for a in (self.term_order, self.df, self.cf, self.term_hashes)}
        if sizes != {n} or self.hash_terms.shape[0] != n:
            raise CacheDamaged(f"{directory.name}: its term arrays do not fit together")

    def verify(self) -> list[str]:
        return self.stored.verify()

    def hashes_by_id(self) -> np.ndarray:
        """Every term's hash in id order (to reuse in the next generation)."""
        hashes = np.empty(self.term_hashes.shape[0], dtype=np.uint64)
        hashes[self.hash_terms] = self.term_hashes
        return hashes
