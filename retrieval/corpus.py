"""Loading paper collections: papers-listing page dumps, JSON Lines / JSON arrays, BEIR directories.

Files are recognised from their content as well as their name and read as streams, so a large JSON
Lines file is never held in memory whole. Records become `PaperRecord`s (validated at this
boundary); `Collection` merges exact duplicates, links versions of one paper, and assigns ids.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol

import numpy as np
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from rapidfuzz.utils import default_process

from retrieval.errors import InputError
from retrieval.names import title_names
from retrieval.versions import version_groups

Format = Literal["page", "jsonl", "json", "beir"]

# Bytes looked at to recognise a file; a NUL among them marks it binary.
SNIFF_BYTES = 65536
# Beyond this share of undecodable bytes a file is not text at all.
MAX_REPLACED_SHARE = 0.01
CORPUS_SUFFIXES = {".txt", ".jsonl", ".ndjson", ".json", ".md"}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_DATE_LINE = re.compile(
    r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:, \d{4})?$"
)
# A title is one short line; anything longer or made of several sentences is a paragraph.
_MAX_TITLE_CHARS = 300
_SENTENCE_INSIDE = re.compile(r"[a-z0-9)][.!?] [A-Z]")


def clean_text(value: str) -> str:
    """One line of displayable text: control characters dropped, white space collapsed."""
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value  # already clean (the common case, checked at C speed)
    return " ".join(_CONTROL.sub(" ", value).split())


def title_key(title: str) -> str:
    """Titles that differ only in case, punctuation or spacing share this key (rapidfuzz's own
    normalisation, the one its fuzzy scorers apply)."""
    return " ".join(default_process(title).split())


class PaperRecord(NamedTuple):
    """One record as read from one corpus file (already validated: a plain tuple, as millions
    of them pass through, some across processes)."""

    title: str
    abstract: str
    source: str
    line: int
    own_id: str | None = None
    date: str | None = None
    authors: str | None = None
    url: str | None = None
    categories: str | None = None
    # Set by `new_record`, where the record is read (in worker processes for large corpora):
    key: str = ""  # title_key(title)
    content: bytes = b""  # content_digest(key, abstract)
    title_hash: int = 0  # key_hash(key)
    names: tuple[tuple[str, str], ...] = ()  # (key, as written) of the names the title gives


def new_record(title: str, abstract: str, source: str, line: int, **fields: Any) -> PaperRecord:
    """A record with what indexing derives from its title and abstract."""
    key = title_key(title)
    names = tuple(
        (name_key, name)
        for name in title_names(title)
        if (name_key := key if name == title else title_key(name))
    )
    return PaperRecord(
        title,
        abstract,
        source,
        line,
        key=key,
        content=content_digest(key, abstract),
        title_hash=key_hash(key),
        names=names,
        **fields,
    )


def key_hash(key: str) -> int:
    """A 63-bit hash of a title key (0 for no title): equal for versions of one paper."""
    if not key:
        return 0
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1 or 1


def _number_as_text(value: Any) -> Any:
    """A whole number where text is expected (an id 44, a year 2021) is read as its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class JsonRecord(BaseModel):
    """The accepted shape of a JSON record; arXiv metadata snapshot records fit as they are."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    title: str
    # Errors name the key as the file writes it ("text", "_id", "update_date").
    abstract: str = Field(validation_alias=AliasChoices("abstract", "text"))
    id: str | None = Field(None, validation_alias=AliasChoices("id", "_id"))
    date: str | None = Field(None, validation_alias=AliasChoices("date", "update_date", "year"))
    authors: str | list[str] | list[list[str]] | None = None
    url: str | None = None
    categories: str | list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("a record must be a JSON object")
        # A null "id" or "date" gives way to "_id" or "update_date" (or "year").
        data = {k: v for k, v in data.items() if not (k in ("id", "date") and v is None)}
        if "title" not in data:
            raise ValueError("missing field 'title'")
        if "abstract" not in data and "text" not in data:
            raise ValueError("missing field 'abstract' (or 'text')")
        return data

    @field_validator("date", mode="before")
    @classmethod
    def _year_as_text(cls, value: Any) -> Any:
        """A year given as a number ("year": 2021) is the date 2021."""
        return _number_as_text(value)

    @field_validator("id", mode="before")
    @classmethod
    def _single_line(cls, value: Any) -> Any:
        value = _number_as_text(value)
        if not isinstance(value, str):
            return value  # the type error is the field's own
        own_id = value.strip()
        if not own_id or not own_id.isprintable():  # a newline or tab would break lists
            raise ValueError("must be a non-empty single-line string")
        return own_id


@dataclass(frozen=True, slots=True)
class CorpusFile:
    path: Path
    format: Format


@dataclass
class LoadReport:
    """What loading saw beyond the records: skipped files and records, repairs made."""

    files: list[CorpusFile] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    skipped_records: int = 0
    warnings: list[str] = field(default_factory=list)
    bytes_read: int = 0


# ---------------------------------------------------------------------------------------------
# Finding files


def resolve_corpus(specs: Iterable[str | Path], report: LoadReport) -> list[CorpusFile]:
    """Files named by `--corpus` arguments (files, directories, globs), in a stable order."""
    files: list[CorpusFile] = []
    for spec in specs:
        files.extend(_resolve_one(str(spec), report))
    seen: set[Path] = set()
    unique = []
    for f in files:
        if f.path not in seen:
            seen.add(f.path)
            unique.append(f)
    if not unique:
        raise InputError("the corpus is empty: no files to read")
    report.files = unique
    return unique


def _resolve_one(spec: str, report: LoadReport) -> list[CorpusFile]:
    path = Path(spec).expanduser()
    if any(ch in spec for ch in "*?["):
        if "**" in spec:
            files = _recursive_matches(str(path))
        else:
            files = sorted(p for p in map(Path, glob.glob(str(path))) if p.is_file())
        if not files:
            raise InputError("no files match this pattern", spec)
        return _usable_files(files, spec, report)
    if not path.exists():
        raise InputError("no such file or directory", spec)
    if path.is_dir():
        beir = path / "corpus.jsonl"
        if beir.is_file():
            return [CorpusFile(beir.resolve(), "beir")]
        if (path / "queries.jsonl").is_file() or (path / "qrels").is_dir():
            raise InputError("a BEIR collection without its corpus.jsonl", path)
        members = sorted(
            p
            for p in walk_files(path)
            if not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        return _usable_files(members, spec, report)
    fmt = detect_format(path)
    return [CorpusFile(path.resolve(), fmt)]


def walk_files(root: Path) -> Iterator[Path]:
    """Every file under `root`, following links to directories but entering each directory
    once (by device and inode), so a link back to a parent never loops."""
    seen: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            st = directory.stat()
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir():
                    pending.append(Path(entry.path))
                elif entry.is_file():
                    yield Path(entry.path)
            except OSError:
                continue


def _recursive_matches(pattern: str) -> list[Path]:
    """The files matching a pattern with "**", found by walking from the part before its first
    wildcard (each directory once) and matching the whole path."""
    parts = Path(pattern).parts
    fixed = next(i for i, part in enumerate(parts) if any(ch in part for ch in "*?["))
    root = Path(*parts[:fixed]) if fixed else Path(".")
    matcher = re.compile(_glob_regex(pattern))

    def name(path: Path) -> str:
        return str(path) if fixed else os.path.relpath(path)

    return sorted(p for p in walk_files(root) if matcher.fullmatch(name(p)))


def _glob_regex(pattern: str) -> str:
    """A regular expression for a glob pattern: "**" any depth, "*" and "?" within one name,
    "[...]" a character class."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append(f"[{'^' + body[1:] if body.startswith('!') else body}]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


