"""Sentence splitting for abstracts, with character offsets.

syntok proposes the boundaries; a second pass removes the ones abstracts prove wrong: after
abbreviations ("e.g.", "et al.", "Fig.", "U.S." before a name), after ";" and ":" in enumerations
("(1) ...; (2) ..."), inside brackets, before a lowercase continuation (but not after an
acronym: "XGLM. source code ..." is two sentences with a slip of the case), and wherever no
sentence punctuation precedes (syntok sometimes cuts before "(": "a new mechanism (typically
...").
A text written without capitals (a lower-cased collection: "... at high speed . it is now ...")
has no capital to mark where a sentence starts, so there a full stop before any word ends one.
Every sentence is an exact slice of the text, and the slices cover all of its non-space
characters, in order.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import syntok.segmenter

from retrieval.analysis import STOPWORDS

# Bump when the boundaries found for some text change: cached indexes hold sentence statistics
# (how many sentences, their average length) counted with this splitter.
SPLITTER_VERSION = "3"

# Abbreviations after which a point never ends a sentence in an abstract or an encyclopedia
# entry ("c. 1900", "Jan. 5", "Mt. Everest", "Gen. Grant").
ABBREVIATIONS = frozenset(
    """
    e.g. i.e. cf. vs. viz. etc. al. fig. figs. eq. eqs. sec. secs. tab. no. nos. approx. resp.
    w.r.t. a.k.a. incl. dr. prof. mr. mrs. ms. st. u.s. u.k. e.u. ph.d. ca. c. ref. refs. vol.
    pp. ch. mt. ft. jr. sr. gen. sen. gov. col. capt. lt. sgt. rev. inc. ltd. co. corp. est.
    jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec.
    """.split()
)
# These may also end a sentence. They keep the boundary when the next word opens a sentence (a
# capitalised function word: "... in the U.S. The ..."), not when it is a name ("U.S. Army").
SENTENCE_FINAL_ABBREVIATIONS = frozenset(
    {"etc.", "al.", "u.s.", "u.k.", "e.u.", "jr.", "sr.", "inc.", "ltd.", "co.", "corp."}
)

_LAST_WORD = re.compile(r"(\S+)\s*$")
# A sentence ends with a full stop, "!" or "?", perhaps inside closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_BRACKET = re.compile(r"[()\[\]{}]")
# The end of a piece that the end-anchored patterns look at (longer than any last word).
_TAIL_CHARS = 120
# Texts longer than this are split on their full stops alone, judged locally (syntok and the
# bracket bookkeeping need seconds for them).
SYNTOK_MAX_CHARS = 20_000
# A piece this short is an enumerator or a stray mark ("(2)", "1)"), not a sentence.
_MIN_SENTENCE_CHARS = 4


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of `text`: `text[span.start:span.end]` is a whole, stripped sentence."""
    cased = any(ch.isupper() for ch in text)
    if len(text) > SYNTOK_MAX_CHARS:
        cuts = _long_text_cuts(text, cased)
    else:
        cuts = _merge_wrong_cuts(text, _proposed_cuts(text, cased), cased)
    bounds = [0, *cuts, len(text)]
    spans = []
    for start, end in itertools.pairwise(bounds):
        span = _strip(text, start, end)
        if span is not None:
            spans.append(span)
    return spans


def sentence_texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def _proposed_cuts(text: str, cased: bool) -> list[int]:
    """Offsets where a new sentence may start (never 0), in order.

    syntok's proposals, plus every full stop before a capital, a digit or a mixed-case name
    ("kNN-LM"): syntok takes "OpenChat-3.5-7B." for an abbreviation and never cuts before a
    lowercase letter. The filter decides on both. Beyond SYNTOK_MAX_CHARS (a book, not an
    abstract) only the full stops are proposed: syntok would take seconds. In a text without
    capitals, every full stop before a word is proposed.
    """
    cuts = {m.end() for m in _stops(cased).finditer(text)}
    try:
        for paragraph in syntok.segmenter.analyze(text):
            for sentence in paragraph:
                if sentence and 0 < sentence[0].offset < len(text):
                    cuts.add(sentence[0].offset)
    except Exception:
        pass
    return sorted(cuts)


_STOP_BEFORE_CAPITAL = re.compile(
    r"(?<=\S)[.!?][\"')\]]*\s+(?=[A-Z0-9]|[a-z]+[A-Z0-9])"
    # An acronym ends its sentence even when a slip leaves the next one lowercase ("the
    # multilingual model XGLM. source code ... is released").
    r"|\b[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*\.\s+(?=[a-z])"
    # A slip that drops the space after a full stop ("the original LLM.Through empirical
    # evaluation"): a word of three letters or more opens the next sentence.
    r"|(?<=[A-Za-z0-9]{2})\.(?=[A-Z][a-z]{2,}\b)"
)
# The same acronym, where a piece ends: a lowercase word after it still opens a sentence.
_ACRONYM_END = re.compile(r"\b[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*\.$")
# Lower-cased text, often tokenised too: the stop may stand apart from its word ("speed . it").
_STOP_BEFORE_WORD = re.compile(r"[.!?][\"')\]]*\s+(?=\w)")
_INITIAL = re.compile(r"^[A-Z]\.$")
_AFTER_NUMBER = re.compile(r"\d\s+[A-Z]\.$")
# A unit after a number ("a 24 in. plate", "the 18-in. by 20-in. tunnel", "at 800 deg. cent"),
# which a sentence seldom ends on.
_UNIT_AFTER_NUMBER = re.compile(r"\d[\s-]*(?:in|deg|lbs?|hrs?|min|yds?|oz|gal)\.$", re.I)


