"""Follow-ups: "it", "tell me more", "compare it with X", papers picked by number, and sessions
across processes."""

import json

import pytest
from conftest import ROAD_SALT, run_cli, small_collection

from assistant.answering.forms import only_asks_for_others, with_referent
from assistant.answering.weights import fitted_weights
from assistant.conversation import Assistant, Conversation, picked_papers
from retrieval.engine import Engine

BRIDGES = [
    (
        "truss",
        "Steel Truss Bridges Under Strong Wind",
        "Strong wind makes long steel truss bridges sway. We simulate wind loads on twelve truss "
        "bridges with a finite element model. Sway falls by half when the deck is stiffened. We "
        "release the simulation code on GitHub.",
    ),
    (
        "drones",
        "Finding Cracks in Bridge Decks with Drones",
        "Cracks in bridge decks are slow to find by eye. We use drones to photograph the decks "
        "and a classifier marks the cracks. On forty bridges the drones found nine cracks in "
        "ten. Our code and photographs are released for others to use.",
    ),
    (
        "salt",
        "Road Salt and the Corrosion of Concrete Bridges",
        "Road salt seeps into concrete bridges and rusts their steel. We measured chloride in the "
        "decks of thirty bridges over ten winters. Decks sealed every five years held half as "
        "much chloride. Sealing bridges pays for itself.",
    ),
    (
        "birds",
        "Bird Migration over the Alps",
        "Songbirds cross the Alps each autumn. We tracked three hundred birds with light loggers. "
        "Most crossed at night.",
    ),
    (
        "coffee",
        "Coffee Roasting and Flavour",
        "Roasting shapes the flavour of coffee. We roasted beans at six temperatures and asked "
        "tasters to rate them. Darker roasts tasted more bitter.",
    ),
]


def after(assistant, first, *follow_ups):
    """The answer to each follow-up, each asked right after `first` in a conversation of its
    own."""
    answers = []
    for follow_up in follow_ups:
        conversation = Conversation()
        assistant.ask(first, conversation)
        answers.append(assistant.ask(follow_up, conversation))
    return answers


def assistant_over(tmp_path_factory, name, records):
    """An assistant over a small collection of (id, title, abstract) records."""
    base = tmp_path_factory.mktemp(name)
    return Assistant(Engine.open([small_collection(base, name, records)], base / "index"))


@pytest.fixture(scope="module")
def bridges(tmp_path_factory):
    return assistant_over(tmp_path_factory, "bridges", BRIDGES)


def test_it_means_the_paper_of_the_previous_answer(seeds_assistant):
    conversation = Conversation()
    seeds_assistant.ask("What is LightSeq?", conversation)
    answer = seeds_assistant.ask("How much less communication does it need?", conversation)
    assert answer.citations[0].title.startswith("LightSeq")
    assert "4.7x less communication" in answer.answer


@pytest.mark.parametrize("paper", ["EasyQuant", "FineQuant"])
def test_how_does_it_work_is_read_as_if_it_named_the_paper(seeds_assistant, paper):
    """ "How does the first one work?" after a list is answered as "How does EasyQuant work?"
    would be: without the name, only the form told the sentences apart, and "The problem is
    that in most previous works ..." came first."""
    alone = seeds_assistant.ask(f"How does {paper} work?", Conversation())
    conversation = Conversation()
    listed = seeds_assistant.ask("Which papers study quantization?", conversation)
    place = ["first", "second", "third"][
        next(i for i, c in enumerate(listed.citations) if c.title.startswith(paper))
    ]
    follow_up = seeds_assistant.ask(f"How does the {place} one work?", conversation)
    assert [s.text for s in follow_up.sentences] == [s.text for s in alone.sentences]


def test_a_question_asked_of_the_paper_just_given_has_a_bar_of_its_own(seeds_engine):
    """ "What dataset did they build?" after LongWriter names no subject, and its abstract says
    "construct", so its evidence is weak however well the paper answers: the fitted bar for a
    paper just given lets LongWriter-6k be quoted (as a weak match), where the bar for a
    question of its own abstains. A question the paper says nothing of ("What is its
    licence?") is still abstained on."""
    shipped = fitted_weights()
    assert shipped.trigger.given_threshold < shipped.trigger.threshold
    assistant = Assistant(seeds_engine)
    conversation = Conversation()
    assistant.ask("What is LongWriter?", conversation)
    answer = assistant.ask("What dataset did they build?", conversation)
    assert answer.citations[0].title.startswith("LongWriter") and answer.weak
    assert "LongWriter-6k, a dataset" in answer.sentences[0].text
    licence = assistant.ask("What is its licence?", conversation)
    assert licence.abstained and licence.about
    one_bar = shipped.model_copy(
        update={
            "trigger": shipped.trigger.model_copy(
                update={"given_threshold": shipped.trigger.threshold}
            )
        }
    )
    strict = Assistant(seeds_engine, weights=one_bar)
    conversation = Conversation()
    strict.ask("What is LongWriter?", conversation)
    assert strict.ask("What dataset did they build?", conversation).abstained


def test_what_it_is_compared_with_finds_in_comparison_to(seeds_assistant):
    """ "In comparison to nucleus and top-k sampling" compares as "compared to" does, and "What
    are they compared with?" asks for what the paper just given is measured against, not for
    a comparison of two papers."""
    conversation = Conversation()
    seeds_assistant.ask("What is locally typical sampling?", conversation)
    answer = seeds_assistant.ask("What is it compared with?", conversation)
    assert not answer.abstained
    assert "in comparison to nucleus and top-k sampling" in answer.sentences[0].text
    conversation = Conversation()
    seeds_assistant.ask("What are lexinvariant language models?", conversation)
    answer = seeds_assistant.ask("What are they compared with?", conversation)
    assert answer.citations[0].title == "Lexinvariant Language Models"
    # With no words of its own, only the form ranks the paper's comparisons ("rather than"
    # compares too): the one with the standard model is quoted among them.
    assert "comparable to that of a standard language model" in answer.answer


@pytest.mark.parametrize("asked", ["How do they compare?", "How do they differ?"])
def test_how_do_they_compare_after_two_answers_compares_their_papers(seeds_assistant, asked):
    """After one answer on Chimera and one on LightSeq, "How do they compare?" compares the
    two, as "compare them" does; before, "they" was read as LightSeq alone."""
    conversation = Conversation()
    seeds_assistant.ask("What is Chimera?", conversation)
    seeds_assistant.ask("What is LightSeq?", conversation)
    answer = seeds_assistant.ask(asked, conversation)
    assert [c.title.split(":")[0] for c in answer.citations] == ["Chimera", "LightSeq"]


def test_how_many_of_a_paper_giving_no_number_is_abstained_on(seeds_assistant):
    """The multilingual survey gives no number at all, so it cannot say how many languages it
    covers; before, "covering the assessment of ..." was quoted at 0.72."""
    conversation = Conversation()
    survey = "Multilingual Large Language Models: A Systematic Survey"
    seeds_assistant.ask(f"What does {survey} cover?", conversation)
    answer = seeds_assistant.ask("How many languages does it cover?", conversation)
    assert answer.abstained and answer.about
    assert (
        seeds_assistant.engine.papers.title(seeds_assistant.engine.papers.position(answer.about[0]))
        == survey
    )


@pytest.mark.parametrize("turns", [["Who uses Dolma?"], ["What is Dolma?", "Who uses it?"]])
def test_who_uses_a_work_is_answered_by_what_uses_it(seeds_assistant, turns):
    """What uses a work is most often another work, which no person's name answers: before,
    "Who uses it?" after Dolma was abstained on."""
    conversation = Conversation()
    for turn in turns:
        answer = seeds_assistant.ask(turn, conversation)
    assert not answer.abstained
    assert answer.sentences[0].text.startswith("Dolma has been used to train OLMo")
    # Who proposed a work still asks for a person, whom the abstract does not name.
    assert seeds_assistant.ask("Who proposed TinyStories?", Conversation()).abstained


def test_how_fast_opens_with_the_speedup(seeds_assistant):
    """Chimera's abstract drops the space in "LLM.Through": split there, the sentence giving
    the 2.7x speedup leads, where "we present two strategies" (a number, but no speed) did."""
    answer = seeds_assistant.ask("How fast is Chimera?", Conversation())
    first = answer.sentences[0].text
    assert first.startswith("Through empirical evaluation") and "2.7x" in first


def test_how_big_asked_of_the_previous_paper_asks_for_its_figures(seeds_assistant):
    """ "How big are the models trained on it?" asks for a size, which a number gives: "big" is
    the question's form, not a word the abstract must use ("much smaller ... below 10 million
    total parameters")."""
    conversation = Conversation()
    seeds_assistant.ask("What is TinyStories?", conversation)
    answer = seeds_assistant.ask("How big are the models trained on it?", conversation)
    assert not answer.abstained and not answer.weak
    assert answer.citations[0].title.startswith("TinyStories")
    assert any(ch.isdigit() for ch in answer.sentences[0].text)


@pytest.mark.parametrize(
    ("paper", "follow_up", "ratio"),
    [
        ("Splitwise", "How much faster is it?", "x higher throughput"),
        # How many times faster is its speedup, not how much less it communicates ("4.7x less
        # communication").
        ("LightSeq", "How many times faster is it?", "2.01x end-to-end speedup"),
        # "Speedup" is the question's form too, when nothing qualifies it: FineQuant says
        # "3.65 times higher throughput" and never "speedup" (before, nothing answered).
        ("FineQuant", "What speedup does it get?", "3.65 times higher throughput"),
        # Either of its throughput ratios ("1.4x higher", "2.35x more").
        ("Splitwise", "What speedup does it achieve?", "throughput"),
        # A speedup over something is one the abstract names so.
        ("LightSeq", "What is its speedup over Megatron-LM?", "2.01x end-to-end speedup"),
    ],
)
def test_how_much_faster_asked_of_the_previous_paper_asks_for_its_ratio(
    seeds_assistant, paper, follow_up, ratio
):
    """Asked of the paper just answered about, "how much faster" and "how many times faster"
    are the question's form, which a ratio answers, not words its abstract must use: "faster"
    meets "AI accelerators", and "times" the "training time"."""
    conversation = Conversation()
    seeds_assistant.ask(f"What is {paper}?", conversation)
    answer = seeds_assistant.ask(follow_up, conversation)
    assert answer.citations[0].title.startswith(paper)
    assert ratio in answer.sentences[0].text


@pytest.mark.parametrize(
    ("paper", "follow_up", "quoted"),
    [
        # "What's" is "what is": before, it was read as asking what "their main finding" is.
        ("Mitigating Reversal Curse", "What's their main finding?", "SPT effectively mitigates"),
        ("Mitigating Reversal Curse", "whats their main finding", "SPT effectively mitigates"),
        # "Called" asks for a name, which no abstract says in that word.
        ("LongWriter", "What is the dataset called?", "we construct LongWriter-6k, a dataset"),
        ("LongWriter", "What's the dataset called?", "we construct LongWriter-6k, a dataset"),
        # Where to download a work is where its code and models are.
        ("LongWriter", "Where can I download it?", "https://github.com/THUDM/LongWriter"),
        # So is where its models or its data are, or where to get it: before, "Where are the
        # models?" quoted "Our 9B parameter model ...".
        ("LongWriter", "Where are the models?", "https://github.com/THUDM/LongWriter"),
        ("MiniPLM", "Where is the data?", "https://github.com/thu-coai/MiniPLM"),
        ("MiniPLM", "Where can I get it?", "https://github.com/thu-coai/MiniPLM"),
        # Its advantages are what it shows it achieves (before: another paper's "One major
        # advantage of our method"); "the advantages" with no subject of their own are its own.
        ("MiniPLM", "What are its advantages?", "MiniPLM"),
        ("Splitwise", "What are the benefits?", "2.35x more throughput"),
        # Asked of the paper just answered about, "accurate" counts in the form it uses
        # ("accuracy"), which the stemmer keeps apart; before, nothing answered.
        ("FineQuant", "How accurate is it?", "minimal accuracy loss"),
    ],
)
def test_a_follow_up_is_read_by_its_form(seeds_assistant, paper, follow_up, quoted):
    conversation = Conversation()
    seeds_assistant.ask(f"What is {paper}?", conversation)
    answer = seeds_assistant.ask(follow_up, conversation)
    assert not answer.abstained
    assert answer.citations[0].title.startswith(paper)
    assert quoted in answer.sentences[0].text


