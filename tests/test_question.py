"""Reading questions: kinds, named papers (with typos), corrections, back-references."""

import pytest
from conftest import small_collection

from assistant.answering.forms import (
    as_choice_between_given,
    asked_anew,
    asks_which_is_better,
    bare_question_word,
    question_kind,
    refers_to_previous,
    similar_asked,
)
from assistant.answering.question import read_question
from assistant.conversation import Assistant, Conversation
from retrieval.engine import Engine
from retrieval.names import system_name


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("What is Splitwise?", "definition"),
        ("Tell me about the Dolma corpus", "definition"),
        ("How many languages does mGPT cover?", "quantity"),
        ("What speedup does Chimera report?", "ratio"),
        ("How does LightSeq partition the sequence?", "method"),
        ("Which papers study pruning of LLMs?", "list"),
        ("How many papers study pruning?", "list"),
        # What a work brings is what it proposes.
        ("What are the main contributions of MetaTool?", "definition"),
        ("What is the key idea of dropout?", "definition"),
        ("List papers about tool use", "list"),
        ("Does ordering matter for sets?", "yesno"),
        # The opening words decide before number words do.
        ("Can a network learn which weights to zero out so that it runs faster?", "yesno"),
        ("Is there a test of how often chatbots make things up?", "yesno"),
        ("How does model size affect how well it generalises?", "method"),
        # The methods of the work spoken of, not a list of papers.
        ("Which methods did the authors use?", "method"),
        ("What techniques does it use?", "method"),
        ("What approach did they take?", "method"),
        ("Which methods use it?", "list"),
        ("What methods do papers on pruning use?", "list"),
        ("Which methods do LLMs use to reason?", "list"),
        # Why the work was made at all: the problem it answers.
        ("Why did they build it?", "problem"),
        ("Why was it made?", "problem"),
        ("Why did they use GPT-4?", "why"),
        ("How well does the approximation predict pressures?", "finding"),
        ("How much faster is prefill with mllm-NPU?", "ratio"),
        ("How tall is the Pathfinder mast?", "quantity"),
        ("How many times was the trial repeated?", "quantity"),
        ("How many times larger is the model than GPT-2?", "ratio"),
        ("How much memory does it need?", "quantity"),
        # A measure in the superlative chooses by a figure, which a number gives.
        ("Which river is the longest?", "quantity"),
        ("Which one is the fastest?", "quantity"),
        ("How old is the oldest pulsar?", "quantity"),
        ("Why do nearest neighbor LMs work?", "why"),
        ("tell me more", "more"),
        ("What are the stages of its training scheme?", "other"),
        # A final preposition asks something else about the thing than what it is.
        ("What are telescope mirrors made of?", "composition"),
        ("What is the Karoo array used for?", "other"),
        ("Who is the Karoo array named after?", "who"),
        ("In which year was the Karoo array built?", "when"),
        ("What century is the manuscript from?", "when"),
        ("What is a radio telescope?", "definition"),
        ("What is Chain of Thought?", "definition"),
        ("What does the Karoo array do?", "definition"),
        ("What does the array do with the signals?", "other"),
        # "the X of Y" asks for a particular thing about Y.
        ("What is the boiling point of water?", "other"),
        ("What is the largest moon of Neptune?", "other"),
        # ... and "the height of Y" is a measure of Y, which a number gives.
        ("What is the height of the Eiffel Tower?", "quantity"),
        # A study's title asks yes or no after its topic.
        ("Double balloon enteroscopy: is it efficacious and safe?", "yesno"),
        ("Night shifts for junior doctors. Do they raise error rates?", "yesno"),
        ("Falls in older adults--are there warning signs?", "yesno"),
        ("May nurses replace doctors at triage?", "yesno"),
        # Without a question word, a question asks yes or no.
        ("Coffee: a new risk factor for migraine?", "yesno"),
        # Where the code or the models are: a link answers it.
        ("Is the code available?", "pointer"),
        ("Where can I find the implementation?", "pointer"),
        ("Did they release the weights?", "pointer"),
        ("Is it open source?", "pointer"),
        # What a work answers: the problem before it, told by its form.
        ("What problem does Splitwise solve?", "problem"),
        ("What challenges does the method address?", "problem"),
        ("What is the motivation for Dolma?", "problem"),
        ("Why does it matter?", "problem"),
        ("Why is Dolma important?", "problem"),
        ("What is the significance of Dolma?", "problem"),
        ("Why does pruning need retraining?", "why"),
        ("What are the main problems?", "definition"),
        # What a work cannot do, which an abstract seldom says.
        ("What are the limitations of Splitwise?", "limitation"),
        ("What are its drawbacks?", "limitation"),
        # What something is made of: where its abstract says so.
        ("What is Dolma made of?", "composition"),
        ("What sources does Dolma include?", "composition"),
        ("What does the benchmark consist of?", "composition"),
        ("What are the components of Splitwise?", "composition"),
        ("What does LongWriter-6k contain?", "composition"),
        # What a survey covers is a list of topics, not what it is made of.
        ("What topics does the survey cover?", "other"),
        ("What is Dolma?", "definition"),
        # Whether there is a paper on a topic: the papers answer it.
        ("Is there a paper on speculative decoding?", "list"),
        ("Are there any studies of quantization?", "list"),
        ("Is there a simple way to spread a model over many GPUs?", "yesno"),
        ("Has LongWriter been open-sourced?", "pointer"),
        # Open-source models as a topic are no question of where a work's code is.
        ("Are open-source models better?", "yesno"),
        # Data "available on" a topic are studies of it, not a download.
        ("What experimental data are available for cylinders in bending?", "other"),
        ("Can it generate code?", "yesno"),
        ("Gradient boosting for flare forecasts?", "yesno"),
        ("Splitwise?", "other"),
        ("Dolma dataset?", "other"),
        ("Gradient boosting for flare forecasts", "other"),
        ("Boosting for flares: which data does it use?", "other"),
        ("When was the Dolma corpus released?", "when"),
        ("Where were the patients recruited?", "where"),
        ("Who proposed speculative decoding first?", "who"),
        # What a work found.
        ("What did Splitwise find?", "finding"),
        ("What is the main finding of the Dolma paper?", "finding"),
        ("What are LightSeq's results?", "finding"),
        ("What does the Karoo survey show?", "finding"),
        ("What did they conclude?", "finding"),
        ("What results does it report on MATH?", "other"),
        ("What does the array do with the signals?", "other"),
    ],
)
def test_kind_from_the_form_of_the_question(text, kind):
    assert question_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "of_a_topic"),
    [
        ("Which methods does Chimera use?", "list"),
        ("What strategy does the LightSeq system adopt?", "other"),
    ],
)
def test_the_methods_a_named_work_uses_are_its_method(text, of_a_topic):
    """Of a work the question names, the methods it uses are how it works; of a topic, "which
    methods" asks for the papers on it, each with its own."""
    assert question_kind(text, n_named=1) == "method"
    assert question_kind(text) == of_a_topic


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Why?", "why"),
        ("and how so?", "how"),
        ("Why is that?", "why"),
        ("When?", "when"),
        ("Why is quantization hard?", None),
        ("How does it work?", None),
    ],
)
def test_a_bare_question_word(text, word):
    assert bare_question_word(text) == word


