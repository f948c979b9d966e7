"""Dates as records write them, read into keys that order them."""

import pytest

from retrieval.dates import compared, date_key, dated_as, within


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2023-05-01", (2023, 5, 1)),
        ("2023-05", (2023, 5, 0)),
        ("2007", (2007, 0, 0)),
        ("Mar 14", (0, 3, 14)),
        ("Sept. 3", (0, 9, 3)),
        ("March 14, 2024", (2024, 3, 14)),
        ("Thu, 5 Apr 2007 17:03:12 GMT", (2007, 4, 5)),
        ("April 2007", (2007, 4, 0)),
        ("April", (0, 4, 0)),
    ],
)
def test_dates_are_read_in_the_forms_records_give(text, key):
    assert date_key(text) == key


@pytest.mark.parametrize("text", [None, "", "no date", "Foo 12", "2023-13-01", "Mar 40"])
def test_text_that_is_no_date_has_no_key(text):
    assert date_key(text) is None


def test_keys_put_dates_in_order():
    written = ["2024-03-01", "Mar 14", "5 Apr 2007", "Mar 11", "2023-12-31"]
    ordered = sorted(written, key=date_key)
    assert ordered == ["Mar 11", "Mar 14", "5 Apr 2007", "2023-12-31", "2024-03-01"]


def test_a_date_falls_within_the_period_asked_as_far_as_it_gives():
    assert within((2023, 5, 1), (2023, 0, 0)) and within((2023, 5, 1), (2023, 5, 0))
    assert within((0, 3, 14), (0, 3, 14)) and within((0, 3, 14), (0, 3, 0))
    assert not within((2023, 5, 1), (2024, 0, 0))
    assert not within((0, 3, 14), (2024, 3, 14))  # a record without a year is in no year


def test_dates_compare_to_the_precision_asked_and_only_when_both_have_years_or_neither():
    assert compared((2024, 2, 1), (2023, 0, 0)) == 1
    assert compared((2023, 12, 31), (2023, 0, 0)) == 0
    assert compared((2022, 2, 1), (2023, 0, 0)) == -1
    assert compared((0, 3, 14), (0, 3, 11)) == 1
    assert compared((0, 3, 14), (2023, 0, 0)) is None


def test_a_date_is_from_since_after_or_before_a_period():
    assert dated_as((2023, 5, 1), "from", (2023, 0, 0))
    assert dated_as((2023, 5, 1), "since", (2023, 0, 0))
    assert not dated_as((2023, 5, 1), "after", (2023, 0, 0))
    assert dated_as((2022, 5, 1), "before", (2023, 0, 0))
    assert not dated_as((0, 3, 14), "before", (2023, 0, 0))
