"""Numbers and time-like labels as people write them ("1,200", "$4.2M", "45%", "Q3 2024", "Jan")."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Magnitude suffixes a chart can carry as its `unit` (Chart2D/Chart1D: k|m|b|t); the value stays as written.
_SCALE = {
    "k": "k", "thousand": "k", "m": "m", "mn": "m", "million": "m",
    "b": "b", "bn": "b", "billion": "b", "t": "t", "tn": "t", "trillion": "t",
}  # fmt: skip
_NUMBER = re.compile(
    r"""^(?P<sign>[-+−]?)\s*(?P<cur>[$€£¥₹]?)\s*
    (?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?
    \s*(?P<suffix>%|[A-Za-z²³°/]{1,8}\.?)?$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Number:
    """A number read from text: `value` is exactly the written digits, `unit` the suffix as written."""

    value: int | float
    currency: str
    unit: str  # "%", "k", "km", "USD", ... or ""

    @property
    def scale(self) -> str | None:
        """The chart unit (k|m|b|t) of a magnitude suffix such as "4.2M" or "3bn"."""
        return _SCALE.get(self.unit.lower().rstrip("."))

    @property
    def kind(self) -> tuple[str, str]:
        """What must agree across a column for its values to share one axis."""
        return (self.currency, self.unit.lower())


def parse_number(text: str) -> Number | None:
    """The number a whole cell or value holds, or None. Thousands separators must be well placed ("1,200"),
    so "1,2" (a list) and "12:30" (a time) are not numbers."""
    m = _NUMBER.match(text.strip())
    if m is None:
        return None
    digits = m.group("digits").replace(",", "")
    frac = m.group("frac") or ""
    negative = m.group("sign") in ("-", "−")
    value: int | float = float(digits + frac) if frac else int(digits)
    return Number(-value if negative else value, m.group("cur"), m.group("suffix") or "")


def numeric_column(cells: list[str]) -> list[Number] | None:
    """The cells' numbers when every cell holds one of the same kind (currency and unit), else None."""
    numbers: list[Number] = []
    for cell in cells:
        number = parse_number(cell)
        if number is None or (numbers and number.kind != numbers[0].kind):
            return None
        numbers.append(number)
    return numbers or None


_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    "oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DAYS = "mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d|'\d\d)"
_TIME_LABEL = re.compile(
    rf"""^(?:
      (?:fy|cy)?\s?{_YEAR}(?:[/-]\d{{2}})?                       # 2024, FY2024, 2023/24
    | (?:fy|cy)\s?\d{{2}}                                          # FY24
    | (?:{_YEAR}\s?)?[qh][1-4](?:\s?(?:fy)?{_YEAR}|\s?'?\d{{2}})?   # Q1, Q1 2024, 2024 Q1, H2, Q3'24
    | [1-4]q\d{{2}}                                                # 1Q24
    | (?:{_MONTHS})\.?(?:[\s-]?(?:{_YEAR}|\d{{2}}))?                # Jan, January 2024, Jan-24
    | (?:{_DAYS})\.?                                               # Mon, Tuesday
    | {_YEAR}-\d{{1,2}}(?:-\d{{1,2}})?                             # 2024-01, 2024-01-05
    | \d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}                          # 05/01/2024
    | \d{{1,2}}\s(?:{_MONTHS})\.?(?:\s{_YEAR})?                     # 5 Jan, 5 January 2024
    | (?:week|wk|day|month|year|quarter|w|d)\s?\d{{1,3}}           # Week 1, Day 3, W12
    | \d{{1,2}}(?::\d\d)?\s?(?:am|pm)|\d{{1,2}}:\d\d               # 10am, 14:30
    )$""",
    re.VERBOSE | re.IGNORECASE,
)


def is_time_label(label: str) -> bool:
    """True for a label that names a point in time: years, quarters, halves, months, weekdays, dates."""
    return _TIME_LABEL.match(label.strip()) is not None


def all_time_labels(labels: list[str]) -> bool:
    return len(labels) >= 2 and all(is_time_label(label) for label in labels)
