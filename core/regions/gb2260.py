"""China's province, city and county codes (GB/T 2260) with their history.

The data is python-stdnum's `cn/loc.dat`, a maintained copy of Chinese Wikipedia's 中华人民共和国行政区划代码
tables, which follow the Ministry of Civil Affairs' yearly lists. Each code carries the names it has had and the
years each was in force, so the same data answers both "which counties exist today" (the region loader) and "did
this code ever exist" (ID numbers keep the code of the county that first issued them, even after it was renamed
or abolished).
"""

import re
from dataclasses import dataclass
from functools import cache

from stdnum import numdb

_NAME_WITH_YEARS = re.compile(r"(?:\[(?P<since>\d*)-(?P<until>\d*)\])?(?P<name>[^,\[\]]+)")


@dataclass(frozen=True)
class Name:
    name: str
    since: int | None
    until: int | None


@dataclass(frozen=True)
class Division:
    code: str
    names: tuple[Name, ...]

    @property
    def current_name(self):
        """The name in force today, or None when the code has been abolished."""
        for name in self.names:
            if name.until is None:
                return name.name
        return None

    @property
    def level(self):
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "county"


def _parse_names(text):
    return tuple(
        Name(
            name=match["name"].strip(),
            since=int(match["since"]) if match["since"] else None,
            until=int(match["until"]) if match["until"] else None,
        )
        for match in _NAME_WITH_YEARS.finditer(text)
        if match["name"].strip()
    )


@cache
def all_divisions():
    """Every code that has ever been in force, current or abolished, ordered by code."""
    divisions = []
    for _length, low, high, _props, children in numdb.get("cn/loc").prefixes:
        for province in _code_range(low, high):
            for _child_length, child_low, child_high, child_props, _ in children:
                for suffix in _code_range(child_low, child_high):
                    divisions.append(Division(code=province + suffix, names=_parse_names(child_props["county"])))
    return tuple(sorted(divisions, key=lambda division: division.code))


def current_divisions():
    """Provinces, cities and counties in force today, without the '市辖区' placeholder codes (XXXX01)."""
    return [
        division
        for division in all_divisions()
        if division.current_name is not None and not (division.level == "county" and division.current_name == "市辖区")
    ]


@cache
def ever_existed_codes():
    return frozenset(division.code for division in all_divisions())


def _code_range(low, high):
    width = len(low)
    return [str(number).zfill(width) for number in range(int(low), int(high) + 1)]
