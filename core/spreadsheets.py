"""What every spreadsheet shares. Imports (the worker ledger, employer demand): reading an uploaded .xlsx file into
rows of text keyed by column name, and collecting each problem with its row number, column and Chinese message.
Exports and templates: every row is written with `append_row`, so that no text becomes a formula.

The first row of the first sheet holds the column names; their order does not matter and unknown columns are
ignored, so people can keep their own extra columns in the file.
"""

import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell

from core.errors import ApplicationError

# Problems kept for the report; a file with more stops being listed there (the count is still exact).
MAX_REPORTED_PROBLEMS = 1000
# Excel keeps 15 significant digits of a number; a longer one (an ID number in a cell formatted as a number) has lost
# its last digits before we ever read it.
_EXCEL_DIGITS = 15


def upload_check(*, file_name, content, max_bytes):
    """Refuse, with a message for the upload field, a file that is not .xlsx or is too big to read in one go."""
    if not file_name.lower().endswith(".xlsx"):
        raise ApplicationError(_("请上传 .xlsx 格式的 Excel 文件（可先下载模板）。"), field="file")
    if len(content) > max_bytes:
        raise ApplicationError(
            _("文件太大（最多 %(megabytes)d MB），请分成几个文件上传。") % {"megabytes": max_bytes // 2**20},
            field="file",
        )


# Text starting with one of these is, or becomes when someone edits the cell, a formula in Excel (OWASP, "CSV
# injection"). Line feed is added because XML reads a carriage return back as one.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def append_row(sheet, values):
    """Append `values` to `sheet` (write-only or not), each text written as text: one that starts like a formula
    (=HYPERLINK(...) typed as a name) becomes a text cell with Excel's quote prefix, so it neither runs when the
    file is opened nor when the cell is edited. The text itself is kept as typed; numbers and dates stay numbers
    and dates, negative ones included."""
    sheet.append([_text_cell(sheet, value) if _starts_like_a_formula(value) else value for value in values])


def _starts_like_a_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def _text_cell(sheet, text):
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # set after the value: openpyxl types a text starting with "=" as a formula
    cell.quotePrefix = True
    return cell


def workbook_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class Problems:
    def __init__(self):
        self.items = []
        self.count = 0

    def add(self, row, column, message):
        self.count += 1
        if len(self.items) < MAX_REPORTED_PROBLEMS:
            self.items.append({"row": row, "column": str(column), "message": str(message)})

    def report(self):
        """The list to store on the import record, with a last line saying how many were left out."""
        if self.count == len(self.items):
            return self.items
        left_out = self.count - len(self.items)
        return [
            *self.items,
            {"row": None, "column": "", "message": _("另有 %(count)d 个问题未列出。") % {"count": left_out}},
        ]


def problem_line(problem):
    """One problem of `Problems.report()` as a line of text, for a command's output: "第 3 行, 代码: ..."."""
    if problem["row"] is None:
        return problem["message"]
    return _("第 %(row)d 行, %(column)s: %(message)s") % problem


def cell_text(value):
    """A cell as the text the person typed: 13800000000 rather than 13800000000.0, a date as 2026-03-01.

    A number too long for Excel's 15 digits is written as Excel shows it (4.30181198801011E+17), so that the check of
    an ID number can say what happened instead of reporting a wrong check digit.
    """
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 10**_EXCEL_DIGITS:
        mantissa, exponent = f"{value:.{_EXCEL_DIGITS - 1}E}".split("E")
        return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def read_rows(content, *, required, optional=(), problems):
    """[(row number, {column: text})] for every non-empty row of the first sheet.

    A file that is not a workbook, or a missing required column, is a problem of row 1 and no row is read.
    Columns are gettext_lazy names or plain strings; the dictionaries are keyed by their text.
    """
    try:
        workbook = load_workbook(io.BytesIO(bytes(content)), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not a workbook
        problems.add(1, "", _("无法读取这个文件，请确认它是 .xlsx 格式的 Excel 文件。"))
        return []
    return list(_sheet_rows(workbook, required=required, optional=optional, problems=problems))


def _sheet_rows(workbook, *, required, optional, problems):
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [cell_text(cell) for cell in next(rows, ())]
        positions = {name: index for index, name in enumerate(header) if name}
        missing = [str(column) for column in required if str(column) not in positions]
        for column in missing:
            problems.add(1, column, _("缺少这一列。"))
        if missing:
            return
        wanted = [
            (str(column), positions[str(column)]) for column in (*required, *optional) if str(column) in positions
        ]
        for number, values in enumerate(rows, start=2):
            if not any(value not in (None, "") for value in values):
                continue
            yield number, {column: cell_text(values[index]) if index < len(values) else "" for column, index in wanted}
    finally:
        workbook.close()
