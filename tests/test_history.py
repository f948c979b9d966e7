"""Conversation history: saved per turn, shared safely, and never lost to a damaged file."""

import os
import signal
import subprocess
import sys
import textwrap

from conftest import ROOT, run_cli

from assistant.answering.answer import Answer
from assistant.history import History


def an_answer(text="An answer [1]."):
    return Answer(
        question="q",
        kind="other",
        abstained=False,
        answer=text,
        sentences=[],
        citations=[],
        see_also=[],
        confidence=1.0,
    )


def test_turns_survive_a_restart(tmp_path):
    path = tmp_path / "h.sqlite3"
    history = History(path)
    conversation = history.create(["corpus.jsonl"])
    history.append(conversation, "first question", an_answer("one"))
    history.append(conversation, "second question", an_answer("two"))
    history.close()
    again = History(path)
    info = again.info(conversation)
    assert info.title == "first question" and info.turns == 2 and info.corpus == ["corpus.jsonl"]
    turns = again.conversation(conversation).turns
    assert [t.question for t in turns] == ["first question", "second question"]
    assert turns[1].answer.answer == "two"
    assert again.resolve("latest") == conversation
    assert again.journal_mode() == "wal"


def test_two_writers_both_keep_their_messages(tmp_path):
    path = tmp_path / "h.sqlite3"
    a, b = History(path), History(path)
    ca, cb = a.create([]), b.create([])
    for i in range(20):
        a.append(ca, f"a{i}", an_answer())
        b.append(cb, f"b{i}", an_answer())
    fresh = History(path)
    assert fresh.info(ca).turns == 20 and fresh.info(cb).turns == 20


def test_concurrent_processes_writing_at_once(tmp_path):
    path = tmp_path / "h.sqlite3"
    script = textwrap.dedent(
        f"""
        import sys
        from assistant.answering.answer import Answer
        from assistant.history import History
        h = History(__import__('pathlib').Path({str(path)!r}))
        c = h.create([])
        for i in range(30):
            h.append(c, f"{{sys.argv[1]}}-{{i}}", Answer(question="q", kind="o",
                     abstained=False, answer="a", sentences=[], citations=[], see_also=[],
                     confidence=1.0))
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, name], cwd=ROOT) for name in ("x", "y", "z")
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    assert sorted(info.turns for info in History(path).conversations()) == [30, 30, 30]


def test_a_killed_process_loses_at_most_the_message_in_flight(tmp_path):
    path = tmp_path / "h.sqlite3"
    script = textwrap.dedent(
        f"""
        import os, signal, sqlite3
        from assistant.answering.answer import Answer
        from assistant.history import History
        h = History(__import__('pathlib').Path({str(path)!r}))
        c = h.create([])
        h.append(c, "saved", Answer(question="q", kind="o", abstained=False, answer="a",
                 sentences=[], citations=[], see_also=[], confidence=1.0))
        db = sqlite3.connect({str(path)!r}, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO turns (conversation_id, question, answer, created) "
                   "VALUES (?, 'in flight', '{{}}', 0)", (c,))
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT)
    assert proc.returncode == -signal.SIGKILL
    history = History(path)
    (info,) = history.conversations()
    assert [t.question for t in history.conversation(info.id).turns] == ["saved"]


def test_a_damaged_history_is_moved_aside_never_deleted(tmp_path):
    path = tmp_path / "h.sqlite3"
    history = History(path)
    history.append(history.create([]), "keep me", an_answer())
    history.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.unlink(f"{path}{suffix}")
    damaged = b"this is not a database" * 200
    path.write_bytes(damaged)
    notices = []
    fresh = History(path, notices.append)
    assert fresh.conversations() == []
    assert len(notices) == 1 and "moved to" in notices[0]
    aside = [
        p
        for p in tmp_path.iterdir()
        if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))
    ]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged


def test_history_command_lists_exports_and_deletes():
    assert run_cli("history").stdout.strip() == "no saved conversations"
    run_cli("ask", "What is Splitwise?", "--session", "s1")
    listing = run_cli("history")
    assert "[s1]" in listing.stdout and "What is Splitwise?" in listing.stdout
    assert " 1 turn [s1]" in listing.stdout  # one turn, not "1 turns"
    exported = run_cli("history", "export", "s1")
    assert exported.returncode == 0
    assert (
        exported.stdout.startswith("# What is Splitwise?") and "**References**" in exported.stdout
    )
    missing = run_cli("history", "export", "nope")
    assert missing.returncode == 2 and "no saved conversation 'nope'" in missing.stderr
    assert run_cli("history", "delete", "s1").returncode == 0
    assert "no saved conversations" in run_cli("history").stdout


def test_a_history_another_process_holds_locked_is_waited_for_never_moved_aside(
    tmp_path, monkeypatch
):
    """ "database is locked" is no damage: a history another process holds is waited for, and
    when it stays locked the one-line error says so. Before, the lock was taken for damage, and
    the history with every saved conversation was moved aside for a new one."""
    import sqlite3

    import assistant.history as history_module
    from assistant.history import HistoryUnavailable

    path = tmp_path / "h.sqlite3"
    kept = History(path)
    conversation = kept.create([])
    kept.append(conversation, "saved", an_answer())
    kept.close()
    monkeypatch.setattr(history_module, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    notices = []
    try:
        History(path, on_notice=notices.append)
    except HistoryUnavailable as err:
        assert "locked" in str(err) and str(path) in str(err)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert notices == []
    assert not list(tmp_path.glob("*.damaged*"))
    assert [t.question for t in History(path).conversation(conversation).turns] == ["saved"]