@pytest.mark.parametrize(
    ("question", "word", "anew"),
    [
        ("Who discovered penicillin?", "when", "When discovered penicillin?"),
        ("Is merging beneficial for reasoning?", "why", "Why is merging beneficial for reasoning?"),
        ("and how many GPUs does it use?", "why", "Why GPUs does it use?"),
    ],
)
def test_a_question_asked_anew_keeps_its_subject(question, word, anew):
    assert asked_anew(question, word) == anew


def test_comparison_needs_two_papers():
    assert question_kind("Compare Splitwise and BlockLLM", n_named=2) == "compare"
    assert question_kind("compare it with Redco", n_named=1, refers_back=True) == "compare"
    assert (
        question_kind(
            "What perplexity does MaskLLM reach compared with the dense model?", n_named=1
        )
        == "quantity"
    )


def test_system_names_come_from_titles():
    assert system_name("Splitwise: Efficient generative LLM inference") == "Splitwise"
    assert (
        system_name("Distilling Step-by-Step! Outperforming Larger Models")
        == "Distilling Step-by-Step"
    )
    assert system_name("A Survey of Large Language Models") is None
    assert system_name("This Title Has Far Too Many Words Before: Colon") is None


def read(engine, assistant, text):
    return read_question(engine, assistant.names, text, assistant.glossary)


