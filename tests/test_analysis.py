import numpy as np

from retrieval.analysis import Analyzer, PieceAnalyzer


def test_scientific_forms_match_as_a_whole_and_as_parts():
    a = Analyzer()
    assert a.terms("GPT-3.5") == ["gpt3.5", "gpt", "3.5"]
    assert a.terms("Llama-2") == ["llama2", "llama", "2"]
    assert a.terms("1.4x") == ["1.4x"]
    assert a.terms("LoRA") == a.terms("lora") == ["lora"]
    # A query written without the hyphen meets the hyphenated form through the whole term.
    assert a.terms("llama2")[0] == a.terms("Llama-2")[0]
    assert a.terms("pretrained")[0] == a.terms("pre-trained")[0]


def test_nfkc_and_case_folding():
    a = Analyzer()
    assert a.terms("ＧＰＴ－４") == a.terms("gpt-4")  # full-width forms
    assert a.terms("ﬁne-tuning") == a.terms("fine-tuning")  # ligature
    assert a.terms("STRASSE") == a.terms("straße")


def test_stopwords_and_stemming():
    a = Analyzer()
    assert a.terms("the models that were trained") == ["model", "train"]
    assert a.terms("e.g. i.e.") == []
    assert a.term("languages") == a.term("language")
    assert a.term("the") is None


def test_numbers_keep_their_value():
    a = Analyzer()
    assert a.terms("10,000 words") == a.terms("10000 words")
    assert a.terms("3 datasets") == ["3", "dataset"]
    assert "2.01" in a.terms("gains of 0.88, 2.01, and 0.38")


def test_garbage_tokens_are_dropped_and_markup_is_just_text():
    a = Analyzer()
    assert a.terms("x" * 500) == []
    assert a.terms("[bold]red[/bold]") == ["bold", "red", "bold"]
    assert a.terms("") == []


def test_the_compiled_piece_table_gives_the_codes_of_the_python_path():
    """Worker processes look pieces up in a compiled table: the same pieces (Python's own
    white space, Unicode included), the same codes, the same term numbering, also after the
    table has grown many times."""
    tricky = [
        "Naïve  Bayes\u00a0beats\u2028GPT-3.5,\u3000or\x85not;\x1cseparated\tby\x0bodd\x0cspace",
        "A text with the separator \x00 inside, and a lone surrogate \ud800 too.",
        "Ünïcödé wörds: straße, ΣΊΣΥΦΟΣ, 東京 and emoji 🙂 models models, models.",
        "",
        "   ",
    ]
    generated = [" ".join(f"w{i}x{j}, W{i}-{j}." for j in range(40)) for i in range(2000)]
    python, compiled = PieceAnalyzer(), PieceAnalyzer(compiled=True)
    for batch in [tricky, generated[:700], tricky + generated[700:], tricky]:
        expected, got = python.fields(batch), compiled.fields(batch)
        assert np.array_equal(expected[0], got[0]) and np.array_equal(expected[1], got[1])
    assert python.spellings == compiled.spellings
    assert compiled.table.size > 1 << 15  # grown past its first slots and arena
