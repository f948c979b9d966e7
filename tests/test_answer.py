"""Composed answers: verbatim sentences, numbered citations, abstention, lists, comparisons,
versions, and literal text."""

import json

import numpy as np
import pytest
from conftest import ROAD_SALT, run_cli, small_collection

from assistant.answering.weights import fitted_weights
from assistant.conversation import Assistant, Conversation
from retrieval.engine import Engine

TELESCOPES = [
    (
        "pathfinder",
        "Pathfinder: A Radio Telescope Array for Fast Bursts",
        "We present Pathfinder, a radio telescope array for detecting fast radio bursts. "
        "Pathfinder is built in the Karoo desert in South Africa, far from radio noise. It "
        "consists of 64 dishes linked by optical fibre. In its first year it detected 12 bursts. "
        "These results suggest that small arrays can find bursts cheaply.",
    ),
    (
        "phonespec",
        "Cheap Optical Spectroscopy with Phone Cameras",
        "Spectroscopy usually needs costly instruments. We turn a phone camera into a "
        "spectrometer with a printed grating. It resolves lines two nanometres apart. Students "
        "built forty of them in a week. We conclude that phone spectrometers suit teaching.",
    ),
    (
        "flares",
        "Forecasting Solar Flares with Gradient Boosting",
        "Solar flares disturb satellites and power grids. We forecast flares a day ahead from "
        "magnetograms with gradient boosting. The model reaches a true skill score of 0.8. It "
        "beats the operational forecast on three years of data.",
    ),
    (
        "exoplanets",
        "Finding Exoplanets in Noisy Light Curves",
        "Transits of small planets hide in noisy light curves. We denoise the curves with a "
        "learned filter before searching for transits. On simulated data the search finds twice "
        "as many planets. We release the filter and the simulated curves.",
    ),
    (
        "dust",
        "Interstellar Dust Maps from Star Colours",
        "Dust dims and reddens starlight. We map dust in three dimensions from the colours of a "
        "billion stars. The map resolves clouds a few parsecs across. It improves distance "
        "estimates for young stars.",
    ),
]


@pytest.fixture(scope="module")
def telescopes(tmp_path_factory):
    """A small collection the answer pipeline was never fitted on."""
    base = tmp_path_factory.mktemp("telescopes")
    corpus = small_collection(base, "telescopes", TELESCOPES)
    return Assistant(Engine.open([corpus], base / "index"))


def beside_road_salt(tmp_path, name, paper):
    """An assistant over one paper and the road-salt paper, which shares none of its topic."""
    corpus = small_collection(tmp_path, name, [paper, ROAD_SALT])
    return Assistant(Engine.open([corpus], tmp_path / "index"))


def beside_telescopes(tmp_path, name, records):
    """An assistant over `records` and the telescope papers, which no answer should quote."""
    corpus = small_collection(tmp_path, name, [*records, *TELESCOPES])
    return Assistant(Engine.open([corpus], tmp_path))


def ask(assistant, question):
    return assistant.ask(question, Conversation())


def assert_verbatim(engine, answer):
    """Every quoted sentence is an exact slice of its paper's abstract, at its sentence index."""
    for s in answer.sentences:
        doc = engine.papers.position(s.doc_id)
        span = engine.sentences(doc)[s.sentence_index]
        assert engine.papers.abstract(doc)[span.start : span.end] == s.text
        assert f"{s.text} [{s.citation}]" in answer.answer


def test_definition_quotes_the_named_paper_with_citation_one(seeds_engine, seeds_assistant):
    answer = ask(seeds_assistant, "What is Splitwise?")
    assert not answer.abstained
    assert answer.citations[0].n == 1 and answer.citations[0].title.startswith("Splitwise")
    assert 1 <= len(answer.sentences) <= 3
    assert "we propose splitting the two phases" in answer.answer
    assert_verbatim(seeds_engine, answer)
    assert answer.citations[0].source == "seeds/000_aece1beded50ae76.txt"
    assert answer.citations[0].date == "Mar 14"


def test_quantity_questions_get_sentences_with_numbers(seeds_engine, seeds_assistant):
    answer = ask(seeds_assistant, "How much faster is prefill with mllm-NPU?")
    assert "22.4x faster prefill" in answer.sentences[0].text
    assert_verbatim(seeds_engine, answer)


def test_citations_are_numbered_by_first_use(seeds_engine, seeds_assistant):
    answer = ask(seeds_assistant, "Which papers propose quantization methods for LLMs?")
    assert len(answer.citations) >= 3
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    first_use = []
    for s in answer.sentences:
        if s.citation not in first_use:
            first_use.append(s.citation)
    assert first_use == sorted(first_use)
    assert_verbatim(seeds_engine, answer)
    assert all(line.startswith("- ") for line in answer.answer.splitlines())
    assert len(answer.citations) <= 8


def test_comparison_quotes_each_paper_side_by_side(seeds_engine, seeds_assistant):
    answer = ask(seeds_assistant, "Compare Splitwise and BlockLLM")
    assert [c.title.split(":")[0] for c in answer.citations] == ["Splitwise", "BlockLLM"]
    lines = answer.answer.splitlines()
    assert lines[0].startswith("- Splitwise: ") and lines[1].startswith("- BlockLLM: ")
    assert_verbatim(seeds_engine, answer)


def test_versions_are_said_and_disagreements_quoted(seeds_engine, seeds_assistant):
    answer = ask(seeds_assistant, "How many chat LLMs did FuseChat use to validate the approach?")
    assert any("2 versions" in note for note in answer.notes)
    fusechat = [c for c in answer.citations if c.title.startswith("FuseChat")]
    assert len(fusechat) == 2
    text = answer.answer
    assert "three prominent chat LLMs" in text and "six prominent chat LLMs" in text
    assert_verbatim(seeds_engine, answer)


def test_a_version_silent_on_the_question_is_not_quoted(tmp_path):
    """Two versions of one paper, only the later one reporting MT-Bench: asked about MT-Bench,
    the answer quotes that one; the other's best sentence does not disagree, it says nothing of
    MT-Bench, so it is not quoted beside it."""
    opening = "We fuse three chat models into one. The fused model is small and runs on one GPU."
    versions = [
        ("fuse-v1", "Fuse: Merging Chat Models", opening),
        ("fuse-v2", "Fuse: Merging Chat Models", opening + " It beats its sources on MT-Bench."),
    ]
    corpus = small_collection(tmp_path, "fuse", [*versions, ROAD_SALT])
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    answer = ask(assistant, "Which papers report results on MT-Bench?")
    assert any("2 versions" in note for note in answer.notes)
    assert [s.text for s in answer.sentences] == ["It beats its sources on MT-Bench."]
    assert not any("both are quoted" in note for note in answer.notes)


def test_off_topic_question_is_abstained_with_see_also(seeds_assistant):
    answer = ask(seeds_assistant, "Who won the 1998 Tour de France?")
    assert answer.abstained
    assert answer.citations == [] and answer.sentences == []
    assert 1 <= len(answer.see_also) <= 3
    assert "do not answer" in answer.answer


def test_a_name_the_paper_never_mentions_means_no_answer(seeds_assistant):
    answer = ask(seeds_assistant, "What BLEURT score does Splitwise reach on WMT?")
    assert answer.abstained
    # Splitwise, to open; papers that mention BLEURT do not answer for Splitwise.
    assert [s.title.split(":")[0] for s in answer.see_also] == ["Splitwise"]
    # The question was about Splitwise: the answer says whose abstract does not say.
    assert answer.answer.startswith("The abstract of “Splitwise: ")
    said, _, unused = answer.answer.partition("” does not answer this question.")
    assert said and unused == " No abstract here uses the words “BLEURT”, “WMT” and “reach”."


def test_a_follow_up_the_previous_paper_does_not_answer_names_that_paper(seeds_assistant):
    conversation = Conversation()
    first = seeds_assistant.ask("What is Splitwise?", conversation)
    assert first.citations[0].title.startswith("Splitwise")
    answer = seeds_assistant.ask("What learning rate does it use?", conversation)
    assert answer.abstained
    assert answer.answer.startswith("The abstract of “Splitwise: ")
    off_topic = ask(seeds_assistant, "Who won the 1998 Tour de France?")
    assert off_topic.answer == (
        "The abstracts in this collection do not answer this question. "
        "No abstract here uses the words “Tour”, “France” and “de”."
    )


def test_markup_in_questions_is_just_text(seeds_assistant):
    answer = ask(seeds_assistant, "What is [bold]Splitwise[/bold]?")
    assert not answer.abstained and answer.citations[0].title.startswith("Splitwise")
    assert answer.question == "What is [bold]Splitwise[/bold]?"