def titles(engine, question):
    return [engine.papers.title(d) for d in question.named_docs]


def test_names_are_found_even_misspelt(seeds_engine, seeds_assistant):
    assert titles(seeds_engine, read(seeds_engine, seeds_assistant, "what is splitwize"))[
        0
    ].startswith("Splitwise")
    assert titles(seeds_engine, read(seeds_engine, seeds_assistant, "how does eazyquant work"))[
        0
    ].startswith("EasyQuant")
    q = read(seeds_engine, seeds_assistant, "What did FuseChat fuse?")
    assert len(q.named_docs) == 2  # both versions of the paper
    assert read(seeds_engine, seeds_assistant, "What is the language ranker?").named


def test_a_name_two_edits_away_is_another_name_not_a_typo(tmp_path):
    """ "MiniCPM", absent from the collection, is not "MiniPLM" misspelt (two letters differ
    in seven); "MiniPLN" is."""
    records = [
        ("a", "MiniPLM: Knowledge Distillation for Pre-training", "We distil a small model."),
        ("b", "Splitwise: Efficient Inference", "We split inference into two phases."),
    ]
    engine = Engine.open([small_collection(tmp_path, "names", records)], tmp_path / "index")
    assistant = Assistant(engine)
    assert not read(engine, assistant, "How large are the MiniCPM models?").named
    assert titles(engine, read(engine, assistant, "How large are the MiniPLN models?")) == [
        records[0][1]
    ]


def test_a_paper_is_named_by_words_of_its_title_before_paper(tmp_path):
    """ "The Butterfly Effect paper" names the one paper whose title holds those words in that
    order, though its abstract never repeats them; words that two titles hold, a single plain
    word, or an ordinal ("the first paper") name none."""
    records = [
        (
            "edit",
            "The Butterfly Effect of Model Editing: Few Edits Break Models",
            "One edit can make a language model collapse. We conclude that editing is risky.",
        ),
        ("merge", "Model Merging at Scale", "We merge many models into one."),
        ("merge2", "Faster Model Merging with Sparse Masks", "Sparse masks speed merging."),
        ("lego", "Merging LoRAs like Playing LEGO", "Rank-wise clusters merge adapters."),
    ]
    engine = Engine.open([small_collection(tmp_path, "titles", records)], tmp_path / "index")
    assistant = Assistant(engine)
    for question in ("What did the Butterfly Effect paper find?", "the butterfly effect paper"):
        assert titles(engine, read(engine, assistant, question)) == [records[0][1]], question
    assert titles(engine, read(engine, assistant, "Is the LEGO paper good?")) == [records[3][1]]
    for question in (
        "What does the model merging paper propose?",  # two titles hold "model merging"
        "What did the first paper find?",
        "What did the scale paper find?",  # one plain word
    ):
        assert not read(engine, assistant, question).named, question
    answer = assistant.ask("What did the Butterfly Effect paper find?", Conversation())
    assert not answer.abstained
    assert answer.citations[0].doc_id == "edit"
    assert "We conclude that editing is risky." in answer.answer


def test_common_word_names_need_their_own_capitals(seeds_engine, seeds_assistant):
    assert not read(seeds_engine, seeds_assistant, "Which was the first model to do this?").named
    assert titles(seeds_engine, read(seeds_engine, seeds_assistant, "How fast is FIRST?"))[
        0
    ].startswith("FIRST")


def test_typos_are_corrected_only_where_the_vocabulary_lacks_the_word(
    seeds_engine, seeds_assistant
):
    q = read(seeds_engine, seeds_assistant, "how many lanugages does the model suport")
    assert q.corrections == {"lanugages": "languag", "suport": "support"}
    # Known words stay as they are; short unknown words are more often real words than typos.
    q = read(seeds_engine, seeds_assistant, "can models reach the moon")
    assert q.corrections == {} and "reach" in q.unknown


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("traning", "train"),  # a missing letter, where the stems differ ("trane")
        ("decodng", "decod"),
        ("relase", "releas"),  # a missing letter before a wrong one ("relate")
        ("modles", "model"),  # two letters swapped
        ("alignmnet", "align"),
    ],
)
def test_a_word_one_edit_from_a_word_of_the_collection_is_read_as_it(
    seeds_engine, seeds_assistant, typed, meant
):
    q = read(seeds_engine, seeds_assistant, f"Which papers improve {typed}?")
    assert q.corrections == {typed: meant}


