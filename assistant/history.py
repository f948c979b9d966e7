"""Conversation history in SQLite (WAL mode) in the user data directory.

Every turn is committed as it happens, so a killed process loses at most the question in flight,
and several processes can write at once. A damaged history file is moved aside, never deleted,
and a new one is started.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import shutil
import sqlite3
import struct
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.answering.answer import Answer
from assistant.conversation import Conversation, Turn
from retrieval.errors import InputError

HISTORY_FILE = "history.sqlite3"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY,
    name TEXT UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    corpus TEXT NOT NULL DEFAULT '[]',
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns(conversation_id, id);
"""


@dataclass(frozen=True)
class ConversationInfo:
    id: int
    name: str | None
    title: str
    corpus: list[str]
    created: float
    updated: float
    turns: int

    @property
    def turns_label(self) -> str:
        """ "1 turn", "3 turns"."""
        return f"{self.turns} turn{'' if self.turns == 1 else 's'}"


def _locked(err: sqlite3.DatabaseError) -> bool:
    """Whether the error says another connection holds the file, not that it is damaged."""
    return isinstance(err, sqlite3.OperationalError) and (
        "locked" in str(err) or "busy" in str(err)
    )


class HistoryUnavailable(Exception):
    """The history cannot be opened at all (its directory is a file, say); one line says why."""


