"""How common a word is in English at large.

A collection of a few hundred abstracts lacks most words of the language, so it cannot tell an
everyday word it happens not to use ("cheaply", which a question in plain words is full of) from
a specialist term it never mentions ("xerostomia", which says the question is about a paper it
does not hold). wordfreq's frequencies, gathered from large and varied English corpora, can.
Only words the collection lacks are looked up, and wordfreq is imported on the first of them.
"""

from __future__ import annotations

from functools import cache


def english_frequency(word: str) -> float:
    """How often English uses the word, on wordfreq's Zipf scale (0 for words it lacks)."""
    import wordfreq  # about 0.15 s: only for questions with a word the collection lacks

    return wordfreq.zipf_frequency(word, "en", wordlist="small")


@cache
def rare_in_english(word: str) -> bool:
    """Whether the word is outside wordfreq's list of common English words (its "small" list:
    about 29,000 words, each used at least once per million words)."""
    return english_frequency(word) == 0.0
