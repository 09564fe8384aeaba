"""What people write for a place: its name without the suffix of its kind (浏阳 for 浏阳市, 新化 for 新化县, 城步 for
城步苗族自治县).

The one list of those suffixes and the one reading of a short name, for everything that reads or writes one: the
search's place names (jobs/places.py), the place column of the demand import, the "指定城市" answers matching reads.
"""

import re

# Longest first, so that 自治县 is taken off before 县 and 林区 before 区.
REGION_NAME_SUFFIXES = (
    "特别行政区", "自治州", "自治县", "自治旗",
    "地区", "林区", "新区", "特区",
    "省", "市", "县", "区", "州", "盟", "旗",
)  # fmt: skip
# 湘西土家族苗族自治州 is 湘西 to everyone; 城步苗族自治县 is 城步.
_ETHNIC_AUTONOMY = re.compile(r"^(?P<place>.{2,}?)(?:[^族]{1,4}族)+自治(?:州|县|旗|区)$")
# 广西壮族自治区, 内蒙古自治区, 新疆维吾尔自治区 ...: the provinces' short names have no suffix rule of their own.
_AUTONOMOUS_REGION = re.compile(r"^(?P<place>.{2,3}?)(?:[^区]*)自治区$")


def short_name(name: str) -> str | None:
    """The name without its suffix (浏阳市 -> 浏阳), or None when that would leave one character (赵县)."""
    for pattern in (_ETHNIC_AUTONOMY, _AUTONOMOUS_REGION):
        match = pattern.match(name)
        if match:
            return match["place"]
    for suffix in REGION_NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return None


def region_short_name(name: str) -> str:
    """What people write for the place: its short name when it has one, else the name itself (城区 stays 城区)."""
    return short_name(name) or name
