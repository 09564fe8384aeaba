"""Checking the demand sheet row by row: each cell parsed, each problem recorded with its row and column.

Nothing here writes. `RowParser.parse` turns one row into an `EmployerPart` (compared across the rows of the same
employer) and a `PostingPart`; `check_employers` compares the rows of each employer and looks the credit codes up.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date

from django.utils.translation import gettext as _

from core.batching import chunked
from core.errors import ApplicationError
from core.regions.models import Region, RegionLevel
from core.regions.names import REGION_NAME_SUFFIXES
from core.typed_input import normalize_contact_phone, normalize_credit_code, parse_whole_number, typed_digits
from jobs.imports import columns as c
from jobs.models import Benefit, Employer, Occupation, PostingKind
from jobs.services import MAX_HEADCOUNT, MAX_WAGE, posting_problems

BATCH_SIZE = 2000
_TRUE = {"是", "有", "√", "✓", "y", "yes", "1", "true"}
_FALSE = {"", "否", "无", "×", "n", "no", "0", "false"}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass(frozen=True)
class EmployerPart:
    name: str
    credit_code: str
    industry: str
    region_id: str
    address: str
    contact_name: str
    contact_phone: str
    is_key_enterprise: bool


# Which column each EmployerPart field comes from, to name the column when two rows of an employer disagree.
_EMPLOYER_FIELD_COLUMNS = dict(zip((field.name for field in fields(EmployerPart)), c.EMPLOYER_COLUMNS, strict=True))


# The column of each field that the posting rules (`posting_problems`, shared with the console's form) check.
_RULE_COLUMNS = {"wage_min": c.WAGE_MIN, "wage_max": c.WAGE_MAX, "headcount": c.HEADCOUNT,
                 "valid_until": c.VALID_UNTIL, "age_min": c.AGE_MIN, "age_max": c.AGE_MAX}  # fmt: skip


@dataclass
class PostingPart:
    title: str
    occupation: str
    headcount: int
    wage_min: int
    wage_max: int
    pay_notes: str
    working_hours: str
    benefits: dict
    work_region_id: str
    work_address: str
    age_min: int
    age_max: int
    requirements: str
    kind: str
    valid_until: date
    description: str


@dataclass
class ParsedRow:
    row: int
    employer: EmployerPart | None
    posting: PostingPart | None


class Places:
    """Regions named in a sheet, by 6-digit code or by name (浏阳市, or 浏阳), down to county level.

    All provinces, cities and counties (about 3,600) are read once per file. A name that several places share is
    resolved to the one nearest the importing county (same city, then same province), or else refused.
    """

    def __init__(self, county):
        self.county = county
        self.level_of = {}
        self.by_name = defaultdict(list)
        levels = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
        for code, name, level in Region.objects.filter(level__in=levels).values_list("code", "name", "level"):
            self.level_of[code] = level
            self.by_name[name].append(code)

    def resolve(self, text):
        """The region code for `text`, or ApplicationError."""
        digits = typed_digits(text)
        if digits is not None:
            if digits in self.level_of:
                return digits
            raise ApplicationError(_("没有代码为“%(code)s”的地区，请填写6位县级代码或地区名称。") % {"code": text})
        found = self.by_name.get(text) or [
            code for suffix in REGION_NAME_SUFFIXES for code in self.by_name.get(text + suffix, ())
        ]
        if not found:
            raise ApplicationError(_("找不到地区“%(name)s”，请填写全称（例如 浏阳市）或6位代码。") % {"name": text})
        for digits in (4, 2):
            near = [code for code in found if code[:digits] == self.county.code[:digits]]
            if near:
                found = near
                break
        if len(set(found)) > 1:
            raise ApplicationError(_("有多个地区叫“%(name)s”，请填写6位地区代码。") % {"name": text})
        return found[0]

    def resolve_county(self, text):
        """As `resolve`, for an employer's seat, which is a county (市辖区, 县级市, 县)."""
        code = self.resolve(text)
        if self.level_of[code] != RegionLevel.COUNTY:
            raise ApplicationError(_("请填写到县（市、区），例如 浏阳市 或 430181。"))
        return code