@pytest.mark.parametrize(
    "question",
    [
        "Help me find papers on quantization",
        "Summarize quantization",
        "Please explain quantization",
    ],
)
def test_a_request_opening_the_question_is_not_what_it_is_about(
    seeds_engine, seeds_assistant, question
):
    assert [c.word for c in read(seeds_engine, seeds_assistant, question).concepts] == [
        "quantization"
    ]


def test_asking_for_the_contributions_of_x_is_asking_about_x(seeds_engine, seeds_assistant):
    """ "The main contributions of MetaTool" are what MetaTool proposes: the words asking for
    them are not what the question is about, or a paper would need the word "contributions"."""
    question = "What are the main contributions of MetaTool?"
    read_ = read(seeds_engine, seeds_assistant, question)
    assert [c.word for c in read_.concepts] == ["MetaTool"]
    answer = seeds_assistant.ask(question, Conversation())
    assert not answer.abstained
    assert answer.answer == seeds_assistant.ask("What is MetaTool?", Conversation()).answer


def test_a_typo_is_never_read_as_a_word_only_removed_papers_used(tmp_path):
    """Removing a paper leaves its words in the vocabulary with no live papers: a misspelling
    of one is read as a word the collection still uses, or left as it is."""
    records = [
        ("quant", "Quantization on Phones", "We quantize language models for phones."),
        ("bells", "Xylophones", "The xylophonist measured the resonance of xylophones."),
        ("route", "Routing Requests", "We route requests to save money."),
    ]
    corpus = small_collection(tmp_path, "removed", records)
    Engine.open([corpus], tmp_path / "index")
    corpus = small_collection(tmp_path, "removed", [records[0], records[2]])
    engine = Engine.open([corpus], tmp_path / "index")
    assistant = Assistant(engine)
    assert engine.index.sorted_terms.position("xylophon") >= 0  # still in the vocabulary
    assert read(engine, assistant, "How loud are xylophonez?").corrections == {}
    assert read(engine, assistant, "How do we qantize models?").corrections == {
        "qantize": "quantiz"
    }


@pytest.mark.parametrize(
    "question",
    [
        "How many cameras are on a submarine?",  # "summary" is two letters off
        "What do parents think of chatbots?",  # "patent" is one
        "What does HumanEval measure?",  # a name is no dictionary word misspelt
    ],
)
def test_an_english_word_or_a_name_is_not_read_as_another_word(
    seeds_engine, seeds_assistant, question
):
    assert read(seeds_engine, seeds_assistant, question).corrections == {}


def test_a_short_slip_of_the_keyboard_is_no_specialist_term(seeds_engine, seeds_assistant):
    """A short unknown word that is not English ("splt") is more often a typo than a term the
    collection lacks: it weighs as a plain word, and the answer stands as it would without it."""
    slip = "How does Splitwise splt the phases?"
    q = read(seeds_engine, seeds_assistant, slip)
    assert "splt" in q.unknown and not any(c.specialist for c in q.concepts)
    term = read(seeds_engine, seeds_assistant, "How does Splitwise affect xerostomia?")
    assert [c.word for c in term.concepts if c.specialist] == ["xerostomia"]
    typed = seeds_assistant.ask(slip, Conversation())
    clean = seeds_assistant.ask("How does Splitwise split the phases?", Conversation())
    assert not typed.abstained and not typed.weak
    assert typed.citations[0].doc_id == clean.citations[0].doc_id


