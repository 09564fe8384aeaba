"""The weekly report upward (春风行动进展周报): one row per sub-region, the columns counties send every week.

The same rows make the printable page and the Excel file; both are the daily figures of the week (Monday to
Sunday) for the reader's region, read through the same selector as the dashboard's table.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheets import append_row, workbook_bytes
from portal.statistics.selectors import Figures, Period, figures_by_sub_region

WEEKLY_COLUMNS = (
    ("fairs", gettext_lazy("举办招聘会(场)")),
    ("fair_employers", gettext_lazy("参会企业(家)")),
    ("headcount_wanted", gettext_lazy("提供岗位(个)")),
    ("applications_intention", gettext_lazy("达成就业意向(人)")),
    ("applications_signed", gettext_lazy("实现转移就业(人)")),
    ("trips", gettext_lazy("开行专车/专列(趟)")),
    ("boarded", gettext_lazy("运送务工人员(人)")),
    ("workers_registered", gettext_lazy("登记务工人员(人)")),
    ("services", gettext_lazy("就业秘书服务(人次)")),
)


def week_of(day):
    """The Monday-to-Sunday week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6))


def last_complete_week(today):
    return week_of(today - timedelta(days=7))


@dataclass
class WeeklyReport:
    region: object
    week: Period
    rows: list  # (name, [values])
    total: list

    @property
    def title(self):
        place = self.region.name if self.region else _("全国")
        return _("%(place)s春风行动进展周报（%(first)s—%(last)s）") % {
            "place": place,
            "first": date_format(self.week.first, "Y年n月j日"),
            "last": date_format(self.week.last, "n月j日"),
        }

    @property
    def columns(self):
        return [label for _name, label in WEEKLY_COLUMNS]


def weekly_report(region, week):
    rows, total = [], Figures()
    for row in figures_by_sub_region(region, week):
        name = row.region.name if row.region else _("本级")
        rows.append((name, [row.figures[figure] for figure, _label in WEEKLY_COLUMNS]))
        for figure in row.figures.values:
            total.values[figure] += row.figures.values[figure]
    return WeeklyReport(region, week, rows, [total[figure] for figure, _label in WEEKLY_COLUMNS])


def weekly_report_workbook(report):
    """The report as an .xlsx file's bytes: a title line, the header, a row per sub-region, the total."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = _("周报")
    append_row(sheet, [report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    append_row(sheet, [_("地区"), *[str(label) for label in report.columns]])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for name, values in report.rows:
        append_row(sheet, [name, *values])
    append_row(sheet, [_("合计"), *report.total])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 18
    for letter in "BCDEFGHIJ":
        sheet.column_dimensions[letter].width = 16
    return workbook_bytes(workbook)