@pytest.mark.parametrize("follow_up", ["What are the limitations?", "and the drawbacks?"])
def test_the_limitations_with_no_subject_of_their_own_are_the_previous_papers(
    seeds_assistant, follow_up
):
    """Before, "What are the limitations?" after a paper asked the whole collection, which
    does not answer; asked of the paper, its abstract is read for them."""
    conversation = Conversation()
    splitwise = seeds_assistant.ask("What is Splitwise?", conversation).cited_ids
    answer = seeds_assistant.ask(follow_up, conversation)
    assert answer.abstained and answer.answer.startswith("The abstract of “Splitwise")
    assert answer.about == splitwise


def test_a_follow_up_on_papers_compared_meets_its_words_in_any_form(seeds_assistant):
    """ "Which one is more accurate?" after comparing EasyQuant and FineQuant quotes FineQuant's
    "minimal accuracy loss": asked of the papers compared, "accurate" counts in the form they
    use, which the stemmer keeps apart ("accur", "accuraci"). EasyQuant, which never speaks of
    accuracy, does not say."""
    conversation = Conversation()
    seeds_assistant.ask("Compare EasyQuant and FineQuant", conversation)
    answer = seeds_assistant.ask("Which one is more accurate?", conversation)
    assert [c.title.split(":")[0] for c in answer.citations] == ["FineQuant"]
    assert "minimal accuracy loss" in answer.sentences[0].text


def test_tell_me_more_continues_without_repeating(seeds_assistant):
    conversation = Conversation()
    first = seeds_assistant.ask("What is SirLLM?", conversation)
    more = seeds_assistant.ask("tell me more", conversation)
    assert more.citations[0].doc_id == first.citations[0].doc_id
    shown = {s.sentence_index for s in first.sentences}
    assert not shown.intersection(s.sentence_index for s in more.sentences)
    again = seeds_assistant.ask("tell me more", conversation)
    assert again.citations[0].doc_id == first.citations[0].doc_id
    shown |= {s.sentence_index for s in more.sentences}
    assert not shown.intersection(s.sentence_index for s in again.sentences)


@pytest.mark.parametrize(
    "follow_up", ["Any others?", "Is there another paper on this?", "what about the other ones?"]
)
def test_any_others_asks_the_question_again_of_the_papers_not_yet_cited(bridges, follow_up):
    """ "Any others?" is the question answered before, of the papers not cited for it yet; its
    own words are no topic ("others to use" is not what it asks for). When no other paper
    answers, it says so."""
    conversation = Conversation()
    first = bridges.ask("How were bridge decks studied?", conversation)
    assert first.cited_ids == ["drones"]
    other = bridges.ask(follow_up, conversation)
    assert other.cited_ids == ["salt"]
    assert "others to use" not in other.answer
    assert other.sentences[0].text.startswith("We measured chloride in the decks")
    last = bridges.ask(follow_up, conversation)
    assert last.abstained and last.cited_ids == []
    assert last.answer == "No other paper in this collection matches this question."


def test_the_others_after_picking_from_a_list_are_the_papers_not_picked(bridges):
    """ "What about the others?" after "What does the first one do?" of a list asks that of each
    paper of the list not picked yet; once each has been asked about, it says so."""
    conversation = Conversation()
    listed = bridges.ask("Which papers study bridges?", conversation)
    assert len(listed.cited_ids) == 3
    first = bridges.ask("What does the first one do?", conversation)
    assert first.cited_ids == listed.cited_ids[:1]
    others = bridges.ask("What about the others?", conversation)
    assert others.cited_ids == listed.cited_ids[1:]
    assert [s.doc_id for s in others.sentences] == listed.cited_ids[1:]
    done = bridges.ask("and the others?", conversation)
    assert done.abstained and done.cited_ids == []
    assert done.answer == "Every paper of the list has been asked about."


@pytest.mark.parametrize(
    ("follow_up", "answered_by"),
    [
        ("Do any of them use LLaMA?", None),
        ("Which of them use LLaMA?", None),
        ("Does either of them release code?", "FuseChat"),
    ],
)
def test_any_of_them_is_asked_of_the_papers_listed(seeds_assistant, follow_up, answered_by):
    """ "Any of them", "which of them", "either of them" are the papers just listed, whatever
    name the question gives (before, a name none of them mentions sent "Do any of them use
    LLaMA?" to the whole collection), and "either" is no word the abstracts must use."""
    conversation = Conversation()
    listed = seeds_assistant.ask("Which papers study model merging?", conversation)
    answer = seeds_assistant.ask(follow_up, conversation)
    assert set(answer.cited_ids) <= set(listed.cited_ids)
    if answered_by is None:
        assert answer.abstained and answer.answer.startswith("None of the")
    else:
        assert any(c.title.startswith(answered_by) for c in answer.citations)


def test_any_others_after_a_question_about_it_asks_it_of_papers_on_its_topic(seeds_assistant):
    """ "How many tokens does it contain?" after Dolma, then "Any others?": how many tokens other
    papers on Dolma's topic (its title besides its name) hold. A paper whose abstract did not
    answer is not asked again ("What are its limitations?" of SirLLM)."""
    conversation = Conversation()
    seeds_assistant.ask("What is Dolma?", conversation)
    seeds_assistant.ask("How many tokens does it contain?", conversation)
    others = seeds_assistant.ask("Any others?", conversation)
    # MAP-Neo's "4.5T high-quality tokens"; before, "tokens" alone found XL3M's "a few tokens".
    assert others.citations[0].title.startswith("MAP-Neo")
    assert "4.5T high-quality tokens" in others.sentences[0].text
    silent = Conversation()
    seeds_assistant.ask("What is SirLLM?", silent)
    limitations = seeds_assistant.ask("What are its limitations?", silent)
    assert limitations.abstained
    again = seeds_assistant.ask("any others?", silent)
    assert not again.abstained
    assert not any(c.title.startswith("SirLLM") for c in again.citations)


def test_any_others_after_a_list_goes_on_with_it(seeds_assistant):
    """After a list, "Any others?" gives its next papers, as "tell me more" does."""
    answers = []
    for follow_up in ("Any others?", "tell me more"):
        conversation = Conversation()
        first = seeds_assistant.ask("List all papers", conversation)
        answers.append(seeds_assistant.ask(follow_up, conversation))
    others, more = answers
    assert others.kind == "more" and others.cited_ids
    assert not set(others.cited_ids) & set(first.cited_ids)
    assert others.cited_ids == more.cited_ids


def test_any_others_with_nothing_to_go_on_says_how_to_ask(seeds_assistant):
    alone = seeds_assistant.ask("Any others?", Conversation())
    assert alone.abstained and alone.answer.startswith("There is no earlier answer to go on with")
    conversation = Conversation()
    seeds_assistant.ask("Compare EasyQuant and FineQuant", conversation)
    after = seeds_assistant.ask("any others?", conversation)
    assert after.abstained and after.cited_ids == []
    assert after.answer.startswith("A comparison has no further papers to go on with")


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Any others?", True),
        ("And are there other papers about this topic?", True),
        ("Another one?", True),
        ("Which other papers use Dolma?", False),
        ("Is there another way to prune?", False),
        ("What about other models?", False),
    ],
)
def test_only_asks_for_others_is_the_whole_question(text, asks):
    assert only_asks_for_others(text) is asks


DISCOVERIES = [
    (
        "penicillin",
        "Penicillin",
        "Penicillin is an antibiotic made by moulds. Alexander Fleming discovered penicillin in "
        "1928. He found it at St Mary's Hospital in London. It was first used to treat "
        "infections in 1942. We conclude that chance favours the prepared mind.",
    ),
    (
        "xrays",
        "X-rays",
        "X-rays are light of very short wavelength. Wilhelm Roentgen discovered them in 1895 in "
        "Wuerzburg. They pass through flesh but not bone.",
    ),
]


@pytest.fixture(scope="module")
def discoveries(tmp_path_factory):
    return assistant_over(tmp_path_factory, "discoveries", DISCOVERIES)


def test_a_bare_question_word_asks_the_previous_question_again(discoveries):
    """ "When?" or "Where?" after "Who discovered penicillin?" asks when or where penicillin was
    discovered (a sentence already shown may answer it); "Why?" asks beyond what was quoted, only
    a sentence giving a reason answers it, and it says when none is left. With nothing before,
    it asks for a question."""
    conversation = Conversation()
    who = discoveries.ask("Who discovered penicillin?", conversation)
    assert who.cited_ids == ["penicillin"]
    when = discoveries.ask("When?", conversation)
    assert when.cited_ids == ["penicillin"]
    assert when.sentences[0].text == "Alexander Fleming discovered penicillin in 1928."
    where = discoveries.ask("and where?", conversation)
    assert where.sentences[0].text == "He found it at St Mary's Hospital in London."
    why = discoveries.ask("Why?", conversation)
    assert why.cited_ids == ["penicillin"]
    assert [s.text for s in why.sentences] == ["We conclude that chance favours the prepared mind."]
    roentgen = Conversation()
    discoveries.ask("Who discovered X-rays?", roentgen)
    no_reason = discoveries.ask("Why?", roentgen)
    assert no_reason.abstained
    assert no_reason.answer == "The abstracts cited say nothing more on this."
    alone = discoveries.ask("How so?", Conversation())
    assert alone.answer == "There is no earlier answer to go on with: ask a question first."


def test_a_bare_question_word_keeps_the_paper_its_question_picked(bridges):
    """ "Where?" after "What does the second one do?" of a list asks it of that paper, though
    "what about the others?" has listed two papers since (whose second is another)."""
    conversation = Conversation()
    bridges.ask("Which papers study bridges?", conversation)
    second = bridges.ask("What does the second one do?", conversation)
    others = bridges.ask("What about the others?", conversation)
    assert len(others.cited_ids) == 2 and second.cited_ids[0] not in others.cited_ids
    where = bridges.ask("Where?", conversation)
    assert where.cited_ids + where.about == second.cited_ids


def test_a_bare_why_after_a_list_asks_for_one_paper(seeds_assistant):
    conversation = Conversation()
    seeds_assistant.ask("Which papers study quantization?", conversation)
    why = seeds_assistant.ask("Why?", conversation)
    assert why.abstained and why.answer.startswith("Ask that of one paper of the list")


def test_tell_me_more_with_nothing_before_asks_for_a_question(seeds_assistant):
    answer = seeds_assistant.ask("tell me more", Conversation())
    assert answer.abstained and answer.see_also == []
    assert answer.answer == "There is no earlier answer to go on with: ask a question first."


def test_compare_it_with_another_paper(seeds_assistant):
    conversation = Conversation()
    seeds_assistant.ask("What is LightSeq?", conversation)
    answer = seeds_assistant.ask("compare it with Redco", conversation)
    assert [c.title.split(":")[0] for c in answer.citations] == ["LightSeq", "Redco"]


def test_a_question_with_its_own_subject_is_not_a_follow_up(seeds_assistant):
    conversation = Conversation()
    seeds_assistant.ask("What is Mamo?", conversation)
    answer = seeds_assistant.ask("How does ADED build its drafts?", conversation)
    assert answer.citations[0].title.startswith("Adaptive Draft-Verification")


def test_a_question_whose_pronoun_stands_for_its_own_words_is_answered_as_if_asked_alone(
    seeds_assistant,
):
    """ "It" here is the model the question speaks of, not the paper just answered about."""
    question = "How can a model handle texts longer than anything it saw in training?"
    alone = seeds_assistant.ask(question, Conversation())
    conversation = Conversation()
    seeds_assistant.ask("What is SirLLM?", conversation)
    after = seeds_assistant.ask(question, conversation)
    assert not alone.abstained and not after.abstained
    assert after.citations[0].doc_id == alone.citations[0].doc_id
    assert not after.citations[0].title.startswith("SirLLM")
    assert [s.text for s in after.sentences] == [s.text for s in alone.sentences]


