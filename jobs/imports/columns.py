"""The demand sheet's columns and the template to download: one row per posting, its employer's columns repeated."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.regions.models import Region, RegionLevel
from core.spreadsheets import append_row, workbook_bytes
from jobs.models import Benefit, Occupation, PostingKind

EMPLOYER_NAME = gettext_lazy("单位名称")
CREDIT_CODE = gettext_lazy("统一社会信用代码")
INDUSTRY = gettext_lazy("行业")
EMPLOYER_REGION = gettext_lazy("所在地区")
ADDRESS = gettext_lazy("地址")
CONTACT_NAME = gettext_lazy("联系人")
CONTACT_PHONE = gettext_lazy("联系电话")
KEY_ENTERPRISE = gettext_lazy("是否重点企业")
EMPLOYER_COLUMNS = (EMPLOYER_NAME, CREDIT_CODE, INDUSTRY, EMPLOYER_REGION, ADDRESS, CONTACT_NAME, CONTACT_PHONE,
                    KEY_ENTERPRISE)  # fmt: skip

TITLE = gettext_lazy("岗位名称")
OCCUPATION = gettext_lazy("工种")
HEADCOUNT = gettext_lazy("招聘人数")
WAGE_MIN = gettext_lazy("月薪下限")
WAGE_MAX = gettext_lazy("月薪上限")
PAY_NOTES = gettext_lazy("计薪方式")
WORKING_HOURS = gettext_lazy("工作时间")
# The benefit columns are named by the benefits' own labels: 包吃, 包住, 五险一金, 路费报销, 返岗专车.
BENEFITS = tuple(benefit.label for benefit in Benefit)
WORK_REGION = gettext_lazy("工作地区")
WORK_ADDRESS = gettext_lazy("工作地址")
AGE_MIN = gettext_lazy("年龄下限")
AGE_MAX = gettext_lazy("年龄上限")
REQUIREMENTS = gettext_lazy("任职要求")
KIND = gettext_lazy("岗位类型")
VALID_UNTIL = gettext_lazy("有效期至")
DESCRIPTION = gettext_lazy("岗位描述")
POSTING_COLUMNS = (TITLE, OCCUPATION, HEADCOUNT, WAGE_MIN, WAGE_MAX, PAY_NOTES, WORKING_HOURS, *BENEFITS, WORK_REGION,
                   WORK_ADDRESS, AGE_MIN, AGE_MAX, REQUIREMENTS, KIND, VALID_UNTIL, DESCRIPTION)  # fmt: skip

ALL_COLUMNS = (*EMPLOYER_COLUMNS, *POSTING_COLUMNS)
REQUIRED_COLUMNS = (EMPLOYER_NAME, CREDIT_CODE, INDUSTRY, EMPLOYER_REGION, CONTACT_NAME, CONTACT_PHONE, TITLE,
                    OCCUPATION, HEADCOUNT, WAGE_MIN, WAGE_MAX, VALID_UNTIL)  # fmt: skip
OPTIONAL_COLUMNS = tuple(column for column in ALL_COLUMNS if column not in REQUIRED_COLUMNS)

YES, NO = gettext_lazy("是"), gettext_lazy("否")
TEMPLATE_ROWS = 20000


def _dropdown(sheet, column, labels):
    letter = get_column_letter(ALL_COLUMNS.index(column) + 1)
    validation = DataValidation(type="list", formula1='"' + ",".join(str(label) for label in labels) + '"')
    validation.error = _("请从下拉列表中选择。")
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")


def demand_template_workbook(*, user):
    """The .xlsx to fill in: the header with dropdowns, the instructions with an example, the region codes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("岗位需求")
    append_row(sheet, [str(column) for column in ALL_COLUMNS])
    for cell in sheet[1]:
        if cell.value in {str(column) for column in REQUIRED_COLUMNS}:
            cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(ALL_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 24 if column in (EMPLOYER_NAME, CREDIT_CODE) else 12
    _dropdown(sheet, OCCUPATION, Occupation.labels)
    _dropdown(sheet, KIND, PostingKind.labels)
    for column in (KEY_ENTERPRISE, *BENEFITS):
        _dropdown(sheet, column, (YES, NO))

    notes = workbook.create_sheet(_("填写说明"))
    valid_until = timezone.localdate().replace(day=1).replace(year=timezone.localdate().year + 1)
    for line in (
        _("在“岗位需求”表中每个岗位填一行；同一家单位有几个岗位就填几行，单位的各列每行重复填写且必须一致。"),
        _("加粗的列必须填写，其余可以不填。列的顺序可以调整，多余的列会被忽略。"),
        _("统一社会信用代码为18位。系统中已有的单位（包括其他县录入的）按代码匹配，不会重复建立。"),
        _("所在地区、工作地区填县（市、区）的名称或6位代码，见“地区代码”表；工作地区不填时与所在地区相同。"),
        _("工种、岗位类型、是否重点企业和各项福利请从下拉列表中选择；福利填“是”或“否”，不填视为“否”。"),
        _("招聘人数、月薪、年龄填整数；年龄不填时为16至60岁。有效期至填日期，例如 %(date)s。")
        % {"date": valid_until.isoformat()},
        _("任何一行有错误时整个文件都不会导入，系统会列出每个错误的行号、列名和原因。"),
        "",
        _("示例："),
    ):
        append_row(notes, [line])
    append_row(notes, [str(column) for column in ALL_COLUMNS])
    append_row(
        notes,
        ["浏阳恒信电子有限公司", "91430181MA4L0K7P52", "电子制造", "浏阳市", "浏阳经开区康万路1号", "王经理",
         "0731-83612345", str(YES), "电子厂普工", str(Occupation.ELECTRONICS.label), 50, 4500, 6500, "计件，保底4000元",
         "长白班，月休4天", str(YES), str(YES), str(YES), str(NO), str(YES), "浏阳市", "浏阳经开区康万路1号", 18, 45,
         "身体健康，能适应流水线工作", str(PostingKind.REGULAR.label), valid_until.isoformat(),
         "手机主板组装，流水线作业"]
    )  # fmt: skip
    notes.column_dimensions["A"].width = 100

    codes = workbook.create_sheet(_("地区代码"))
    append_row(codes, [str(_("代码")), str(_("县（市、区）")), str(_("所属市"))])
    # The counties of the uploader's province: employers come from elsewhere too, but mostly from nearby.
    counties = Region.objects.filter(level=RegionLevel.COUNTY).select_related("parent").order_by("code")
    if user.region is not None:
        counties = counties.filter(code__startswith=user.region.code[:2])
    for county in counties:
        append_row(codes, [county.code, county.name, county.parent.name if county.parent else ""])
    return workbook_bytes(workbook)
