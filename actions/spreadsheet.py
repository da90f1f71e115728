"""Cells a spreadsheet would run are written as text (OWASP, CSV injection).

Every export goes through `safe_cell`: the list exports of every view in every format,
the appointment report's CSV and the command line's CSV. A text that starts with `=`, `+`,
`-` or `@` (also after spaces), or with a tab or a carriage return, gets a leading single
quote, so a spreadsheet shows it instead of evaluating it.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = frozenset("=+-@")
CONTROL_STARTS = frozenset("\t\r")
LEADING_BLANKS = " \t\r\n\x0b\x0c"


def safe_text(text: str) -> str:
    """The text itself, or with a leading `'` when a spreadsheet would run it."""
    if text[:1] in CONTROL_STARTS or text.lstrip(LEADING_BLANKS)[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def safe_cell(value: Any) -> Any:
    """A cell of any export: texts made safe (also inside a list), other values as they are."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list):
        return [safe_cell(item) for item in value]
    return value
