"""Conversation history in SQLite (WAL mode) in the user data directory.

Every turn is committed as it happens, so a killed process loses at most the question in flight,
and several processes can write at once. A damaged history file is moved aside, never deleted,
and a new one is started.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
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


class History:
    """The saved conversations. Safe to use from several processes at once."""

    def __init__(self, path: Path, on_notice: Callable[[str], None] | None = None) -> None:
        self.path = path
        self.notice = on_notice or (lambda message: print(message, file=sys.stderr))
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = self._open()

    @classmethod
    def default(cls, on_notice: Callable[[str], None] | None = None) -> History:
        from assistant.paths import data_dir

        return cls(data_dir() / HISTORY_FILE, on_notice)

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.DatabaseError as err:
            aside = self.path.with_name(
                f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"
            )
            for suffix in ("", "-wal", "-shm"):
                source = Path(f"{self.path}{suffix}")
                if source.exists():
                    source.rename(Path(f"{aside}{suffix}"))
            self.notice(
                f"the history file was damaged ({err}); it was moved to {aside} and a new one "
                "started"
            )
            return self._connect()

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
            with contextlib.suppress(ValueError):
                turns.append(Turn(question, Answer.model_validate_json(answer)))
        return Conversation(turns)


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

    history = History.default()
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
                    f"{r.id:>4}  {when}  {r.turns:>3} turns{printable(label)}  {printable(r.title)}"
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
