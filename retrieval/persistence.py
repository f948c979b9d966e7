"""Files on disk: directories of numpy arrays and string columns, each file checksummed in blocks.

A stored directory (a segment, a generation) is written into a private temporary directory,
checksummed, synced and renamed into place only when complete, so an interrupted or concurrent
write never leaves a partial one. Every file is checksummed in blocks when written, as Lucene's
CheckIndex relies on: opening checks sizes and the small files; `verify()` reads every byte; a
quoted sentence can be checked against the blocks of the text it comes from, at the cost of
hashing a block or two.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import shutil
import socket
import tempfile
import zlib
from array import array
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import accumulate, islice
from pathlib import Path
from typing import Any

import numpy as np

ENV_INDEX_DIR = "ASSISTANT_INDEX_DIR"
APP_NAME = "abstracts-assistant"
MANIFEST = "manifest.json"
# Files are checksummed in blocks of this many bytes; a quote is checked by its blocks.
BLOCK_BYTES = 1 << 16
# Files up to this size are checked whole whenever a directory is opened.
SMALL_FILE_BYTES = 1 << 20
# Temporary directories carry the writing process's id after this prefix.
BUILD_PREFIX = ".build-"


class CacheDamaged(Exception):
    """Stored data that cannot be trusted; the caller rebuilds it."""


def cache_root(override: str | Path | None = None) -> Path:
    """`--index-dir`, else $ASSISTANT_INDEX_DIR, else the user cache directory."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(ENV_INDEX_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME)) / "indexes"


def file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=20)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def block_sum(block: bytes) -> str:
    """A block's checksum: CRC-32, as Lucene's file footers use (it catches damaged bytes, not
    deliberate changes, and runs at gigabytes a second)."""
    return f"{zlib.crc32(block):08x}"


def block_sums(path: Path) -> list[str]:
    """The checksum of each BLOCK_BYTES block of the file."""
    sums = []
    with path.open("rb") as fh:
        while block := fh.read(BLOCK_BYTES):
            sums.append(block_sum(block))
    return sums


def atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------------------------------------
# Temporary directories of processes that died


def owner_alive(owner: str) -> bool:
    """Whether the process named in a temporary directory's name ("PID-HOST-RANDOM", after its
    prefix) still runs. Another host's directories (a shared cache) are not ours to judge."""
    parts = owner.split("-")
    try:
        pid = int(parts[0])
    except ValueError:
        return True
    if len(parts) > 1 and parts[1] != _host():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _host() -> str:
    return socket.gethostname().replace("-", "_")[:32] or "host"


def temporary_name(prefix: str = BUILD_PREFIX) -> str:
    """A name for a temporary directory that says whose it is: prefix, pid, host, random."""
    return f"{prefix}{os.getpid()}-{_host()}-{os.urandom(4).hex()}"


def remove_stale(directory: Path, prefix: str = BUILD_PREFIX) -> list[Path]:
    """Remove the temporary directories under `directory` whose owner process is gone."""
    removed = []
    with contextlib.suppress(OSError):
        for path in directory.glob(f"{prefix}*"):
            if not owner_alive(path.name[len(prefix) :]):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


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

    def extend(self, values: Iterable[str | None]) -> None:
        """Append many values with one write."""
        texts = [value or "" for value in values]
        joined = "\n".join(texts) + "\n" if texts else ""
        if joined.isascii():  # one byte per character: the lengths are the strings'
            data = joined.encode("ascii")
            sizes = map(len, texts)
        else:
            encoded = [text.encode("utf-8") for text in texts]
            data = b"\n".join(encoded) + b"\n" if encoded else b""
            sizes = map(len, encoded)
        self._fh.write(data)
        ends = accumulate((size + 1 for size in sizes), initial=self._offsets[-1])
        self._offsets.extend(islice(ends, 1, None))  # past the first: the current end

    def copy_values(self, source: int, start: int, offsets: np.ndarray) -> None:
        """Values already joined in the open file `source` from byte `start`, with their offsets
        from 0: copied file to file by the kernel where it can (no pass through this process)."""
        end = self._offsets[-1]
        size = int(offsets[-1])
        self._fh.flush()
        done = 0
        with contextlib.suppress(AttributeError, OSError):  # no copy_file_range here: by reads
            while done < size:
                step = os.copy_file_range(
                    source, self._fh.fileno(), size - done, start + done, end + done
                )
                if step <= 0:
                    break
                done += step
        while done < size:
            data = os.pread(source, min(size - done, 4 << 20), start + done)
            if not data:
                raise OSError(f"{self.path.name}: the values to copy end early")
            os.pwrite(self._fh.fileno(), data, end + done)
            done += len(data)
        self._fh.seek(end + size)
        self._extend_offsets(offsets)

    def _extend_offsets(self, offsets: np.ndarray) -> None:
        ends = offsets[1:].astype(np.int64) + self._offsets[-1]
        self._offsets.frombytes(ends.tobytes())

    def close(self) -> np.ndarray:
        self._fh.close()
        return np.frombuffer(self._offsets, dtype=np.int64).copy()


