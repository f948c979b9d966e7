"""Start-up on the seeds with a warm index, beside the interpreter's own start, in one run.

    python benchmarks/startup.py

Measures (best of five, fresh processes): `python -c pass`, `assistant --version`,
`assistant ask "What is Splitwise?"`, and the chat in a real pseudo-terminal from launch until
it shows the collection's counts (ready for a question), then Ctrl+Q. Prints the times and their
ratios to the bare interpreter.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5


def best(command: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return min(times)


def chat_ready(env: dict[str, str]) -> float:
    """Seconds until the chat shows its header counts, in a pseudo-terminal of 120x40."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.update({**env, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"})
            os.execv(sys.executable, [sys.executable, "-m", "assistant"])
        screen = b""
        ready = None
        while time.perf_counter() - started < 20:
            readable, _, _ = select.select([fd], [], [], 0.02)
            if readable:
                try:
                    screen += os.read(fd, 65536)
                except OSError:
                    break
                if ready is None and b"papers" in screen and b"sentences" in screen:
                    ready = time.perf_counter() - started
                    os.write(fd, b"\x11")  # Ctrl+Q
                    break
        # Keep reading until the chat has closed: a full terminal buffer would block its exit.
        while True:
            readable, _, _ = select.select([fd], [], [], 1.0)
            try:
                if readable and os.read(fd, 65536):
                    continue
            except OSError:
                pass
            break
        os.close(fd)
        _, status = os.waitpid(pid, 0)
        if ready is None or os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError("the chat did not open and quit cleanly")
        times.append(ready)
    return min(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "ASSISTANT_INDEX_DIR": f"{tmp}/index",
            "ASSISTANT_DATA_DIR": f"{tmp}/data",
        }
        subprocess.run(
            [sys.executable, "-m", "assistant", "index"], check=True, capture_output=True, env=env
        )
        python = best([sys.executable, "-c", "pass"], env)
        rows = [
            ("python -c pass", python),
            ("assistant --version", best([sys.executable, "-m", "assistant", "--version"], env)),
            (
                'assistant ask "What is Splitwise?"',
                best([sys.executable, "-m", "assistant", "ask", "What is Splitwise?"], env),
            ),
            ("assistant (chat) until ready", chat_ready(env)),
        ]
    print("| command | seconds (best of 5) | ratio to python -c pass |")
    print("| --- | --- | --- |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} | {seconds / python:.1f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