def test_ask_json_through_the_entry_point():
    result = run_cli("ask", "What is Mamo?", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert {
        "question",
        "abstained",
        "answer",
        "sentences",
        "citations",
        "see_also",
        "timings_ms",
    } <= set(payload)
    assert payload["citations"][0]["n"] == 1 and payload["citations"][0]["title"].startswith("Mamo")
    sentence = payload["sentences"][0]
    assert {"text", "doc_id", "title", "sentence_index", "score", "citation"} <= set(sentence)
    assert payload["timings_ms"]["total"] > 0


def test_ask_terminal_output_has_references_and_no_escapes_when_piped():
    result = run_cli("ask", "What is Mamo?")
    assert result.returncode == 0
    assert "[1]" in result.stdout and "\nReferences\n  [1] Mamo" in result.stdout
    assert "\x1b" not in result.stdout


def test_empty_and_huge_questions_are_refused_in_one_line():
    result = run_cli("ask", "   ")
    assert result.returncode == 2 and result.stderr == "error: the question is empty\n"
    # A megabyte does not fit in an argument; it arrives on stdin.
    result = run_cli("ask", "-", input="why " * 262_144, timeout=10)
    assert result.returncode == 2
    assert result.stderr.startswith("error: the question is too long (1,048,575 characters")
    assert result.stderr.count("\n") == 1


def test_a_question_about_a_named_system_is_answered_from_it(telescopes):
    """The name is the question's subject and an ordinary rare term: it stays in the focus."""
    answer = ask(telescopes, "Where is Pathfinder built?")
    assert not answer.abstained
    assert answer.cited_ids == ["pathfinder"]
    assert answer.sentences[0].text.startswith("Pathfinder is built in the Karoo desert")
    quantity = ask(telescopes, "How many dishes does Pathfinder have?")
    assert quantity.sentences[0].text == "It consists of 64 dishes linked by optical fibre."


def test_a_number_written_in_words_answers_how_many(telescopes):
    answer = ask(telescopes, "How many phone spectrometers were built in a week?")
    assert answer.sentences[0].text == "Students built forty of them in a week."


@pytest.mark.parametrize(
    "question",
    [
        "Where is the Arecibo telescope built?",
        "How many dishes does the Arecibo observatory have?",
        "Who discovered pulsars?",
    ],
)
def test_a_question_whose_subject_the_collection_lacks_is_abstained(telescopes, question):
    answer = ask(telescopes, question)
    assert answer.abstained and answer.citations == [] and answer.sentences == []


def test_the_two_best_sentences_are_quoted_best_first(telescopes):
    answer = ask(telescopes, "Can phone cameras replace spectrometers?")
    assert answer.cited_ids == ["phonespec"]
    # A yes/no question is answered by the study's conclusion, quoted first.
    assert answer.sentences[0].text == "We conclude that phone spectrometers suit teaching."
    assert len(answer.sentences) == 2
    assert answer.sentences[0].score >= answer.sentences[1].score
    assert answer.sentences[0].sentence_index > answer.sentences[1].sentence_index


def test_a_yes_no_question_after_its_topic_is_answered_by_the_conclusion(telescopes):
    answer = ask(telescopes, "Phone camera spectrometers. Do they suit teaching?")
    assert answer.cited_ids == ["phonespec"]
    assert answer.sentences[0].text == "We conclude that phone spectrometers suit teaching."


@pytest.mark.parametrize(
    ("form", "sentence", "holds"),
    [
        # A yes/no question looks for a conclusion or a stated finding.
        ("yesno", "We conclude that phone spectrometers suit teaching.", True),
        ("yesno", "Using this analysis, we find that effective cutoffs often differ.", True),
        (
            "yesno",
            "Our core finding is that small models struggle with impossible languages.",
            True,
        ),
        ("yesno", "We release the filter and the simulated curves.", False),
        ("yesno", "We train small models on impossible languages.", False),
        ("yesno", "Dust dims and reddens starlight.", False),
        # "How many" looks for a number; a year dates and does not measure.
        ("quantity", "It runs for more than 2,300 kilometres.", True),
        ("quantity", "Students built forty of them in a week.", True),
        ("quantity", "The context holds 2048 tokens.", True),
        ("quantity", "Warmer seas caused mass coral bleaching in 2016, 2017 and 2020.", False),
        ("quantity", "It was put up between 1887 and 1889.", False),
        ("quantity", "Sales grew through the 1990s.", False),
        # "Who" looks for a name, not a place or a thing.
        ("who", "The Scottish scientist Alexander Fleming discovered penicillin in 1928.", True),
        ("who", "Johannes Gutenberg, a goldsmith in Mainz, invented printing.", True),
        ("who", "It was written by Mary Shelley.", True),
        ("who", "The Great Barrier Reef is the largest coral reef system.", False),
        ("who", "The reef lies in the Coral Sea, off the coast.", False),
        ("who", "It was completed in New York in 1930.", False),
        ("who", "Results on Natural Questions improve.", False),
        ("who", "Large Language Models (LLMs) have achieved a lot.", False),
        # "Where" looks for a place, also one given by a direction from it.
        ("where", "The reef lies in the Coral Sea.", True),
        ("where", "It lies in the western Pacific Ocean.", True),
        ("where", "The trench lies east of the Mariana Islands.", True),
        ("where", "It sits off the coast of Queensland.", True),
        ("where", "Its depth was first measured by the Challenger expedition.", False),
        ("where", "Most of the cells were dead.", False),
        # What something is made of, said so; not a report "including" its parts.
        ("composition", "Dolma is built from a mixture of web pages and books.", True),
        ("composition", "We construct LongWriter-6k, a dataset containing 6,000 samples.", True),
        ("composition", "We document Dolma, including its design principles.", False),
        # What a work brings is what it puts forward, not a question it asks or what a topic is.
        ("contribution", "In this work, we propose EasyQuant, a quantization method.", True),
        ("contribution", "This paper presents a survey of pruning.", True),
        ("contribution", "Can we design a data-independent quantization method?", False),
        ("contribution", "Quantization is an effective method.", False),
        ("definition", "Quantization is an effective method.", True),
        # What a work answers: a challenge, a shortcoming of what came before.
        (
            "problem",
            "These developments make LLM inference efficiency an important challenge.",
            True,
        ),
        ("problem", "Despite batching, the token phase underutilizes compute.", True),
        ("problem", "We propose Splitwise, which splits the two phases.", False),
        # A work's own limitation, not the shortcomings of earlier work it answers.
        ("limitation", "Despite certain limitations, our study shows promise.", True),
        ("limitation", "Addressing these limitations, we introduce FIRST.", False),
        ("limitation", "One limitation of these approaches is their size.", False),
        # How many times faster or smaller: a ratio, not any number.
        ("ratio", "Chimera achieves an average latency speedup of 2.7x.", True),
        ("ratio", "The models are twice as fast as the original.", True),
        ("ratio", "It cuts the cost by 20% and shows a ten-fold rise.", True),
        # A percent sign escaped as TeX writes it, as many abstracts are.
        ("ratio", r"It decreases the computational cost by 41.5\%.", True),
        ("ratio", "To ensure accuracy, we present two strategies.", False),
        ("ratio", "It offers multi-fold flexibility on GPT-4x.", False),
        # How fast: a rate, or a ratio said of speed; not any number, nor any ratio.
        ("speed", "It runs at 1000 tokens/second on a phone.", True),
        ("speed", "It achieves an average latency speedup ratio of 2.7x.", True),
        ("speed", "It is 10 times faster than data-dependent methods.", True),
        ("speed", "We leave the outliers (less than 1%) unchanged.", False),
        ("speed", "To ensure accuracy, we present two strategies.", False),
        ("quantity", "To ensure accuracy, we present two strategies.", True),
        # Where the code is: a link, or saying in words that it is out.
        ("pointer", "Our code & models are at: https://github.com/THUDM/LongWriter.", True),
        ("pointer", "In addition, we open source our data curation toolkit.", True),
        ("pointer", "We implement the kernels in CUDA.", False),
        ("pointer", "All our related codes are planned to be open-sourced.", True),
        ("pointer", "Wind-tunnel data happened to be available for one wing.", False),
        ("pointer", "Lens is an open source project.", True),
        ("pointer", "We evaluate on large-scale open source models such as OPT-175B.", False),
        # Why: a reason, stated as one, or a conclusion.
        ("why", "They have been criticized because of their inconvenient tabulation.", True),
        ("why", "The output limit is due to the scarcity of long examples.", True),
        ("why", "These results suggest that small arrays can find bursts.", True),
        ("why", "The tables cover cones at zero yaw.", False),
    ],
)
def test_the_kind_of_answer_a_sentence_holds(form, sentence, holds):
    from assistant.answering.features import answer_type

    if form == "speed":
        assert answer_type("quantity", sentence, [], speed=True) == holds
        assert answer_type("ratio", sentence, [], speed=True) == holds
    else:
        assert answer_type(form, sentence, []) == holds


def test_the_limitations_of_a_topic_are_the_shortcomings_stated_of_it(tmp_path):
    """ "What are the limitations of quantization?" asks of a topic, not of a paper: a sentence
    stating a shortcoming of it answers, in any voice; one praising a paper's own tool does not.
    Asked of the paper itself, only its own stated limitations would."""
    records = [
        (
            "fastquant",
            "FastQuant: Quick Quantization",
            "Quantization shrinks language models. Quantization still suffers from accuracy "
            "loss on small models. We present FastQuant, a quantization tool. FastQuant runs "
            "quantization ten times faster than earlier quantization tools.",
        ),
        ("rivers", "River Floods", "We map river floods in spring with satellites."),
    ]
    assistant = Assistant(Engine.open([small_collection(tmp_path, "q", records)], tmp_path / "i"))
    answer = ask(assistant, "What are the limitations of quantization?")
    assert (
        answer.sentences[0].text == "Quantization still suffers from accuracy loss on small models."
    )
    own = ask(assistant, "What are the limitations of FastQuant?")
    assert own.abstained


def test_how_much_faster_is_answered_by_a_ratio_not_any_number(tmp_path):
    """How much faster asks how many times: "3.5x faster" answers it, and a sentence sharing more
    of the question's words but counting something else ("two strategies") does not."""
    records = [
        (
            "deblur",
            "Restoring Images Under a Budget",
            "Deblurring photos is slow. Our tiling makes deblurring 3.5x faster than the best "
            "earlier method. We present two strategies that make deblurring on phones faster: "
            "tiling and early exit.",
        ),
    ]
    assistant = beside_telescopes(tmp_path, "deblur", records)
    answer = ask(assistant, "How much faster is deblurring on phones?")
    assert answer.cited_ids == ["deblur"]
    assert "3.5x faster" in answer.sentences[0].text


def test_how_much_faster_a_named_paper_is_needs_a_ratio_in_its_abstract(tmp_path):
    """A paper saying only that it decodes faster cannot say how much faster it is; one giving a
    ratio can."""
    records = [
        (
            "kestrel",
            "Kestrel: Fast Sparse Attention",
            "Kestrel is a sparse attention kernel. It runs three times faster than dense kernels.",
        ),
        (
            "falcon",
            "Falcon: Faster Decoding with Drafts",
            "Decoding with large models is slow. Falcon drafts tokens with a small model to make "
            "decoding faster. Falcon decodes faster than earlier drafting methods on every model "
            "tested.",
        ),
    ]
    assistant = beside_telescopes(tmp_path, "fast", records)
    kestrel = ask(assistant, "How much faster is Kestrel?")
    assert kestrel.cited_ids == ["kestrel"]
    assert "three times faster" in kestrel.sentences[0].text
    falcon = ask(assistant, "How much faster is Falcon?")
    assert falcon.abstained
    assert falcon.answer.startswith("The abstract of “Falcon: Faster Decoding with Drafts” does")


def test_a_yes_no_question_is_not_answered_by_a_promise_of_code(tmp_path):
    """ "All our codes are planned to be open-sourced" closing an abstract says where the code
    will be, not what the study concluded."""
    records = [
        (
            "prune",
            "Pruning Small Vision Networks",
            "Pruning removes weights from trained networks. We prune small vision networks to "
            "half their weights and retrain them briefly. Pruned networks keep their accuracy on "
            "three benchmarks. All our related codes are planned to be open-sourced.",
        ),
    ]
    assistant = beside_telescopes(tmp_path, "prune", records)
    from assistant.answering.features import sentence_table

    question = "Do pruned vision networks keep their accuracy?"
    answer = ask(assistant, question)
    assert answer.cited_ids == ["prune"]
    assert answer.sentences[0].text.startswith("Pruned networks keep their accuracy")
    engine = assistant.engine
    table = sentence_table(engine, assistant.read(question), engine.papers.position("prune"))
    last = [table.texts[row] for row in np.flatnonzero(table.column("last:judgement"))]
    assert last == ["Pruned networks keep their accuracy on three benchmarks."]


def test_a_yes_no_question_is_not_answered_by_where_the_code_is(telescopes):
    """The study's last word is its last sentence that does not point to its code or data."""
    answer = ask(telescopes, "Does denoising help find small planets in noisy light curves?")
    assert answer.cited_ids == ["exoplanets"]
    assert answer.sentences[0].text == "On simulated data the search finds twice as many planets."
    assert all("We release" not in s.text for s in answer.sentences)


def test_a_list_leaves_out_papers_meeting_its_topic_only_in_their_link_line(tmp_path):
    """A paper whose best sentence for the topic says where its code is ("Code to generate
    plans is available at ...") is not about code generation; asked which papers make their
    code available, it is."""
    records = [
        (
            "synth",
            "Program Synthesis with Small Models",
            "We study code generation with small language models. A small model writes short "
            "programs from their tests. It solves half of the tasks. Our code is available at "
            "https://example.org/synth.",
        ),
        (
            "plans",
            "Summaries from Plans",
            "Summaries drift from their sources. We generate summaries that follow a plan of "
            "the source's sentences. Readers prefer the planned summaries. Code to generate the "
            "plans is available at https://example.org/plans.",
        ),
    ]
    assistant = beside_telescopes(tmp_path, "code", records)
    topic = ask(assistant, "Which papers are about code generation?")
    assert topic.cited_ids == ["synth"]
    released = ask(assistant, "Which papers make their code available?")
    assert set(released.cited_ids) == {"synth", "plans"}
    assert all("available at" in s.text for s in released.sentences)


def test_how_many_asked_of_listed_papers_is_answered_by_each_ones_figure(tmp_path):
    """ "Which of them cover the most languages?" after a list: each paper giving a figure for
    the languages ("trained on 60 languages") answers with it, whatever verb it counts with;
    "all covered languages" gives none."""
    records = [
        (
            "polyglot",
            "Polyglot: A Model for Many Languages",
            "Multilingual models often neglect rare languages. We train a multilingual model on "
            "60 languages from 25 language families. We measure perplexity in all covered "
            "languages. It matches larger models on rare languages.",
        ),
        (
            "medic",
            "Medical Models in Many Languages",
            "Medical multilingual models are scarce. To scale the model to 50 languages, we "
            "group languages by family. The model beats baselines on medical exams.",
        ),
        (
            "bitext",
            "Mining Bitext with Multilingual Models",
            "Multilingual models can mine parallel sentences. We improve mining for low-resource "
            "language pairs. Mining improves on two benchmarks.",
        ),
    ]
    assistant = beside_telescopes(tmp_path, "languages", records)
    conversation = Conversation()
    listed = assistant.ask("Which papers study multilingual models?", conversation)
    assert set(listed.cited_ids) == {"polyglot", "medic", "bitext"}
    answer = assistant.ask("Which of them cover the most languages?", conversation)
    assert answer.cited_ids == ["polyglot", "medic"] and not answer.weak
    assert [s.text for s in answer.sentences] == [
        "We train a multilingual model on 60 languages from 25 language families.",
        "To scale the model to 50 languages, we group languages by family.",
    ]
    assert answer.notes == ["2 of the 3 papers cited before speak clearly to this."]


def test_the_authors_of_a_work_an_abstract_cites_did_not_write_it(tmp_path):
    """ "(Arora & Goyal, 2023)" names who wrote a work the abstract cites: asked who wrote the
    paper, whose record names no authors, the assistant says its abstract does not answer; asked
    who described models as stochastic parrots, the citation answers."""
    records = [
        (
            "mixer",
            "Mixer: Testing How Models Combine Skills",
            "We present Mixer, an evaluation of how language models combine skills. Combining "
            "skills matters in pedagogy and in work on emergence (Arora & Goyal, 2023). Strong "
            "models go beyond stochastic parrots (Bender et al., 2021) on Mixer.",
        ),
    ]
    assistant = beside_telescopes(tmp_path, "cites", records)
    silent = (
        "The abstract of “Mixer: Testing How Models Combine Skills” does not answer this question."
        " Its record in the collection lists no authors either."
    )
    for question in ("Who wrote Mixer?", "Who are the authors of Mixer?"):
        answer = ask(assistant, question)
        assert answer.abstained and answer.answer == silent
    conversation = Conversation()
    assistant.ask("What is Mixer?", conversation)
    assert assistant.ask("Who wrote it?", conversation).answer == silent
    cited = ask(assistant, "Who described models as stochastic parrots?")
    assert cited.cited_ids == ["mixer"]
    assert cited.sentences[0].text.endswith("(Bender et al., 2021) on Mixer.")


def test_how_many_opens_with_the_figure_when_the_best_sentence_gives_none(tmp_path):
    """However the sentence weights rank them (here by the question's words alone), a "how
    many" answer whose best sentence holds no number opens with the sentence giving a figure
    for what is counted."""
    records = [
        (
            "mammo",
            "Tailored Reminders for Mammography",
            "Telephone counseling may promote mammography screening. One thousand ninety-nine "
            "women aged 50 and older were recruited from a health plan. Women in the mammography "
            "trial will need further reminders to stay adherent.",
        ),
    ]
    corpus = small_collection(tmp_path, "mammo", [*records, *TELESCOPES])
    engine = Engine.open([corpus], tmp_path / "index")
    by_words = fitted_weights().model_copy(update={"sentence": {"coverage": 5.0}})
    assistant = Assistant(engine, weights=by_words)
    answer = ask(assistant, "How many women were in the mammography trial?")
    assert answer.cited_ids == ["mammo"]
    assert [s.text[:30] for s in answer.sentences] == [
        "One thousand ninety-nine women",
        "Women in the mammography trial",
    ]


def test_a_paper_with_two_versions_is_suggested_once(seeds_engine, seeds_assistant):
    from assistant.answering.candidates import gather
    from assistant.answering.composition import Composer

    question, context = seeds_assistant.understand("What did FuseChat fuse?", Conversation())
    candidates = gather(seeds_engine, question, context)
    fusechat = [d for d in candidates.docs if seeds_engine.papers.title(d).startswith("FuseChat")]
    assert len(fusechat) == 2
    closest = Composer(seeds_engine, candidates, seeds_assistant.weights).closest()
    titles = [seeds_engine.papers.title(d) for d in closest]
    assert len(titles) == len(set(titles)) and titles[0].startswith("FuseChat")


def test_text_output_is_wrapped_to_the_width_on_a_terminal_and_plain_when_piped():
    from assistant.render import answer_text
    from retrieval.analysis import Analyzer

    result = run_cli("ask", "How much faster is prefill with mllm-NPU?", "--json")
    from assistant.answering.answer import Answer

    answer = Answer.model_validate_json(result.stdout)
    text = answer_text(answer, [], Analyzer(), color=False, width=40)
    # Lines fit, unless one word alone is longer (an id); words and compounds are never cut.
    for line in text.splitlines():
        assert len(line) <= 40 or len(line.split()) <= 2, line
    assert "end-to-end" in text.split()
    assert set(answer.answer.split()) <= set(text.split())
    piped = run_cli("ask", "How much faster is prefill with mllm-NPU?")
    assert piped.stdout.splitlines()[0] == answer.answer


def test_an_abstention_about_the_paper_asked_of_names_it_as_that_paper(
    seeds_engine, seeds_assistant
):
    """When the paper asked about does not answer, it is listed as the paper asked about, not
    as one of "the closest papers" that do not answer; an abstention on the whole collection
    keeps that heading."""
    from assistant.render import answer_markdown, answer_text

    conversation = Conversation()
    seeds_assistant.ask("What is ADED?", conversation)
    when = seeds_assistant.ask("When was it published?", conversation)
    assert when.abstained and len(when.about) == 1
    assert [r.doc_id for r in when.see_also] == when.about
    for shown in (answer_text(when, [], seeds_engine.analyzer, False), answer_markdown(when)):
        assert "The paper asked about:" in shown and "closest papers" not in shown
    off = ask(seeds_assistant, "Who won the 1998 Tour de France?")
    assert "See also (the closest papers; they do not answer it):" in answer_markdown(off)


def test_a_weak_answer_says_so_in_text_and_json():
    question = "Can computers learn to write programs?"
    payload = json.loads(run_cli("ask", question, "--json").stdout)
    assert payload["weak"] is True and payload["confidence"] < 0.5 and payload["see_also"]
    text = run_cli("ask", question).stdout
    assert "Weak match: the abstract may not answer this well." in text
    assert "The closest other papers:" in text
    strong = json.loads(run_cli("ask", "What is Splitwise?", "--json").stdout)
    assert strong["weak"] is False and strong["see_also"] == []


def test_citations_carry_authors_address_and_version(tmp_path):
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text(
        json.dumps(
            {
                "id": "2401.1",
                "title": "Kestrel: Fast Sparse Attention",
                "abstract": "Kestrel is a sparse attention kernel. It runs three times faster.",
                "authors": ["Ada Lovelace", "Alan Turing"],
                "url": "https://example.org/kestrel",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    result = run_cli("ask", "--corpus", str(corpus), "What is Kestrel?", "--json")
    citation = json.loads(result.stdout)["citations"][0]
    assert citation["authors"] == "Ada Lovelace, Alan Turing"
    assert citation["url"] == "https://example.org/kestrel" and citation["doc_id"] == "2401.1"
    assert citation["version"] is None
    text = run_cli("ask", "--corpus", str(corpus), "What is Kestrel?").stdout
    assert "id 2401.1 · Ada Lovelace, Alan Turing · https://example.org/kestrel" in text


def test_when_and_who_the_abstract_does_not_answer_are_told_from_the_record(tmp_path):
    """An abstract seldom gives its own date or authors; the paper's record may, and the answer
    says so beside saying the abstract does not."""
    records = [
        {
            "id": "k1",
            "title": "Kestrel: Fast Sparse Attention",
            "abstract": "Kestrel is a sparse attention kernel. It runs three times faster.",
            "authors": ["Ada Lovelace", "Alan Turing"],
            "date": "2024-01-15",
        },
        {"id": "b1", "title": "Bridges", "abstract": "Road salt rusts steel in concrete bridges."},
    ]
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    who = assistant.ask("Who wrote Kestrel?", Conversation())
    assert who.abstained and who.answer == (
        "The abstract of “Kestrel: Fast Sparse Attention” does not answer this question. "
        "Its record in the collection lists Ada Lovelace, Alan Turing."
    )
    when = assistant.ask("When was Kestrel published?", Conversation())
    assert when.abstained and when.answer.endswith(
        "Its record in the collection is dated 2024-01-15."
    )
    undated = assistant.ask("When was the bridges paper published?", Conversation())
    assert "record" not in undated.answer


@pytest.mark.parametrize("options", [[], ["--corpus", "telescopes.jsonl"]])
def test_the_chat_without_a_terminal_exits_at_once(tmp_path, options):
    """`assistant`, and `assistant --corpus papers/` (options without a command are the
    chat's), open the chat, which needs a terminal."""
    import subprocess
    import sys

    small_collection(tmp_path, "telescopes", TELESCOPES)
    result = subprocess.run(
        [sys.executable, "-m", "assistant", *options],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=20,
        cwd=tmp_path,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "error: the chat needs a terminal; use `assistant ask`\n"


def test_passages_of_one_article_are_cited_as_documents_not_versions(tmp_path):
    """Passages filed under their article's title say different things: each is a document of
    its own, with no note about versions and no quote pulled from the other passages."""
    passages = [
        (
            "cave-1",
            "Glacier cave",
            "A glacier cave is a cave formed within the ice of a glacier. "
            "Glacier caves are often called ice caves.",
        ),
        (
            "cave-2",
            "Glacier cave",
            "Most glacier caves are formed by water running through or "
            "under the glacier. The water enters the glacier through moulins.",
        ),
        (
            "kelp-1",
            "Kelp forest",
            "A kelp forest is an underwater area with a high density of "
            "kelp. Smaller areas of anchored kelp are called kelp beds.",
        ),
    ]
    corpus = small_collection(tmp_path, "passages", passages)
    engine = Engine.open([corpus], tmp_path / "index")
    assert engine.summary.version_groups == 0
    answer = ask(Assistant(engine), "Where does the water enter the glacier?")
    assert answer.cited_ids == ["cave-2"]
    assert answer.sentences[0].text == "The water enters the glacier through moulins."
    assert not any("version" in note for note in answer.notes)
    assert all(c.version is None for c in answer.citations)


SUMMARIES = [
    (
        "eiffel",
        "Eiffel Tower",
        "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris. It is "
        "named after the engineer Gustave Eiffel, whose company designed and built the tower. It "
        "was constructed from 1887 to 1889 as the entrance arch to the World's Fair.",
    ),
    (
        "wall",
        "Berlin Wall",
        "The Berlin Wall was a guarded concrete barrier that divided Berlin. It was built by the "
        "German Democratic Republic to stop people from fleeing to West Berlin.",
    ),
    (
        "trench",
        "Mariana Trench",
        "The Mariana Trench is an oceanic trench in the western Pacific Ocean. Its deepest point "
        "is about 10,984 metres below sea level.",
    ),
    (
        "press",
        "Printing press",
        "A printing press applies pressure to an inked surface to transfer the ink. Johannes "
        "Gutenberg built the first movable-type press in Mainz around 1440.",
    ),
    (
        "neptune",
        "Neptune",
        "Neptune is the eighth planet from the Sun and the fourth largest in the Solar System. "
        "Neptune has 16 known moons, and Triton is the largest of them.",
    ),
]


def test_a_fact_about_what_the_title_names_is_found_in_any_sentence(tmp_path):
    """Every sentence of "Eiffel Tower" is about the tower, whether it names it or says "It":
    a question asking when it was built is answered by the sentence with the years, not by the
    one that repeats the name."""
    corpus = small_collection(tmp_path, "summaries", SUMMARIES)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    answer = ask(assistant, "when was the eiffel tower built")
    assert answer.cited_ids[0] == "eiffel"
    assert answer.sentences[0].text.startswith("It was constructed from 1887 to 1889")
    answer = ask(assistant, "how deep is the mariana trench")
    assert answer.sentences[0].text == "Its deepest point is about 10,984 metres below sea level."


def test_what_the_x_of_y_is_asks_for_that_thing_not_what_y_is(tmp_path):
    """ "What is the largest moon of Neptune?" is answered by the sentence naming the moon, not
    by the one saying what Neptune is."""
    corpus = small_collection(tmp_path, "summaries", SUMMARIES)
    answer = ask(
        Assistant(Engine.open([corpus], tmp_path / "index")), "what is the largest moon of neptune"
    )
    assert answer.cited_ids[0] == "neptune"
    assert answer.sentences[0].text.startswith("Neptune has 16 known moons, and Triton")


def test_the_measure_of_y_is_asked_as_how_tall_is_and_answered_by_a_number(tmp_path):
    """ "What is the depth of the Mariana Trench?" wants the number, as "How deep is it?" does,
    not the sentence saying what the trench is; and the depth of a lake the collection lacks is
    not answered from the trench's."""
    corpus = small_collection(tmp_path, "summaries", SUMMARIES)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    answer = ask(assistant, "what is the depth of the mariana trench")
    assert answer.sentences[0].text.startswith("Its deepest point is about 10,984 metres")
    assert ask(assistant, "what is the depth of lake baikal").abstained


@pytest.mark.parametrize(
    ("question", "doc", "first"),
    [
        ("How deep is the Mariana Trensh?", "trench", "Its deepest point is about 10,984 metres"),
        ("When was the Eifel Tower built?", "eiffel", "It was constructed from 1887 to 1889"),
    ],
)
def test_a_misspelt_title_is_read_as_the_collection_writes_it(tmp_path, question, doc, first):
    """ "Trensh" finds the entry "Mariana Trench" and stands for its words: the question is
    answered from it, not abstained on for a word no text uses."""
    corpus = small_collection(tmp_path, "summaries", SUMMARIES)
    answer = ask(Assistant(Engine.open([corpus], tmp_path / "index")), question)
    assert not answer.abstained and not answer.weak and answer.cited_ids == [doc]
    assert answer.sentences[0].text.startswith(first)


def test_a_title_many_passages_share_leaves_them_to_the_engine(tmp_path):
    """Naming a topic that heads many passages brings in the passages the engine ranks, not
    every passage under the title: the answer is the same, and quick."""
    from assistant.answering.candidates import CANDIDATE_PAPERS, gather

    filler = "Bakers {} the loaves at dawn and sell them warm at the market by the river."
    words = "shape score proof slash bake cool wrap weigh".split()
    passages = [
        (f"p{i}", "Sourdough", filler.format(words[i % len(words)]) + f" Batch {i}.")
        for i in range(40)
    ]
    passages.append(
        ("starter", "Sourdough", "A sourdough starter is kept alive by feeding it flour and water.")
    )
    corpus = small_collection(tmp_path, "passages", passages)
    engine = Engine.open([corpus], tmp_path / "index")
    assistant = Assistant(engine)
    question, context = assistant.understand(
        "How is a Sourdough starter kept alive?", Conversation()
    )
    assert question.named and len(question.named[0].docs) == 41
    assert len(gather(engine, question, context).papers) <= CANDIDATE_PAPERS
    answer = ask(assistant, "How is a Sourdough starter kept alive?")
    assert answer.cited_ids == ["starter"]


SPEECH = [
    (
        "babel",
        "Babel: Few-Shot Speech Recognisers Go Multilingual",
        "Speech recognisers serve few of the world's languages well. This paper introduces two "
        "recognisers with 90 million and 300 million parameters trained on 45 languages from 12 "
        "language families using radio broadcasts. We reproduce a known architecture and train "
        "it on 64 accelerators in parallel. We detail the data pipeline and train five small "
        "variants to choose the tokenizer. We measure the error rate in all covered languages.",
    ),
    (
        "accents",
        "Accent Robust Recognition for Low-Resource Languages",
        "Accents hurt recognition in low-resource languages. We augment speech with synthetic "
        "accents. Error rates fall by a third in four languages.",
    ),
    (
        "codeswitch",
        "Code-Switching Speech Between Two Languages",
        "Speakers mix languages within one sentence. We collect 200 hours of code-switched "
        "speech and show that joint models beat separate ones.",
    ),
    (
        "tones",
        "Modelling Tones in Tonal Languages",
        "Tonal languages carry meaning in pitch. A pitch encoder lowers tone errors in three "
        "tonal languages.",
    ),
]


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("How many languages does Babel cover?", "This paper introduces two recognisers"),
        ("How many accelerators was Babel trained on?", "We reproduce a known architecture"),
    ],
)
def test_how_many_is_answered_by_the_number_counting_what_is_asked(tmp_path, question, first):
    """Several sentences of the paper hold numbers; the answer is the one whose number counts
    what the question asks about ("45 languages"), even when that word is common in the
    collection and other sentences share more of the question."""
    corpus = small_collection(tmp_path, "speech", SPEECH)
    answer = ask(Assistant(Engine.open([corpus], tmp_path / "index")), question)
    assert answer.cited_ids[0] == "babel"
    assert answer.sentences[0].text.startswith(first)


@pytest.mark.parametrize(
    ("sentence", "holds"),
    [
        ("Trained on 45 languages from 12 language families.", True),
        ("Three trillion tokens of English text.", True),
        ("With 1,000 of the most common languages.", True),
        ("We measure the error rate in all covered languages.", False),
        ("In 2016, languages were few.", False),
        ("Five small variants choose among the languages.", False),
        ("Weights in int4 tokens and fp16 languages.", False),
        ("The GPT-4 tokens.", False),
        ("A Llama-2-7B model read 3.5 tokens each.", True),
    ],
)
def test_a_number_counts_what_stands_just_after_it(sentence, holds):
    from assistant.answering.features import counts
    from retrieval.analysis import Analyzer

    analyzer = Analyzer()
    counted = frozenset(analyzer.token_terms("languages") + analyzer.token_terms("tokens"))
    assert counts(analyzer, sentence, counted) == holds


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        ("It is 3.65 times faster.", True),
        ("We train 1.2B and 2.4B variants.", True),
        ("A 10-20% gain.", True),
        ("Two models agree.", True),
        ("Activations in fp16 with int8 weights.", False),
        ("GPT-4 and OPT-175B are compared.", False),
        ("IL-6 and CD4 levels rose in 2016.", False),
    ],
)
def test_a_quantity_is_a_number_not_digits_inside_a_name(text, measures):
    """A "how much" question is answered by a sentence that measures; digits that are part of a
    name ("fp16", "GPT-4", "IL-6") measure nothing."""
    from assistant.answering.features import has_number

    assert has_number(text) == measures


@pytest.mark.parametrize(
    ("sentence", "introduces"),
    [
        ("In this paper, we propose Orca, a planner for ships.", True),
        ("We further introduce a benchmark.", True),
        ("This paper presents a survey of planners.", True),
        ("In this report, we document Orca, including its design principles.", False),
        ("We validate the effectiveness of the proposed planner.", False),
        ("We begin with an overview of the development of planners.", False),
    ],
)
def test_a_sentence_introduces_the_work_when_its_verb_follows_we(sentence, introduces):
    """ "We propose" introduces the work; "we document X, including its design" does not, though
    "design" lies within a few words of "we"."""
    from assistant.answering.features import answer_type

    assert answer_type("definition", sentence, ["Benchmark"]) == introduces


def test_a_question_about_the_code_is_answered_by_its_link(tmp_path):
    """ "Is the code available?" asks where the code is: the sentence giving the link answers
    it, though a conclusion shares as many of its words."""
    corpus = small_collection(
        tmp_path,
        "code",
        [
            (
                "sieve",
                "SieveNet: Filtering Noisy Labels",
                "We propose SieveNet, a method that filters noisy labels before training. "
                "SieveNet keeps accuracy with half of the labels wrong. Our code and models are "
                "at https://github.com/example/sievenet. We conclude that the code of a filter "
                "matters less than the labels available to it.",
            ),
            (
                "prism",
                "Prism: Splitting Light in Software",
                "We propose Prism, a renderer that splits light by wavelength. Prism renders "
                "rainbows twice as fast. We conclude that the available code paths suffice.",
            ),
        ],
    )
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    for question in ("Is the SieveNet code available?", "Where can I find the SieveNet code?"):
        answer = ask(assistant, question)
        assert answer.citations[0].doc_id == "sieve", question
        assert "github.com/example/sievenet" in answer.sentences[0].text, question


DECODERS = [
    (
        "ead",
        "Dynamic Model Switching for Efficient Inference",
        "We present Entropy Adaptive Decoding (EAD), which switches between a small and a large "
        "model by the entropy of the next token. EAD keeps most of the quality at a third of "
        "the cost.",
    ),
    (
        "edlm",
        "Energy-Based Diffusion Models for Text Generation",
        "Diffusion models generate text in parallel. We propose the Energy-based Diffusion "
        "Language Model (EDLM), which corrects each diffusion step with an energy model. EDLM "
        "approaches autoregressive perplexity.",
    ),
    (
        "moe1",
        "Routing Tokens to Experts",
        "Mixture-of-experts (MoE) layers route each token to a few experts. Our MoE router "
        "balances the load.",
    ),
    (
        "moe2",
        "Unlearning in Sparse Models",
        "Sparse MoE models forget unevenly. We unlearn one expert at a time.",
    ),
]


def test_a_comparison_may_name_papers_by_what_their_abstracts_call_them(tmp_path):
    """Neither title names its system; each abstract does ("(EAD)", "(EDLM)"). A name-like word
    that one paper alone uses names it, so the comparison quotes both papers side by side."""
    corpus = small_collection(tmp_path, "decoders", DECODERS)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    answer = ask(assistant, "compare EAD and EDLM")
    assert not answer.abstained
    assert answer.cited_ids == ["ead", "edlm"]
    assert answer.sentences[0].text.startswith("We present Entropy Adaptive Decoding (EAD)")
    assert answer.sentences[1].text.startswith("We propose the Energy-based Diffusion")
    # A name several papers use names none of them.
    shared = ask(assistant, "compare MoE and EDLM")
    assert shared.kind != "compare"
    # So too where the papers have no titles: untitled papers are not one paper.
    untitled = small_collection(
        tmp_path, "untitled", [(paper_id, "", text) for paper_id, _, text in DECODERS]
    )
    bare = Assistant(Engine.open([untitled], tmp_path / "untitled-index"))
    assert ask(bare, "compare EAD and EDLM").cited_ids == ["ead", "edlm"]
    assert ask(bare, "compare MoE and EDLM").kind != "compare"


@pytest.mark.parametrize(
    "question",
    ["What is the main finding of Pathfinder?", "What did Pathfinder find?"],
)
def test_what_a_named_work_found_is_its_conclusion(telescopes, question):
    """The abstract never says "finding": the question is about Pathfinder, and its finding is
    the sentence that concludes."""
    answer = ask(telescopes, question)
    assert not answer.abstained
    assert answer.cited_ids == ["pathfinder"]
    assert answer.sentences[0].text == (
        "These results suggest that small arrays can find bursts cheaply."
    )


OPTICS = [
    (
        "orbitsim",
        "OrbitSim: Open Source Orbit Simulation for Open Science",
        "OrbitSim is an open source simulator for open science. Its open source code is open "
        "to all, and the source of every orbit is open. Open source tools make open research "
        "possible.",
    ),
    (
        "lens",
        "Lens: Adaptive Optics for Small Telescopes",
        "We present Lens, adaptive optics for small telescopes. Lens corrects blur a hundred "
        "times a second. Atmospheric turbulence smears the images of stars, planets and "
        "galaxies seen from the ground. A deformable mirror bends to undo the smearing, guided "
        "by a wavefront sensor that watches a bright star. Small telescopes rarely carry such "
        "systems because they cost too much. Its designs are open source, and Lens is an open "
        "source project.",
    ),
    (
        "flares",
        "Forecasting Solar Flares with Gradient Boosting",
        "Solar flares disturb satellites. We forecast flares a day ahead through a lens.",
    ),
    (
        "dust",
        "Interstellar Dust Maps from Star Colours",
        "Dust dims starlight. We map dust in three dimensions with a lens.",
    ),
    (
        "mirror",
        "Grinding Mirrors by Hand",
        "A lens or a mirror focuses light. We grind mirrors by hand.",
    ),
    ("pulsar", "Timing Pulsars", "Pulsars keep time. We time forty pulsars."),
    ("comet", "Comet Tails", "Comet tails point away from the Sun. We image ten comets."),
    ("moon", "Lunar Craters", "Craters record impacts. We count craters on the Moon."),
]


def test_a_paper_the_question_names_may_lead_though_another_shares_more_words(tmp_path):
    """ "Is Lens open source?": another entry says "open source" far more often and the engine
    ranks it first, but never mentions Lens. The paper named is among the first few and answers
    better, so it leads."""
    corpus = small_collection(tmp_path, "optics", OPTICS)
    answer = ask(Assistant(Engine.open([corpus], tmp_path / "index")), "Is Lens open source?")
    assert answer.cited_ids == ["lens"]
    assert "Lens is an open source project" in answer.sentences[0].text


def test_a_paper_the_question_does_not_name_never_leads_over_one_it_names(tmp_path):
    """ "How many craters does OrbitSim count?": the lunar entry counts craters and never
    mentions OrbitSim. However close the engine scores them, the answer leans on the paper
    named, and says that its abstract does not answer."""
    corpus = small_collection(tmp_path, "optics", OPTICS)
    engine = Engine.open([corpus], tmp_path / "index")
    question = "How many craters does OrbitSim count?"
    top = {engine.papers.ids[hit.doc] for hit in engine.search(question, 3)}
    assert {"orbitsim", "moon"} <= top
    any_share = fitted_weights().model_copy(update={"lead_share": 0.01})
    answer = ask(Assistant(engine, weights=any_share), question)
    assert "moon" not in answer.cited_ids
    assert answer.abstained
    assert answer.answer.startswith("The abstract of “OrbitSim: ")


def test_a_web_address_does_not_mention_what_its_path_names(tmp_path):
    """ "github.com/example/Zapper" says where the code is: the sentence does not speak of
    Zapper, and the answer quotes the sentences that do."""
    from assistant.answering.features import sentence_table

    records = [
        (
            "zapper",
            "Zapper: Cleaning Radio Telescope Data",
            "Radio telescopes record interference from phones and satellites. We present Zapper, "
            "a tool that removes interference from radio telescope data. Zapper learns a model "
            "of the interference from empty sky and subtracts it. The code is at "
            "https://github.com/example/Zapper.",
        ),
        *OPTICS,
    ]
    corpus = small_collection(tmp_path, "radio", records)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    engine = assistant.engine
    question = assistant.read("How does Zapper learn the interference?")
    table = sentence_table(engine, question, engine.papers.position("zapper"))
    zapper = engine.index.term_id(engine.analyzer.terms("Zapper")[0])
    mentions = [zapper in terms for terms in table.terms]
    assert mentions == [False, True, True, False]
    answer = ask(assistant, "How does Zapper learn the interference?")
    assert all("github" not in s.text for s in answer.sentences)


def test_a_weak_answer_about_the_paper_named_suggests_no_other_papers():
    text = run_cli("ask", "What learning rate does Splitwise use?", "--json").stdout
    answer = json.loads(text)
    assert answer["citations"][0]["title"].startswith("Splitwise")
    assert answer["weak"] is True and answer["see_also"] == []


def test_a_lower_cased_collection_is_quoted_sentence_by_sentence(tmp_path):
    """A collection written without capitals (tokenised, as Cranfield is) is quoted a sentence
    at a time, not a whole abstract at a time."""
    corpus = small_collection(
        tmp_path,
        "lowercase",
        [
            (
                "1",
                "flutter of heated panels .",
                "panel flutter was studied in a wind tunnel at a mach number of 3.0 . the "
                "flutter boundary rose by a third when the panel was heated . thicker panels did "
                "not flutter at all .",
            ),
            (
                "2",
                "boundary layers on cooled walls .",
                "the laminar boundary layer was measured on a cooled flat plate . transition "
                "moved downstream as the wall was cooled .",
            ),
        ],
    )
    result = run_cli(
        "ask",
        "what happened to the flutter boundary when the panel was heated?",
        "--corpus",
        str(corpus),
        "--index-dir",
        str(tmp_path / "index"),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    quoted = [s["text"] for s in json.loads(result.stdout)["sentences"]]
    assert quoted[0] == "the flutter boundary rose by a third when the panel was heated ."
    assert all(text.count(" . ") == 0 for text in quoted)


GLACIERS = [
    (
        "icecam",
        "Watching Glacier Calving with Time-Lapse Cameras",
        "Glacier calving is hard to observe and glacier calving rates are poorly known. We "
        "present IceCam, a network of time-lapse cameras that records glacier calving. IceCam "
        "logged 900 calving events in one summer.",
    ),
    (
        "seismic",
        "Hearing Glacier Calving in Seismic Records",
        "Seismometers near glaciers record many small quakes. We introduce a detector that "
        "finds glacier calving in seismic records. It found calving events missed by "
        "satellites.",
    ),
    (
        "snow",
        "Snow Depth from Drones",
        "Snow depth varies over short distances. We map snow depth with drone lidar.",
    ),
]


def test_a_list_quotes_what_each_paper_brings_to_the_topic(tmp_path):
    """A list answer quotes, for each paper, the sentence in which it puts forward its own work
    on the topic, not a sentence of background that repeats the topic's words."""
    corpus = small_collection(tmp_path, "glaciers", GLACIERS)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    # "Is there a paper on X?" and "any papers on X?" ask for the papers, as "Which papers study
    # X?" does.
    for question in (
        "Which papers study glacier calving?",
        "Is there a paper on glacier calving?",
        "any papers on glacier calving?",
    ):
        answer = ask(assistant, question)
        assert answer.kind == "list"
        assert answer.cited_ids == ["icecam", "seismic"]
        assert [s.text.split(",")[0] for s in answer.sentences] == [
            "We present IceCam",
            "We introduce a detector that finds glacier calving in seismic records.",
        ]


def dated_glaciers(tmp_path):
    """An assistant over the glacier papers, two of them dated: the camera paper in 2021, the
    seismic one in 2024."""
    dates = {"icecam": "2021-06-01", "seismic": "Mar 3, 2024"}
    corpus = tmp_path / "glaciers.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({"id": i, "title": t, "abstract": a, "date": dates.get(i)}) + "\n"
            for i, t, a in GLACIERS
        ),
        encoding="utf-8",
    )
    return Assistant(Engine.open([corpus], tmp_path / "index"))


