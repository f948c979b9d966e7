"""The splitter on hard sentences from abstracts and encyclopedia entries."""

from pathlib import Path

import pytest

from retrieval.sentences import sentence_texts, split_sentences

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize(
    "text",
    [
        # "i.e.," inside brackets
        "Yet, standard decoding methods (i.e., beam search, nucleus sampling, and diverse beam "
        "search) produce candidates with redundant, and often low quality, content.",
        # "et al." inside a citation
        "Techniques such as Self-Instruct (Wang et al., 2023) or the follow-up Alpaca (Taori et "
        "al., 2023) can train strong conversational agents.",
        # "e.g.," in brackets, decimals, versions
        "LLM agents interact with external tools (e.g., APIs, functions) and complete tasks.",
        "With GPT-4 as the tool maker and GPT-3.5 as the tool user, LATM can achieve performance "
        "that is on par with using GPT-4.",
        "We show large relevance improvements, with ROUGE-2 F1 gains of 0.88, 2.01, and 0.38 on "
        "CNN / Dailymail, NYT, and Xsum, respectively.",
        # "(1) ...; (2) ...; (3) ..." enumerations are one sentence
        "We constructed three datasets: (1) DailyDialog; (2) Grocery Shopping; (3) "
        "Rock-Paper-Scissors.",
        # "vs."
        "One vs. Many: we compare a single model against many.",
        # quotes
        'When having a coversation, "A sir could forget himself," but SirLLM never does!',
        # a URL ending the sentence
        "Code to generate and realize plans is available at https://github.com/griff4692/edu-sum.",
        "Fig. 2 shows the results, cf. Table 3 for the U.S. numbers.",
        # brackets after a word with no full stop before them are not a boundary
        "Bacteria were found in 18 of 1552 (1.15 %) culture bottles of 333 donors.",
        "We introduce a new mechanism (typically a learned gate) that routes tokens.",
        # "U.S." before a name
        "The U.S. Food and Drug Administration approved 12 drugs in the U.S. Army hospitals.",
        # encyclopedia style: circa, months, titles
        "The population was c. 300,000 when Gen. Grant and Sen. Clay met on Jan. 5, 1850.",
    ],
)
def test_one_sentence_stays_whole(text):
    assert sentence_texts(text) == [text]


def test_boundaries_after_version_numbers_and_urls():
    text = (
        "We validate our approach using chat LLMs, namely NH2-Solar-10.7B, and OpenChat-3.5-7B. "
        "Experimental results demonstrate superiority. Code is at https://github.com/x/y. "
        "We thank everyone."
    )
    assert sentence_texts(text) == [
        "We validate our approach using chat LLMs, namely NH2-Solar-10.7B, and OpenChat-3.5-7B.",
        "Experimental results demonstrate superiority.",
        "Code is at https://github.com/x/y.",
        "We thank everyone.",
    ]


def test_abbreviations_and_units_end_sentences_before_a_new_one():
    text = (
        "Deaths rose in the U.S. The rate fell in Europe. Myopic adults showed -0.5 D. "
        "Cycloplegic refraction should be used. Results were as in Smith et al. We agree."
    )
    assert sentence_texts(text) == [
        "Deaths rose in the U.S.",
        "The rate fell in Europe.",
        "Myopic adults showed -0.5 D.",
        "Cycloplegic refraction should be used.",
        "Results were as in Smith et al.",
        "We agree.",
    ]
    # An initial before a name is not a unit.
    assert len(sentence_texts("It was written by J. Smith and A. B. Jones in 2020.")) == 1


def test_a_full_stop_missing_its_space_still_ends_the_sentence():
    """ "... the original LLM.Through empirical evaluation ..." is two sentences, so the one
    giving the speedup can be quoted alone; a stop inside a name or a version is no such slip."""
    text = (
        "We leverage representations from the original LLM.Through empirical evaluation, "
        "Chimera achieves a speedup of 2.7x. We use GPT-3.5 and e.g. Vicuna.Results hold."
    )
    assert sentence_texts(text) == [
        "We leverage representations from the original LLM.",
        "Through empirical evaluation, Chimera achieves a speedup of 2.7x.",
        "We use GPT-3.5 and e.g. Vicuna.",
        "Results hold.",
    ]


def test_lowercase_names_may_start_a_sentence():
    text = (
        "We study retrieval. kNN-LM performs better than standard LMs. mGPT covers 60 languages. "
        "p53 alteration is not a useful predictor."
    )
    assert len(sentence_texts(text)) == 4


def test_every_seed_abstract_splits_into_exact_slices():
    for path in SEEDS.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line) < 300:
                continue
            spans = split_sentences(line)
            assert spans, line
            previous_end = 0
            for span in spans:
                assert line[previous_end : span.start].strip() == ""
                sentence = line[span.start : span.end]
                assert sentence == sentence.strip() and sentence
                previous_end = span.end
            assert line[previous_end:].strip() == ""