def test_they_as_the_subject_stays_with_the_previous_papers(seeds_assistant):
    """ "GPUs" is a name-like word the previous paper never mentions; the question still asks
    about that paper, not about another that mentions GPUs."""
    conversation = Conversation()
    first = seeds_assistant.ask(
        "Which paper gets LLMs to write outputs longer than 10,000 words?", conversation
    )
    assert first.citations[0].title.startswith("LongWriter")
    answer = seeds_assistant.ask("How many GPUs did they use?", conversation)
    assert answer.abstained
    assert answer.answer.startswith("The abstract of “LongWriter: ")


def test_what_does_it_do_quotes_what_naming_the_paper_quotes(seeds_assistant):
    conversation = Conversation()
    seeds_assistant.ask("What is Splitwise?", conversation)
    follow_up = seeds_assistant.ask("what does it do?", conversation)
    named = seeds_assistant.ask("What does Splitwise do?", Conversation())
    assert follow_up.kind == named.kind == "definition"
    assert follow_up.sentences[0].text == named.sentences[0].text


def test_and_another_paper_asks_the_same_question_of_it(seeds_assistant):
    """ "And BlockLLM?" after "What is Splitwise?" asks what BlockLLM is; a word that names no
    paper ("and then?") is not read so."""
    conversation = Conversation()
    seeds_assistant.ask("How many tokens does Dolma have?", conversation)
    other = seeds_assistant.ask("what about TinyStories?", conversation)
    assert other.kind == "quantity" and other.question == "what about TinyStories?"
    assert other.citations[0].title.startswith("TinyStories")
    conversation = Conversation()
    seeds_assistant.ask("What is Splitwise?", conversation)
    other = seeds_assistant.ask("and BlockLLM?", conversation)
    assert other.kind == "definition" and other.citations[0].title.startswith("BlockLLM")
    # Another "and ...?" still asks the question first asked.
    third = seeds_assistant.ask("and Chimera?", conversation)
    assert third.kind == "definition" and third.citations[0].title.startswith("Chimera")
    assert seeds_assistant.ask("and then?", conversation).kind != "definition"
    # A question of its own after "and" is read as it stands.
    own = seeds_assistant.ask("And how many tokens does Dolma have?", conversation)
    assert own.kind == "quantity" and own.citations[0].title.startswith("Dolma")


LIST_QUESTION = "Which papers study model merging?"


@pytest.mark.parametrize(
    ("follow_up", "numbers", "kind"),
    [
        ("What does the second one do?", [2], "definition"),
        ("Tell me about paper 3", [3], "definition"),
        ("what does the last paper propose?", [-1], "definition"),
        ("compare the first two", [1, 2], "compare"),
        ("How do the first and third differ?", [1, 3], "compare"),
        ("compare [1] and [3]", [1, 3], "compare"),
        ("compare the first one with the third one", [1, 3], "compare"),
        # Said alone, a number asks what the paper is.
        ("and the third?", [3], "definition"),
        ("How does the first one work?", [1], "method"),
        ("Why does the second one work?", [2], "why"),
    ],
)
def test_papers_of_a_list_are_picked_by_number(seeds_assistant, follow_up, numbers, kind):
    """The references of a list are numbered; "the second one" or "the first two" pick among
    them, and several picked are answered for each."""
    conversation = Conversation()
    listed = [c.title for c in seeds_assistant.ask(LIST_QUESTION, conversation).citations]
    assert len(listed) >= 3
    answer = seeds_assistant.ask(follow_up, conversation)
    assert not answer.abstained and answer.kind == kind
    assert answer.question == follow_up
    # A paper with several versions is cited with each of them.
    picked = [listed[n - 1] if n > 0 else listed[n] for n in numbers]
    assert list(dict.fromkeys(c.title for c in answer.citations)) == picked


@pytest.mark.parametrize("follow_up", ["What is the first one?", "Tell me about paper 1"])
def test_what_a_picked_paper_is_reads_as_if_named(seeds_assistant, follow_up):
    """ "What is the first one?" after a list is answered as "What is EasyQuant?" is: by the
    sentences putting the named work forward, not by the abstract's opening background."""
    conversation = Conversation()
    listed = seeds_assistant.ask("Which papers study quantization?", conversation)
    assert listed.citations[0].title.startswith("EasyQuant")
    picked = seeds_assistant.ask(follow_up, conversation)
    named = seeds_assistant.ask("What is EasyQuant?", Conversation())
    assert [s.text for s in picked.sentences] == [s.text for s in named.sentences]


def test_tell_me_more_about_a_picked_paper_quotes_what_was_not_shown(seeds_assistant):
    """ "Tell me more about the first one" goes on with that paper: its sentences the list
    quoted are not quoted again, and its own name still weighs them."""
    conversation = Conversation()
    listed = seeds_assistant.ask("Which papers study quantization?", conversation)
    more = seeds_assistant.ask("Tell me more about the first one", conversation)
    assert not more.abstained
    assert {c.title for c in more.citations} == {listed.citations[0].title}
    shown = {s.text for s in listed.sentences}
    assert shown.isdisjoint(s.text for s in more.sentences)
    assert any("EasyQuant" in s.text for s in more.sentences)
    again = seeds_assistant.ask("tell me more about it", conversation)
    assert shown.union(s.text for s in more.sentences).isdisjoint(s.text for s in again.sentences)


def test_places_still_pick_from_the_list_after_an_answer_on_one_of_its_papers(bridges):
    """Going through a list one paper at a time: after "What did the second one find?" (an
    answer citing one paper), "and the third?" and "the first two" still pick from the list,
    while "[1]" is the paper of the answer just given."""
    conversation = Conversation()
    listed = bridges.ask("Which papers are about bridges?", conversation).cited_ids
    assert len(listed) == 3
    second = bridges.ask("What did the second one find?", conversation)
    assert second.kind == "finding" and second.cited_ids == [listed[1]]
    third = bridges.ask("and the third?", conversation)
    assert third.cited_ids == [listed[2]]
    # It asks the question asked of the second one of the third: what it found.
    assert third.kind == "finding"
    alone = bridges.ask("What did the third one find?", _after_list(bridges))
    assert [s.text for s in third.sentences] == [s.text for s in alone.sentences]
    reference = bridges.ask("what about [1]?", conversation)
    assert reference.cited_ids == [listed[2]]
    both = bridges.ask("What did the first two find?", conversation)
    assert both.kind == "compare" and both.cited_ids == listed[:2]


def _after_list(bridges) -> Conversation:
    conversation = Conversation()
    bridges.ask("Which papers are about bridges?", conversation)
    return conversation


def test_compare_them_after_two_answers_compares_their_papers(seeds_assistant):
    """Asked about one paper and then another, "compare them" compares the two."""
    conversation = Conversation()
    seeds_assistant.ask("What is Redco?", conversation)
    seeds_assistant.ask("What is BlockLLM?", conversation)
    answer = seeds_assistant.ask("compare them", conversation)
    assert answer.kind == "compare"
    assert [c.title.split(":")[0] for c in answer.citations] == ["Redco", "BlockLLM"]
    # After one answer there is nothing to compare it with.
    alone = Conversation()
    seeds_assistant.ask("What is Redco?", alone)
    assert seeds_assistant.ask("compare them", alone).kind != "compare"


def test_compare_them_after_a_list_compares_its_papers(seeds_assistant):
    conversation = Conversation()
    listed = seeds_assistant.ask(LIST_QUESTION, conversation).cited_ids
    answer = seeds_assistant.ask("compare them", conversation)
    assert answer.kind == "compare" and set(answer.cited_ids) == set(listed)


@pytest.mark.parametrize("follow_up", ["What do they have in common?", "How are they alike?"])
def test_what_they_have_in_common_after_a_list_compares_its_papers(seeds_assistant, follow_up):
    """Each paper listed is quoted, as "compare them" quotes them: "common" is no word the
    abstracts must use."""
    conversation = Conversation()
    listed = seeds_assistant.ask(LIST_QUESTION, conversation).cited_ids
    answer = seeds_assistant.ask(follow_up, conversation)
    assert not answer.abstained
    assert answer.kind == "compare" and set(answer.cited_ids) == set(listed)


@pytest.mark.parametrize(
    "question",
    [
        "What do EasyQuant and FineQuant have in common?",
        "How are EasyQuant and FineQuant alike?",
    ],
)
def test_what_two_named_papers_have_in_common_compares_them(seeds_assistant, question):
    answer = seeds_assistant.ask(question, Conversation())
    assert not answer.abstained and answer.kind == "compare"
    assert [c.title.split(":")[0] for c in answer.citations] == ["EasyQuant", "FineQuant"]


def test_how_they_differ_after_a_comparison_compares_them_again(seeds_assistant):
    """ "How do they differ?", "What is the difference?" or "How are they different?" after a
    comparison quote each paper for what it says of itself, as "compare them" does: not a
    sentence on GPUs for "do", nor nothing for "different", a word neither abstract uses."""
    first = "Compare LightSeq and Splitwise"
    compared, *follow_ups = after(
        seeds_assistant,
        first,
        "Compare them",
        "How do they differ?",
        "What is the difference?",
        "How are they different?",
        "What are the main differences between them?",
    )
    assert [c.title.split(":")[0] for c in compared.citations] == ["LightSeq", "Splitwise"]
    for answer in follow_ups:
        assert answer.kind == "compare" and not answer.abstained
        assert [s.text for s in answer.sentences] == [s.text for s in compared.sentences]


def test_after_a_comparison_which_one_and_the_latter_refer_to_its_papers(seeds_assistant):
    conversation = Conversation()
    seeds_assistant.ask("Compare Splitwise and BlockLLM", conversation)
    which = seeds_assistant.ask("which one is faster?", conversation)
    assert which.kind == "compare"
    assert [c.title.split(":")[0] for c in which.citations] == ["Splitwise", "BlockLLM"]
    latter = seeds_assistant.ask("what does the latter do?", conversation)
    assert [c.title.split(":")[0] for c in latter.citations] == ["BlockLLM"]


def test_after_a_comparison_they_of_the_questions_own_words_asks_anew(seeds_assistant):
    conversation = Conversation()
    seeds_assistant.ask("compare LightSeq and Redco", conversation)
    both = seeds_assistant.ask("Do they need labels?", conversation)
    assert both.kind == "compare"
    own = seeds_assistant.ask(
        "Do chatbots forget what they read early in a long input?", conversation
    )
    assert own.kind != "compare"
    assert not {c.title.split(":")[0] for c in own.citations} & {"LightSeq", "Redco"}


def test_and_or_what_about_words_asks_them_of_the_previous_papers(seeds_assistant):
    """ "And the code?" after an answer about LongWriter asks for LongWriter's code, not for any
    paper's; "the X" the paper never speaks of is abstained on, about that paper; a bare topic
    it never speaks of is a question of its own."""
    conversation = Conversation()
    seeds_assistant.ask("What is LongWriter?", conversation)
    code = seeds_assistant.ask("and the code?", conversation)
    assert [c.title.split(":")[0] for c in code.citations] == ["LongWriter"]
    assert "github.com/THUDM/LongWriter" in code.sentences[0].text
    other = seeds_assistant.ask("and the optimizer?", conversation)
    assert other.abstained
    assert other.answer.startswith("The abstract of “LongWriter: ")
    # A fragment has no subject but the previous paper, even a name it never mentions.
    gpus = seeds_assistant.ask("Which GPUs?", conversation)
    assert gpus.abstained
    assert gpus.answer.startswith("The abstract of “LongWriter: ")
    topic = seeds_assistant.ask("what about knowledge distillation?", conversation)
    alone = seeds_assistant.ask("knowledge distillation?", Conversation())
    assert not topic.abstained and topic.citations[0].doc_id == alone.citations[0].doc_id


def test_a_short_question_about_the_x_asks_for_the_previous_papers_x(seeds_assistant):
    """ "Is the code available?" after an answer about MiniPLM asks for MiniPLM's code, not for
    whichever paper says most about available code; "the X" the previous paper never mentions
    starts a question of its own."""
    conversation = Conversation()
    seeds_assistant.ask("What is MiniPLM?", conversation)
    code = seeds_assistant.ask("Is the code available?", conversation)
    alone = seeds_assistant.ask("Is the code available?", Conversation())
    assert [c.title.split(":")[0] for c in code.citations] == ["MiniPLM"]
    assert "github.com/thu-coai/MiniPLM" in code.answer
    assert alone.citations and not alone.citations[0].title.startswith("MiniPLM")
    own = seeds_assistant.ask("What is the transformer?", conversation)
    new = seeds_assistant.ask("What is the transformer?", Conversation())
    assert [s.text for s in own.sentences] == [s.text for s in new.sentences]


