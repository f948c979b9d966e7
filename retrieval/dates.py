"""Dates as records give them ("Mar 14", "2023-05-01", "5 Apr 2007", "Thu, 5 Apr 2007 17:03:12
GMT"), read into keys that put them in order. A date without a year ("Mar 14", as papers-listing
pages give it) orders by month and day, before any date with a year. A date a question names
("from 2023", "since June 2021") is a period: a record's date falls in it, or before or after it."""

from __future__ import annotations

import functools
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_FORMS = [
    # 2023-05-01, 2023-05, 2023/05/01, 2023
    re.compile(r"(?P<year>\d{4})(?:[-/](?P<number>\d{1,2})(?:[-/](?P<day>\d{1,2}))?)?(?!\d)"),
    # Mar 14, March 14, 2024
    re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}})(?!\d)(?:,?\s+(?P<year>\d{{4}}))?"),
    # 5 Apr 2007, Thu, 5 Apr 2007 17:03:12 GMT
    re.compile(rf"(?:[A-Za-z]{{3}},\s*)?(?P<day>\d{{1,2}})\s+{_MONTH}(?:\s+(?P<year>\d{{4}}))?"),
    # April 2007
    re.compile(rf"{_MONTH}\s+(?P<year>\d{{4}})"),
    # April, alone
    re.compile(rf"{_MONTH}\s*$"),
]

DateKey = tuple[int, int, int]


# A collection's records share few distinct dates; reading each once keeps a scan over every
# record cheap.
@functools.lru_cache(maxsize=4096)
def date_key(text: str | None) -> DateKey | None:
    """(year, month, day) for a date as a record writes it, 0 for a part it leaves out; None
    for text that is no date this reads."""
    if not text:
        return None
    text = text.strip()
    for form in _FORMS:
        match = form.match(text)
        if match is None:
            continue
        parts = match.groupdict()
        if parts.get("month") is not None:
            month = _MONTHS.get(parts["month"].casefold())
            if month is None:
                continue
        else:
            month = int(parts.get("number") or 0)
        day = int(parts.get("day") or 0)
        if not (0 <= month <= 12 and 0 <= day <= 31):
            continue
        return int(parts.get("year") or 0), month, day
    return None


def within(date: DateKey, asked: DateKey) -> bool:
    """Whether a date falls in the period a date asked for spans: its year, month and day, as
    far as it gives them. A record without a year falls in no year asked for."""
    return all(want == 0 or part == want for part, want in zip(date, asked, strict=True))


def compared(date: DateKey, asked: DateKey) -> int | None:
    """-1, 0 or 1 as the date falls before, in or after the period asked for; None when only
    one of them gives a year, which leaves the two out of order."""
    if (date[0] == 0) != (asked[0] == 0):
        return None
    # The date is read to the precision asked for: "after 2023" is any year after 2023.
    cut = tuple(
        part if want or i == 0 else 0
        for i, (part, want) in enumerate(zip(date, asked, strict=True))
    )
    return (cut > asked) - (cut < asked)


def dated_as(date: DateKey, relation: str, asked: DateKey) -> bool:
    """Whether a date is "from" (or "in", "on"), "since", "after" or "before" the period
    asked for."""
    if relation not in ("since", "after", "before"):
        return within(date, asked)
    order = compared(date, asked)
    if order is None:
        return False
    if relation == "since":
        return order >= 0
    return order > 0 if relation == "after" else order < 0
