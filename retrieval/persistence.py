"""Where indexes live on disk, and how they are written and read back.

An index is a directory of numpy arrays (loaded memory-mapped), newline-separated string columns,
and a manifest. It is keyed by a hash of the corpus content, the analyzer and the engine format.
It is written into a temporary directory and renamed into place only when complete, so an
interrupted or concurrent build never leaves a broken index; a damaged one is detected on load.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import shutil
import tempfile
import time
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

# Bump when the layout or the meaning of any stored array changes.
FORMAT_VERSION = 6
ENV_INDEX_DIR = "ASSISTANT_INDEX_DIR"
APP_NAME = "abstracts-assistant"
MANIFEST = "manifest.json"
HASH_MEMO = "file-hashes.json"
# Below this total size every stored byte is hashed on load; above, the ends of each file.
FULL_CHECK_BYTES = 64 << 20
SAMPLE_BYTES = 1 << 16
# A temporary build directory untouched this long belongs to a process that died.
STALE_BUILD_SECONDS = 6 * 3600


class CacheDamaged(Exception):
    """A stored index that cannot be trusted; the caller rebuilds it."""


def cache_root(override: str | Path | None = None) -> Path:
    """`--index-dir`, else $ASSISTANT_INDEX_DIR, else the user cache directory."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(ENV_INDEX_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME)) / "indexes"


# ---------------------------------------------------------------------------------------------
# Corpus fingerprints


def file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=20)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def corpus_fingerprint(files: Sequence[tuple[Path, str]], root: Path | None) -> str:
    """Hash of the content of the corpus files (path, format).

    A file's content hash is remembered by (size, mtime, inode), as make and git do, so that a
    warm start does not read a large corpus again.
    """
    memo: dict[str, list[Any]] = {}
    memo_path = root / HASH_MEMO if root else None
    if memo_path is not None:
        with contextlib.suppress(OSError, ValueError):
            memo = json.loads(memo_path.read_text(encoding="utf-8"))
            if not isinstance(memo, dict):
                memo = {}
    changed = False
    total = hashlib.blake2b(digest_size=20)
    for path, fmt in files:
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        entry = memo.get(str(path))
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == stamp:
            digest = entry[1]
        else:
            digest = file_digest(path)
            memo[str(path)] = [stamp, digest]
            changed = True
        total.update(f"{path}\0{fmt}\0{digest}\n".encode())
    if changed and memo_path is not None:
        with contextlib.suppress(OSError):
            atomic_write_text(memo_path, json.dumps(memo))
    return total.hexdigest()


def index_key(fingerprint: str, settings: dict[str, Any]) -> str:
    payload = json.dumps(
        {"format": FORMAT_VERSION, "corpus": fingerprint, **settings}, sort_keys=True
    )
    return hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()


def atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------------------------------------
# String columns: values joined by newlines, with byte offsets for random access


class StringColumnWriter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = path.open("wb")
        self._offsets = array("q", [0])

    def append(self, value: str | None) -> None:
        data = (value or "").encode("utf-8") + b"\n"
        self._fh.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def close(self) -> np.ndarray:
        self._fh.close()
        return np.frombuffer(self._offsets, dtype=np.int64).copy()


class StringColumn:
    """Read access to a string column; an empty value reads as None where `optional`."""

    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        self.offsets = offsets
        size = path.stat().st_size
        if size != int(offsets[-1]):
            raise CacheDamaged(f"{path.name} has {size} bytes, expected {int(offsets[-1])}")
        self._data: bytes | mmap.mmap
        if size == 0:
            self._data = b""
        else:
            with path.open("rb") as fh:
                self._data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)

    def __len__(self) -> int:
        return int(self.offsets.shape[0]) - 1

    def __getitem__(self, i: int) -> str:
        lo, hi = int(self.offsets[i]), int(self.offsets[i + 1]) - 1
        return self._data[lo:hi].decode("utf-8")

    def optional(self, i: int) -> str | None:
        return self[i] or None

    def all(self) -> list[str]:
        """Every value at once: one decode and one split, far faster than a loop of lookups."""
        return self.slice(0, len(self))

    def slice(self, start: int, stop: int) -> list[str]:
        """Values start..stop-1, decoded together."""
        if stop <= start:
            return []
        lo, hi = int(self.offsets[start]), int(self.offsets[stop])
        return self._data[lo:hi].decode("utf-8").split("\n")[:-1]


# ---------------------------------------------------------------------------------------------
# Writing


