"""Snapshots of the chat's layout: the main screen and the paper panel, at two sizes.

Regenerate after a deliberate change with `pytest tests/test_tui_snapshots.py --snapshot-update`
and look at the report before committing.
"""

import pytest
from test_tui import make_app, settle

from assistant.tui.widgets import QuestionInput


async def answered(pilot, *, open_citation: bool) -> None:
    await settle(pilot)
    box = pilot.app.query_one(QuestionInput)
    box.cursor_blink = False  # a blinking cursor would differ from run to run
    box.value = "What is Splitwise?"
    await pilot.press("enter")
    await settle(pilot)
    if open_citation:
        await pilot.press("alt+1")
        await settle(pilot)


@pytest.mark.parametrize("size", [(100, 30), (160, 45)])
def test_main_screen(snap_compare, size):
    async def run_before(pilot):
        await answered(pilot, open_citation=False)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(100, 30), (160, 45)])
def test_paper_panel(snap_compare, size):
    async def run_before(pilot):
        await answered(pilot, open_citation=True)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