def test_the_verb_after_the_x_is_not_part_of_its_subject(bridges):
    """ "How were the cracks measured?" after the road-salt paper, which measured chloride but
    never mentions cracks, asks the collection: "measured" is what was done, not the subject."""
    conversation = Conversation()
    bridges.ask("How much chloride did sealed decks hold?", conversation)
    cracks = bridges.ask("How were the cracks measured?", conversation)
    assert not cracks.abstained
    assert [c.doc_id for c in cracks.citations] == ["drones"]


@pytest.mark.parametrize(
    "question", ["Which paper has the largest model?", "Is there a study of the code?"]
)
def test_asking_for_a_paper_after_an_answer_on_one_asks_the_collection(seeds_assistant, question):
    """One paper is no choice: a question asking which paper, after an answer citing one, asks
    of the whole collection, however briefly it speaks of "the X"."""
    conversation = Conversation()
    seeds_assistant.ask("What is MiniPLM?", conversation)
    after = seeds_assistant.ask(question, conversation)
    alone = seeds_assistant.ask(question, Conversation())
    assert not after.answer.startswith("The abstract of “MiniPLM")
    assert after.answer == alone.answer
    assert [c.doc_id for c in after.citations] == [c.doc_id for c in alone.citations]


@pytest.mark.parametrize("follow_up", ["and the results?", "What are the main results?"])
def test_the_results_asks_for_the_previous_papers_findings(seeds_assistant, follow_up):
    """Neither has a subject of its own: both ask for Splitwise's findings, and "main" and
    "results" are no words its abstract must use."""
    conversation = Conversation()
    seeds_assistant.ask("What is Splitwise?", conversation)
    answer = seeds_assistant.ask(follow_up, conversation)
    named = seeds_assistant.ask("What are the results of Splitwise?", Conversation())
    assert answer.kind == named.kind == "finding"
    assert not answer.abstained
    assert [s.text for s in answer.sentences] == [s.text for s in named.sentences]


def test_a_fragment_asks_of_the_previous_paper(seeds_assistant):
    conversation = Conversation()
    seeds_assistant.ask("What is mGPT?", conversation)
    answer = seeds_assistant.ask("How many parameters?", conversation)
    assert [c.title.split(":")[0] for c in answer.citations] == ["mGPT"]
    assert "1.3 billion and 13 billion parameters" in answer.answer
    # Two words with a verb are a question of their own.
    own = seeds_assistant.ask("What is quantization?", conversation)
    alone = seeds_assistant.ask("What is quantization?", Conversation())
    assert not own.abstained
    assert [s.text for s in own.sentences] == [s.text for s in alone.sentences]


def test_how_many_with_no_verb_counts_the_word_after_it(seeds_assistant):
    """ "How many languages?" after mGPT: the sentence counting languages ("trained on 60
    languages") opens, not one counting the model's versions ("train five small versions")."""
    (answer,) = after(seeds_assistant, "What is mGPT?", "How many languages?")
    assert "trained on 60 languages" in answer.sentences[0].text


@pytest.mark.parametrize(
    "follow_up", ["What does it compare against?", "What is it compared to?", "What baselines?"]
)
def test_what_a_paper_compares_itself_with_is_quoted_from_its_comparison(
    seeds_assistant, follow_up
):
    """Chimera's abstract says what it is measured against in one sentence ("compared to the
    vanilla auto-regressive decoding approach"), which answers; its background does not."""
    (answer,) = after(seeds_assistant, "What is Chimera?", follow_up)
    assert [c.title.split(":")[0] for c in answer.citations] == ["Chimera"]
    assert "compared to the vanilla auto-regressive decoding" in answer.sentences[0].text


def test_a_paper_comparing_itself_with_nothing_does_not_say_what_it_beats(seeds_assistant):
    """MiniPLM's abstract says it "boosts" students, compared with nothing named."""
    (answer,) = after(seeds_assistant, "What is MiniPLM?", "What does it outperform?")
    assert answer.abstained and answer.answer.startswith("The abstract of “MiniPLM: ")


@pytest.mark.parametrize(
    "follow_up",
    [
        "What sizes are there?",
        "What model sizes are there?",
        "What size is it?",
        "What size is the model?",
    ],
)
def test_what_size_asks_for_the_previous_paper_s_figures(seeds_assistant, follow_up):
    """ "What sizes are there?" has no subject but the paper just answered about, and asks
    for its figures as "How big is it?" does: MiniCPM gives its sizes as "1.2B and 2.4B
    non-embedding parameter variants", never saying "size"."""
    (answer,) = after(seeds_assistant, "What is MiniCPM?", follow_up)
    assert not answer.abstained
    assert [c.title.split(":")[0] for c in answer.citations] == ["MiniCPM"]
    assert "the 1.2B and 2.4B non-embedding parameter variants" in answer.sentences[0].text


@pytest.mark.parametrize(
    "follow_up",
    [
        "Do any of them release code?",
        "and the code?",
        "Which of these release code?",
        "Which of those release code?",
        "Which ones release code?",
        "How many of them release code?",
    ],
)
def test_a_question_about_a_lists_papers_is_answered_by_each_that_answers(bridges, follow_up):
    """Every paper of the list is read for it, not only the first: one line for each that
    answers, and a note of how many of them did."""
    conversation = Conversation()
    listed = bridges.ask("Which papers are about bridges?", conversation)
    assert {c.doc_id for c in listed.citations} == {"truss", "drones", "salt"}
    answer = bridges.ask(follow_up, conversation)
    assert not answer.abstained
    assert {c.doc_id for c in answer.citations} == {"truss", "drones"}
    assert answer.answer.count("\n") == 1 and answer.answer.startswith("- ")
    assert "We release the simulation code on GitHub. [" in answer.answer
    assert answer.notes == ["2 of the 3 papers cited before speak clearly to this."]


def test_it_after_a_list_is_its_topic_when_they_are_its_papers(bridges):
    """ "How do they reduce it?" after a list on sway: it is the sway, which the paper listed
    speaks of, not "reduce" alone."""
    conversation = Conversation()
    listed = bridges.ask("Which papers study sway?", conversation)
    assert [c.doc_id for c in listed.citations] == ["truss"]
    answer = bridges.ask("How do they reduce it?", conversation)
    assert [c.doc_id for c in answer.citations] == ["truss"]
    assert "Sway falls by half when the deck is stiffened." in [s.text for s in answer.sentences]


def test_it_after_a_list_stays_as_asked_when_a_paper_speaks_to_the_question(seeds_assistant):
    """ "How do they evaluate it?" after a list on quantization: a paper listed evaluates, so
    the topic, in every sentence of theirs, does not draw the answer away from evaluating."""
    conversation = Conversation()
    seeds_assistant.ask("Which papers study quantization?", conversation)
    answer = seeds_assistant.ask("How do they evaluate it?", conversation)
    assert any(s.text.startswith("We evaluate our approach") for s in answer.sentences)


@pytest.mark.parametrize("follow_up", ["Which one is the best?", "Which of them works best?"])
def test_which_of_a_lists_papers_is_best_quotes_each_ones_findings(bridges, follow_up):
    """No abstract ranks the others: each paper's own findings, and a note saying so (not "To
    our best knowledge" for the word "best")."""
    conversation = Conversation()
    bridges.ask("Which papers are about bridges?", conversation)
    answer = bridges.ask(follow_up, conversation)
    findings = bridges.ask("What did they find?", conversation)
    assert not answer.abstained
    assert [s.text for s in answer.sentences] == [s.text for s in findings.sentences]
    assert answer.notes[-1] == (
        "Each paper's own findings are quoted: the abstracts do not rank the papers against "
        "each other."
    )
    assert "the abstracts do not rank" not in " ".join(findings.notes)


def test_how_many_of_a_lists_papers_is_asked_as_which_of_them(seeds_assistant):
    """ "How many of them use LLaMA?" is answered by the papers that do, as "Which of them use
    LLaMA?" is: One QuantLLM's "LLaMA2 families"."""
    how_many, which = after(
        seeds_assistant,
        "Which papers study quantization?",
        "How many of them use LLaMA?",
        "Which of them use LLaMA?",
    )
    assert not how_many.abstained
    assert [s.text for s in how_many.sentences] == [s.text for s in which.sentences]
    assert "LLaMA2 families" in how_many.sentences[0].text


def test_which_of_a_lists_papers_is_the_fastest_is_asked_as_which_is_faster(seeds_assistant):
    fastest, faster = after(
        seeds_assistant,
        "Which papers study quantization?",
        "Which of them is the fastest?",
        "Which of them is faster?",
    )
    assert [s.text for s in fastest.sentences] == [s.text for s in faster.sentences]
    assert any("10 times faster" in s.text for s in fastest.sentences)


@pytest.mark.parametrize(
    "request_",
    [
        "TL;DR?",
        "Summarize.",
        "Summarize it briefly",
        "Give me a short summary of it",
        "Explain it in a nutshell",
    ],
)
def test_a_summary_request_after_an_answer_summarizes_its_paper(seeds_assistant, request_):
    """How short it should be, or a request with nothing else ("TL;DR?"), is no word the
    abstract must use: it is asked of the paper just answered about, as "Summarize it" is."""
    summary, plain = after(seeds_assistant, "What is LongWriter?", request_, "Summarize it")
    assert not summary.abstained
    assert [s.text for s in summary.sentences] == [s.text for s in plain.sentences]
    assert [c.title.split(":")[0] for c in summary.citations] == ["LongWriter"]


@pytest.mark.parametrize("asked", ["TL;DR", "Summarize it", "What is it?"])
def test_it_before_any_answer_stands_for_nothing(seeds_assistant, asked):
    answer = seeds_assistant.ask(asked, Conversation())
    assert answer.abstained and answer.citations == []
    assert answer.answer == (
        "No earlier answer cites a paper for “it” to stand for: ask about a paper first."
    )


@pytest.mark.parametrize(
    "asked",
    [
        "What does it use?",
        "Which approaches do they use?",
        "Which papers use it?",
        "Which papers build on it?",
    ],
)
def test_it_with_only_common_words_before_any_answer_stands_for_nothing(seeds_assistant, asked):
    """ "use" is in most abstracts: it names no topic of the question's own for "it" to be
    read without."""
    answer = seeds_assistant.ask(asked, Conversation())
    assert answer.abstained and answer.citations == []
    assert answer.answer.startswith("No earlier answer cites a paper")


@pytest.mark.parametrize(
    "asked",
    [
        "Which methods did the authors use to find cracks in bridge decks?",
        "What did the authors measure in the decks over ten winters?",
    ],
)
def test_the_authors_opening_a_conversation_are_those_of_the_paper_on_its_topic(bridges, asked):
    """ "The authors" with a topic of the question's own ("cracks in bridge decks") asks of
    the paper on that topic: nothing earlier is needed for them to stand for."""
    answer = bridges.ask(asked, Conversation())
    assert not answer.abstained
    assert answer.citations[0].doc_id in ("drones", "salt")
    assert not answer.answer.startswith("- ")  # a paper's answer, not a list of papers


@pytest.mark.parametrize(
    "turns",
    [
        ["What is Chimera?", "What techniques does it use?"],
        ["What is Chimera?", "What approach does it take?"],
        ["Which methods does Chimera use?"],
    ],
)
def test_the_methods_a_work_uses_are_asked_of_it(seeds_assistant, turns):
    """ "use" and "techniques" frame the question: Chimera's abstract never says it "uses"
    anything, and tells its methods all the same. Nor is it a list of papers."""
    conversation = Conversation()
    for turn in turns:
        answer = seeds_assistant.ask(turn, conversation)
    assert not answer.abstained
    assert [c.title.split(":")[0] for c in answer.citations] == ["Chimera"]
    assert not answer.answer.startswith("- ")
    assert answer.confidence >= 0.5  # no weak match