@pytest.mark.parametrize(
    ("text", "refers_back"),
    [
        ("How can a model handle texts longer than anything it saw in training?", False),
        ("Are chatbots better at applying rules they are given?", False),
        ("In theory, why do models need text split into pieces before they read it?", False),
        ("What dataset did they use?", True),
        ("How many GPUs did they use?", True),
        ("What is its main limitation?", True),
        ("Is there a way to make it faster?", True),
        ("Compared with LoRA, how does it do?", True),
        ("Does this method need labels, or can a model learn without them?", True),
        ("Can a model pick an outside tool, and which one to use?", False),
        ("Which one is faster?", True),
        ("Do any of them release code?", True),
        ("Does each of them use RLHF?", True),
        ("Can a network learn which of its weights to zero out?", False),
        # An object pronoun never stands for the subject of its own clause.
        ("Would a bigger model benefit from it?", True),
        ("Can a small model be trained with it?", True),
        ("Is a big network better for a small network that imitates it?", False),
        ("How can text generators be stopped without retraining them?", False),
        # A possessive after the papers a question asks about is theirs.
        ("Which papers release their code?", False),
        ("What models share their weights?", False),
        ("What other papers cite their work?", True),
        ("What about its limitations?", True),
        ("Which one releases its code?", True),
        ("Which of them release their code?", True),
    ],
)
def test_a_pronoun_refers_back_unless_the_question_introduces_what_it_stands_for(text, refers_back):
    assert refers_to_previous(text) is refers_back


@pytest.mark.parametrize(
    ("text", "refers_back"),
    [
        ("What is Splitwise and how much faster is it?", False),
        ("What is Splitwise and what are its limitations?", False),
        # An object pronoun, or one with no clause break from the name, is the previous paper.
        ("Compare Splitwise with it", True),
        ("How does it compare with Splitwise?", True),
        # After the name's sentence ends, any pronoun picks it up again.
        ("What is Chimera? Compare it with ADED", False),
    ],
)
def test_a_pronoun_after_a_name_in_its_own_clause_stands_for_it(
    seeds_engine, seeds_assistant, text, refers_back
):
    question = read(seeds_engine, seeds_assistant, text)
    assert question.named_docs
    assert question.refers_back is refers_back


def test_a_pronoun_in_the_next_sentence_picks_up_the_name_not_the_previous_answer(
    seeds_assistant,
):
    conversation = Conversation()
    seeds_assistant.ask("What is Dolma?", conversation)
    answer = seeds_assistant.ask("What is Chimera? Compare it with ADED", conversation)
    assert answer.kind == "compare"
    assert [c.title.split(":")[0] for c in answer.citations] == [
        "Chimera",
        "Adaptive Draft-Verification for Efficient Large Language Model Decoding",
    ]


def test_a_subject_named_and_referred_to_again_is_one_paper_not_a_comparison(seeds_assistant):
    """In "Splitwise, and how much faster is it?" the pronoun is Splitwise, not a second paper to
    compare it with: the ratio is quoted as a plain answer, not as one side of a comparison."""
    answer = seeds_assistant.ask("Splitwise, and how much faster is it?", Conversation())
    assert answer.kind == "ratio"
    assert [c.title.split(":")[0] for c in answer.citations] == ["Splitwise"]
    assert "1.4x higher throughput" in answer.sentences[0].text
    assert not answer.answer.startswith("- ")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("hwo many languages does mGPT cover", "how many languages does mGPT cover"),
        ("Waht is Splitwise?", "What is Splitwise?"),
        ("whcih papers study pruning", "which papers study pruning"),
        ("how mcuh faster is Chimera?", "how much faster is Chimera?"),
        # Words English or the collection uses stay: "hot", "then", "mGPT".
        ("Is the hot path then faster in mGPT?", "Is the hot path then faster in mGPT?"),
    ],
)
def test_a_typo_in_a_question_word_is_read_as_the_word_meant(
    seeds_engine, seeds_assistant, typed, meant
):
    """ "hwo many" asks for a number only when read as "how many": its answer is the one the
    question spelt right gets."""
    from assistant.answering.spelling import with_form_words_spelt

    assert with_form_words_spelt(seeds_engine, typed) == meant
    if typed != meant:
        answer = seeds_assistant.ask(typed, Conversation())
        right = seeds_assistant.ask(meant, Conversation())
        assert answer.question == typed
        assert answer.kind == right.kind and answer.answer == right.answer