def test_the_latest_papers_on_a_topic_are_listed_newest_first(tmp_path):
    """ "What are the latest papers on X?" lists the papers on X by the dates the records give,
    newest first (undated last), and says so; "latest" is no word they must use. Asked without
    a topic, it lists the collection's papers newest first."""
    assistant = dated_glaciers(tmp_path)
    plain = ask(assistant, "Which papers study glacier calving?")
    assert plain.cited_ids == ["icecam", "seismic"]
    for question in (
        "What are the latest papers on glacier calving?",
        "Which paper on glacier calving is the most recent?",
        "Which papers on glacier calving came out most recently?",
        "Which papers on glacier calving were released recently?",
    ):
        latest = ask(assistant, question)
        assert latest.kind == "list"
        assert latest.cited_ids == ["seismic", "icecam"]
        assert "Newest first, by the dates the collection gives." in latest.notes
        assert {s.text for s in latest.sentences} == {s.text for s in plain.sentences}
    topicless = ask(assistant, "Which paper is the newest?")
    assert topicless.kind == "list" and topicless.cited_ids == ["seismic", "icecam", "snow"]
    # A topic no abstract speaks of, in plain words, is still a topic: no paper is on it.
    for unused in ("Which papers study citations?", "Which paper has the most citations?"):
        nothing = ask(assistant, unused)
        assert nothing.abstained and nothing.answer.endswith("uses the word “citations”.")
    assert topicless.sentences[0].text == (
        "We introduce a detector that finds glacier calving in seismic records."
    )