class History:
    """The saved conversations. Safe to use from several processes at once."""

    def __init__(self, path: Path, on_notice: Callable[[str], None] | None = None) -> None:
        self.path = path
        self.notice = on_notice or (lambda message: print(message, file=sys.stderr))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = self._open()
        except (OSError, sqlite3.Error) as err:
            reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
            blocked = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
            if blocked is not None:
                reason = f"{blocked} is a file, not a directory"
            raise HistoryUnavailable(f"cannot open the history at {path}: {reason}") from None

    @classmethod
    def default(cls, on_notice: Callable[[str], None] | None = None) -> History:
        from assistant.paths import data_dir

        return cls(data_dir() / HISTORY_FILE, on_notice)

    @classmethod
    def in_memory(cls) -> History:
        """A history kept for this run only (when the saved one cannot be opened)."""
        return cls(Path(":memory:"), on_notice=lambda _message: None)

    def _open(self) -> sqlite3.Connection:
        if self.path.name != ":memory:":
            self._check_journal()
        try:
            return self._connect_when_free()
        except sqlite3.DatabaseError as err:
            if _locked(err):
                raise  # another process holds it: no damage
            aside = self._aside()
            for suffix in ("", "-wal", "-shm"):
                source = Path(f"{self.path}{suffix}")
                if source.exists():
                    source.rename(Path(f"{aside}{suffix}"))
            self.notice(
                f"the history file was damaged ({err}); it was moved to {aside} and a new one "
                "started"
            )
            return self._connect()

    def _aside(self) -> Path:
        """A new name for a damaged copy, never one already taken."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for n in itertools.count(1):
            aside = self.path.with_name(
                f"{self.path.name}.damaged-{stamp}" + (f"-{n}" if n > 1 else "")
            )
            if not any(Path(f"{aside}{s}").exists() for s in ("", "-wal", "-shm")):
                return aside
        raise AssertionError  # unreachable

    def _check_journal(self) -> None:
        """SQLite reads its write-ahead log up to the first damaged frame and silently drops
        the rest. Before it does, look for saved frames beyond damage; if there are, keep a
        copy of the files as they are and say so."""
        wal = Path(f"{self.path}-wal")
        lost = lost_wal_frames(wal)
        if not lost:
            return
        aside = self._aside()
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                shutil.copy2(source, Path(f"{aside}{suffix}"))
        self.notice(
            f"the history's journal was damaged: {lost} saved change(s) after the damage cannot "
            f"be read, so the latest turns may be missing; a copy of the damaged files is at "
            f"{aside}"
        )

    def _connect_when_free(self) -> sqlite3.Connection:
        """A connection, waiting up to BUSY_TIMEOUT_MS while other processes hold the file. Some
        steps of opening (turning on the write-ahead log of a new file) report a lock at once
        rather than wait for it, so the wait is here too."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        pause = 0.01
        while True:
            try:
                return self._connect()
            except sqlite3.OperationalError as err:
                if not _locked(err) or time.monotonic() + pause > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 0.5)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA foreign_keys = ON")
            check = db.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._db.close()

    def journal_mode(self) -> str:
        return str(self._db.execute("PRAGMA journal_mode").fetchone()[0])

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- conversations ---------------------------------------------------------------------

    def create(self, corpus: list[str], name: str | None = None) -> int:
        now = time.time()
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO conversations (name, corpus, created, updated) VALUES (?, ?, ?, ?)",
                (name, json.dumps(corpus), now, now),
            )
            return int(cursor.lastrowid)

    def find(self, name: str) -> int | None:
        row = self._db.execute("SELECT id FROM conversations WHERE name = ?", (name,)).fetchone()
        return int(row[0]) if row else None

    def named(self, name: str, corpus: list[str]) -> int:
        """The conversation called `name`, created on first use."""
        found = self.find(name)
        if found is not None:
            return found
        try:
            return self.create(corpus, name)
        except sqlite3.IntegrityError:  # another process created it just now
            found = self.find(name)
            assert found is not None
            return found

    def latest(self) -> int | None:
        row = self._db.execute(
            "SELECT id FROM conversations ORDER BY updated DESC, id DESC LIMIT 1"
        ).fetchone()
        return int(row[0]) if row else None

    def resolve(self, ref: str) -> int:
        """A conversation by id or name; InputError when there is none."""
        if ref == "latest":
            found = self.latest()
            if found is None:
                raise InputError("there are no saved conversations")
            return found
        if ref.isdigit() and self.info(int(ref)) is not None:
            return int(ref)
        found = self.find(ref)
        if found is None:
            raise InputError(f"no saved conversation '{ref}' (see `assistant history`)")
        return found

    def info(self, conversation_id: int) -> ConversationInfo | None:
        rows = self._list("WHERE c.id = ?", (conversation_id,))
        return rows[0] if rows else None

    def conversations(self) -> list[ConversationInfo]:
        return self._list("", ())

    def _list(self, where: str, params: tuple) -> list[ConversationInfo]:
        rows = self._db.execute(
            "SELECT c.id, c.name, c.title, c.corpus, c.created, c.updated, COUNT(t.id) "
            f"FROM conversations c LEFT JOIN turns t ON t.conversation_id = c.id {where} "
            "GROUP BY c.id ORDER BY c.updated DESC, c.id DESC",
            params,
        ).fetchall()
        return [
            ConversationInfo(int(r[0]), r[1], r[2], _json_list(r[3]), r[4], r[5], int(r[6]))
            for r in rows
        ]

    def rename(self, conversation_id: int, title: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE conversations SET title = ? WHERE id = ?", (title[:120], conversation_id)
            )

    def delete(self, conversation_id: int) -> None:
        with self._write() as db:
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    # -- turns -----------------------------------------------------------------------------

    def append(self, conversation_id: int, question: str, answer: Answer) -> None:
        now = time.time()
        with self._write() as db:
            db.execute(
                "INSERT INTO turns (conversation_id, question, answer, created) "
                "VALUES (?, ?, ?, ?)",
                (conversation_id, question, answer.model_dump_json(), now),
            )
            db.execute(
                "UPDATE conversations SET updated = ?, title = CASE WHEN title = '' THEN ? "
                "ELSE title END WHERE id = ?",
                (now, question[:120], conversation_id),
            )

    def conversation(self, conversation_id: int) -> Conversation:
        rows = self._db.execute(
            "SELECT question, answer FROM turns WHERE conversation_id = ? ORDER BY id",
            (conversation_id,),
        ).fetchall()
        turns = []
        for question, answer in rows:
            try:
                turns.append(Turn(question, Answer.model_validate_json(answer)))
            except ValueError:
                turns.append(Turn(question, damaged_answer(question)))
        return Conversation(turns)


