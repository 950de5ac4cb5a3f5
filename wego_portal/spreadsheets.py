"""Spreadsheet exports never carry a live formula.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as
a formula by Excel, LibreOffice and Google Sheets when the CSV or XLSX is opened (CSV
injection). Member-entered text (names, project titles, answers) is prefixed with an
apostrophe, which spreadsheets show as text. Numbers and dates are left as they are.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` unchanged, unless it is text that a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value