@pytest.mark.parametrize(
    "follow_up", ["Which one is the most recent?", "Which one is newer?", "Sort them by date"]
)
def test_a_list_asked_which_is_newest_is_listed_again_newest_first(tmp_path, follow_up):
    """After a list, "Which one is the most recent?" is no question an abstract answers: the
    same list comes again, newest first, and "tell me more" goes on with that list."""
    assistant = dated_glaciers(tmp_path)
    conversation = Conversation()
    listed = assistant.ask("Which papers study glacier calving?", conversation)
    assert listed.cited_ids == ["icecam", "seismic"]
    newest = assistant.ask(follow_up, conversation)
    assert newest.kind == "list" and newest.cited_ids == ["seismic", "icecam"]
    assert "Newest first, by the dates the collection gives." in newest.notes
    more = assistant.ask("tell me more", conversation)
    assert more.abstained and more.answer.startswith("No other papers match as well")


@pytest.mark.parametrize(
    "follow_up", ["Which one is more recent?", "Which is the oldest?", "Which came first?"]
)
def test_which_compared_paper_is_newer_is_told_by_the_dates_of_their_records(tmp_path, follow_up):
    """After a comparison, no abstract says it is newer than another: the records' dates do,
    newest first, and the papers stay those "they" stands for."""
    assistant = dated_glaciers(tmp_path)
    conversation = Conversation()
    assistant.ask("Which papers study glacier calving?", conversation)
    compared = assistant.ask("Compare them", conversation)
    assert compared.kind == "compare" and compared.cited_ids == ["icecam", "seismic"]
    dated = assistant.ask(follow_up, conversation)
    assert dated.answer == (
        "By the dates their records give, newest first: “Hearing Glacier Calving in Seismic "
        "Records” (Mar 3, 2024); “Watching Glacier Calving with Time-Lapse Cameras” "
        "(2021-06-01)."
    )
    assert dated.referred_ids == ["icecam", "seismic"]
    assert [r.doc_id for r in dated.see_also] == ["icecam", "seismic"]