def _stops(cased: bool) -> re.Pattern[str]:
    return _STOP_BEFORE_CAPITAL if cased else _STOP_BEFORE_WORD


def _long_text_cuts(text: str, cased: bool) -> list[int]:
    """Boundaries of a text too long for syntok (a book, not an abstract): every full stop
    before a new sentence, less those after an abbreviation or an initial, judged on the few
    characters around each (brackets are not followed across a whole book)."""
    cuts = []
    for match in _stops(cased).finditer(text):
        cut, stop = match.end(), match.start()
        last_word = text[text.rfind(" ", 0, stop) + 1 : stop + 1].casefold().lstrip("([\"'")
        doubtful = _UNIT_AFTER_NUMBER.search(text, max(0, stop - 20), stop + 1)
        if last_word in ABBREVIATIONS or _INITIAL.match(last_word.upper()) or doubtful:
            # The rare doubtful stop gets the whole check, on the characters around it.
            window = text[max(0, cut - _TAIL_CHARS) : cut]
            if not _is_real_boundary(window, text[cut : cut + _TAIL_CHARS], cased, False):
                continue
        cuts.append(cut)
    return cuts


def _merge_wrong_cuts(text: str, cuts: list[int], cased: bool) -> list[int]:
    # Cuts after an abbreviation go first, so that each piece runs to the next boundary that may
    # hold: "... opened. Mt. Everest is ..." is judged on "Mt. Everest is ...", not on "Mt.".
    cuts = [
        cut
        for cut in cuts
        if not _abbreviation_holds(
            text[max(0, cut - _TAIL_CHARS) : cut], text[cut : cut + _TAIL_CHARS].lstrip()
        )
    ]
    kept: list[int] = []
    start = 0
    for i, cut in enumerate(cuts):
        next_cut = cuts[i + 1] if i + 1 < len(cuts) else len(text)
        before = text[start:cut]
        after = text[cut:next_cut]
        if _is_real_boundary(before, after, cased):
            kept.append(cut)
            start = cut
    return kept


def _is_real_boundary(before: str, after: str, cased: bool, brackets: bool = True) -> bool:
    tail = before.rstrip()
    head = after.lstrip()
    if not tail or not head:
        return False
    if len(tail) < _MIN_SENTENCE_CHARS or len(head.rstrip()) < _MIN_SENTENCE_CHARS:
        return False
    end = tail[-_TAIL_CHARS:]  # the end-anchored patterns need only the last characters
    if not _SENTENCE_END.search(end):
        return False
    if brackets and _open_bracket_closes_later(tail, head):
        return False
    if _abbreviation_holds(end, head):
        return False
    # A sentence does not start with a lowercase word; mixed-case names ("kNN-LM", "mGPT") may,
    # and so does every sentence of a text without capitals.
    first_word = head.split(maxsplit=1)[0]
    return (
        not cased
        or bool(_ACRONYM_END.search(end))
        or not (first_word[0].islower() and first_word.isalpha() and first_word.islower())
    )


def _abbreviation_holds(tail: str, head: str) -> bool:
    """The text before a possible boundary ends with an initial or an abbreviation that the
    text after it continues ("J. Smith", "e.g. the", "U.S. Army")."""
    end = tail.rstrip()
    last = _LAST_WORD.search(end)
    if last is None or not head:
        return False
    opener = head.split(maxsplit=1)[0].strip("\"'(")
    # A capitalised function word opens a sentence; it is no one's name ("in arm A. In arm B").
    opens_sentence = opener[:1].isupper() and opener.casefold() in STOPWORDS
    if _INITIAL.match(last.group(1)) and not _AFTER_NUMBER.search(end):
        # "J. Smith", but not a unit after a number: "-0.5 D. Cycloplegic ..."
        return not opens_sentence
    if _UNIT_AFTER_NUMBER.search(end):
        # Only a capital after it may open a sentence (in a lower-cased text, none does).
        return not opener[:1].isupper()
    last_word = last.group(1).casefold().lstrip("([\"'")
    if last_word not in ABBREVIATIONS:
        return False
    return last_word not in SENTENCE_FINAL_ABBREVIATIONS or not opens_sentence


def _open_bracket_closes_later(tail: str, head: str) -> bool:
    """The cut falls inside brackets that the following piece closes."""
    depth: dict[str, int] = {}
    for match in _BRACKET.finditer(tail):  # only the brackets, not every character
        ch = match.group()
        if ch in _OPENERS:
            depth[ch] = depth.get(ch, 0) + 1
        else:
            for opener, closer in _OPENERS.items():
                if ch == closer and depth.get(opener, 0) > 0:
                    depth[opener] -= 1
    return any(n > 0 and _OPENERS[opener] in head for opener, n in depth.items())


def _strip(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if start < end else None