class StringColumn:
    """Read access to a string column; an empty value reads as None where `optional`."""

    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        self.path = path
        self.offsets = offsets
        size = path.stat().st_size
        if offsets.shape[0] < 1 or size != int(offsets[-1]):
            raise CacheDamaged(f"{path.name} has {size} bytes, expected {int(offsets[-1])}")
        self._data: bytes | mmap.mmap
        if size == 0:
            self._data = b""
        else:
            with path.open("rb") as fh:
                self._data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)

    def __len__(self) -> int:
        return int(self.offsets.shape[0]) - 1

    @property
    def data(self) -> bytes | mmap.mmap:
        """The column's bytes (values joined by newlines), for searches over raw bytes."""
        return self._data

    def span(self, i: int) -> tuple[int, int]:
        """The byte range of value i (without its newline)."""
        if not 0 <= i < len(self):
            raise CacheDamaged(f"{self.path.name}: no value {i}")
        lo, hi = int(self.offsets[i]), int(self.offsets[i + 1]) - 1
        if not 0 <= lo <= hi < len(self._data) + 1:
            raise CacheDamaged(f"{self.path.name}: offsets out of range")
        return lo, hi

    def __getitem__(self, i: int) -> str:
        lo, hi = self.span(i)
        try:
            return self._data[lo:hi].decode("utf-8")
        except UnicodeDecodeError:
            raise CacheDamaged(f"{self.path.name}: value {i} is not UTF-8") from None

    def raw(self, start: int, stop: int) -> tuple[bytes, np.ndarray]:
        """Values start..stop-1 as joined bytes and their offsets from 0."""
        lo, hi = int(self.offsets[start]), int(self.offsets[stop])
        return bytes(self._data[lo:hi]), self.offsets[start : stop + 1] - lo

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
        return self._data[lo:hi].decode("utf-8", errors="replace").split("\n")[:-1]


# ---------------------------------------------------------------------------------------------
# Writing a directory


class ArrayAppender:
    """A one-dimensional .npy file written in pieces: its header leaves room for any length and
    is rewritten with the real one when closed, so memory holds one piece at a time."""

    HEADER_BYTES = 128

    def __init__(self, writer: DirectoryWriter, name: str, dtype: np.dtype) -> None:
        self.writer = writer
        self.name = name
        self.dtype = dtype
        self.length = 0
        self._fh = (writer.dir / f"{name}.npy").open("wb")
        self._fh.write(self._header())

    def _header(self) -> bytes:
        fields = {
            "descr": np.lib.format.dtype_to_descr(self.dtype),
            "fortran_order": False,
            "shape": (self.length,),
        }
        text = repr(fields).encode("latin1")
        magic = np.lib.format.magic(1, 0)
        size = self.HEADER_BYTES - len(magic) - 2  # the header text, padded, after its length
        return magic + size.to_bytes(2, "little") + text.ljust(size - 1) + b"\n"

    def append(self, values: np.ndarray) -> None:
        self._fh.write(np.ascontiguousarray(values, dtype=self.dtype).tobytes())
        self.length += int(values.shape[0])

    def close(self) -> None:
        self._fh.seek(0)
        self._fh.write(self._header())
        self._fh.close()
        self.writer.arrays[self.name] = {"dtype": str(self.dtype), "shape": [self.length]}


