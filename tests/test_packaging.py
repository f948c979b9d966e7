"""The installed command: version, help, default corpus from any directory, the README's
set-up commands, and what each command imports."""

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_cli

from assistant import __version__


def test_version_and_help_list_every_command():
    assert run_cli("--version").stdout.strip() == f"assistant {__version__}"
    out = run_cli("--help").stdout
    for command in ("chat", "ask", "search", "index", "eval", "history"):
        assert re.search(rf"^\s+{command}\s", out, re.M), command


def test_console_script_is_installed_next_to_python():
    script = Path(sys.executable).with_name("assistant")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and __version__ in result.stdout


def test_bundled_seeds_are_the_default_corpus_from_any_directory(tmp_path):
    query = "splitting prompt computation and token generation onto separate machines"
    result = run_cli("search", query, "-k", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert "Splitwise" in first


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"```(?:sh|bash|console)\n(.*?)\n```", readme, re.S)
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command.strip() in ci


def python_output(code: str, *args: str) -> str:
    """What `code` prints, run in a fresh interpreter from the project's root."""
    command = [sys.executable, "-c", code, *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_retrieval_never_imports_textual():
    code = (
        "import sys, retrieval.engine, retrieval.corpus, retrieval.index, retrieval.persistence, "
        "retrieval.passages, retrieval.reference, retrieval.sentences\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'assistant')]\n"
        "print(','.join(bad))"
    )
    assert python_output(code).strip() == ""


def test_one_shot_commands_never_import_textual():
    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        "rc = main(['ask', 'What is Splitwise?', '--json'])\n"
        "rc |= main(['search', 'splitwise', '-k', '1'])\n"
        "print('TEXTUAL' if any(m.startswith('textual') for m in sys.modules) else 'CLEAN', rc)"
    )
    assert python_output(code).strip().endswith("CLEAN 0")


def test_english_word_frequencies_load_only_for_a_word_the_collection_lacks():
    """wordfreq takes about 0.15 s to import: a question whose words the collection all knows
    never loads it."""
    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        "rc = main(['ask', 'What is Splitwise?', '--json'])\n"
        "print('wordfreq' in sys.modules, rc)\n"
        "rc = main(['ask', 'Does Splitwise reduce xerostomia?', '--json'])\n"
        "print('wordfreq' in sys.modules, rc)\n"
    )
    marks = [line for line in python_output(code).splitlines() if line in ("False 0", "True 0")]
    assert marks == ["False 0", "True 0"]


def test_one_question_never_loads_the_compiled_kernel_while_batches_do():
    """Loading numba takes longer than it saves for one question: `ask` and a single `search`
    score even large segments with numpy; a batch of queries uses the kernel."""
    code = (
        "import sys\n"
        "import retrieval.index\n"
        "retrieval.index.COMPILED_DOCS = 1  # every segment counts as large\n"
        "from assistant.cli import main\n"
        "rc = main(['ask', 'What is Splitwise?', '--json'])\n"
        "rc |= main(['search', 'splitwise', '-k', '1'])\n"
        "print('numba' in sys.modules, rc)\n"
        "rc = main(['search', '--queries', sys.argv[1], '-k', '1'])\n"
        "print('numba' in sys.modules, rc)\n"
    )
    queries = ROOT / "benchmarks" / "cranfield" / "queries.jsonl"
    lines = python_output(code, str(queries)).strip().splitlines()
    assert lines[-1] == "True 0" and "False 0" in lines