def test_back_references_and_names_in_the_question(seeds_engine, seeds_assistant):
    assert read(seeds_engine, seeds_assistant, "What ROUGE gain did it report?").refers_back
    assert read(seeds_engine, seeds_assistant, "Who wrote this paper?").refers_back
    assert not read(seeds_engine, seeds_assistant, "What do the models learn?").refers_back
    q = read(seeds_engine, seeds_assistant, "What HumanEval score does CodeGen2 reach?")
    # A paper's name stays in the focus, as one concept spelt as the collection spells it.
    assert [c.word for c in q.concepts if c.entity] == ["HumanEval", "CodeGen2"]
    assert {f.concept.word for f in q.focus} >= {"HumanEval", "CodeGen2", "score"}
    misspelt = read(seeds_engine, seeds_assistant, "what is splitwize")
    assert [f.concept.word for f in misspelt.focus] == ["Splitwise"]


def test_which_one_asked_of_the_previous_papers_is_no_word_of_the_subject(
    seeds_engine, seeds_assistant
):
    """ "Which one is faster?" after a list asks which of those papers; "one" is the pronoun's,
    not a word an abstract must use ("Two are better than one" would match it), and "faster" is
    the question's form: each paper's own ratio answers it ("3.65 times higher throughput")."""
    q = read(seeds_engine, seeds_assistant, "Which one is faster?")
    assert q.refers_back
    assert [c.word for c in q.concepts] == []
    assert q.form == "ratio"
    larger = read(seeds_engine, seeds_assistant, "Which one is larger?")
    assert larger.form == "quantity" and larger.concepts == []


def test_a_comparative_asked_of_the_papers_given_is_the_form_and_its_noun_what_is_measured(
    seeds_engine, seeds_assistant
):
    """ "Which one uses less memory?" asks each paper given for its figure on memory: "less" is
    no word its abstract must use ("less than 1%" of the outliers). Asked of the collection, or
    the comparative stays a word of the question."""
    memory = read(seeds_engine, seeds_assistant, "Which one uses less memory?")
    assert memory.refers_back and memory.form == "quantity"
    assert "less" not in [c.word for c in memory.concepts]
    assert [memory.focus[i].concept.word for i in memory.asked] == ["memory"]
    gpus = read(seeds_engine, seeds_assistant, "Which of them needs fewer GPUs on average?")
    assert [gpus.focus[i].concept.word for i in gpus.asked] == ["GPUs"]
    assert "fewer" not in [c.word for c in gpus.concepts]
    collection = read(seeds_engine, seeds_assistant, "Which paper uses less memory?")
    assert "less" in [c.word for c in collection.concepts]


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("Which teacher model did they use?", {"teacher", "model"}),
        ("What dataset does it use?", {"dataset"}),
        ("Which GPUs were used by the authors?", {"GPUs"}),
        ("What data did they use to train it?", {"data", "train"}),
    ],
)
def test_the_verb_of_using_is_no_word_of_what_the_work_spoken_of_used(
    seeds_engine, seeds_assistant, text, asked
):
    """Of the work the previous answer gave, "which X did it use?" asks for X, which an
    abstract states in its own words ("trained on", "we evaluate with"); it seldom says it
    "uses" it. Of a work named or of a topic, the verb stays a word of the question."""
    q = read(seeds_engine, seeds_assistant, text)
    assert {c.word for c in q.concepts} == asked
    for other in ("What dataset does Splitwise use?", "Which optimizer do transformers use?"):
        assert "use" in {c.word for c in read(seeds_engine, seeds_assistant, other).concepts}


def test_what_was_published_asks_for_papers_and_published_is_no_word_of_them(
    seeds_engine, seeds_assistant
):
    q = read(seeds_engine, seeds_assistant, "What has been published on pruning?")
    assert q.kind == "list" and [f.concept.word for f in q.focus] == ["pruning"]
    dated = read(seeds_engine, seeds_assistant, "What came out in 2023?")
    assert dated.kind == "list" and dated.focus == [] and dated.dated is not None
    assert read(seeds_engine, seeds_assistant, "What is published research?").kind != "list"