class DirectoryWriter:
    """Writes one stored directory into a private temporary directory beside its final place,
    then checksums it and renames it into place."""

    def __init__(self, parent: Path, final_name: str) -> None:
        parent.mkdir(parents=True, exist_ok=True)
        self.parent = parent
        self.final = parent / final_name
        self.dir = parent / temporary_name()
        self.dir.mkdir()
        self.arrays: dict[str, dict[str, Any]] = {}

    def array(self, name: str, values: np.ndarray) -> None:
        np.save(self.dir / f"{name}.npy", values, allow_pickle=False)
        self.arrays[name] = {"dtype": str(values.dtype), "shape": list(values.shape)}

    def column(self, name: str) -> StringColumnWriter:
        return StringColumnWriter(self.dir / f"{name}.txt")

    def appender(self, name: str, dtype) -> ArrayAppender:
        """An array written piece by piece (its length unknown until the end)."""
        return ArrayAppender(self, name, np.dtype(dtype))

    def close_column(self, name: str, column: StringColumnWriter) -> None:
        self.array(f"{name}_offsets", column.close())

    def commit(self, manifest: dict[str, Any], durable: bool = True) -> Path:
        """Block checksums, manifest, sync (unless not `durable`: see `make_durable`), then one
        rename; returns the final directory."""
        files = sorted(p for p in self.dir.iterdir() if p.name != MANIFEST)
        # Two files at a time: checksums and syncs leave the interpreter free.
        with ThreadPoolExecutor(2) as checking:
            sums = list(checking.map(block_sums, files))
        manifest = {
            **manifest,
            "arrays": self.arrays,
            "files": {
                p.name: {"size": p.stat().st_size, "blocks": blocks}
                for p, blocks in zip(files, sums, strict=True)
            },
        }
        (self.dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        if durable:
            make_durable(self.dir)
        os.rename(self.dir, self.final)
        if durable:
            _sync_directory(self.parent)
        return self.final

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def make_durable(directory: Path) -> None:
    """Sync every file of a directory and the directory itself to disk. Directories written
    only to be merged soon need not be, until they turn out to be kept."""
    with ThreadPoolExecutor(2) as syncing:
        list(syncing.map(_sync_file, directory.iterdir()))
    _sync_directory(directory)
    _sync_directory(directory.parent)


def _sync_file(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def _sync_directory(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------------------------------------
# Reading a directory


class StoredDirectory:
    """A committed stored directory, opened memory-mapped. Opening checks every file's size and
    the checksums of the small ones; `verify` checks every byte."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        try:
            self.manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise CacheDamaged(
                f"{directory.name}: unreadable manifest ({err.__class__.__name__})"
            ) from None
        files = self.manifest.get("files") if isinstance(self.manifest, dict) else None
        if not isinstance(files, dict) or not isinstance(self.manifest.get("arrays"), dict):
            raise CacheDamaged(f"{directory.name}: manifest without checksums")
        self.files: dict[str, dict[str, Any]] = files
        self._mappings: list[mmap.mmap] = []
        # Every file is held open from here on: checks read what was opened, even if another
        # process replaces the directory (a merge) meanwhile.
        self._fds: dict[str, int] = {}
        for name, spec in files.items():
            try:
                fd = os.open(directory / name, os.O_RDONLY)
            except OSError:
                raise CacheDamaged(f"{directory.name}/{name} is missing") from None
            self._fds[name] = fd
            size = os.fstat(fd).st_size
            if size != spec.get("size"):
                raise CacheDamaged(
                    f"{directory.name}/{name} has {size} bytes, expected {spec.get('size')}"
                )
            if size <= SMALL_FILE_BYTES:
                self._check_blocks(name, 0, len(spec["blocks"]))

    def __del__(self) -> None:
        for fd in getattr(self, "_fds", {}).values():
            with contextlib.suppress(OSError):
                os.close(fd)

    def verify(self) -> list[str]:
        """Every byte of every file against its block checksums: the damaged files."""
        return [
            f"{self.dir.name}/{name}"
            for name, spec in self.files.items()
            if not self._blocks_match(name, 0, len(spec["blocks"]))
        ]

    def check_range(self, name: str, lo: int, hi: int) -> None:
        """Bytes lo..hi of a file match their checksums (the blocks around them)."""
        self._check_blocks(name, lo // BLOCK_BYTES, max(hi - 1, lo) // BLOCK_BYTES + 1)

    def _check_blocks(self, name: str, first: int, last: int) -> None:
        if not self._blocks_match(name, first, last):
            raise CacheDamaged(f"{self.dir.name}/{name} does not match its checksum")

    def _blocks_match(self, name: str, first: int, last: int) -> bool:
        sums = self.files[name]["blocks"]
        fd = self._fds.get(name)
        if fd is None or not isinstance(sums, list):
            return False
        try:
            for i in range(first, min(last, len(sums))):
                block = os.pread(fd, BLOCK_BYTES, i * BLOCK_BYTES)
                if block_sum(block) != sums[i]:
                    return False
        except OSError:
            return False
        return True

    def array(self, name: str) -> np.ndarray:
        spec = self.manifest["arrays"].get(name)
        if spec is None:
            raise CacheDamaged(f"{self.dir.name}: no array '{name}'")
        try:
            values = np.load(self.dir / f"{name}.npy", mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError) as err:
            raise CacheDamaged(f"{self.dir.name}/{name}.npy: {err}") from None
        if str(values.dtype) != spec["dtype"] or list(values.shape) != spec["shape"]:
            raise CacheDamaged(f"{self.dir.name}/{name}.npy has the wrong type or shape")
        mapping = getattr(values, "_mmap", None)
        if mapping is not None:
            self._mappings.append(mapping)
        # A plain view of the mapping: slicing np.memmap objects costs more than the work.
        return values.view(np.ndarray)

    def column(self, name: str) -> StringColumn:
        column = StringColumn(self.dir / f"{name}.txt", self.array(f"{name}_offsets"))
        if isinstance(column.data, mmap.mmap):
            self._mappings.append(column.data)
        return column

    def release_pages(self) -> None:
        """Let go of the mapped pages read so far (they stay in the page cache): a merge reads
        every segment through once and need not keep it all resident."""
        for mapping in self._mappings:
            with contextlib.suppress(ValueError, OSError, AttributeError):
                mapping.madvise(mmap.MADV_DONTNEED)


# ---------------------------------------------------------------------------------------------
# Locks and probes


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on `path` (created if needed), so parallel starts build once.
    Yields False when no lock could be taken (a read-only cache); work still proceeds."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX
        yield False
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = path.open("a")
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


def writable(root: Path) -> bool:
    """Whether files can be created under `root` (a probe of this process's own name, so
    processes starting together never trip over each other's probe)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".write-probe-{os.getpid()}-{os.urandom(4).hex()}"
        probe.write_text("")
        probe.unlink()
        return True
    except OSError:
        return False