def test_which_compared_paper_is_newer_says_when_the_records_give_no_dates(tmp_path):
    corpus = tmp_path / "glaciers.jsonl"
    corpus.write_text(
        "".join(json.dumps({"id": i, "title": t, "abstract": a}) + "\n" for i, t, a in GLACIERS),
        encoding="utf-8",
    )
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    conversation = Conversation()
    assistant.ask("Which papers study glacier calving?", conversation)
    assistant.ask("Compare them", conversation)
    dated = assistant.ask("Which one is newer?", conversation)
    assert dated.answer == (
        "The records of these papers give them no dates that can be put in order."
    )


@pytest.mark.parametrize(
    ("question", "cited", "period"),
    [
        ("Which papers from 2024 study glacier calving?", ["seismic"], "2024"),
        ("Which papers on glacier calving were published before 2022?", ["icecam"], "before 2022"),
        ("Which papers since June 2021 study glacier calving?", ["icecam", "seismic"], None),
        ("Which papers from Mar 3, 2024 study glacier calving?", ["seismic"], "Mar 3, 2024"),
    ],
)
def test_a_list_from_a_date_holds_the_papers_dated_so(tmp_path, question, cited, period):
    """ "Which papers from 2024 study X?" lists the papers on X whose records are dated in 2024
    (or since, after, before a date), and says so; the date is no word the papers must use."""
    assistant = dated_glaciers(tmp_path)
    answer = ask(assistant, question)
    assert answer.kind == "list" and answer.cited_ids == cited
    expected = f"Only papers whose records are dated {period or 'since June 2021'}."
    assert expected in answer.notes


