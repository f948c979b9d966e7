"""The history under a careful user's disk: damage is kept aside and said, never silent."""

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT, run_cli
from test_history import an_answer as answer

from assistant.history import DAMAGED, History, HistoryUnavailable, lost_wal_frames


def test_damaged_twice_within_a_second_keeps_both_copies(tmp_path):
    path = tmp_path / "history.sqlite3"
    notices = []
    for garbage in (b"first damage " * 200, b"second damage " * 200):
        path.write_bytes(garbage)
        History(path, notices.append).close()
    copies = sorted(tmp_path.glob("history.sqlite3.damaged-*"))
    assert len(copies) == 2
    assert {c.read_bytes()[:12] for c in copies} == {b"first damage", b"second damag"}
    assert len(notices) == 2 and str(copies[1]) in notices[1]


def write_turns_and_die(path: Path, n: int) -> None:
    """Save n turns, then die without closing: the turns stay in the write-ahead log."""
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from assistant.answering.answer import Answer
        from assistant.history import History
        h = History(Path({str(path)!r}))
        c = h.create([])
        for i in range({n}):
            h.append(c, f"question {{i}}", Answer(question="q", kind="o", abstained=False,
                     answer="a" * 3000, sentences=[], citations=[], see_also=[], confidence=1))
        os._exit(0)
        """
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True)


def test_garbage_in_the_middle_of_the_journal_is_said_and_a_copy_kept(tmp_path):
    path = tmp_path / "history.sqlite3"
    write_turns_and_die(path, 5)
    wal = Path(f"{path}-wal")
    assert lost_wal_frames(wal) == 0
    data = bytearray(wal.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = b"\xff" * 64
    wal.write_bytes(bytes(data))
    assert lost_wal_frames(wal) > 0
    notices = []
    history = History(path, notices.append)
    [notice] = notices
    assert notice.startswith("the history's journal was damaged")
    copies = sorted(tmp_path.glob("history.sqlite3.damaged-*"))
    assert {c.name.rsplit("-", 1)[-1] for c in copies} >= {"wal"}
    assert any(c.read_bytes() == bytes(data) for c in copies)  # the damaged log, as it was
    turns = sum(info.turns for info in history.conversations())
    assert turns < 5  # SQLite reads up to the damage; what is lost was said


def test_a_sound_journal_raises_nothing(tmp_path):
    path = tmp_path / "history.sqlite3"
    write_turns_and_die(path, 3)
    notices = []
    history = History(path, notices.append)
    assert notices == [] and sum(i.turns for i in history.conversations()) == 3


def test_a_garbled_answer_is_shown_as_damaged_and_its_question_kept(tmp_path):
    path = tmp_path / "history.sqlite3"
    history = History(path)
    conversation = history.create([])
    for i in range(3):
        history.append(conversation, f"question {i}", answer(f"answer {i}"))
    db = sqlite3.connect(path)
    db.execute("UPDATE turns SET answer = '{\"broken' WHERE question = 'question 1'")
    db.commit()
    db.close()
    turns = History(path).conversation(conversation).turns
    assert [t.question for t in turns] == ["question 0", "question 1", "question 2"]
    assert turns[1].answer.answer == DAMAGED and turns[1].answer.abstained
    assert turns[2].answer.answer == "answer 2"


def test_export_shows_the_damaged_turn(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    history = History.default()
    conversation = history.create([], name="reading")
    history.append(conversation, "What is Mamo?", answer("Mamo is a benchmark."))
    history.append(conversation, "And its size?", answer("big"))
    db = sqlite3.connect(history.path)
    db.execute("UPDATE turns SET answer = 'garbage' WHERE question = 'And its size?'")
    db.commit()
    result = run_cli("history", "export", "reading", env={"ASSISTANT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "## And its size?" in result.stdout
    assert "This saved answer is damaged" in result.stdout


def test_a_history_path_that_is_a_file_answers_anyway_with_a_warning(tmp_path):
    blocked = tmp_path / "data"
    blocked.write_text("not a directory")
    env = {"ASSISTANT_DATA_DIR": str(blocked)}
    result = run_cli("ask", "What is Mamo?", "--session", "reading", env=env)
    assert result.returncode == 0
    assert "Mamo" in result.stdout
    assert result.stderr == (
        f"warning: cannot open the history at {blocked}/history.sqlite3: {blocked} is a file, "
        "not a directory; answering without the conversation\n"
    )
    listing = run_cli("history", env=env)
    assert listing.returncode == 2 and listing.stderr.count("\n") == 1
    assert "is a file, not a directory" in listing.stderr
    try:
        History(blocked / "history.sqlite3")
    except HistoryUnavailable as err:
        assert "is a file, not a directory" in str(err)
    else:
        raise AssertionError("expected HistoryUnavailable")


async def test_the_chat_without_a_usable_history_says_so_and_answers(tmp_path, monkeypatch):
    from test_tui import SIZE, ask, make_app, settle

    blocked = tmp_path / "data"
    blocked.write_text("not a directory")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(blocked))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("will not be saved" in n.message for n in app._notifications)
        await ask(pilot, "What is Mamo?")
        assert app.last_answer.citations[0].title.startswith("Mamo")