class RowParser:
    """Parses rows with the lookups built once per file; every problem goes to `problems`."""

    def __init__(self, *, county, problems):
        self.places = Places(county)
        self.problems = problems
        # Built per file rather than at import time: the labels follow the language that is active.
        self.occupations = {str(label): value for value, label in Occupation.choices}
        self.kinds = {str(label): value for value, label in PostingKind.choices}
        # Each column's text, by the identity of its (lazy) name: translating the names anew for each of a large
        # file's cells took a tenth of the import.
        self.names = {id(column): str(column) for column in c.ALL_COLUMNS}

    def parse(self, number, cells):
        found = self.problems.count
        row = _Row(number, cells, self.problems, self.names)
        employer = EmployerPart(
            name=row.text(c.EMPLOYER_NAME, max_length=100, required=True),
            credit_code=row.convert(c.CREDIT_CODE, normalize_credit_code, required=True),
            industry=row.text(c.INDUSTRY, max_length=50, required=True),
            region_id=row.convert(c.EMPLOYER_REGION, self.places.resolve_county, required=True),
            address=row.text(c.ADDRESS, max_length=200),
            contact_name=row.text(c.CONTACT_NAME, max_length=50, required=True),
            contact_phone=row.convert(c.CONTACT_PHONE, normalize_contact_phone, required=True),
            is_key_enterprise=row.convert(c.KEY_ENTERPRISE, _yes_no, default=False),
        )
        employer_ok = self.problems.count == found
        posting = PostingPart(
            title=row.text(c.TITLE, max_length=60, required=True),
            occupation=row.convert(c.OCCUPATION, lambda text: _choice(text, self.occupations), required=True),
            headcount=row.convert(c.HEADCOUNT, lambda text: _integer(text, 1, MAX_HEADCOUNT), required=True),
            wage_min=row.convert(c.WAGE_MIN, lambda text: _integer(text, 1, MAX_WAGE), required=True),
            wage_max=row.convert(c.WAGE_MAX, lambda text: _integer(text, 1, MAX_WAGE), required=True),
            pay_notes=row.text(c.PAY_NOTES, max_length=100),
            working_hours=row.text(c.WORKING_HOURS, max_length=100),
            benefits={
                benefit.value: row.convert(label, _yes_no, default=False)
                for benefit, label in zip(Benefit, c.BENEFITS, strict=True)
            },
            work_region_id=row.convert(c.WORK_REGION, self.places.resolve, default=employer.region_id),
            work_address=row.text(c.WORK_ADDRESS, max_length=200),
            age_min=row.convert(c.AGE_MIN, lambda text: _integer(text, 16, 100), default=16),
            age_max=row.convert(c.AGE_MAX, lambda text: _integer(text, 16, 100), default=60),
            requirements=row.text(c.REQUIREMENTS, max_length=2000),
            kind=row.convert(c.KIND, lambda text: _choice(text, self.kinds), default=PostingKind.REGULAR),
            valid_until=row.convert(c.VALID_UNTIL, _date, required=True),
            description=row.text(c.DESCRIPTION, max_length=5000),
        )
        for field_name, message in posting_problems(
            wage_min=posting.wage_min,
            wage_max=posting.wage_max,
            headcount=posting.headcount,
            valid_until=posting.valid_until,
            age_min=posting.age_min,
            age_max=posting.age_max,
        ):
            self.problems.add(number, _RULE_COLUMNS[field_name], message)
        if self.problems.count > found:
            return ParsedRow(number, employer if employer_ok else None, None)
        return ParsedRow(number, employer, posting)


class _Row:
    def __init__(self, number, cells, problems, names):
        self.number, self.cells, self.problems, self.names = number, cells, problems, names

    def text(self, column, *, max_length, required=False):
        value = self.cells.get(self.names[id(column)], "")
        if required and not value:
            self.problems.add(self.number, column, _("这一列必须填写。"))
        elif len(value) > max_length:
            self.problems.add(self.number, column, _("最多%(count)d个字。") % {"count": max_length})
            return ""
        return value

    def convert(self, column, parse, *, required=False, default=None):
        value = self.cells.get(self.names[id(column)], "")
        if not value:
            if required:
                self.problems.add(self.number, column, _("这一列必须填写。"))
            return default
        try:
            return parse(value)
        except ApplicationError as error:
            self.problems.add(self.number, column, error.message)
            return default


def _yes_no(text):
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ApplicationError(_("请填“是”或“否”。"))


def _choice(text, choices):
    if text in choices:
        return choices[text]
    raise ApplicationError(_("应填以下之一：%(choices)s。") % {"choices": "、".join(choices)})


def _integer(text, lowest, highest):
    """A typed number, forgiving the unit people write after it (6000元, 10人, 45岁)."""
    return parse_whole_number(
        text.removesuffix("元").removesuffix("人").removesuffix("岁"), lowest=lowest, highest=highest
    )


def _date(text):
    match = _DATE.match(text)
    try:
        if match is None:
            raise ValueError
        return date(*(int(part) for part in match.groups()))
    except ValueError as error:
        raise ApplicationError(_("请填日期，例如 2026-06-30。")) from error


def check_employers(parsed, problems, warnings):
    """The rows of each employer agree on its columns; returns ({credit code: EmployerPart}, existing employers).

    Existing employers are matched by credit code wherever they were entered (another county included), and read
    with the fields that a posting's search tokens need. The code decides the match; a name that differs from the
    one on file is only a warning (a renamed company, a typing slip, or the wrong code), so the clerk can look.
    """
    first = {}
    for row in parsed:
        if row.employer is None:
            continue
        code = row.employer.credit_code
        if code not in first:
            first[code] = row
            continue
        earlier = first[code]
        for name, column in _EMPLOYER_FIELD_COLUMNS.items():
            if getattr(row.employer, name) != getattr(earlier.employer, name):
                problems.add(
                    row.row,
                    column,
                    _("与第%(row)d行同一单位（统一社会信用代码相同）的“%(column)s”不一致。")
                    % {"row": earlier.row, "column": column},
                )
    existing = {}
    for chunk in chunked(first, BATCH_SIZE):
        for employer in Employer.objects.filter(credit_code__in=chunk).only("id", "credit_code", "name", "industry"):
            existing[employer.credit_code] = employer
    for code, employer in existing.items():
        row = first[code]
        if _comparable_name(employer.name) != _comparable_name(row.employer.name):
            warnings.add(
                row.row,
                _EMPLOYER_FIELD_COLUMNS["name"],
                _(
                    "统一社会信用代码 %(code)s 已登记为“%(on_file)s”，本行写的是“%(in_sheet)s”；"
                    "岗位已归入已登记的单位，请核对。"
                )
                % {"code": code, "on_file": employer.name, "in_sheet": row.employer.name},
            )
    return {code: row.employer for code, row in first.items()}, existing


def _comparable_name(name):
    """Full-width and half-width brackets, and spaces, are the same name."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
