import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.regions import gb2260
from core.regions.fields import region_fragments_invalidate
from core.regions.models import REGION_NAME_MAX_LENGTH, Region, RegionLevel
from core.typed_input import typed_digits


@transaction.atomic
def regions_load_divisions() -> int:
    """Load every province, city and county in force today. Idempotent: names are brought up to date.

    Codes abolished since an earlier load stay, because rows elsewhere may still point at them.
    """
    divisions = gb2260.current_divisions()
    known = {division.code for division in divisions}
    regions = []
    for division in divisions:
        regions.append(
            Region(
                code=division.code,
                name=division.current_name,
                level=division.level,
                parent_id=_parent_code(division, known),
            )
        )
    Region.objects.bulk_create(
        regions,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level", "parent"],
    )
    transaction.on_commit(region_fragments_invalidate)
    return len(regions)


def _parent_code(division: gb2260.Division, known: set[str]) -> str | None:
    if division.level == "province":
        return None
    city = division.code[:4] + "00"
    if division.level == "county" and city in known:
        return city
    return division.code[:2] + "0000"


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("第 %(row)d 行, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


SUBDIVISION_CSV_HEADERS = {"code": ("code", "代码", "区划代码"), "name": ("name", "名称", "区划名称")}


def read_subdivision_csv(data: bytes) -> list[tuple[int, str, str]]:
    """Rows of a county's township and village list: (row number as the user sees it, code, name).

    Accepts UTF-8 (with or without Excel's byte-order mark) and GB18030, which is what Chinese Excel writes.
    """
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ApplicationError(_("无法识别文件编码, 请另存为 UTF-8 编码的 CSV 文件。"))
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    columns = {}
    for key, aliases in SUBDIVISION_CSV_HEADERS.items():
        for index, cell in enumerate(header):
            if cell in aliases:
                columns[key] = index
    if set(columns) != set(SUBDIVISION_CSV_HEADERS):
        raise ApplicationError(_("第 1 行必须是表头, 包含“代码”和“名称”两列 (或 code, name)。"))
    rows = []
    for row_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        code = cells[columns["code"]].strip() if len(cells) > columns["code"] else ""
        name = cells[columns["name"]].strip() if len(cells) > columns["name"] else ""
        rows.append((row_number, code, name))
    return rows


@transaction.atomic
def regions_import_subdivisions(*, county_code: str, rows: Iterable[tuple[int, str, str]]) -> tuple[int, int]:
    """Create or rename the townships (9-digit codes) and villages (12-digit codes) of one county.

    All or nothing: every row is checked first and a single problem imports nothing. A 12-digit township code
    ending in 000 (as the statistics bureau writes it) is accepted and stored as its 9 digits.
    Returns (townships, villages) counts.
    """
    county = Region.objects.filter(code=county_code, level=RegionLevel.COUNTY).first()
    if county is None:
        raise ApplicationError(_("县级区划代码 %(code)s 不存在, 请先加载全国行政区划。") % {"code": county_code})

    problems = []
    parsed: dict[str, tuple[int, str]] = {}
    for row_number, raw_code, name in rows:
        code = typed_digits(raw_code) or ""
        if len(code) == 12 and code.endswith("000"):
            code = code[:9]
        if len(code) not in (9, 12):
            problems.append(
                RowProblem(
                    row_number,
                    _("代码"),
                    _("应为 9 位 (乡镇) 或 12 位 (村) 数字, 实为“%(code)s”。") % {"code": raw_code},
                )
            )
            continue
        if not code.startswith(county.code):
            problems.append(
                RowProblem(
                    row_number,
                    _("代码"),
                    _("%(code)s 不属于 %(county)s (%(prefix)s)。")
                    % {"code": raw_code, "county": county.name, "prefix": county.code},
                )
            )
            continue
        if code in parsed:
            problems.append(RowProblem(row_number, _("代码"), _("与第 %(row)d 行重复。") % {"row": parsed[code][0]}))
            continue
        if not name:
            problems.append(RowProblem(row_number, _("名称"), _("不能为空。")))
            continue
        if len(name) > REGION_NAME_MAX_LENGTH:
            problems.append(RowProblem(row_number, _("名称"), _("太长, 最多 64 个字。")))
            continue
        parsed[code] = (row_number, name)

    townships_in_file = {code for code in parsed if len(code) == 9}
    existing_townships = set(
        Region.objects.filter(code__startswith=county.code, level=RegionLevel.TOWNSHIP).values_list("code", flat=True)
    )
    for code, (row_number, _name) in parsed.items():
        if len(code) == 12 and code[:9] not in townships_in_file | existing_townships:
            problems.append(
                RowProblem(
                    row_number,
                    _("代码"),
                    _("所属乡镇 %(township)s 既不在文件中也不在系统中。") % {"township": code[:9]},
                )
            )

    if problems:
        problems.sort(key=lambda problem: problem.row)
        raise ApplicationError(
            _("文件中有 %(count)d 处错误, 未导入任何数据。") % {"count": len(problems)}, details={"problems": problems}
        )
    if not parsed:
        raise ApplicationError(_("文件中没有数据行。"))

    regions = [
        Region(
            code=code,
            name=name,
            level=RegionLevel.TOWNSHIP if len(code) == 9 else RegionLevel.VILLAGE,
            parent_id=county.code if len(code) == 9 else code[:9],
        )
        for code, (_row, name) in sorted(parsed.items())
    ]
    Region.objects.bulk_create(
        regions, batch_size=1000, update_conflicts=True, unique_fields=["code"], update_fields=["name"]
    )
    transaction.on_commit(region_fragments_invalidate)
    townships = sum(1 for region in regions if region.level == RegionLevel.TOWNSHIP)
    return townships, len(regions) - townships
