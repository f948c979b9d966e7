from retrieval.analysis import Analyzer


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
