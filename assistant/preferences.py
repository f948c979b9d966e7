"""What the user chose in the chat and expects to find again: the theme. Kept as a small JSON
file in the user config directory (or $ASSISTANT_CONFIG_DIR)."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from assistant.paths import APP_NAME

ENV_CONFIG_DIR = "ASSISTANT_CONFIG_DIR"
CONFIG_FILE = "config.json"


def config_path() -> Path:
    env = os.environ.get(ENV_CONFIG_DIR)
    if env:
        return Path(env).expanduser() / CONFIG_FILE
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / CONFIG_FILE


def load() -> dict[str, str]:
    """The saved preferences; empty when there are none or the file cannot be read."""
    try:
        value = json.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}


def save(**changes: str) -> None:
    """Record the changed preferences; a config directory that cannot be written is ignored
    (the chat works the same, it just forgets)."""
    from retrieval.persistence import atomic_write_text

    path = config_path()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps({**load(), **changes}, indent=1))
