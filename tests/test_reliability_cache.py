"""The index cache under interruption: Ctrl-C while indexing leaves no partial index behind."""

import json
import os
import signal
import subprocess
import sys
import time

from retrieval.engine import Engine
from retrieval.generation import CURRENT

DOCUMENTS = 200_000


def test_ctrl_c_while_indexing_leaves_no_partial_cache(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    # Large enough that the build still runs well after it starts, even on a busy machine (and
    # below the size that starts worker processes).
    with corpus.open("w") as out:
        for i in range(DOCUMENTS):
            out.write(
                json.dumps(
                    {
                        "id": f"d{i}",
                        "title": f"Paper {i} on topic{i % 97}",
                        "abstract": f"Words w{i % 1009} and w{i % 13}. " * 8,
                    }
                )
                + "\n"
            )
    cache = tmp_path / "cache"
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "index", "--corpus", str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ASSISTANT_INDEX_DIR": str(cache)},
        # As from a terminal: a test run started in the background ignores SIGINT, and a child
        # would inherit that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.time() + 30
    while not list(cache.glob("*/segments/.build-*")) and time.time() < deadline:
        time.sleep(0.05)
    assert list(cache.glob("*/segments/.build-*")), "the build never started"
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.strip() == "interrupted"
    assert not list(cache.glob("*/*/.build-*"))
    assert not [p for p in cache.iterdir() if (p / CURRENT).exists()]
    engine = Engine.open([corpus], cache)
    assert engine.status == "built" and engine.summary.documents == DOCUMENTS