def _usable_files(paths: list[Path], spec: str, report: LoadReport) -> list[CorpusFile]:
    usable: list[CorpusFile] = []
    for p in paths:
        try:
            usable.append(CorpusFile(p.resolve(), detect_format(p)))
        except InputError as err:
            report.skipped_files.append(err.one_line())
    if not usable:
        raise InputError(f"no usable corpus files ({len(report.skipped_files)} skipped)", spec)
    return usable


def detect_format(path: Path) -> Format:
    """The file's format, from its content first; raises InputError for what is not a corpus."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path) from None
    if not head.strip():
        raise InputError("empty file", path)
    if b"\x00" in head[:8192]:
        raise InputError("binary file, not a corpus", path)
    text = head.decode("utf-8", errors="replace")
    if text.count("\ufffd") > max(8, MAX_REPLACED_SHARE * len(text)):
        raise InputError("binary file, not a corpus (not UTF-8 text)", path)
    first = text.lstrip("\ufeff \t\r\n")[:1]
    if first == "{":
        return "beir" if path.name == "corpus.jsonl" else "jsonl"
    if first == "[":
        return "json"
    if path.suffix.lower() in {".json", ".jsonl", ".ndjson"}:
        raise InputError("not JSON: expected '{' or '[' at the start", path)
    if not any(_DATE_LINE.match(line.strip()) for line in text.splitlines()):
        raise InputError("not a papers-listing page: no date line such as 'Mar 14'", path)
    return "page"


# ---------------------------------------------------------------------------------------------
# Reading records


def read_records(corpus_file: CorpusFile, report: LoadReport) -> Iterator[PaperRecord]:
    if corpus_file.format == "page":
        yield from _read_page(corpus_file.path, report)
    elif corpus_file.format == "json":
        yield from _read_json_array(corpus_file.path, report)
    else:
        yield from _read_json_lines(corpus_file.path, report)


def _decode(raw: bytes, path: Path, line: int, report: LoadReport) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        report.warnings.append(f"{path}:{line}: invalid UTF-8, undecodable bytes replaced")
        return raw.decode("utf-8", errors="replace")


def _raw_lines(path: Path, report: LoadReport) -> Iterator[tuple[int, bytes]]:
    """(line number, undecoded line) for each line, streamed, without a byte-order mark."""
    try:
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                report.bytes_read += len(raw)
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                yield number, raw
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path) from None


def _lines(path: Path, report: LoadReport) -> Iterator[tuple[int, str]]:
    """(line number, text) for each line, streamed; invalid UTF-8 is replaced and reported."""
    for number, raw in _raw_lines(path, report):
        yield number, _decode(raw, path, number, report)


def _read_page(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    date: str | None = None
    lines = [(n, text.strip()) for n, text in _lines(path, report)]
    content = [(n, text) for n, text in lines if text]
    i = 0
    # Page chrome ("Subscribe", ...) comes before the first date line.
    while i < len(content) and not _DATE_LINE.match(content[i][1]):
        i += 1
    while i < len(content):
        number, text = content[i]
        if _DATE_LINE.match(text):
            date = text
            i += 1
            continue
        if not _is_title_like(text):
            raise InputError(
                "expected a paper title, found a paragraph with no title", path, number
            )
        if i + 1 >= len(content) or _DATE_LINE.match(content[i + 1][1]):
            raise InputError(f"title {_quote(text)} has no abstract", path, number)
        abstract = content[i + 1][1]
        following = content[i + 2][1] if i + 2 < len(content) else None
        if _is_title_like(abstract) and following is not None and not _is_title_like(following):
            raise InputError(f"title {_quote(text)} has no abstract", path, number)
        yield new_record(clean_text(text), clean_text(abstract), str(path), number, date=date)
        i += 2


def _is_title_like(line: str) -> bool:
    # One inner full stop is allowed: "One vs. Many: ...".
    return len(line) <= _MAX_TITLE_CHARS and len(_SENTENCE_INSIDE.findall(line)) < 2


def _quote(text: str, limit: int = 60) -> str:
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"'{short}'"


def _read_json_lines(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    for span in json_lines_spans(path, report, SPAN_BYTES):
        yield from parse_json_lines(path, numbered_lines(span, read_span(path, span)), report)


# JSON Lines are read in spans of whole lines of about this many bytes.
SPAN_BYTES = 1 << 20
_BOM = b"\xef\xbb\xbf"


class LineSpan(NamedTuple):
    """Whole lines of a file: bytes start..stop, the first of them numbered `first_line`."""

    start: int
    stop: int
    first_line: int
    lines: int


def json_lines_spans(path: Path, report: LoadReport, size: int) -> Iterator[LineSpan]:
    """A JSON Lines file in spans of whole lines of about `size` bytes (so that they can be
    read and parsed elsewhere: `read_span`, `numbered_lines`, `parse_json_lines`). The file is
    read here only to find where lines end."""
    start, line, read = 0, 1, 0
    try:
        with path.open("rb") as fh:
            while block := fh.read(size):
                report.bytes_read += len(block)
                cut = block.rfind(b"\n") + 1
                if cut:  # else no line ends here: the span goes on
                    lines = block.count(b"\n")
                    yield LineSpan(start, read + cut, line, lines)
                    start, line = read + cut, line + lines
                read += len(block)
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path) from None
    if start < read:
        yield LineSpan(start, read, line, 1)


def read_span(path: Path, span: LineSpan) -> bytes:
    try:
        with path.open("rb") as fh:
            data = os.pread(fh.fileno(), span.stop - span.start, span.start)
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path) from None
    if len(data) != span.stop - span.start:
        raise InputError("the file changed while it was read", path)
    return data


def numbered_lines(span: LineSpan, data: bytes) -> list[tuple[int, bytes]]:
    """The non-blank lines of a span, numbered, undecoded, without a byte-order mark."""
    if span.start == 0 and data.startswith(_BOM):
        data = data[len(_BOM) :]
    lines = data.split(b"\n")
    if not lines[-1]:
        lines.pop()
    return [(number, raw) for number, raw in enumerate(lines, span.first_line) if not _blank(raw)]


def _blank(raw: bytes) -> bool:
    # Short lines may be Unicode white space only ("\u00a0"), blank too.
    return not raw.strip() or (len(raw) < 32 and not raw.decode("utf-8", "replace").strip())


def parse_json_lines(
    path: Path, lines: list[tuple[int, bytes]], report: LoadReport
) -> list[PaperRecord]:
    """The records of numbered JSON Lines (InputError at the first bad one)."""
    records = []
    for number, raw in lines:
        text = _decode(raw, path, number, report)
        record = _record(JsonRecord.model_validate_json, text, path, number, report)
        if record is not None:
            records.append(record)
    return records


def _read_json_array(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    raw = path.read_bytes()
    report.bytes_read += len(raw)
    text = _decode(raw, path, 1, report).lstrip("\ufeff")
    decoder = json.JSONDecoder()
    pos = _skip_space(text, 0)
    if text[pos : pos + 1] != "[":
        raise InputError("invalid JSON: expected '['", path, 1)
    pos = _skip_space(text, pos + 1)
    line = 1 + text.count("\n", 0, pos)
    counted = pos
    if text[pos : pos + 1] == "]":
        return
    while True:
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as err:
            raise InputError(f"invalid JSON: {err.msg}", path, err.lineno) from None
        record = _record(JsonRecord.model_validate, obj, path, line, report)
        if record is not None:
            yield record
        pos = _skip_space(text, end)
        nxt = text[pos : pos + 1]
        if nxt == "]":
            if text[pos + 1 :].strip():
                raise InputError("invalid JSON: text after the closing ']'", path)
            return
        if nxt != ",":
            where = 1 + text.count("\n", 0, pos)
            raise InputError("invalid JSON: expected ',' or ']' between records", path, where)
        pos = _skip_space(text, pos + 1)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _record(
    validate: Callable[[Any], JsonRecord], data: Any, path: Path, line: int, report: LoadReport
) -> PaperRecord | None:
    """The record in `data` (JSON text or a decoded object), or None when it is empty."""
    try:
        model = validate(data)
    except ValidationError as err:
        raise _validation_error(err, path, line) from None
    return _to_record(model, path, line, report)


def read_text_lines(path: str | Path) -> list[str]:
    """The lines of a small UTF-8 text file (queries, fixtures), or an InputError naming it."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path) from None
    try:
        return raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", path) from None


