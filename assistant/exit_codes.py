"""Exit codes of every command (sysexits-style where one fits)."""

EXIT_OK = 0
EXIT_GATE = 1  # an evaluation gate (--min/--max) failed
EXIT_INPUT = 2  # bad input: a file, a field, an option; the one-line error says which
EXIT_SOFTWARE = 70  # an internal error (EX_SOFTWARE)
EXIT_INTERRUPTED = 130  # Ctrl-C