@pytest.mark.parametrize(
    ("text", "ranks", "counted"),
    [
        ("Which model has the most parameters?", True, ["parameters"]),
        ("Which paper trains on the fewest GPU hours?", True, ["GPU", "hours"]),
        ("Which papers report the highest number of patients in a trial?", True, ["patients"]),
        # A size ranks the papers by their figures too; one thing asked for does not.
        ("Which paper has the largest model?", True, ["model"]),
        ("Which paper reports the highest accuracy?", True, ["accuracy"]),
        ("Which is the largest moon of Saturn?", False, None),
        # A superlative of a quality, not a count, is asked of one paper as before.
        ("Which drug is the most effective?", False, []),
        ("How many parameters does the largest model have?", False, None),
    ],
)
def test_which_paper_counts_the_most_is_a_list_of_figures(
    seeds_engine, seeds_assistant, text, ranks, counted
):
    q = read(seeds_engine, seeds_assistant, text)
    assert q.ranks_papers is ranks
    if ranks:
        assert q.kind == "list" and q.form == "quantity"
        # What is counted is what each figure must count; "most" is no word of the subject.
        assert [f.concept.word for f in q.counted] == counted
        assert not any(c.word.lower() in {"highest", "fewest", "largest"} for c in q.concepts)
    elif counted is not None:
        assert q.kind != "list"


def test_asking_what_a_named_work_found_is_not_about_the_word_finding(seeds_engine):
    """ "What is the main finding of Splitwise?" is about Splitwise: "main finding" says what is
    asked of it, not words its abstract must use. A question naming no work keeps them."""
    from assistant.answering.glossary import EMPTY
    from assistant.answering.naming import NameIndex

    names = NameIndex(seeds_engine)
    named = read_question(seeds_engine, names, "What is the main finding of Splitwise?", EMPTY)
    assert named.form == "finding"
    assert [c.word for c in named.concepts] == ["Splitwise"]
    topic = read_question(seeds_engine, names, "What are the results for phase splitting?", EMPTY)
    assert topic.form == "finding"
    assert "results" in [c.word for c in topic.concepts]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("and why does it work?", "why"),
        ("So what is Splitwise?", "definition"),
        ("And what did they find?", "finding"),
        ("Now, when was it released?", "when"),
        ("ok and how does it split the work?", "method"),
        ("Andes glaciers: are they shrinking?", "yesno"),
    ],
)
def test_a_follow_up_opening_on_and_or_so_keeps_its_form(text, kind):
    assert question_kind(text) == kind


def test_the_opening_word_of_a_follow_up_is_no_word_of_the_question(seeds_engine):
    from assistant.answering.glossary import EMPTY
    from assistant.answering.naming import NameIndex

    question = read_question(seeds_engine, NameIndex(seeds_engine), "Well, what is Dolma?", EMPTY)
    assert question.form == "definition"
    assert [c.word for c in question.concepts] == ["Dolma"]


def test_a_name_the_stemmer_merges_with_a_common_word_names_its_paper(tmp_path):
    """ "ToolE" is stemmed as "tool", which every paper here uses; spelt as the question spells
    it, only one abstract writes it, so the question is about that paper."""
    from conftest import small_collection

    from assistant.conversation import Assistant, Conversation
    from retrieval.engine import Engine

    papers = [
        (f"tools{n}", f"Tool Study {n}", f"We study how models use a tool for task {n}. Tools aid.")
        for n in range(5)
    ] + [
        (
            "meta",
            "Choosing Tools",
            "Models must choose the right tool. We create a dataset called ToolE, with tool "
            "queries. Models choose tools badly.",
        )
    ]
    corpus = small_collection(tmp_path, "tools", papers)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    question, _ = assistant.understand("What is ToolE?", Conversation())
    assert [n.docs for n in question.named] == [(assistant.engine.papers.position("meta"),)]
    answer = assistant.ask("What is ToolE?", Conversation())
    assert answer.cited_ids == ["meta"]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Which one is the fastest?", "Which one is faster?"),
        ("Which of them has the most parameters?", "Which of them has more parameters?"),
        ("Which of these uses the least memory?", "Which of these uses less memory?"),
        ("Which ones are the cheapest?", "Which ones are cheaper?"),
        ("Which is faster?", "Which one is faster?"),
        ("Which is the best?", "Which one is better?"),
        ("How many of them use LLaMA?", "Which of them use LLaMA?"),
        ("How many of the three use GPUs?", "Which of the three use GPUs?"),
        ("How many of them are there?", "How many of them are there?"),
        ("How many of the patients died?", "How many of the patients died?"),
        # Not a choice among the papers given: left as asked.
        ("Which is the largest moon of Saturn?", "Which is the largest moon of Saturn?"),
        ("Which paper is the fastest?", "Which paper is the fastest?"),
        ("What is the fastest model?", "What is the fastest model?"),
        # "The latest" asks for the newest papers.
        ("Which ones are the latest?", "Which ones are the latest?"),
    ],
)
def test_a_choice_among_given_papers_reads_its_superlative_as_a_comparative(text, read):
    assert as_choice_between_given(text) == read