@pytest.mark.parametrize(
    "follow_up",
    [
        "Which teacher model did they use?",
        "Which teacher model did the authors use?",
        "What teacher model does it use?",
    ],
)
def test_what_a_work_used_that_its_abstract_never_mentions_is_not_answered(
    seeds_assistant, follow_up
):
    """Splitwise distils nothing: no teacher is in its abstract, which uses "use" often. That
    verb only frames the question, so nothing it says answers."""
    (answer,) = after(seeds_assistant, "What is Splitwise?", follow_up)
    assert answer.abstained
    assert answer.answer.startswith("The abstract of “Splitwise")


def test_what_a_work_used_is_answered_in_its_own_words(seeds_assistant):
    (answer,) = after(seeds_assistant, "What is LongWriter?", "What dataset does it use?")
    assert not answer.abstained and answer.citations[0].title.startswith("LongWriter")
    assert "LongWriter-6k, a dataset containing 6,000 SFT data" in answer.answer


@pytest.mark.parametrize("follow_up", ["Why did they build it?", "Why was it made?"])
def test_why_the_work_was_made_is_the_problem_it_answers(seeds_assistant, follow_up):
    """ "build" and "made" are no words TinyStories' abstract uses: the question asks why the
    work exists, which the abstract tells as the problem it takes on."""
    (answer,) = after(seeds_assistant, "What is TinyStories?", follow_up)
    assert not answer.abstained
    assert answer.citations[0].title.startswith("TinyStories")
    assert "struggle to produce coherent and fluent text" in answer.answer


def test_it_after_an_abstention_stands_for_nothing(seeds_assistant):
    """An earlier question that was not answered cites no paper for "it" to stand for."""
    (answer,) = after(seeds_assistant, "What is RLHF?", "How does it work?")
    assert answer.abstained and answer.answer.startswith("No earlier answer cites a paper")


@pytest.mark.parametrize("follow_up", ["Summarize them", "What are they?", "TL;DR"])
def test_summarize_them_after_a_list_quotes_each_paper_for_what_it_proposes(
    seeds_assistant, follow_up
):
    conversation = Conversation()
    listed = seeds_assistant.ask("Which papers study quantization?", conversation)
    answer = seeds_assistant.ask(follow_up, conversation)
    assert answer.kind == "compare" and answer.cited_ids == listed.cited_ids
    quoted = {s.title.split(":")[0]: s.text for s in answer.sentences}
    assert quoted["EasyQuant"].startswith("In this work, we propose EasyQuant")


def test_a_question_no_paper_of_a_list_answers_says_none_of_them_does(bridges):
    conversation = Conversation()
    bridges.ask("Which papers are about bridges?", conversation)
    answer = bridges.ask("How many GPUs did they use?", conversation)
    assert answer.abstained
    assert answer.answer == "None of the 3 abstracts cited before answers this question."
    assert {r.doc_id for r in answer.see_also} == {"truss", "drones", "salt"}


def test_a_question_one_paper_of_a_list_answers_quotes_that_paper(bridges):
    conversation = Conversation()
    bridges.ask("Which papers are about bridges?", conversation)
    answer = bridges.ask("Do they use drones?", conversation)
    assert [c.doc_id for c in answer.citations] == ["drones"]
    assert not answer.answer.startswith("- ")
    assert answer.notes == ["1 of the 3 papers cited before speaks clearly to this."]


def test_tell_me_more_says_when_there_is_nothing_more(seeds_assistant):
    conversation = Conversation()
    listed = seeds_assistant.ask("Which papers study quantization?", conversation)
    assert listed.matched_papers is None  # every matching paper is listed
    more = seeds_assistant.ask("tell me more", conversation)
    assert more.abstained and more.see_also == []
    assert more.answer == "No other papers match as well: the list so far holds them all."
    conversation = Conversation()
    seeds_assistant.ask("What is SirLLM?", conversation)
    for _ in range(8):
        more = seeds_assistant.ask("tell me more", conversation)
        if more.abstained:
            break
    assert more.answer == "The abstracts cited say nothing more on this."
    assert more.see_also == []


def test_tell_me_more_goes_on_with_the_paper_picked(seeds_assistant):
    conversation = Conversation()
    listed = seeds_assistant.ask(LIST_QUESTION, conversation).cited_ids
    picked = seeds_assistant.ask("and the third?", conversation)
    more = seeds_assistant.ask("tell me more", conversation)
    assert not more.abstained and more.cited_ids == picked.cited_ids == [listed[2]]
    shown = {s.sentence_index for s in picked.sentences}
    assert not shown.intersection(s.sentence_index for s in more.sentences)


def test_a_number_beyond_the_previous_answer_is_refused_plainly(seeds_assistant):
    conversation = Conversation()
    listed = seeds_assistant.ask(LIST_QUESTION, conversation).cited_ids
    answer = seeds_assistant.ask("what does paper 12 do?", conversation)
    assert answer.abstained and answer.see_also == []
    count = len(listed)
    assert answer.answer == (
        f"The previous answer cites {count} papers: pick one by its number, 1 to {count}."
    )
    # The list is still what follow-ups refer to.
    again = seeds_assistant.ask("what does the first one do?", conversation)
    assert again.cited_ids[0] == listed[0]


@pytest.mark.parametrize(
    "question",
    [
        "What are the first two stages of its training?",
        "Which was the first model to do this?",
        "What is the first step?",
        "Which is the first one to use RLHF?",
    ],
)
def test_ordinal_words_about_something_else_pick_nothing(question):
    assert picked_papers(question, 5) is None
    assert picked_papers("What does the second one do?", 1) is None  # one paper: "it" suffices


def test_is_it_open_source_is_answered_by_the_link(quantizers, seeds_assistant):
    """ "Is it open source?" asks where the work's code is: the link answers it, and "open
    source" is no topic the answer must speak to, nor are the research phrases the glossary
    gives for it ("transparency")."""
    conversation = Conversation()
    seeds_assistant.ask("What is LongWriter?", conversation)
    question, _ = seeds_assistant.understand("Is it open source?", conversation)
    assert question.kind == "pointer" and not question.weights
    conversation = Conversation()
    quantizers.ask("What is EasyQuant?", conversation)
    answer = quantizers.ask("Is it open source?", conversation)
    assert not answer.abstained and not answer.weak
    assert answer.sentences[0].text == "Code is available at https://github.com/example/easyquant."


def test_a_list_of_one_paper_has_no_second_one(quantizers):
    """After a list holding one paper, "the second one" is no paper: the answer says so, and
    "the first one" is that paper."""
    conversation = Conversation()
    listed = quantizers.ask("Which papers study road salt?", conversation)
    assert listed.kind == "list" and listed.cited_ids == ["salt"]
    second = quantizers.ask("What does the second one do?", conversation)
    assert second.abstained and second.answer == "The previous answer lists only one paper."
    first = quantizers.ask("What does the first one do?", conversation)
    assert first.cited_ids == ["salt"]


def test_an_answer_on_one_paper_has_no_second_one(bridges):
    """After an answer from one paper and no list before it, "the second one" is no paper (it
    is not a question of its own about "second"), and "the first one" is that paper."""
    conversation = Conversation()
    answered = bridges.ask("How were bridge decks studied?", conversation)
    assert answered.cited_ids == ["drones"]
    second = bridges.ask("Summarize the second one", conversation)
    assert second.abstained and second.cited_ids == []
    assert second.answer == "The previous answer cites only one paper."
    first = bridges.ask("What does the first one do?", conversation)
    assert first.cited_ids == ["drones"] and not first.abstained


def test_sessions_keep_the_conversation_between_calls():
    first = run_cli("ask", "What is LightSeq?", "--session", "reading", "--json")
    assert first.returncode == 0, first.stderr
    second = run_cli(
        "ask", "How much less communication does it need?", "--session", "reading", "--json"
    )
    assert json.loads(second.stdout)["citations"][0]["title"].startswith("LightSeq")
    listing = run_cli("history")
    assert "[reading]" in listing.stdout and "2 turns" in listing.stdout


def test_a_session_reads_and_x_and_a_new_question_with_it_of_its_own():
    run_cli("ask", "What is LongWriter?", "--session", "code", "--json")
    code = json.loads(run_cli("ask", "and the code?", "--session", "code", "--json").stdout)
    assert code["citations"][0]["title"].startswith("LongWriter")
    own = run_cli(
        "ask",
        "How can a model handle texts longer than anything it saw in training?",
        "--session",
        "code",
        "--json",
    )
    assert not json.loads(own.stdout)["citations"][0]["title"].startswith("LongWriter")


def test_a_session_picks_papers_of_its_last_list_by_number():
    listed = run_cli("ask", LIST_QUESTION, "--session", "picking", "--json")
    assert listed.returncode == 0, listed.stderr
    titles = [c["title"] for c in json.loads(listed.stdout)["citations"]]
    compared = run_cli("ask", "compare the first two", "--session", "picking", "--json")
    answer = json.loads(compared.stdout)
    assert answer["kind"] == "compare" and answer["question"] == "compare the first two"
    assert [c["title"] for c in answer["citations"]] == titles[:2]
    beyond = run_cli("ask", "what does paper 12 do?", "--session", "picking")
    assert beyond.returncode == 0
    assert beyond.stdout.strip() == (
        "The previous answer cites 2 papers: pick one by its number, 1 to 2."
    )


CORPORA = [
    (
        "dolma",
        "Dolma: an Open Corpus of Three Trillion Tokens",
        "We release Dolma, an open corpus of three trillion tokens of web text, papers and code. "
        "We document how Dolma was filtered and deduplicated.",
    ),
    (
        "olmo",
        "OLMo: an Open Language Model",
        "We train OLMo, an open language model, on the Dolma corpus. OLMo matches closed models "
        "of its size on reasoning benchmarks.",
    ),
    (
        "tulu",
        "Tuning Open Models to Follow Instructions",
        "We tune open models pretrained on Dolma to follow instructions. Tuned models answer "
        "more helpfully.",
    ),
    (
        "pile",
        "The Pile: a Corpus for Language Modelling",
        "The Pile gathers 800 gigabytes of diverse text for language modelling.",
    ),
    (
        "salt",
        "Road Salt and Bridges",
        "Road salt rusts the steel of concrete bridges.",
    ),
]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    return assistant_over(tmp_path_factory, "corpora", CORPORA)


def test_which_papers_use_it_lists_the_papers_using_what_was_just_asked_about(corpora):
    """ "It" after "What is Dolma?" is Dolma, not the words "use it": the list is of the papers
    that use Dolma; "other papers" leaves out the Dolma paper itself."""
    conversation = Conversation()
    corpora.ask("What is Dolma?", conversation)
    listed = corpora.ask("Which papers use it?", conversation)
    assert {c.doc_id for c in listed.citations} == {"dolma", "olmo", "tulu"}
    others = corpora.ask("Which other papers use it?", conversation)
    assert {c.doc_id for c in others.citations} == {"olmo", "tulu"}
    assert others.answer.startswith("- ")


def test_a_list_asked_of_it_is_sorted_by_date_with_what_it_stood_for(corpora):
    """ "Which of them are newest?" after "Which papers use it?" lists the same papers again,
    with "it" still Dolma."""
    conversation = Conversation()
    corpora.ask("What is Dolma?", conversation)
    listed = corpora.ask("Which papers use it?", conversation)
    for follow_up in ("Which of them are newest?", "Sort them by date"):
        dated = corpora.ask(follow_up, conversation)
        assert dated.kind == "list"
        assert set(dated.cited_ids) == set(listed.cited_ids)


def test_how_many_papers_lists_them_and_says_how_many(corpora):
    """ "How many papers use Dolma?" asks for papers, not for a number in one abstract."""
    answer = corpora.ask("How many papers use Dolma?")
    assert {c.doc_id for c in answer.citations} == {"dolma", "olmo", "tulu"}
    assert answer.notes == ["3 papers match closely."]
    assert answer.answer.startswith("- ")


def test_no_other_paper_using_it_is_said_plainly(corpora):
    conversation = Conversation()
    corpora.ask("What is OLMo?", conversation)
    answer = corpora.ask("Which other papers use it?", conversation)
    assert answer.abstained
    assert answer.answer == "No other paper in this collection matches this question."
    assert "olmo" not in {r.doc_id for r in answer.see_also}


