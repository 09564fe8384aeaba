"""Place names as people type them: 新化县 and 新化, 东莞市 and 东莞, 广东省 and 广东, 城步苗族自治县 and 城步.

Used twice: to index a posting's place under all its names (`region_names`), and to read the places out of a
search query (`Gazetteer`). Only the regions in force today count: a code abolished when its county was renumbered
(新化县 was 432524 until 1999, 431322 since) names no place a posting can be in, so it makes no name ambiguous.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache

from core.regions.fields import REGION_FRAGMENTS_VERSION_KEY
from core.regions.models import PLACEHOLDER_NAMES, Region, RegionLevel
from core.regions.names import short_name
from core.regions.selectors import region_path


def region_names(region):
    """The names a posting's place is searched by: 湖南省 长沙市 浏阳市 and 湖南 长沙 浏阳."""
    names = []
    for ancestor in region_path(region):
        names.append(ancestor.name)
        short = short_name(ancestor.name)
        if short:
            names.append(short)
    return names


@dataclass(frozen=True)
class PlaceMatch:
    """A place name found in a query: the regions it names, and whether it may stand for something else."""

    text: str
    regions: tuple
    ambiguous: bool


class Gazetteer:
    """Every province, city and county by its full and short names, in one process's memory (about 6,000 names)."""

    def __init__(self, regions, *, other_meanings=frozenset()):
        self._by_name = {}
        for region in regions:
            if region.name in PLACEHOLDER_NAMES:
                continue
            for name in {region.name, short_name(region.name)} - {None}:
                self._by_name.setdefault(name, []).append(region)
        self._other_meanings = other_meanings
        self._longest = max((len(name) for name in self._by_name), default=0)

    def find(self, text):
        """The place names in `text`, longest first at each position, left to right, and what is left of `text`."""
        found, rest, position = [], [], 0
        while position < len(text):
            for length in range(min(self._longest, len(text) - position), 1, -1):
                name = text[position : position + length]
                if name in self._by_name:
                    found.append(self._match(name))
                    rest.append(" ")
                    position += length
                    break
            else:
                rest.append(text[position])
                position += 1
        return found, "".join(rest)

    def _match(self, name):
        regions = _outermost(self._by_name[name])
        return PlaceMatch(
            text=name,
            regions=tuple(regions),
            ambiguous=len(regions) > 1 or name in self._other_meanings,
        )


def _outermost(regions):
    """The regions, less those inside another of them: 吉林 is the province (吉林省) and its city (吉林市)."""
    return [
        region
        for region in regions
        if not any(other.code != region.code and other.contains(region.code) for other in regions)
    ]


_GAZETTEER_VERSION_KEY = REGION_FRAGMENTS_VERSION_KEY
_built = {"version": None, "gazetteer": None}


def gazetteer(*, other_meanings):
    """The gazetteer of the regions as they are now: rebuilt when the regions change (they bump the version)."""
    version = cache.get(_GAZETTEER_VERSION_KEY)
    if version is None:
        cache.add(_GAZETTEER_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(_GAZETTEER_VERSION_KEY)
    if _built["gazetteer"] is None or version != _built["version"]:
        regions = Region.objects.filter(level__in=(RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY))
        _built["gazetteer"] = Gazetteer(regions.only("code", "name", "level"), other_meanings=other_meanings)
        _built["version"] = version
    return _built["gazetteer"]