DAMAGED = "(This saved answer is damaged and cannot be shown; the question is kept.)"


def damaged_answer(question: str) -> Answer:
    """What stands for a saved answer that cannot be read."""
    return Answer(
        question=question,
        kind="damaged",
        abstained=True,
        answer=DAMAGED,
        sentences=[],
        citations=[],
        see_also=[],
        confidence=0.0,
    )


# ---------------------------------------------------------------------------------------------
# SQLite's write-ahead log (https://sqlite.org/fileformat2.html#walformat)

_WAL_MAGIC = (0x377F0682, 0x377F0683)  # little- or big-endian checksums
_WAL_HEADER = 32
_FRAME_HEADER = 24


def lost_wal_frames(wal: Path) -> int:
    """How many frames of the log's current generation lie beyond damage (a frame whose
    checksum breaks the chain): SQLite ignores them. 0 for a sound or absent log."""
    try:
        data = wal.read_bytes()
    except OSError:
        return 0
    if len(data) <= _WAL_HEADER:
        return 0
    magic, _version, page_size, _seq, salt1, salt2 = struct.unpack(">6I", data[:24])
    frame = _FRAME_HEADER + page_size
    if magic not in _WAL_MAGIC or not 512 <= page_size <= 65536 or page_size & (page_size - 1):
        # An unreadable header: the whole log is ignored, whatever it holds.
        return max((len(data) - _WAL_HEADER) // 536, 1) if any(data[_WAL_HEADER:]) else 0
    order = ">" if magic & 1 else "<"
    s0, s1 = _wal_checksum(data[:24], 0, 0, order)
    if (s0, s1) != struct.unpack(">2I", data[24:32]):
        return max((len(data) - _WAL_HEADER) // frame, 1)
    offset = _WAL_HEADER
    while offset + frame <= len(data):
        header = data[offset : offset + _FRAME_HEADER]
        if struct.unpack(">2I", header[8:16]) != (salt1, salt2):
            break  # an older generation's frame: the log ends here, soundly
        s0, s1 = _wal_checksum(header[:8], s0, s1, order)
        s0, s1 = _wal_checksum(data[offset + _FRAME_HEADER : offset + frame], s0, s1, order)
        if (s0, s1) != struct.unpack(">2I", header[16:24]):
            # Damage: count the later frames of this generation that SQLite will not read.
            return (
                sum(
                    1
                    for later in range(offset, len(data) - frame + 1, frame)
                    if struct.unpack(">2I", data[later + 8 : later + 16]) == (salt1, salt2)
                )
                or 1
            )
        offset += frame
    return 0


def _wal_checksum(data: bytes, s0: int, s1: int, order: str) -> tuple[int, int]:
    """SQLite's cumulative checksum over 32-bit words, two at a time."""
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def _json_list(text: str) -> list[str]:
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


# ---------------------------------------------------------------------------------------------
# `assistant history`


def run(args: argparse.Namespace) -> int:
    from assistant.render import conversation_markdown

    try:
        history = History.default()
    except HistoryUnavailable as err:
        raise InputError(str(err)) from None
    if args.action == "list":
        if args.id:
            raise InputError("`history list` takes no ID")
        rows = history.conversations()
        if args.json:
            print(json.dumps([r.__dict__ for r in rows], indent=2, ensure_ascii=False))
        elif not rows:
            print("no saved conversations")
        else:
            for r in rows:
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.updated))
                label = f" [{r.name}]" if r.name else ""
                from assistant.render import printable

                print(
                    f"{r.id:>4}  {when}  {r.turns_label:>9}{printable(label)}  {printable(r.title)}"
                )
        return 0
    if not args.id:
        raise InputError(f"`history {args.action}` needs a conversation ID")
    conversation_id = history.resolve(args.id)
    if args.action == "export":
        info = history.info(conversation_id)
        assert info is not None
        print(conversation_markdown(info.title, info.corpus, history.conversation(conversation_id)))
        return 0
    history.delete(conversation_id)
    print(f"deleted conversation {conversation_id}")
    return 0
