"""The chat looks after its index once open: every byte verified in the background (a rebuild
offered on damage), and the small segments that additions leave folded together."""

import json
from pathlib import Path

from test_tui import SIZE, ask, make_app, settle

import retrieval.persistence as persistence
from assistant.tui.widgets import QuestionInput
from retrieval.engine import Engine


def write_papers(path: Path, first: int, n: int) -> Path:
    path.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"p{i}",
                    "title": f"Paper {i} on topic{i % 5}",
                    "abstract": f"Abstract {i} about alpha{i} and beta. It reaches "
                    f"{90 + i % 9}% accuracy on task{i}.",
                }
            )
            + "\n"
            for i in range(first, first + n)
        ),
        encoding="utf-8",
    )
    return path


async def until(pilot, condition, rounds: int = 100) -> None:
    """Let workers finish and messages arrive until `condition` holds (bounded)."""
    for _ in range(rounds):
        await settle(pilot)
        if condition():
            return
    raise AssertionError("the chat never reached the expected state")


async def test_damage_found_after_opening_is_shown_and_ctrl_r_rebuilds_and_answers_from_it(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(persistence, "SMALL_FILE_BYTES", 64)  # opening checks sizes only
    corpus = write_papers(tmp_path / "papers.jsonl", 0, 30)
    abstracts = Engine.open([corpus]).index.segments[0].dir / "abstracts.txt"
    data = abstracts.read_bytes()
    at = data.index(b"97% accuracy")
    abstracts.write_bytes(data[:at] + b"87" + data[at + 2 :])  # same size, other bytes
    app = make_app("--corpus", str(corpus))
    async with app.run_test(size=SIZE) as pilot:
        assert not app.check_action("rebuild_index", ())  # not offered on a sound index
        await until(pilot, lambda: bool(app.damaged))
        notices = [n.message for n in app._notifications]
        assert any("abstracts.txt" in n and "Ctrl+R" in n for n in notices)
        damaged = app.engine
        await pilot.press("ctrl+r")
        await until(pilot, lambda: app.engine is not None and app.engine is not damaged)
        assert app.engine.status == "rebuilt: damaged cache"
        assert app.engine.verify() == [] and not app.damaged
        await ask(pilot, "What accuracy does paper 7 reach on task7?")
        quoted = " ".join(s.text for s in app.last_answer.sentences)
        assert "97% accuracy" in quoted and "87%" not in quoted


async def test_typing_goes_on_while_the_damage_is_shown(tmp_path, monkeypatch):
    """The notice takes no keys: a question typed as it appears keeps every character."""
    monkeypatch.setattr(persistence, "SMALL_FILE_BYTES", 64)
    corpus = write_papers(tmp_path / "papers.jsonl", 0, 30)
    titles = Engine.open([corpus]).index.segments[0].dir / "titles.txt"
    titles.write_bytes(titles.read_bytes()[:-3] + b"zzz")
    app = make_app("--corpus", str(corpus))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.damaged))
        kept = app.engine
        await pilot.press(*"yes no")
        assert app.query_one(QuestionInput).value == "yes no"
        assert app.engine is kept and app.damaged


async def test_small_segments_left_by_additions_are_folded_together_while_chatting(tmp_path):
    corpus = write_papers(tmp_path / "papers.jsonl", 0, 30)
    Engine.open([corpus])
    Engine.open([corpus], add=[write_papers(tmp_path / "monday.jsonl", 100, 5)])
    grown = Engine.open([corpus], add=[write_papers(tmp_path / "tuesday.jsonl", 200, 5)])
    assert len(grown.index.segments) == 3
    app = make_app("--corpus", str(corpus))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.engine is not None and len(app.engine.index.segments) == 2)
        await ask(pilot, "What accuracy does paper 203 reach on task203?")
        assert app.last_answer.citations[0].doc_id == "p203"
    again = Engine.open([corpus])  # the next start opens the merged index
    assert len(again.index.segments) == 2 and again.summary.documents == 40
    assert again.papers.position("p104") is not None


async def test_the_chat_answers_at_once_and_loads_the_compiled_kernel_meanwhile(
    tmp_path, monkeypatch
):
    import retrieval.index as index_module

    monkeypatch.setattr(index_module, "COMPILED_DOCS", 1)  # every segment counts as large
    corpus = write_papers(tmp_path / "papers.jsonl", 0, 30)
    app = make_app("--corpus", str(corpus))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.engine is not None and app.engine.index.compiled)
        await ask(pilot, "What accuracy does paper 12 reach on task12?")
        assert app.last_answer.citations[0].doc_id == "p12"