class IndexWriter:
    """Writes one index into a private temporary directory, then moves it into place."""

    def __init__(self, root: Path, key: str) -> None:
        self.root = root
        self.key = key
        self.final = root / key
        root.mkdir(parents=True, exist_ok=True)
        _remove_stale_builds(root)
        self.dir = Path(tempfile.mkdtemp(prefix=f".build-{key}-", dir=root))
        self.arrays: dict[str, dict[str, Any]] = {}
        self.columns: list[str] = []

    def array(self, name: str, values: np.ndarray) -> None:
        np.save(self.dir / f"{name}.npy", values, allow_pickle=False)
        self.arrays[name] = {"dtype": str(values.dtype), "shape": list(values.shape)}

    def column(self, name: str) -> StringColumnWriter:
        self.columns.append(name)
        return StringColumnWriter(self.dir / f"{name}.txt")

    def text(self, name: str, lines: Sequence[str]) -> None:
        with (self.dir / f"{name}.txt").open("w", encoding="utf-8", newline="\n") as fh:
            for line in lines:
                fh.write(line)
                fh.write("\n")

    def commit(self, manifest: dict[str, Any]) -> Path:
        """Checksums, manifest, then one rename; returns the final directory."""
        manifest = {
            **manifest,
            "format": FORMAT_VERSION,
            "key": self.key,
            "arrays": self.arrays,
            "checksums": _checksums(self.dir),
        }
        (self.dir / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        for path in self.dir.iterdir():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        try:
            os.rename(self.dir, self.final)
        except OSError:
            # Another process finished the same index first; theirs is as good as ours.
            self.discard()
            if not (self.final / MANIFEST).exists():
                raise
        return self.final

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _remove_stale_builds(root: Path) -> None:
    now = time.time()
    for path in root.glob(".build-*"):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > STALE_BUILD_SECONDS:
                shutil.rmtree(path, ignore_errors=True)


def _checksums(directory: Path) -> dict[str, Any]:
    files = sorted(p for p in directory.iterdir() if p.name != MANIFEST)
    total = sum(p.stat().st_size for p in files)
    full = total <= FULL_CHECK_BYTES
    return {
        "mode": "full" if full else "ends",
        "files": {p.name: [p.stat().st_size, _file_check(p, full)] for p in files},
    }


def _file_check(path: Path, full: bool) -> str:
    if full:
        return file_digest(path)
    h = hashlib.blake2b(digest_size=20)
    size = path.stat().st_size
    with path.open("rb") as fh:
        h.update(fh.read(SAMPLE_BYTES))
        if size > SAMPLE_BYTES:
            fh.seek(max(SAMPLE_BYTES, size - SAMPLE_BYTES))
            h.update(fh.read(SAMPLE_BYTES))
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Reading


class StoredIndex:
    """A committed index directory, verified and opened memory-mapped."""

    def __init__(self, directory: Path, expected_key: str) -> None:
        self.dir = directory
        try:
            self.manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise CacheDamaged(f"unreadable manifest ({err.__class__.__name__})") from None
        if not isinstance(self.manifest, dict):
            raise CacheDamaged("unreadable manifest")
        if self.manifest.get("format") != FORMAT_VERSION:
            raise CacheDamaged(f"written in format {self.manifest.get('format')}")
        if self.manifest.get("key") != expected_key:
            raise CacheDamaged("its key does not match its corpus")
        self._verify_files()

    def _verify_files(self) -> None:
        checks = self.manifest.get("checksums")
        if not isinstance(checks, dict) or not isinstance(checks.get("files"), dict):
            raise CacheDamaged("manifest without checksums")
        full = checks.get("mode") == "full"
        for name, (size, digest) in checks["files"].items():
            path = self.dir / name
            try:
                actual = path.stat().st_size
            except OSError:
                raise CacheDamaged(f"{name} is missing") from None
            if actual != size:
                raise CacheDamaged(f"{name} has {actual} bytes, expected {size}")
            if _file_check(path, full) != digest:
                raise CacheDamaged(f"{name} does not match its checksum")

    def array(self, name: str) -> np.ndarray:
        spec = self.manifest["arrays"].get(name)
        if spec is None:
            raise CacheDamaged(f"no array '{name}'")
        try:
            values = np.load(self.dir / f"{name}.npy", mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as err:
            raise CacheDamaged(f"{name}.npy: {err}") from None
        if str(values.dtype) != spec["dtype"] or list(values.shape) != spec["shape"]:
            raise CacheDamaged(f"{name}.npy has the wrong type or shape")
        # A plain view of the mapping: slicing np.memmap objects costs more than the work.
        return values.view(np.ndarray)

    def column(self, name: str) -> StringColumn:
        return StringColumn(self.dir / f"{name}.txt", self.array(f"{name}_offsets"))

    def lines(self, name: str) -> list[str]:
        text = (self.dir / f"{name}.txt").read_text(encoding="utf-8")
        return text.split("\n")[:-1]


@contextlib.contextmanager
def build_lock(root: Path, key: str) -> Iterator[bool]:
    """Hold an exclusive lock while building `key`, so parallel starts build it once.

    Yields False when no lock could be taken (a read-only cache); building still proceeds.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX
        yield False
        return
    try:
        root.mkdir(parents=True, exist_ok=True)
        fh = (root / f".{key}.lock").open("a")
    except OSError:
        yield False
        return
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        yield True
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        fh.close()