def _validation_error(err: ValidationError, path: Path, line: int) -> InputError:
    first = err.errors()[0]
    # The key as the record writes it; the rest of the location names pydantic's union members.
    loc = str(first["loc"][0]) if first["loc"] else ""
    message = first["msg"]
    if first["type"] == "json_invalid":
        return InputError(f"invalid JSON: {first.get('ctx', {}).get('error', message)}", path, line)
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return InputError(message, path, line, field=loc or None)


def _joined(value: str | list[Any] | None, sep: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return clean_text(value) or None
    parts = [" ".join(v) if isinstance(v, list) else str(v) for v in value]
    return clean_text(sep.join(p for p in parts if p)) or None


def _to_record(model: JsonRecord, path: Path, line: int, report: LoadReport) -> PaperRecord | None:
    title = clean_text(model.title)
    abstract = clean_text(model.abstract)
    if not title and not abstract:
        report.skipped_records += 1
        return None
    return new_record(
        title,
        abstract,
        str(path),
        line,
        own_id=model.id,
        date=clean_text(model.date) or None if model.date else None,
        authors=_joined(model.authors, ", "),
        url=clean_text(model.url) or None if model.url else None,
        categories=_joined(model.categories, " "),
    )


# ---------------------------------------------------------------------------------------------
# Documents: duplicates merged, versions linked, ids assigned


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a document was read: file, line, and the listing date there."""

    path: str
    line: int
    date: str | None


@dataclass(slots=True)
class Paper:
    """One document of the collection (one version of a paper)."""

    doc_id: str
    title: str
    abstract: str
    date: str | None
    authors: str | None
    url: str | None
    categories: str | None
    sources: list[SourceRef]
    key: str  # title_key(title)
    content: bytes  # content_digest(key, abstract)
    title_hash: int
    names: tuple[tuple[str, str], ...]
    version_group: int = -1


def content_digest(key: str, abstract: str) -> bytes:
    """The 16-byte digest that recognises a record read twice: its title key and abstract."""
    return hashlib.blake2b(f"{key}\n{abstract}".encode(), digest_size=16).digest()


def derived_id(title: str, abstract: str = "") -> str:
    """A stable, readable id from a title (from the abstract when there is no title): a short
    slug and a hash of the normalised text."""
    key = title_key(title) or title_key(abstract)
    words = key.split()
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 40:
            break
        slug = f"{slug}-{word}" if slug else word
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=4).hexdigest()
    return f"{slug[:40] or 'paper'}-{digest}"


class ExistingDocuments(Protocol):
    """Documents already indexed, which an addition is checked against."""

    def duplicate(self, content: bytes, own_id: str | None) -> str | None: ...

    def has_id(self, doc_id: str) -> bool: ...


class Collection:
    """Turns records into documents, in load order, keeping only what merging needs in memory.

    `add` returns the new `Paper`, or None when the record repeats a document already added or
    indexed: that copy's source is then listed in `extra_sources` under the document's id (the
    document may already be written).
    """

    def __init__(self, report: LoadReport, existing: ExistingDocuments | None = None) -> None:
        self.report = report
        self.existing = existing
        # Records that repeat a document: (its id, where this copy was read).
        self.extra_sources: list[tuple[str, SourceRef]] = []
        self.duplicates_merged = 0
        # Compact keys (ints, not tuples of strings and bytes): a million documents fit easily.
        self._by_content: dict[int, int] = {}
        self._by_id: dict[str, int] = {}
        self._ids: list[str] = []
        # Where each document was read (for the warning about a reused id), as compact arrays.
        self._file_numbers: dict[str, int] = {}
        self._where_file = array("i")
        self._where_line = array("q")

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, record: PaperRecord) -> Paper | None:
        content = record.content
        # The same record seen again (same id, or no id, and the same content) is one document.
        source = SourceRef(record.source, record.line, record.date)
        content_key = int.from_bytes(content, "little")
        if record.own_id is not None:  # records with different ids are different documents
            content_key ^= (hash(record.own_id) & 0xFFFFFFFFFFFFFFFF) << 1 | 1
        existing = self._by_content.get(content_key)
        if existing is not None:
            self.extra_sources.append((self._ids[existing], source))
            self.duplicates_merged += 1
            return None
        if self.existing is not None:
            indexed = self.existing.duplicate(content, record.own_id)
            if indexed is not None:
                self.extra_sources.append((indexed, source))
                self.duplicates_merged += 1
                return None
        doc_id = self._unique_id(record)
        self._by_content[content_key] = self._by_id[doc_id] = len(self._ids)
        self._ids.append(doc_id)
        self._where_file.append(
            self._file_numbers.setdefault(record.source, len(self._file_numbers))
        )
        self._where_line.append(record.line)
        return Paper(
            doc_id=doc_id,
            title=record.title,
            abstract=record.abstract,
            date=record.date,
            authors=record.authors,
            url=record.url,
            categories=record.categories,
            sources=[source],
            key=record.key,
            content=content,
            title_hash=record.title_hash,
            names=record.names,
        )

    def _taken(self, doc_id: str) -> bool:
        return doc_id in self._by_id or (self.existing is not None and self.existing.has_id(doc_id))

    def _unique_id(self, record: PaperRecord) -> str:
        doc_id = record.own_id or derived_id(record.title, record.abstract)
        if not self._taken(doc_id):
            return doc_id
        n = 2
        while self._taken(f"{doc_id}~{n}"):
            n += 1
        unique = f"{doc_id}~{n}"
        if record.own_id is not None and doc_id in self._by_id:
            first = self._by_id[doc_id]
            files = list(self._file_numbers)
            where = SourceRef(files[self._where_file[first]], self._where_line[first], None)
            self.report.warnings.append(
                f"{record.source}:{record.line}: id '{doc_id}' is already used at "
                f"{where.path}:{where.line} by a different record; kept as '{unique}'"
            )
        elif record.own_id is not None:
            self.report.warnings.append(
                f"{record.source}:{record.line}: id '{doc_id}' is already used in the collection "
                f"by a different record; kept as '{unique}'"
            )
        return unique


def iter_papers(files: Iterable[CorpusFile], collection: Collection) -> Iterator[Paper]:
    """The new documents of the corpus files, streamed."""
    for corpus_file in files:
        for record in read_records(corpus_file, collection.report):
            paper = collection.add(record)
            if paper is not None:
                yield paper


def load_papers(specs: Iterable[str | Path]) -> tuple[list[Paper], Collection]:
    """Every document of the corpus named by `specs`, in memory (small corpora and tests)."""
    collection = Collection(LoadReport())
    files = resolve_corpus(specs, collection.report)
    papers = list(iter_papers(files, collection))
    if not papers:
        raise InputError("the corpus is empty: no records with a title and an abstract")
    title_hashes = np.asarray([p.title_hash for p in papers], dtype=np.uint64)
    versions = version_groups(title_hashes, lambda i: papers[i].abstract)
    for paper, group in zip(papers, versions.group.tolist(), strict=True):
        paper.version_group = group
    by_id = {paper.doc_id: paper for paper in papers}
    for doc_id, source in collection.extra_sources:
        by_id[doc_id].sources.append(source)
    return papers, collection