def test_papers_besides_a_named_one_leave_it_out_and_are_not_about_it(corpora):
    """ "Besides Dolma" names the paper to leave out, not what the list is about: the Pile,
    which never mentions Dolma, is listed as a corpus."""
    answer = corpora.ask("Which papers besides Dolma describe a corpus for language modelling?")
    cited = [c.doc_id for c in answer.citations]
    assert "dolma" not in cited and cited[0] == "pile"


QUANTIZERS = [
    (
        "easy",
        "EasyQuant: Data-free Quantization",
        "Model quantization is an effective method for reducing the cost of models. Calibration "
        "data limits how well quantized models generalise. We propose EasyQuant, a data-free "
        "quantization algorithm that keeps outliers unchanged. EasyQuant matches the original "
        "model. Code is available at https://github.com/example/easyquant.",
    ),
    (
        "fine",
        "FineQuant: Fine-grained Quantization",
        "Quantization is a common way to shrink language models. We propose FineQuant, a "
        "fine-grained weight-only quantization method. We implement FineQuant in a fused kernel. "
        "FineQuant speeds up inference threefold.",
    ),
    (
        "omni",
        "OmniQuant: Calibrated Quantization",
        "Quantization lowers the memory models need. We propose OmniQuant, which learns "
        "quantization clipping ranges. OmniQuant quantizes weights to four bits. We release our "
        "models on GitHub.",
    ),
    ROAD_SALT,
]


@pytest.fixture(scope="module")
def quantizers(tmp_path_factory):
    return assistant_over(tmp_path_factory, "quantizers", QUANTIZERS)


def test_and_x_after_a_question_about_it_asks_that_question_of_x(quantizers):
    """ "What does it keep unchanged?" after EasyQuant, then "and OmniQuant?": the question
    asked of "it" is asked of OmniQuant."""
    conversation = Conversation()
    quantizers.ask("What is EasyQuant?", conversation)
    quantizers.ask("How many bits does it quantize weights to?", conversation)
    question, _ = quantizers.understand("and OmniQuant?", conversation)
    assert question.kind == "quantity"
    assert [n.canonical for n in question.named] == ["OmniQuant"]
    answer = quantizers.ask("and OmniQuant?", conversation)
    assert answer.sentences[0].text == "OmniQuant quantizes weights to four bits."


def test_summarize_it_asks_what_the_paper_is(seeds_assistant):
    """ "Summarize" is the request, not a word the abstract must use."""
    conversation = Conversation()
    first = seeds_assistant.ask("What is Splitwise?", conversation)
    summary = seeds_assistant.ask("Summarize it", conversation)
    assert not summary.abstained
    assert summary.citations[0].doc_id == first.citations[0].doc_id


def test_a_question_with_no_words_of_its_own_quotes_only_what_has_its_form(quantizers):
    """ "Do they release code?" about EasyQuant matches nothing but the link: the sentence after
    it in rank says nothing of code and is not quoted beside it."""
    conversation = Conversation()
    quantizers.ask("What is EasyQuant?", conversation)
    answer = quantizers.ask("Do they release code?", conversation)
    assert [s.text for s in answer.sentences] == [
        "Code is available at https://github.com/example/easyquant."
    ]


@pytest.mark.parametrize("corpus", ["seeds", "quantizers"])
def test_comparing_papers_picked_by_number_reads_them_as_named(corpus, seeds_assistant, quantizers):
    """ "Compare the first and the third" after a list is "compare A and C" by their names: each
    paper is quoted for what it says of itself ("we propose EasyQuant, ..."), not for a sentence
    about the field ("Model quantization is an effective method ...")."""
    assistant = seeds_assistant if corpus == "seeds" else quantizers
    conversation = Conversation()
    listed = assistant.ask("Which papers study quantization?", conversation)
    cited = [c.doc_id for c in listed.citations]
    assert len(cited) >= 3
    picked = assistant.ask("compare the first and the third", conversation)
    assert [c.doc_id for c in picked.citations] == [cited[0], cited[2]]
    names = [c.title.split(":")[0] for c in picked.citations]
    named = assistant.ask(f"compare {names[0]} and {names[1]}")
    assert picked.answer == named.answer
    assert all(" propose " in line for line in picked.answer.splitlines())


def test_the_rest_of_a_list_is_quoted_as_its_first_papers_were(quantizers):
    """The next papers of a list are quoted for what each brings to the topic, as the first
    ones were; "tell me more" about one paper goes on with its next best sentences, whatever
    their form."""
    conversation = Conversation()
    quantizers.ask("Which papers study quantization?", conversation)
    question, _ = quantizers.understand("tell me more", conversation)
    assert question.form == "contribution"
    conversation = Conversation()
    quantizers.ask("What is EasyQuant?", conversation)
    question, _ = quantizers.understand("tell me more", conversation)
    assert question.form == "other"


def test_tell_me_more_after_a_comparison_goes_on_with_each_paper(quantizers):
    conversation = Conversation()
    first = quantizers.ask("compare EasyQuant and FineQuant", conversation)
    more = quantizers.ask("tell me more", conversation)
    assert [c.doc_id for c in more.citations] == ["easy", "fine"]
    assert more.answer.count("\n") == 1 and more.answer.startswith("- EasyQuant: ")
    quoted = {(s.doc_id, s.sentence_index) for s in first.sentences}
    assert not quoted & {(s.doc_id, s.sentence_index) for s in more.sentences}
    for _ in range(4):
        more = quantizers.ask("tell me more", conversation)
    assert more.abstained and more.answer == "The abstracts cited say nothing more on this."


def test_where_the_code_is_is_answered_by_the_papers_giving_a_link(quantizers):
    """After a list, "Do they release code?" is answered by each paper that gives a link or says
    what it releases, in whatever words ("Code is available at ..."); a paper that gives none
    does not say where its code is, though it mentions what it implements."""
    conversation = Conversation()
    quantizers.ask("Which papers study quantization?", conversation)
    answer = quantizers.ask("Do they release code?", conversation)
    assert {c.doc_id for c in answer.citations} == {"easy", "omni"}
    assert "Code is available at https://github.com/example/easyquant." in answer.answer
    conversation = Conversation()
    quantizers.ask("What is FineQuant?", conversation)
    answer = quantizers.ask("Where can I find the implementation?", conversation)
    assert answer.abstained
    assert answer.answer.startswith("The abstract of “FineQuant: Fine-grained Quantization”")


def test_their_after_the_papers_a_list_asks_about_is_theirs(seeds_assistant):
    """ "Which papers release their code?" asks of the papers it lists, with or without an
    answer before it: not of an earlier paper, nor of nothing."""
    alone = seeds_assistant.ask("Which papers release their code?", Conversation())
    assert not alone.abstained and len(alone.citations) >= 3
    conversation = Conversation()
    seeds_assistant.ask("What is Dolma?", conversation)
    later = seeds_assistant.ask("Which papers release their code?", conversation)
    assert [c.doc_id for c in later.citations] == [c.doc_id for c in alone.citations]


def test_it_in_a_list_question_stands_for_what_can_be_named(corpora):
    """With nothing before it, "it" stands for nothing, and the list says so rather than list
    the papers that say "use"; after two papers it asks which one; after a list, "it" is the
    list's topic; and "the first one" is that paper."""
    answer = corpora.ask("Which papers use it?", Conversation())
    assert answer.abstained and answer.answer == (
        "No earlier answer cites a paper for “it” to stand for: ask about a paper first."
    )
    conversation = Conversation()
    corpora.ask("compare Dolma and OLMo", conversation)
    answer = corpora.ask("Which papers use it?", conversation)
    assert answer.answer == "The previous answer cites 2 papers: name the one you mean."
    conversation = Conversation()
    listed = corpora.ask("Which papers describe an open corpus?", conversation)
    again = corpora.ask("Which papers describe it?", conversation)
    assert [c.doc_id for c in again.citations] == [c.doc_id for c in listed.citations]
    first = listed.citations[0]
    others = corpora.ask("Which other papers use the first one?", conversation)
    assert first.doc_id not in {c.doc_id for c in others.citations} | {
        r.doc_id for r in others.see_also
    }


def test_it_after_an_untitled_paper_is_what_the_question_asked_of_it(tmp_path):
    """A paper with no title has no name for "it" either: "Which other studies are about it?"
    is about what the previous question asked (statins and atrial fibrillation)."""
    records = [
        (
            "s1",
            "",
            "Statins reduce atrial fibrillation after heart surgery. We conclude they help.",
        ),
        (
            "s2",
            "",
            "In older patients, statins lowered the risk of atrial fibrillation by a third.",
        ),
        ("exam", "", "We examine how students prepare for written examinations."),
    ]
    corpus = small_collection(tmp_path, "untitled", records)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    conversation = Conversation()
    first = assistant.ask(
        "Do statins reduce atrial fibrillation after heart surgery?", conversation
    )
    assert [c.doc_id for c in first.citations] == ["s1"]
    others = assistant.ask("Which other studies are about it?", conversation)
    assert [c.doc_id for c in others.citations] == ["s2"]


def test_the_whole_abstract_is_shown_when_asked_for(seeds_engine, seeds_assistant, bridges):
    """ "Show me the abstract of Splitwise" quotes every sentence of it, in its order; "show me
    the full abstract" does so for the previous answer's paper; after a list it asks which one,
    and "the second one" picks it; with no paper in view it says how to ask."""
    doc = next(
        d
        for d in range(len(seeds_engine.papers))
        if seeds_engine.papers.title(d).startswith("Splitwise")
    )
    abstract = seeds_engine.papers.abstract(doc)
    whole = [abstract[s.start : s.end] for s in seeds_engine.sentences(doc)]
    named = seeds_assistant.ask("Show me the abstract of Splitwise", Conversation())
    assert [s.text for s in named.sentences] == whole
    assert [s.sentence_index for s in named.sentences] == list(range(len(whole)))
    assert [c.title for c in named.citations] == [seeds_engine.papers.title(doc)]
    conversation = Conversation()
    seeds_assistant.ask("What is Splitwise?", conversation)
    after = seeds_assistant.ask("Show me the full abstract", conversation)
    assert [s.text for s in after.sentences] == whole
    conversation = Conversation()
    listed = bridges.ask("Which papers are about bridges?", conversation)
    assert len(listed.cited_ids) == 3
    which = bridges.ask("show me the abstract", conversation)
    assert which.abstained and which.answer.startswith("The previous answer cites 3 papers")
    second = bridges.ask("Show me the abstract of the second one", conversation)
    assert second.cited_ids == [listed.cited_ids[1]] and len(second.sentences) == 4
    alone = bridges.ask("Show me the full abstract", Conversation())
    assert alone.abstained and alone.answer.startswith("Say whose abstract to show")


@pytest.mark.parametrize(
    "question", ["Is EasyQuant faster than FineQuant?", "Which is faster, EasyQuant or FineQuant?"]
)
def test_a_comparison_by_speed_naming_its_papers_quotes_each_papers_ratio(
    seeds_assistant, question
):
    answer = seeds_assistant.ask(question, Conversation())
    assert answer.kind == "compare"
    quoted = {s.title.split(":")[0]: s.text for s in answer.sentences}
    assert "10 times faster" in quoted["EasyQuant"]
    assert "3.65 times higher throughput" in quoted["FineQuant"]


def test_which_one_is_faster_after_a_comparison_quotes_each_papers_ratio(seeds_assistant):
    """Speed is given relative to something: each paper compared is quoted where it gives its
    own ratio, FineQuant's "3.65 times higher throughput" though it never says "faster"."""
    conversation = Conversation()
    seeds_assistant.ask("Compare EasyQuant and FineQuant", conversation)
    faster = seeds_assistant.ask("Which one is faster?", conversation)
    assert faster.kind == "compare"
    quoted = {s.title.split(":")[0]: s.text for s in faster.sentences}
    assert "10 times faster" in quoted["EasyQuant"]
    assert "3.65 times higher throughput" in quoted["FineQuant"]