def test_a_list_from_a_date_no_paper_has_says_so(tmp_path):
    assistant = dated_glaciers(tmp_path)
    none = ask(assistant, "Which papers from 2019 study glacier calving?")
    assert none.abstained
    assert none.answer == "No paper on this in the collection has a record dated 2019."
    topicless = ask(assistant, "Which papers are from 2019?")
    assert topicless.abstained
    assert topicless.answer == "No paper in the collection has a record dated 2019."


DATED_PLACES = [
    "river",
    "desert",
    "forest",
    "glacier",
    "volcano",
    "ocean",
    "cave",
    "island",
    "lake",
    "canyon",
]


def dated_assistant(tmp_path):
    """An assistant over ten papers dated in January 2024, one for each of DATED_PLACES ("We
    present method 0 for river maps."), and one on river maps dated 2019."""
    records = [
        {
            "id": f"p{n}",
            "title": f"Study {n}",
            "date": f"2024-01-{n + 1:02d}",
            "abstract": f"Background on topic {n}. We present method {n} for {place} maps.",
        }
        for n, place in enumerate(DATED_PLACES)
    ]
    records.append(
        {"id": "old", "title": "Old", "date": "2019-05-05", "abstract": "We study river maps."}
    )
    corpus = tmp_path / "dated.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return Assistant(Engine.open([corpus], tmp_path / "index"))


def test_papers_asked_for_by_date_alone_are_listed_newest_first_a_page_at_a_time(tmp_path):
    """ "Which papers are from 2024?" lists the papers whose records are dated so, whatever their
    topic, newest first and each by the sentence putting its work forward; "tell me more" goes
    on with the rest, and says when there are none left. A collection without dates says so."""
    assistant = dated_assistant(tmp_path)
    conversation = Conversation()
    first = assistant.ask("Which papers are from 2024?", conversation)
    assert first.kind == "list" and first.cited_ids == [f"p{n}" for n in range(9, 1, -1)]
    assert first.sentences[0].text == "We present method 9 for canyon maps."
    assert first.matched_papers == 10
    assert "Only papers whose records are dated 2024." in first.notes
    published = ask(assistant, "What was published in 2024?")
    assert published.kind == "list" and published.cited_ids == first.cited_ids
    rest = assistant.ask("tell me more", conversation)
    assert rest.cited_ids == ["p1", "p0"]
    done = assistant.ask("tell me more", conversation)
    assert done.abstained and done.answer.startswith("No other papers match as well")
    # A topic asked of "them" is asked of the whole listing, beyond the papers shown, and
    # keeps its date.
    rivers = Conversation()
    assistant.ask("Which papers are from 2024?", rivers)
    within = assistant.ask("Which of them study river maps?", rivers)
    assert within.kind == "list" and within.cited_ids == ["p0"]
    assert "Only papers whose records are dated 2024." in within.notes
    more = assistant.ask("tell me more", rivers)
    assert more.abstained and more.answer.startswith("No other papers match as well")
    undated = Assistant(Engine.open([small_collection(tmp_path, "g", GLACIERS)], tmp_path / "u"))
    newest = ask(undated, "What are the newest papers?")
    assert newest.abstained and "no dates that can be put in order" in newest.answer


def test_a_date_asked_of_a_lists_papers_keeps_its_topic_and_counts_are_told(tmp_path):
    """ "Which of them are from 2024?" after "Which papers study river maps?" lists the papers
    on river maps dated so (before, each abstract was read for "2024", and none answered);
    "Which ones ..." is "which of them"; "How many are there?" counts what the list matched."""
    assistant = dated_assistant(tmp_path)
    conversation = Conversation()
    rivers = assistant.ask("Which papers study river maps?", conversation)
    assert sorted(rivers.cited_ids) == ["old", "p0"]
    count = assistant.ask("How many are there?", conversation)
    assert count.answer == "2 papers match this list's question closely."
    recent = assistant.ask("Which of them are from 2024?", conversation)
    assert recent.kind == "list" and recent.cited_ids == ["p0"]
    assert "Only papers whose records are dated 2024." in recent.notes
    older = assistant.ask("Which ones were published in 2019?", conversation)
    assert older.kind == "list" and older.cited_ids == ["old"]
    paged = Conversation()
    assistant.ask("Which papers are from 2024?", paged)
    assert assistant.ask("how many of them are there?", paged).answer == (
        "10 papers match this list's question; the list so far shows 8."
    )


def test_a_list_of_entries_that_put_no_work_forward_quotes_each_ones_opening(tmp_path):
    """Listed with no topic, an encyclopedia entry has no sentence putting its own work
    forward: its opening sentence, which says what it is about, is quoted."""
    records = [
        (
            "reef",
            "Great Barrier Reef",
            "The reef lies off Australia. It has many islands. "
            "It is the largest coral reef system on Earth.",
        ),
        (
            "tower",
            "Eiffel Tower",
            "The tower stands in Paris. It is made of iron. "
            "It was the tallest structure in the world.",
        ),
    ]
    assistant = Assistant(Engine.open([small_collection(tmp_path, "e", records)], tmp_path / "i"))
    listed = ask(assistant, "List all papers")
    assert [s.text for s in listed.sentences] == [
        "The reef lies off Australia.",
        "The tower stands in Paris.",
    ]


def test_the_latest_papers_of_an_undated_collection_say_they_have_no_dates(tmp_path):
    corpus = small_collection(tmp_path, "glaciers", GLACIERS)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    latest = ask(assistant, "Show me recent work on glacier calving")
    assert latest.cited_ids == ["icecam", "seismic"]
    assert any("no dates that can be put in order" in note for note in latest.notes)


TRANSLATORS = [
    (
        "polyglot",
        "Polyglot: One Translation Model for Sixty Languages",
        "Translation models usually cover few languages. We train Polyglot, a translation model "
        "for 60 languages. Polyglot translates between languages without English in between.",
    ),
    (
        "babel",
        "Babel: Translating Twelve Languages on a Phone",
        "Phones cannot hold large translation models. We present Babel, a small translation model "
        "that covers 12 languages. Babel translates a sentence in 40 milliseconds on a phone.",
    ),
    (
        "vast",
        "Vast: A Translation Model for Every Language",
        "We present Vast, a translation model that covers hundreds of languages. Vast is "
        "trained on web text.",
    ),
    (
        "wordorder",
        "Word Order and Translation Quality",
        "Languages differ in word order. We measure how word order affects a translation model. "
        "Models translate languages with free word order worse.",
    ),
]


def test_which_paper_counts_the_most_lists_each_papers_own_figure(tmp_path):
    """ "Which model covers the most languages?" is no question one abstract answers: each paper
    that gives a figure for it is quoted with that figure, and the answer says the abstracts do
    not rank them. A paper with no figure, or only a vague one ("hundreds of languages"), is
    left out."""
    corpus = small_collection(tmp_path, "translators", TRANSLATORS)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    answer = ask(assistant, "Which translation model covers the most languages?")
    assert answer.kind == "list"
    assert sorted(answer.cited_ids) == ["babel", "polyglot"]
    assert {s.text for s in answer.sentences} == {
        "We train Polyglot, a translation model for 60 languages.",
        "We present Babel, a small translation model that covers 12 languages.",
    }
    assert any("do not rank the papers" in note for note in answer.notes)


def test_going_on_with_a_list_of_figures_still_asks_for_figures(tmp_path):
    """ "Tell me more" after "which ... the most languages" lists the next papers giving a
    figure, not the next papers about languages."""
    papers = [
        (
            f"model{n}",
            f"Translator {n}: A Translation Model",
            f"We present Translator {n}, a translation model that covers {10 + n} languages. "
            "It runs on one machine.",
        )
        for n in range(10)
    ] + [
        (
            "survey",
            "Translation Models and the Languages They Cover",
            "Translation models cover some languages better than other languages. We survey which "
            "languages translation models cover, and why some languages stay behind.",
        )
    ]
    corpus = small_collection(tmp_path, "translators", papers)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    conversation = Conversation()
    first = assistant.ask("Which translation model covers the most languages?", conversation)
    more = assistant.ask("tell me more", conversation)
    listed = first.cited_ids + more.cited_ids
    assert len(first.cited_ids) == 8
    assert sorted(listed) == [f"model{n}" for n in range(10)]
    assert all("languages" in s.text for s in more.sentences)


