"""The ledger template's columns and the workbook people fill in: one header row with the column names below (their
order does not matter and unknown columns are ignored), an example row, the statuses and the user's village codes."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from core.accounts.scoping import scope_regions_to_user
from core.regions.models import Region, RegionLevel
from core.spreadsheets import append_row, workbook_bytes
from workers.models import (
    KeyGroup,
    WorkerStatus,
)

NAME = gettext_lazy("姓名")


ID_NUMBER = gettext_lazy("身份证号")


PHONE = gettext_lazy("手机号")


VILLAGE = gettext_lazy("户籍村代码")


STATUS = gettext_lazy("就业状态")


SKILLS = gettext_lazy("技能")


OCCUPATIONS = gettext_lazy("求职意向")


WAGE = gettext_lazy("期望月薪")


KEY_GROUPS = gettext_lazy("重点群体")


REQUIRED_COLUMNS = (NAME, ID_NUMBER, PHONE, VILLAGE, STATUS)


OPTIONAL_COLUMNS = (SKILLS, OCCUPATIONS, WAGE, KEY_GROUPS)


def villages_of(user):
    """The villages whose people the user may register: every village in their region, their own if a village."""
    return scope_regions_to_user(user, Region.objects.filter(level=RegionLevel.VILLAGE)).order_by("code")


def ledger_template_workbook(*, user):
    """The template to fill in: the header, one example row, the status choices and the user's village codes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("台账")
    columns = [str(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)]
    append_row(sheet, columns)
    villages = list(villages_of(user).values_list("code", "name", "parent__name"))
    example_village = villages[0][0] if villages else "430181102201"
    append_row(
        sheet,
        ["张三", "430181198801011235", "13800000000", example_village, str(WorkerStatus.RETURNED.label), "电工",
         "电工、焊工", 6000, str(KeyGroup.POVERTY_ALLEVIATED.label)]
    )  # fmt: skip
    statuses = DataValidation(type="list", formula1='"' + ",".join(str(label) for label in WorkerStatus.labels) + '"')
    sheet.add_data_validation(statuses)
    statuses.add("E2:E200000")
    for column in ("B", "C", "D"):
        sheet.column_dimensions[column].width = 22
    codes = workbook.create_sheet(_("村代码"))
    append_row(codes, [str(_("村代码")), str(_("村（社区）")), str(_("乡镇（街道）"))])
    for village in villages:
        append_row(codes, village)
    notes = workbook.create_sheet(_("填写说明"))
    for line in (
        _("第一行是列名，列的顺序可以调整；姓名、身份证号、手机号、户籍村代码、就业状态必须填写。"),
        _("就业状态填：%(statuses)s。") % {"statuses": "、".join(str(label) for label in WorkerStatus.labels)},
        _("重点群体可填多个，用顿号分隔：%(groups)s。")
        % {"groups": "、".join(str(label) for label in KeyGroup.labels)},
        _("户籍村代码是12位数字，见“村代码”表。期望月薪填整数（元）。"),
        _("任何一行有错误时整个文件都不会导入，系统会列出每个错误的行号、列名和原因。"),
    ):
        append_row(notes, [line])
    return workbook_bytes(workbook)