def test_a_comparative_after_a_comparison_quotes_each_papers_figure_and_keeps_both(tmp_path):
    """ "Which one needs fewer GPUs?" quotes the paper giving its GPU figure, not the other's
    "fewer than 1%"; the paper that does not say is still one of "them" afterwards."""
    records = [
        (
            "a",
            "Alpha: fast training",
            "We present Alpha. Alpha trains on 8 GPUs in two days. "
            "Fewer than 1% of its weights change.",
        ),
        (
            "b",
            "Beta: cheap serving",
            "We present Beta, a serving system for chat models. "
            "Beta cuts latency for long prompts.",
        ),
        ("c", "Gamma: unrelated", "We study rivers and their floods in spring."),
    ]
    assistant = Assistant(Engine.open([small_collection(tmp_path, "cmp", records)], tmp_path / "i"))
    conversation = Conversation()
    assistant.ask("Compare Alpha and Beta", conversation)
    fewer = assistant.ask("Which one needs fewer GPUs?", conversation)
    assert fewer.kind == "compare"
    assert [s.text for s in fewer.sentences] == ["Alpha trains on 8 GPUs in two days."]
    assert any("Beta: cheap serving" in note for note in fewer.notes)
    after = assistant.ask("Which one is faster?", conversation)
    assert after.kind == "compare"
    assert {s.doc_id for s in after.sentences} | set(after.about) == {"a", "b"}


def test_papers_compared_that_use_no_word_of_a_follow_up_do_not_answer_it(tmp_path):
    """ "How do they handle floods?" after comparing two papers that never mention floods says
    neither answers, rather than quoting each one's opening sentence."""
    records = [
        ("a", "Alpha: fast training", "We present Alpha. Alpha trains on 8 GPUs in two days."),
        ("b", "Beta: cheap serving", "We present Beta. Beta cuts latency for long prompts."),
        ("c", "Gamma: rivers", "We study rivers and how cities handle their floods in spring."),
    ]
    assistant = Assistant(Engine.open([small_collection(tmp_path, "cmp", records)], tmp_path / "i"))
    conversation = Conversation()
    assistant.ask("Compare Alpha and Beta", conversation)
    floods = assistant.ask("How do they handle floods?", conversation)
    assert floods.abstained and floods.answer.startswith("None of the 2 abstracts compared")
    assert sorted(floods.about) == ["a", "b"]
    latency = assistant.ask("How do they cut latency?", conversation)
    assert [s.doc_id for s in latency.sentences] == ["b"]


def test_a_paper_compared_using_only_a_light_word_of_a_follow_up_does_not_say(tmp_path):
    """ "Do they use GPUs?" of Alpha (8 GPUs) and Beta, which only "uses" a cache: Beta speaks
    to less than half of what is asked (GPUs weigh most), so it does not say, rather than being
    quoted for "uses"."""
    records = [
        ("a", "Alpha: fast training", "We present Alpha. Alpha trains on 8 GPUs in two days."),
        ("b", "Beta: cheap serving", "We present Beta. Beta uses a cache for long prompts."),
        ("c", "Gamma: rivers", "We study how cities use levees against floods in spring."),
        ("d", "Delta: farms", "Farmers use rain gauges to plan the harvest."),
    ]
    assistant = Assistant(Engine.open([small_collection(tmp_path, "cmp", records)], tmp_path / "i"))
    conversation = Conversation()
    assistant.ask("Compare Alpha and Beta", conversation)
    gpus = assistant.ask("Do they use GPUs?", conversation)
    assert [s.doc_id for s in gpus.sentences] == ["a"]
    assert any("Beta: cheap serving" in note for note in gpus.notes)


def test_compare_them_with_fewer_than_two_papers_says_what_to_name(seeds_assistant):
    """ "Compare them" after an answer on one paper has one paper to compare: it says to name
    the other, rather than quote that paper's sentences on the word "compare"; with nothing
    before, to name both."""
    conversation = Conversation()
    seeds_assistant.ask("What is Splitwise?", conversation)
    one = seeds_assistant.ask("compare them", conversation)
    assert one.abstained and one.cited_ids == []
    assert one.answer.startswith("There is one paper to compare so far")
    seeds_assistant.ask("What is BlockLLM?", conversation)
    two = seeds_assistant.ask("compare them", conversation)
    assert two.kind == "compare"
    assert [c.title.split(":")[0] for c in two.citations] == ["Splitwise", "BlockLLM"]
    none = seeds_assistant.ask("Compare them", Conversation())
    assert none.answer.startswith("There are no papers to compare yet")


@pytest.mark.parametrize("follow_up", ["Is it better than MiniLLM?", "Compare it with MiniPLM"])
def test_a_comparison_naming_the_paper_it_is_asked_of_says_so(seeds_assistant, follow_up):
    """ "MiniLLM" finds MiniPLM, the paper "it" is: one paper to compare, which the answer says,
    rather than "None of the 1 abstracts compared answers this question."."""
    conversation = Conversation()
    seeds_assistant.ask("What is MiniPLM?", conversation)
    answer = seeds_assistant.ask(follow_up, conversation)
    assert answer.abstained and answer.cited_ids == []
    assert answer.answer.startswith(
        "The comparison names only one paper of this collection, “MiniPLM"
    )


def test_untitled_papers_compared_are_told_apart_by_their_citations(tmp_path):
    """Untitled papers have no name to label their lines with: each line is the quote and its
    citation number, not "(untitled)" and the abstract's opening words."""
    records = [
        ("s1", "", "Statins reduce atrial fibrillation after heart surgery in 300 patients."),
        ("s2", "", "In older patients, statins lowered atrial fibrillation by a third."),
        ("exam", "", "We examine how students prepare for written examinations."),
    ]
    corpus = small_collection(tmp_path, "untitled", records)
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    conversation = Conversation()
    listed = assistant.ask("Which studies are about statins and atrial fibrillation?", conversation)
    assert sorted(listed.cited_ids) == ["s1", "s2"]
    compared = assistant.ask("compare the first two", conversation)
    assert compared.kind == "compare"
    lines = compared.answer.splitlines()
    assert len(lines) == 2
    for line, sentence in zip(lines, compared.sentences, strict=True):
        assert line == f"- {sentence.text} [{sentence.citation}]"


TITLED = [
    (
        "fine",
        "FineQuant: Fine-grained Weight-Only Quantization",
        "Large models are costly to serve. We propose an efficient weight-only quantization "
        "method that reduces memory use. It speeds up inference threefold.",
    ),
    (
        "easy",
        "EasyQuant: Data-free Quantization",
        "We propose EasyQuant, a data-free quantization algorithm. EasyQuant keeps outliers.",
    ),
    ROAD_SALT,
]


@pytest.mark.parametrize(
    "question",
    [
        "What is FineQuant?",
        "Tell me about FineQuant",
        "What's new in FineQuant?",
        "How does FineQuant work?",
    ],
)
def test_what_a_paper_named_by_its_title_is_is_answered_by_its_abstract(tmp_path, question):
    """The FineQuant abstract never writes "FineQuant", only its title does; asked what
    FineQuant is, it answers: the abstract describes what its title names."""
    assistant = Assistant(Engine.open([small_collection(tmp_path, "t", TITLED)], tmp_path / "i"))
    answer = assistant.ask(question, Conversation())
    assert not answer.abstained and not answer.weak
    assert answer.citations[0].doc_id == "fine"
    assert "We propose an efficient weight-only quantization method" in answer.answer


def test_which_of_two_named_papers_is_better_compares_them(tmp_path):
    assistant = Assistant(Engine.open([small_collection(tmp_path, "t", TITLED)], tmp_path / "i"))
    answer = assistant.ask("Is EasyQuant better than FineQuant?", Conversation())
    assert answer.kind == "compare"
    assert [c.doc_id for c in answer.citations] == ["easy", "fine"]


def test_which_of_two_named_papers_is_faster_quotes_the_one_giving_a_ratio(tmp_path):
    """Speed is given relative to something: FineQuant's "threefold" answers; EasyQuant's
    abstract gives no ratio, says nothing of speed, and is said not to."""
    assistant = Assistant(Engine.open([small_collection(tmp_path, "t", TITLED)], tmp_path / "i"))
    answer = assistant.ask("Which is faster, EasyQuant or FineQuant?", Conversation())
    assert answer.kind == "compare"
    assert [s.text for s in answer.sentences] == ["It speeds up inference threefold."]
    assert answer.notes == ["The abstract of “EasyQuant: Data-free Quantization” does not say."]
    assert answer.about == ["easy"]


@pytest.mark.parametrize(
    "said", ["thanks", "Thank you!", "hi", "help", "?", "ok.", "What can you do?"]
)
def test_small_talk_is_told_how_to_ask_and_leaves_the_conversation_as_it_was(quantizers, said):
    """ "Thanks" asks nothing of the papers: quoting "thanks to ..." from an abstract would be
    noise. The answer says how to ask, and "it" still means the paper before."""
    conversation = Conversation()
    quantizers.ask("What is EasyQuant?", conversation)
    reply = quantizers.ask(said, conversation)
    assert reply.abstained and reply.citations == [] and reply.see_also == []
    assert reply.answer.startswith("Ask about the papers in plain English")
    after = quantizers.ask("What does it keep unchanged?", conversation)
    assert after.citations[0].doc_id == "easy"


@pytest.mark.parametrize("said", ["Are you sure?", "really?", "Is that right?", "That's wrong"])
def test_doubt_about_an_answer_points_to_the_abstract(quantizers, said):
    """ "Are you sure?" asks nothing of the papers (before, it was searched for and "does not
    answer" came back): the reply says how to read the cited abstract whole, and "show me the
    full abstract" then gives the paper of the answer before."""
    conversation = Conversation()
    quantizers.ask("What is EasyQuant?", conversation)
    reply = quantizers.ask(said, conversation)
    assert reply.abstained and reply.citations == [] and reply.see_also == []
    assert reply.answer.startswith("Every answer quotes the abstracts word for word")
    whole = quantizers.ask("show me the full abstract", conversation)
    assert whole.cited_ids == ["easy"]


@pytest.mark.parametrize(
    "asked",
    [
        "How many papers are in the collection?",
        "How many papers are there?",
        "What is this collection about?",
        "Summarize the collection",
    ],
)
def test_a_question_about_the_collection_itself_is_told_its_size(bridges, asked):
    """No abstract says how many papers the collection holds; its index does."""
    reply = bridges.ask(asked, Conversation())
    assert reply.abstained and reply.citations == []
    assert reply.answer.startswith("This collection holds 5 papers, with 18 sentences")
    topic = bridges.ask("How many papers study bridges?", Conversation())
    assert sorted(topic.cited_ids) == ["drones", "salt", "truss"]


@pytest.mark.parametrize("asked", ["List all papers", "Which papers are there?", "Show me papers"])
def test_a_list_with_no_topic_lists_every_paper_in_the_collections_order(bridges, asked):
    """With no topic and no dates, a list holds every paper, in the order the collection gives
    them, each quoted where it puts its work forward; it says no order it does not keep."""
    listed = bridges.ask(asked, Conversation())
    assert listed.kind == "list" and not listed.abstained
    order = [bridges.engine.papers.ids[d] for d in bridges.engine.live_documents()]
    assert listed.cited_ids == order
    assert not any("Newest first" in note for note in listed.notes)


def test_it_after_a_paper_that_does_not_answer_still_means_that_paper(tmp_path):
    """ "What are the limitations of Slim?" is not answered by Slim's abstract; "it" in the
    next question is still Slim, not the paper answered before."""
    corpus = small_collection(
        tmp_path,
        "pruners",
        [
            (
                "slim",
                "Slim: Pruning Language Models Once",
                "Pruning language models needs costly retraining. We propose Slim, which prunes "
                "language models once. Slim keeps most accuracy.",
            ),
            (
                "trim",
                "Trim: Pruning Speech Models",
                "Speech models are too large for phones. We propose Trim, which prunes speech "
                "models. Trim halves model size.",
            ),
        ],
    )
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    conversation = Conversation()
    assert assistant.ask("What is Trim?", conversation).cited_ids == ["trim"]
    limits = assistant.ask("What are the limitations of Slim?", conversation)
    assert limits.abstained and limits.about == ["slim"]
    answer = assistant.ask("What problem does it solve?", conversation)
    assert answer.cited_ids == ["slim"]
    assert answer.sentences[0].text == "Pruning language models needs costly retraining."
    assistant.ask("What are the limitations of Slim?", conversation)
    listed = assistant.ask("Which papers use it?", conversation)
    assert "slim" in listed.cited_ids and "trim" not in listed.cited_ids
    # Two such answers in a row are the two papers "compare them" means.
    conversation = Conversation()
    assistant.ask("What are the limitations of Trim?", conversation)
    assistant.ask("What are the limitations of Slim?", conversation)
    assert assistant.ask("compare them", conversation).cited_ids == ["trim", "slim"]
    # "Tell me more" still goes on with the last answer that quoted a paper.
    conversation = Conversation()
    assistant.ask("What is Trim?", conversation)
    assistant.ask("What are the limitations of Slim?", conversation)
    more = assistant.ask("tell me more", conversation)
    assert more.cited_ids == ["trim"] and not more.abstained


