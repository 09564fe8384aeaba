"""What every Excel file the portal writes must hold up against: text that looks like a formula, typed by a job
seeker or an employer, stays text (core.spreadsheets.append_row)."""

import io

from openpyxl import load_workbook

# OWASP's formula-injection triggers: each is put in a text field of the person or posting under test.
FORMULA_LIKE = ('=HYPERLINK("http://x/","x")', "+1", "-1", "@SUM(A1)", "\t=1", "\r=1")


def _as_read_back(text):
    # XML turns a carriage return into a line feed when the file is read.
    return text.replace("\r", "\n")


def assert_no_formula(content, *, written=FORMULA_LIKE):
    """No cell of any sheet is a formula, and each of `written` is a whole cell of text marked as text for Excel
    (its quote prefix keeps it text when someone edits the cell)."""
    workbook = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [f"{cell.parent.title}!{cell.coordinate}={cell.value!r}" for cell in cells if cell.data_type == "f"]
    assert formulas == []
    for text in written:
        found = [cell for cell in cells if cell.value == _as_read_back(text)]
        assert found, f"{text!r} is not a cell of the file"
        for cell in found:
            assert (cell.data_type, cell.quotePrefix) == ("s", True), f"{cell.coordinate} {text!r} is not text"
    return cells