def test_the_rest_of_a_list_of_figures_is_found_past_papers_without_one(seeds_assistant):
    """On the seeds, the paper next in the engine's order after the first page gives no
    parameter count; the rest of the list is the papers further on that do."""
    conversation = Conversation()
    first = seeds_assistant.ask("Which model has the most parameters?", conversation)
    more = seeds_assistant.ask("tell me more", conversation)
    assert not more.abstained
    assert more.cited_ids and not set(more.cited_ids) & set(first.cited_ids)
    assert all("parameters" in s.text for s in more.sentences)


def test_a_list_does_not_quote_what_the_topic_is_for_what_a_paper_brings(tmp_path):
    """ "X is an effective method" says what the topic is; a list quotes where each paper puts
    forward its own work ("we propose ...")."""
    assistant = beside_road_salt(
        tmp_path,
        "pruners",
        (
            "slim",
            "Slim: Pruning Language Models Once",
            "Language models keep growing. Pruning is a popular way of pruning weights. "
            "We propose Slim, a one-shot pruning method. Slim keeps most accuracy.",
        ),
    )
    answer = ask(assistant, "Which papers study pruning?")
    assert answer.kind == "list"
    assert [s.text for s in answer.sentences] == ["We propose Slim, a one-shot pruning method."]


def test_a_paper_named_only_by_its_title_is_quoted_for_what_its_title_says(tmp_path):
    """FineQuant's abstract never writes "FineQuant": the question's name matches none of its
    sentences, so the title's words ("fine-grained weight-only quantization") tell them apart,
    not their place in the abstract."""
    assistant = beside_road_salt(
        tmp_path,
        "serving",
        (
            "fine",
            "FineQuant: Fine-Grained Weight-Only Quantization",
            "Large models are costly to serve. Their cost is driven by the memory bandwidth "
            "of decoding. We propose a fine-grained weight-only quantization method. It "
            "halves memory.",
        ),
    )
    answer = ask(assistant, "How does FineQuant work?")
    assert answer.cited_ids == ["fine"]
    assert answer.sentences[0].text == "We propose a fine-grained weight-only quantization method."


def test_what_problem_a_named_work_solves_is_told_by_its_form(tmp_path):
    """ "What problem does Slim solve?": every sentence is about Slim, so its name does not pick
    the sentence; the one stating a problem does, though it never says "problem" or "solve"."""
    assistant = beside_road_salt(
        tmp_path,
        "pruners",
        (
            "slim",
            "Slim: Pruning Language Models Once",
            "Language models keep growing. Serving them is costly, and pruning them needs "
            "retraining. We propose Slim, which prunes language models once. Slim keeps most "
            "accuracy.",
        ),
    )
    for question in ("What problem does Slim solve?", "Why is Slim important?"):
        answer = ask(assistant, question)
        assert answer.cited_ids == ["slim"] and not answer.weak
        assert answer.sentences[0].text == (
            "Serving them is costly, and pruning them needs retraining."
        )


def test_limitations_an_abstract_does_not_state_are_not_made_up(tmp_path):
    """ "What are the limitations of Slim?": the abstract says what earlier methods lack, not
    what Slim lacks, so it does not answer; an abstract that says its own does."""
    corpus = small_collection(
        tmp_path,
        "pruners",
        [
            (
                "slim",
                "Slim: Pruning Language Models Once",
                "Earlier pruning methods have a major limitation: they need retraining. We "
                "propose Slim, which prunes language models once. Slim keeps most accuracy.",
            ),
            (
                "trim",
                "Trim: Pruning Speech Models",
                "We propose Trim, which prunes speech models. One limitation of our method is "
                "that it needs labelled speech. Trim halves model size.",
            ),
        ],
    )
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    slim = ask(assistant, "What are the limitations of Slim?")
    assert slim.abstained
    assert slim.answer.startswith("The abstract of “Slim: Pruning Language Models Once”")
    trim = ask(assistant, "What are the limitations of Trim?")
    assert not trim.abstained
    assert trim.sentences[0].text == (
        "One limitation of our method is that it needs labelled speech."
    )


def test_what_a_corpus_is_made_of_is_answered_where_the_abstract_says_so(tmp_path):
    """ "What sources does Pebble include?": the sentence saying what Pebble is built from
    answers it, not the one using the question's verb."""
    assistant = beside_road_salt(
        tmp_path,
        "corpora",
        (
            "pebble",
            "Pebble: A Corpus for Chat Models",
            "We release Pebble, a corpus for training chat models. Pebble is built from a "
            "mixture of forum posts, news articles and recipes. We include a report on "
            "Pebble sources and licences.",
        ),
    )
    for question in ("What sources does Pebble include?", "What is Pebble made of?"):
        answer = ask(assistant, question)
        assert answer.cited_ids == ["pebble"]
        assert answer.sentences[0].text == (
            "Pebble is built from a mixture of forum posts, news articles and recipes."
        )


def test_a_line_of_index_terms_is_never_quoted(tmp_path):
    """ "Keywords: ..." lists every topic a question on them names, and states nothing."""
    assistant = beside_road_salt(
        tmp_path,
        "trials",
        (
            "calls",
            "Phone Calls and Screening",
            "We randomised women to phone calls or letters. Women called by phone were "
            "screened more often than women sent letters. Keywords: phone calls, letters, "
            "screening, women.",
        ),
    )
    answer = ask(assistant, "Do phone calls or letters get women screened?")
    assert answer.cited_ids == ["calls"]
    quoted = [s.text for s in answer.sentences]
    assert quoted[0] == "Women called by phone were screened more often than women sent letters."
    assert not any(text.startswith("Keywords") for text in quoted)


def test_joined_answers_number_each_paper_once_and_keep_quotes_whole():
    """Two answers joined: the second's papers are numbered after the first's, each paper once,
    and a quote holding "[2]" itself keeps it."""
    from assistant.answering.answer import Answer, AnswerSentence, Citation, joined

    def cite(doc, n):
        return Citation(n=n, doc_id=doc, title=doc.upper(), date=None, source="s")

    def quote(text, doc, n):
        return AnswerSentence(
            text=text, doc_id=doc, title=doc.upper(), sentence_index=0, score=1.0, citation=n
        )

    first = Answer(
        question="q1",
        kind="definition",
        abstained=False,
        answer="A is a kernel [2]. [1]",
        sentences=[quote("A is a kernel [2].", "a", 1)],
        citations=[cite("a", 1)],
        see_also=[],
        confidence=0.9,
    )
    second = Answer(
        question="q2",
        kind="ratio",
        abstained=False,
        answer="B is 2x faster. [1] A too. [2]",
        sentences=[quote("B is 2x faster.", "b", 1), quote("A too.", "a", 2)],
        citations=[cite("b", 1), cite("a", 2)],
        see_also=[],
        confidence=0.6,
    )
    both = joined("q", [first, second])
    assert both.answer == "A is a kernel [2]. [1]\n\nB is 2x faster. [2] A too. [1]"
    assert [(c.doc_id, c.n) for c in both.citations] == [("a", 1), ("b", 2)]
    assert [s.citation for s in both.sentences] == [1, 2, 1]
    assert both.confidence == 0.6 and both.kind == "definition" and not both.abstained


AUTHORED = [
    {
        "id": "c1",
        "title": "Dynamic Routing Between Capsules",
        "abstract": "We present capsule networks. Capsules route by agreement between layers.",
        "authors": "Sara Sabour, Nicholas Frosst, Geoffrey E. Hinton",
        "date": "2017-10-26",
    },
    {
        "id": "c2",
        "title": "Matrix Capsules with EM Routing",
        "abstract": "We propose matrix capsules. Routing uses expectation maximization.",
        "authors": [["Hinton", "Geoffrey", ""], ["Balázs", "Csaba", ""]],
        "date": "2018-02-15",
    },
    {
        "id": "d1",
        "title": "Distilling the Knowledge in a Neural Network",
        "abstract": "We distil an ensemble into one small model.",
        "authors": "Geoffrey Hinton, Oriol Vinyals, Jeff Dean",
        "date": "2015-03-09",
    },
    {
        "id": "a1",
        "title": "Attention Is All You Need",
        "abstract": "We propose the Transformer, based solely on attention.",
        "authors": "Ashish Vaswani, Noam Shazeer",
        "date": "2017-06-12",
    },
    {
        "id": "x1",
        "title": "Capsule Graph Networks",
        "abstract": "We apply capsules to graphs. Capsule routing helps graph classification.",
        "authors": "Zhang Xinyi, Lihui Chen",
        "date": "2019-01-01",
    },
]


def test_a_list_by_an_author_holds_only_the_papers_whose_records_list_them(tmp_path):
    """ "Which papers by Hinton study capsules?" lists the papers on capsules whose records list
    Hinton among their authors (any spelling of the entry that has his name's words, accents
    aside), and says so; with no topic, all of them, newest first. "By" before a word no author
    has is an ordinary word of the question."""
    corpus = tmp_path / "authored.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in AUTHORED), encoding="utf-8")
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    capsules = ask(assistant, "Which papers by Hinton study capsules?")
    assert capsules.kind == "list" and sorted(capsules.cited_ids) == ["c1", "c2"]
    assert "Only papers whose records list Hinton among their authors." in capsules.notes
    assert ask(assistant, "Which papers study capsules?").cited_ids.count("x1") == 1
    everything = ask(assistant, "List the papers by Geoffrey Hinton")
    assert everything.cited_ids == ["c2", "c1", "d1"]
    assert ask(assistant, "What did Hinton write?").cited_ids == ["c2", "c1", "d1"]
    conversation = Conversation()
    assistant.ask("What did Hinton write?", conversation)
    his = assistant.ask("Which of them study capsules?", conversation)
    assert sorted(his.cited_ids) == ["c1", "c2"]
    assert ask(assistant, "What has Vaswani published?").cited_ids == ["a1"]
    assert ask(assistant, "papers written by Vaswani").cited_ids == ["a1"]
    assert ask(assistant, "Which papers by Balazs study capsules?").cited_ids == ["c2"]
    undated = ask(assistant, "Which papers by Hinton are from 2016?")
    assert undated.answer == "No paper in the collection has a record dated 2016."
    none = ask(assistant, "Which papers by Hinton study attention?")
    assert none.abstained
    assert none.answer == "No paper on this in the collection lists Hinton among its authors."
    routing = ask(assistant, "Which papers explain routing by agreement?")
    assert routing.cited_ids[0] == "c1"
    assert not any("authors" in note for note in routing.notes)


def test_the_papers_someone_wrote_are_listed_however_the_question_names_the_writer(tmp_path):
    """ "Which papers did Hinton write?", "Hinton's papers", "papers listing Hinton as an
    author", "Did Hinton write about capsules?": the papers whose records list him, as for
    "papers by Hinton". A possessive that names no author is an ordinary word of the
    question."""
    corpus = tmp_path / "authored.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in AUTHORED), encoding="utf-8")
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    for question in (
        "Which papers did Hinton write?",
        "Which papers has Geoffrey Hinton authored?",
        "Hinton's papers",
        "List Hinton's papers",
        "Which papers list Hinton as an author?",
        "Which papers is Hinton an author of?",
    ):
        answer = ask(assistant, question)
        assert answer.kind == "list" and answer.cited_ids == ["c2", "c1", "d1"], question
        assert any(n.endswith("Hinton among their authors.") for n in answer.notes)
    for question in (
        "Did Hinton write about capsules?",
        "Has Hinton written about capsules?",
        "Which of Hinton's papers study capsules?",
    ):
        assert sorted(ask(assistant, question).cited_ids) == ["c1", "c2"], question
    assert ask(assistant, "Which paper did Vaswani write?").cited_ids == ["a1"]
    # The abstracts do not say who an author is; the papers they wrote do.
    who = ask(assistant, "Who is Geoffrey Hinton?")
    assert who.kind == "list" and who.cited_ids == ["c2", "c1", "d1"]
    assert ask(assistant, "Who is Turing?").abstained  # no author of the collection


