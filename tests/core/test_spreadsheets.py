import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from core.spreadsheets import append_row, workbook_bytes
from tests.cells import FORMULA_LIKE, assert_no_formula


@pytest.mark.parametrize("write_only", [True, False])
def test_text_that_looks_like_a_formula_is_written_as_text_and_numbers_as_numbers(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("台账") if write_only else workbook.active
    append_row(sheet, [*FORMULA_LIKE, "张三", None, -1500, 4000, datetime.date(2026, 3, 1)])

    content = workbook_bytes(workbook)

    assert_no_formula(content)
    cells = next(load_workbook(io.BytesIO(content)).worksheets[-1].iter_rows())
    plain, empty, negative, wage, day = cells[len(FORMULA_LIKE) :]
    assert (plain.value, plain.quotePrefix) == ("张三", False)
    assert (negative.value, negative.data_type) == (-1500, "n")
    assert (wage.value, wage.data_type) == (4000, "n")
    assert day.value == datetime.datetime(2026, 3, 1)
    assert empty.value is None