def test_a_sentence_opening_with_an_abbreviation_is_cut_before_it():
    """ "Mt." after a full stop opens the next sentence; judged alone, the three characters
    looked like a stray mark and the cut moved after them."""
    text = "The railway opened in 1912. Mt. Everest is 8,849 m tall. Dr. Smith measured it."
    assert sentence_texts(text) == [
        "The railway opened in 1912.",
        "Mt. Everest is 8,849 m tall.",
        "Dr. Smith measured it.",
    ]


def test_a_name_abbreviation_may_end_a_sentence():
    text = "He sold it to Acme Inc. The deal closed. He met Martin Luther King Jr. in 1964."
    assert sentence_texts(text) == [
        "He sold it to Acme Inc.",
        "The deal closed.",
        "He met Martin Luther King Jr. in 1964.",
    ]


def test_a_text_without_capitals_splits_at_each_full_stop():
    """A lower-cased, tokenised collection has no capital to mark a sentence start: before, the
    whole abstract was one sentence, and an answer quoted all of it."""
    text = (
        "the newtonian theory of impact has been shown to be useful at high speed . it is now "
        "a familiar practice, e.g. for blunt bodies, to use this information. results in fig. "
        "3 agree at a mach number of 7.2 . nor can one obtain the stability derivatives ."
    )
    assert sentence_texts(text) == [
        "the newtonian theory of impact has been shown to be useful at high speed .",
        "it is now a familiar practice, e.g. for blunt bodies, to use this information.",
        "results in fig. 3 agree at a mach number of 7.2 .",
        "nor can one obtain the stability derivatives .",
    ]


def test_a_unit_after_a_number_ends_no_sentence_unless_a_capital_follows():
    """ "24 in." is inches: in a text without capitals the point once cut "a flat plate 24 in."
    from "long and thick"; with capitals, a capital after the unit still opens a sentence."""
    text = (
        "the boundary layer on a flat plate 24 in. long was measured . the tunnel ran at 800 "
        "deg. cent . steps of 0.004 in. were used . the 18-in. by 20-in. tunnel was used ."
    )
    assert sentence_texts(text) == [
        "the boundary layer on a flat plate 24 in. long was measured .",
        "the tunnel ran at 800 deg. cent .",
        "steps of 0.004 in. were used .",
        "the 18-in. by 20-in. tunnel was used .",
    ]
    cased = "The values rose from 5 to 24 in. Further tests were run. It weighed 10 lb. and held."
    assert sentence_texts(cased) == [
        "The values rose from 5 to 24 in.",
        "Further tests were run.",
        "It weighed 10 lb. and held.",
    ]
    book = " ".join(["the flat plate was 24 in. long and thick ."] * 600)  # past syntok's limit
    assert sentence_texts(book) == ["the flat plate was 24 in. long and thick ."] * 600


def test_one_capital_keeps_lowercase_continuations_together():
    """In a text with capitals, a lowercase word after a full stop continues the sentence."""
    text = "We use approx. ten runs. it works as in Smith et al. see below."
    assert sentence_texts(text) == [text]


def test_a_book_without_capitals_splits_at_each_full_stop():
    sentence = "the flow over the plate is laminar up to the transition point ."
    text = " ".join([sentence] * 400)  # longer than syntok is given
    assert len(text) > 20_000
    assert sentence_texts(text) == [sentence] * 400


def test_a_capital_letter_before_a_function_word_ends_a_sentence():
    """ "arm A." or "hepatitis C." before "In" or "The" is not an initial: no one is called
    "In". Before, the two sentences were quoted as one."""
    text = (
        "Complete response was seen in 61% of patients in arm A. In arm B, 77% attained it. "
        "Most referrals were for hepatitis C. The mode of transmission was unknown."
    )
    assert sentence_texts(text) == [
        "Complete response was seen in 61% of patients in arm A.",
        "In arm B, 77% attained it.",
        "Most referrals were for hepatitis C.",
        "The mode of transmission was unknown.",
    ]
    assert len(sentence_texts("It was written by J. Smith and A. B. Jones in 2020.")) == 1


def test_an_acronym_ends_a_sentence_before_a_lowercase_slip():
    """An acronym and a full stop end a sentence even when the next one slips into lowercase
    ("XGLM. source code ..."), while a lowercase word after an abbreviation still continues
    ("approx. ten", "et al. see", "U.S. and")."""
    text = (
        "We compared the tasks with the multilingual model XGLM. source code and the XL model "
        "are publicly released."
    )
    assert sentence_texts(text) == [
        "We compared the tasks with the multilingual model XGLM.",
        "source code and the XL model are publicly released.",
    ]
    for kept in ("We use approx. ten runs.", "It grew in the U.S. and in Canada."):
        assert sentence_texts(kept) == [kept]