def test_a_passive_question_with_no_subject_asks_of_the_previous_paper(bridges):
    """ "How many bridges were measured?" after an answer on the drones paper asks how many
    bridges that work measured, not which paper measured bridges. The paper never says
    "measured", so its figure is a weak match."""
    conversation = Conversation()
    assert bridges.ask("How do drones find cracks?", conversation).cited_ids == ["drones"]
    answer = bridges.ask("How many bridges were measured?", conversation)
    assert answer.cited_ids == ["drones"] and answer.weak
    assert answer.sentences[0].text.startswith("On forty bridges")
    alone = bridges.ask("How many bridges were measured?", Conversation())
    assert alone.cited_ids[0] == "salt"


def test_a_figure_for_what_is_counted_answers_how_many_of_the_paper_just_given(bridges):
    """ "How many bridges were inspected?" after the drones paper: "On forty bridges ..." gives
    the figure, though the paper never says "inspected". With the bar for a paper just given
    at 1, only that figure can answer; a question it gives no figure for is abstained on."""
    shipped = bridges.weights
    trigger = shipped.trigger.model_copy(update={"given_threshold": 1.0})
    strict = Assistant(bridges.engine, weights=shipped.model_copy(update={"trigger": trigger}))
    conversation = Conversation()
    assert strict.ask("How do drones find cracks?", conversation).cited_ids == ["drones"]
    answer = strict.ask("How many bridges were inspected?", conversation)
    assert answer.cited_ids == ["drones"]
    assert answer.sentences[0].text.startswith("On forty bridges")
    unanswered = strict.ask("How many cameras do they carry?", conversation)
    assert unanswered.abstained


# Trim states a limitation of its own; Slim states none.
PRUNERS = [
    (
        "slim",
        "Slim: Pruning Language Models Once",
        "We propose Slim, which prunes language models once. Slim keeps most accuracy.",
    ),
    (
        "trim",
        "Trim: Pruning Speech Models",
        "We propose Trim, which prunes speech models. One limitation of our method is that it "
        "needs labelled speech. Trim halves model size.",
    ),
]


@pytest.fixture(scope="module")
def pruners(tmp_path_factory):
    return assistant_over(tmp_path_factory, "pruners", PRUNERS)


def test_and_x_after_a_question_about_its_y_asks_for_xs_y(pruners):
    """ "What are its limitations?" then "and Trim?" asks "What are Trim's limitations?"."""
    assistant = pruners
    conversation = Conversation()
    assistant.ask("What is Slim?", conversation)
    assert assistant.ask("What are its limitations?", conversation).about == ["slim"]
    answer = assistant.ask("and Trim?", conversation)
    assert answer.cited_ids == ["trim"]
    assert (
        answer.sentences[0].text == "One limitation of our method is that it needs labelled speech."
    )
    assert with_referent("What are their results?", "Trim") == "What are Trim's results?"
    assert with_referent("Which papers use it?", "Trim") == "Which papers use Trim?"


def test_a_comparison_says_which_abstracts_cannot_answer_rather_than_quoting_them(pruners):
    """ "What are their limitations?" after comparing Slim and Trim quotes Trim's own limitation
    and says Slim's abstract does not say; "Who proposed them?" is answered by neither."""
    assistant = pruners
    conversation = Conversation()
    assert assistant.ask("Compare Slim and Trim", conversation).cited_ids == ["slim", "trim"]
    limits = assistant.ask("What are their limitations?", conversation)
    assert limits.cited_ids == ["trim"]
    assert (
        limits.sentences[0].text == "One limitation of our method is that it needs labelled speech."
    )
    assert limits.notes == ["The abstract of “Slim: Pruning Language Models Once” does not say."]
    assistant.ask("Compare Slim and Trim", conversation)
    nobody = assistant.ask("Who proposed them?", conversation)
    assert nobody.abstained and nobody.about == ["slim", "trim"]
    assert nobody.answer == "None of the 2 abstracts compared answers this question."


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "What is Splitwise and what are its limitations?",
            ("What is Splitwise?", "What are its limitations?"),
        ),
        ("What is Splitwise? How does it work?", ("What is Splitwise?", "How does it work?")),
        (
            "What does LongWriter do, and is it open source?",
            ("What does LongWriter do?", "Is it open source?"),
        ),
        # "and" inside one question joins its words, not two questions.
        ("How do EasyQuant and FineQuant differ?", None),
        ("Does pruning and quantization hurt accuracy?", None),
    ],
)
def test_a_question_asking_two_things_is_read_as_two_questions(text, parts):
    from assistant.answering.forms import two_questions

    assert two_questions(text) == parts


FAST_KERNELS = [
    (
        "kestrel",
        "Kestrel: Fast Sparse Attention",
        "We present Kestrel, a sparse attention kernel for long inputs. Kestrel skips blocks of "
        "the attention matrix that hold no weight. It runs three times faster than dense kernels.",
    ),
    ROAD_SALT,
]


def test_two_things_asked_of_a_named_paper_are_answered_in_turn(tmp_path_factory):
    """ "What is Kestrel and how much faster is it?" gets what Kestrel is, then the ratio; the
    paper is cited once, and a part its abstract cannot answer says so beside the other."""
    assistant = assistant_over(tmp_path_factory, "kernels", FAST_KERNELS)
    conversation = Conversation()
    both = assistant.ask("What is Kestrel and how much faster is it?", conversation)
    assert not both.abstained and both.cited_ids == ["kestrel"]
    first, second = both.answer.split("\n\n")
    assert first.startswith("We present Kestrel, a sparse attention kernel") and "[1]" in first
    assert second.startswith("It runs three times faster than dense kernels. [1]")
    assert [t.question for t in conversation.turns] == [both.question]
    # "It" after the joined answer is still Kestrel.
    assert assistant.ask("How does it work?", conversation).cited_ids == ["kestrel"]
    three = assistant.ask("What is Kestrel? How much faster is it? Who wrote it?")
    assert three.cited_ids == ["kestrel"]
    blocks = three.answer.split("\n\n")
    assert len(blocks) == 3 and blocks[1].startswith("It runs three times faster")
    assert blocks[2].startswith("The abstract of “Kestrel: Fast Sparse Attention” does not")
    half = assistant.ask("What is Kestrel and who wrote it?", Conversation())
    assert not half.abstained
    assert half.answer.endswith(
        "The abstract of “Kestrel: Fast Sparse Attention” does not answer this question. "
        "Its record in the collection lists no authors either."
    )


def test_a_later_part_of_a_question_quotes_what_the_earlier_did_not(seeds_assistant):
    """ "What is MiniPLM and how does it work?": the sentence saying what MiniPLM is answers
    the first part; the second goes on with others, rather than quote it again."""
    both = seeds_assistant.ask("What is MiniPLM and how does it work?", Conversation())
    first, second = both.answer.split("\n\n")
    quoted = [s.text for s in both.sentences]
    assert len(quoted) == len(set(quoted)) == 4
    assert first.startswith("To address these issues, we propose MiniPLM")
    assert "we propose MiniPLM" not in second


def test_a_later_part_left_with_nothing_new_is_left_out(tmp_path_factory):
    """Zeta's one sentence, quoted for the first part, is all its abstract says: the second
    part adds nothing, and does not say the abstracts do not answer."""
    one_sentence = [
        ("zeta", "Zeta: Fast Sorting", "We propose Zeta, a sorting method in linear time."),
        ROAD_SALT,
    ]
    assistant = assistant_over(tmp_path_factory, "sorting", one_sentence)
    both = assistant.ask("What is Zeta and how does it work?", Conversation())
    assert both.answer == "We propose Zeta, a sorting method in linear time. [1]"


def test_tell_me_more_after_several_things_asked_goes_on_with_the_first(seeds_assistant):
    """ "Tell me more" after "What does LongWriter do, and is it open source?" goes on with
    what LongWriter does, as after "What does LongWriter do?" alone: new sentences, not a weak
    match on the whole question read as one."""
    conversation = Conversation()
    both = seeds_assistant.ask("What does LongWriter do, and is it open source?", conversation)
    more = seeds_assistant.ask("tell me more", conversation)
    assert more.cited_ids == both.cited_ids and not more.weak and not more.abstained
    shown = {s.sentence_index for s in both.sentences}
    assert not shown.intersection(s.sentence_index for s in more.sentences)


@pytest.mark.parametrize(
    "follow_up", ["Which papers are similar?", "Any related work?", "Show me papers like this one"]
)
def test_papers_like_the_one_just_answered_about(seeds_assistant, follow_up):
    """Papers on LongWriter's topic, found by its most distinctive words, LongWriter aside:
    not papers that speak of similarity."""
    (answer,) = after(seeds_assistant, "What is LongWriter?", follow_up)
    titles = [c.title.split(":")[0] for c in answer.citations]
    # The five closest: a ranking, whatever bar a topic would set.
    assert answer.kind == "list" and not answer.abstained and len(titles) == 5
    assert "LongWriter" not in titles and {"XL3M", "LongIns"} <= set(titles)
    assert not any("similar" in s.text for s in answer.sentences)
    assert any(n.startswith("Papers on the topic of “LongWriter: ") for n in answer.notes)
    named = seeds_assistant.ask("Which papers are similar to LongWriter?", Conversation())
    assert [c.doc_id for c in named.citations] == [c.doc_id for c in answer.citations]


def test_papers_like_one_need_one_paper_to_be_like(seeds_assistant):
    alone = seeds_assistant.ask("Which papers are similar?", Conversation())
    assert alone.abstained and alone.answer.startswith("No earlier answer cites a paper")
    (several,) = after(seeds_assistant, "Compare LightSeq and Splitwise", "Any related work?")
    assert several.answer == "The previous answer cites 2 papers: name the one you mean."
    # Related to a topic: the papers on it.
    topic = seeds_assistant.ask("Which papers are related to quantization?", Conversation())
    assert not any(n.startswith("Papers on the topic") for n in topic.notes)
    assert "EasyQuant" in {c.title.split(":")[0] for c in topic.citations}


def test_papers_like_one_sorted_by_date_stay_like_it(seeds_assistant):
    conversation = Conversation()
    seeds_assistant.ask("What is LongWriter?", conversation)
    similar = seeds_assistant.ask("Which papers are similar?", conversation)
    newest = seeds_assistant.ask("Which of them is newest?", conversation)
    assert {c.doc_id for c in newest.citations} == {c.doc_id for c in similar.citations}


@pytest.mark.parametrize("follow_up", ["Give me the link", "What is the URL?", "Show me the link"])
def test_the_link_is_asked_of_the_previous_paper(seeds_assistant, follow_up):
    """LightSeq's abstract never says "link" or "URL": the words ask for a link, which its
    "Codes will be available at https://..." gives; Splitwise gives none and says so."""
    (answer,) = after(seeds_assistant, "What is LightSeq?", follow_up)
    assert [c.title.split(":")[0] for c in answer.citations] == ["LightSeq"]
    assert "https://github.com/RulinShao/LightSeq" in answer.sentences[0].text
    (none,) = after(seeds_assistant, "What is Splitwise?", follow_up)
    assert none.abstained and none.answer.startswith("The abstract of “Splitwise: ")


@pytest.mark.parametrize("follow_up", ["What are the key contributions?", "What is the main idea?"])
def test_the_contributions_are_asked_of_the_previous_paper(seeds_assistant, follow_up):
    (answer,) = after(seeds_assistant, "What is LightSeq?", follow_up)
    named = seeds_assistant.ask("What are the key contributions of LightSeq?", Conversation())
    assert [c.title.split(":")[0] for c in answer.citations] == ["LightSeq"]
    assert answer.sentences[0].text == named.sentences[0].text
