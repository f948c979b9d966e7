"""Properties of the analyzer and the sentence splitter on arbitrary text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.analysis import Analyzer
from retrieval.sentences import split_sentences

ANALYZER = Analyzer()

abstract_like = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "We",
                "propose",
                "GPT-3.5",
                "e.g.",
                "i.e.,",
                "et al.",
                "(i)",
                "(ii)",
                "U.S.",
                "Fig.",
                "2.5x",
                "https://x.org/a.b",
                '"quoted."',
                "[1]",
                "vs.",
                "LLMs.",
                "Yes!",
                "Why?",
                "kNN-LM",
                "3.",
                "(a",
                "b)",
                ";",
                ":",
                "\n",
                "  ",
            ]
        ),
        st.text(min_size=1, max_size=12),
    ),
    max_size=60,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(abstract_like)
def test_sentences_are_exact_slices_in_order_covering_all_non_space(text):
    spans = split_sentences(text)
    position = 0
    covered = []
    for span in spans:
        assert position <= span.start < span.end <= len(text)
        assert text[position : span.start].strip() == ""
        sentence = text[span.start : span.end]
        assert sentence == sentence.strip()
        covered.append(sentence)
        position = span.end
    assert text[position:].strip() == ""
    assert "".join("".join(covered).split()) == "".join(text.split())


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_analyzer_terms_are_clean_and_deterministic(text):
    terms = ANALYZER.terms(text)
    assert terms == Analyzer().terms(text)
    for term in terms:
        assert term and not any(c.isspace() for c in term)
        assert term == term.casefold() or not term.isascii()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=200))
def test_analysis_ignores_ascii_case(text):
    assert ANALYZER.terms(text.upper()) == ANALYZER.terms(text.lower())