def test_what_else_someone_wrote_leaves_out_the_paper_just_spoken_of(tmp_path):
    corpus = tmp_path / "authored.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in AUTHORED), encoding="utf-8")
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    for question in ("What else did Hinton write?", "Which other papers did Hinton write?"):
        conversation = Conversation()
        assistant.ask("What are matrix capsules?", conversation)
        assert assistant.ask(question, conversation).cited_ids == ["c1", "d1"], question
    conversation = Conversation()
    assistant.ask("What is the Transformer?", conversation)
    alone = assistant.ask("What else has Vaswani published?", conversation)
    assert alone.abstained
    assert alone.answer == "No other paper in the collection lists Vaswani among its authors."


def test_who_wrote_a_paper_whose_record_lists_no_one_says_neither_does(tmp_path):
    """A record with no authors (the seeds' listing pages name none): "Who wrote it?" says that
    neither the abstract nor the record answers, rather than only that the abstract does not."""
    records = [
        {"id": "r1", "title": "Road Salt", "abstract": "Road salt rusts the steel of bridges."},
        {"id": "b1", "title": "Bees", "abstract": "Bees dance to show where flowers are."},
    ]
    corpus = tmp_path / "nameless.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    conversation = Conversation()
    assistant.ask("What is Road Salt about?", conversation)
    answer = assistant.ask("Who wrote it?", conversation)
    assert answer.abstained and answer.about == ["r1"]
    assert answer.answer == (
        "The abstract of “Road Salt” does not answer this question. "
        "Its record in the collection lists no authors either."
    )


def test_who_wrote_a_paper_is_told_from_its_record(tmp_path):
    """ "Who are its authors?", "What are the authors of X?", "Who wrote the paper on Y?": the
    abstract does not name them, the record lists them. Where the record lists no one, a
    sentence may say who wrote what the text is about ("written by William Shakespeare")."""
    records = [
        *AUTHORED,
        {
            "id": "h1",
            "title": "Hamlet",
            "abstract": "Hamlet is a tragedy written by William Shakespeare around 1600.",
        },
    ]
    corpus = tmp_path / "authored.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    listed = "Its record in the collection lists Geoffrey Hinton, Oriol Vinyals, Jeff Dean."
    conversation = Conversation()
    assistant.ask("What is Distilling the Knowledge in a Neural Network about?", conversation)
    for question in (
        "Who are its authors?",
        "who are the authors?",
        "Who wrote it?",
        "Who's behind it?",
    ):
        answer = assistant.ask(question, conversation)
        assert answer.abstained and answer.answer.endswith(listed), question
        assert answer.about == ["d1"] and not answer.sentences
    for question in (
        "What are the authors of Distilling the Knowledge in a Neural Network?",
        "authors of Distilling the Knowledge in a Neural Network?",
        "Who wrote the paper on distilling an ensemble?",
    ):
        answer = ask(assistant, question)
        assert answer.answer.endswith(listed) and answer.about == ["d1"], question
    # Of several papers, each one's record.
    both = Conversation()
    assistant.ask("Compare Dynamic Routing Between Capsules and Attention Is All You Need", both)
    theirs = assistant.ask("Who wrote them?", both)
    assert theirs.abstained and theirs.about == ["c1", "a1"]
    assert theirs.answer == (
        "The abstracts do not name their authors. "
        "The record of “Dynamic Routing Between Capsules” lists Sara Sabour, Nicholas Frosst, "
        "Geoffrey E. Hinton. "
        "The record of “Attention Is All You Need” lists Ashish Vaswani, Noam Shazeer."
    )
    listed = Conversation()
    assistant.ask("Which papers study capsules?", listed)
    each = assistant.ask("Who wrote them?", listed)
    assert each.answer.startswith("The abstracts do not name their authors. The record of “")
    assert "Zhang Xinyi, Lihui Chen" in each.answer and not each.sentences
    unsigned = Conversation()
    assistant.ask("Compare Hamlet and Attention Is All You Need", unsigned)
    one_listed = assistant.ask("Who wrote them?", unsigned).answer
    assert "The record of “Hamlet” names no authors." in one_listed
    nothing = ask(assistant, "Who wrote the paper on quantum chromodynamics?")
    assert nothing.abstained and "record" not in nothing.answer
    hamlet = ask(assistant, "Who wrote Hamlet?")
    assert not hamlet.abstained and "William Shakespeare" in hamlet.sentences[0].text


def test_a_list_by_an_author_in_a_collection_without_authors_says_it_has_none(tmp_path):
    records = [
        ("truss", "Truss Bridges", "We inspect truss bridges with Drones and sensors."),
        ("salt", "Road Salt", "Road salt corrodes bridges in winter."),
    ]
    assistant = Assistant(Engine.open([small_collection(tmp_path, "b", records)], tmp_path / "i"))
    for question in (
        "Which papers by Hinton study bridges?",
        "What did Hinton write?",
        "Hinton's papers",
        "Did Hinton write about bridges?",
    ):
        answer = ask(assistant, question)
        assert answer.abstained
        assert answer.answer.startswith("The records of this collection name no")
    # A word the abstracts use after "by" is no author's name.
    drones = ask(assistant, "Which papers inspect bridges by Drones?")
    assert drones.cited_ids == ["truss"]


TEETH = [
    (
        "varnish",
        "",
        "Fluoride varnish may prevent caries in children. We ran a two-year trial of fluoride "
        "varnish in primary schools. Pupils were recruited from twelve schools in Nova Scotia. "
        "Varnish halved new caries over the trial. Fluoride varnish is cheap and safe.",
    ),
    (
        "sealant",
        "",
        "Sealants protect molars from caries. We followed 300 children with sealed molars for "
        "five years. Sealed molars had fewer cavities. Sealants should be offered to every child.",
    ),
]


@pytest.mark.parametrize(
    "question",
    ["Where was the fluoride varnish trial done?", "Where was the fluoride varnish trial held?"],
)
def test_where_opens_with_the_sentence_naming_a_place(tmp_path, question):
    """The sentence naming where ("... recruited from twelve schools in Nova Scotia") opens,
    though the trial's own words stand in another; "done" is no word the abstract must use."""
    corpus = small_collection(tmp_path, "teeth", TEETH)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    answer = assistant.ask(question, Conversation())
    assert not answer.abstained and answer.citations[0].doc_id == "varnish"
    assert answer.sentences[0].text.endswith("twelve schools in Nova Scotia.")


def _abstracts_concluding(where: str) -> list[tuple[str, str, str]]:
    """Twenty abstracts of four sentences, each stating its conclusion last or second."""
    records = []
    for i in range(20):
        topic = f"alloy{i}"
        plain = [
            f"We study the {topic} beams under load.",
            f"We tested {i + 3} beams in a rig.",
            "The rig held the beams at both ends.",
        ]
        conclusion = f"These results suggest that {topic} beams bend less."
        sentences = [*plain, conclusion] if where == "last" else [plain[0], conclusion, *plain[1:]]
        records.append((f"d{i}", f"The {topic} beams", " ".join(sentences)))
    return records


def test_a_judgement_weighs_the_last_place_as_the_collection_concludes_there(tmp_path):
    """Abstracts that close on their conclusion make the last place count for a yes/no
    question; where they conclude anywhere, it counts for nothing. Two abstracts are too few
    to tell: however they close, they are taken to have the habit abstracts commonly have."""
    from assistant.answering.features import COMMON_HABIT, concluding_last

    habits = {}
    for where in ("last", "second"):
        for size in (20, 2):
            records = _abstracts_concluding(where)[:size]
            corpus = small_collection(tmp_path, f"{where}{size}", records)
            engine = Engine.open([corpus], tmp_path / f"index-{where}{size}")
            habits[where, size] = concluding_last(engine)
    assert habits["last", 20] > 1.5
    assert habits["second", 20] == 0.0
    for where in ("last", "second"):
        assert abs(habits[where, 2] - COMMON_HABIT) < abs(habits[where, 20] - COMMON_HABIT)


def test_the_weak_match_note_speaks_of_one_abstract_or_several():
    from types import SimpleNamespace

    from assistant.render import weak_match

    def cited(*ids):
        return SimpleNamespace(citations=[SimpleNamespace(doc_id=i) for i in ids])

    assert weak_match(cited("a")) == "Weak match: the abstract may not answer this well."
    assert weak_match(cited("a", "a")) == "Weak match: the abstract may not answer this well."
    assert weak_match(cited("a", "b")) == "Weak match: the abstracts may not answer this well."


WEAVING = [
    (
        "loom",
        "Loom: Weaving Patterns from Photographs",
        "Designers sketch weaving patterns and choose shades by hand, using charts. Loom turns a "
        "photograph into a weaving pattern. It clusters the colours of the photograph into yarn "
        "shades and maps each cluster to a weave. Weavers found the patterns faithful.",
    ),
    (
        "kiln",
        "Kiln: Drying Timber with Waste Heat",
        "Timber drying consumes much of a sawmill's energy. We present Kiln, a drying schedule "
        "for sawmills. Kiln recovers waste heat from the boilers through a loop of heat "
        "exchangers. Drying time fell by a third.",
    ),
]


def test_how_a_work_does_something_is_not_told_by_words_of_means(tmp_path):
    """ "by hand, using charts" says how designers work, not how Loom chooses its shades: words
    of means stand in as many sentences that do not answer "how" as in those that do."""
    corpus = small_collection(tmp_path, "weaving", WEAVING)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    answer = assistant.ask("How does Loom choose yarn shades?", Conversation())
    assert answer.sentences[0].text.startswith("It clusters the colours of the photograph")


def test_a_bare_how_goes_on_with_the_paper_just_given(tmp_path):
    """ "How?" after "What is Kiln?" asks how it works, which no cue shows: the paper's best
    sentences not yet quoted answer it."""
    corpus = small_collection(tmp_path, "weaving", WEAVING)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    conversation = Conversation()
    first = assistant.ask("What is Kiln?", conversation)
    how = assistant.ask("How?", conversation)
    assert not how.abstained
    assert how.cited_ids == ["kiln"]
    assert not {s.text for s in how.sentences} & {s.text for s in first.sentences}


def test_a_bare_how_after_a_methods_answer_goes_on_with_it(tmp_path):
    """ "How?" after "What techniques does it use?" asks how again: how they work, beyond what
    was quoted, not how "techniques" are used, words Kiln's abstract never writes."""
    corpus = small_collection(tmp_path, "weaving", WEAVING)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    conversation = Conversation()
    assistant.ask("What is Kiln?", conversation)
    methods = assistant.ask("What techniques does it use?", conversation)
    how = assistant.ask("How?", conversation)
    assert methods.cited_ids == how.cited_ids == ["kiln"]
    assert not {s.text for s in how.sentences} & {s.text for s in methods.sentences}
