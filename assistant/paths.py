"""Where the product keeps things: the bundled seeds, user data (history)."""

from __future__ import annotations

import os
from pathlib import Path

from retrieval.errors import InputError

APP_NAME = "abstracts-assistant"
ENV_DATA_DIR = "ASSISTANT_DATA_DIR"


def seeds_dir() -> Path:
    """The bundled seed pages: inside the installed package, or beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    raise InputError("the bundled seeds are missing from this installation")


def data_dir() -> Path:
    """$ASSISTANT_DATA_DIR, else the user data directory (conversation history)."""
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME))


def display_path(path: str) -> str:
    """A short form of a corpus file path: seeds/NAME for the bundled seeds, else relative to the
    working directory when inside it."""
    p = Path(path)
    try:
        seeds = seeds_dir()
        if p.parent == seeds:
            return f"seeds/{p.name}"
    except InputError:
        pass
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)
