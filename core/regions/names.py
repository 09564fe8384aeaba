"""What people write for a place: its name without the suffix of its kind (浏阳 for 浏阳市, 新化 for 新化县).

The one list of those suffixes, for everything that reads or writes a short name: the search lexemes of a posting's
place, the place column of the demand import, the "指定城市" answers matching reads.
"""

# Longest first, so that 自治县 is taken off before 县 and 林区 before 区.
REGION_NAME_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗",
    "地区", "林区", "特区",
    "省", "市", "县", "区", "州", "盟", "旗",
)  # fmt: skip


def region_short_name(name):
    """浏阳市 -> 浏阳, 神农架林区 -> 神农架; a name would keep at least two characters (城区 stays 城区)."""
    for suffix in REGION_NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name
