"""The engine's one error type: a problem with the user's input, reported in one line."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input (a corpus file, a query file, a fixture): says where and what, in one line."""

    def __init__(
        self,
        problem: str,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.problem = problem
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        super().__init__(self.one_line())

    def __reduce__(self):
        # Rebuilt from its parts when it crosses from a worker process.
        return InputError, (self.problem, self.path, self.line, self.field)

    def one_line(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where = f"{where}:{self.line}"
        prefix = f"{where}: " if where else ""
        field = f"field '{self.field}': " if self.field else ""
        # Keep the message on one line whatever the input contained.
        return " ".join(f"{prefix}{field}{self.problem}".split())
