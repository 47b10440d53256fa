"""Cells that leave safepath for a spreadsheet (CSV, XLSX exports).

A text cell that starts like a formula (`=`, `+`, `-`, `@`, tab, carriage return) is
run as one by Excel or LibreOffice when the file is opened: a name typed as
`=HYPERLINK(...)` would turn an export into a way to leak or mislead (OWASP "CSV
injection"). Such a cell gets a leading apostrophe, which spreadsheets show as text.
A plain signed number (`+48601234567`, as safepath stores phone numbers, or `-3`, `2.5`)
is left as it is; anything more (`+48-601-234-567`, `-2-3`) could be calculated by a
spreadsheet and gets the apostrophe.
"""

import re
from typing import Final

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER: Final = re.compile(r"[+-]?[0-9]+([.,][0-9]+)?")


def inert[T](value: T) -> T | str:
    """`value`, or the text with a leading apostrophe when a spreadsheet would run it."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value