@pytest.mark.parametrize(
    ("text", "judges"),
    [
        ("Which one is better?", True),
        ("Which of them performs better?", True),
        ("Which of the two gives better results?", True),
        ("Which one is faster?", False),
        ("Is it better than MiniLLM?", False),
        ("Which paper is better?", False),
    ],
)
def test_which_of_the_papers_is_better_is_told_apart(text, judges):
    assert asks_which_is_better(text) is judges


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Summarize LongWriter briefly", ["LongWriter"]),
        ("Explain LongWriter in one sentence", ["LongWriter"]),
        ("Give me a short summary of LongWriter", ["LongWriter"]),
        ("What is speculative decoding in simple terms?", ["speculative", "decoding"]),
        ("What is speculative decoding, basically?", ["speculative", "decoding"]),
        ("Explain speculative decoding in plain English", ["speculative", "decoding"]),
        ("How does LongWriter work, in layman's terms?", ["LongWriter"]),
        ("What is speculative decoding in a sentence?", ["speculative", "decoding"]),
        # What the question is about, not how short the answer should be.
        ("Which models mark places in a sentence?", ["models", "mark", "places", "sentence"]),
        ("Do models mark places in a sentence?", ["models", "mark", "places", "sentence"]),
        ("Which terms are simple?", ["terms", "simple"]),
        # Asking where or when something was done, "done" says nothing of what.
        ("Where was the LongWriter trial done?", ["LongWriter", "trial"]),
        ("When was LongWriter carried out?", ["LongWriter"]),
        ("What was done in LongWriter?", ["done", "LongWriter"]),
        # A word opening the question that begins like a request is no request.
        ("Explained variance in LLM probing?", ["Explained", "variance", "LLM", "probing"]),
    ],
)
def test_a_request_and_how_short_its_answer_should_be_are_no_words_of_the_question(
    seeds_engine, text, words
):
    from assistant.answering.glossary import EMPTY
    from assistant.answering.naming import NameIndex

    question = read_question(seeds_engine, NameIndex(seeds_engine), text, EMPTY)
    assert [c.word for c in question.concepts] == words


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("What is speculative decoding in a sentence?", "definition"),
        ("What is speculative decoding in simple terms?", "definition"),
        ("How does speculative decoding work, simply?", "method"),
        ("Do models mark places in a sentence?", "yesno"),
    ],
)
def test_how_to_put_the_answer_leaves_the_question_s_kind_as_it_is(text, kind):
    assert question_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("What does it compare against?", "baseline"),
        ("What is LightSeq compared with?", "baseline"),
        ("What baselines does FineQuant use?", "baseline"),
        ("What does the proposed method outperform?", "baseline"),
        # A comparison inside a question asking something else.
        ("What does MiniPLM pass to the student, compared with Distilling step-by-step?", "other"),
        ("What perplexity does MaskLLM reach compared with the dense model?", "quantity"),
    ],
)
def test_what_a_work_compares_itself_with_is_a_form_of_its_own(text, kind):
    assert question_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "like"),
    [
        ("Which papers are similar?", ""),
        ("Any related work?", ""),
        ("Show me papers like this one", ""),
        ("Which papers are similar to LongWriter?", "LongWriter"),
        ("Are there other papers related to it?", "it"),
        ("How is pruning related to quantization?", None),
        ("Do similar models perform better?", None),
        ("Which studies looked at age-related macular degeneration?", None),
    ],
)
def test_asking_for_papers_like_a_paper_is_told_apart(text, like):
    assert similar_asked(text) == like
