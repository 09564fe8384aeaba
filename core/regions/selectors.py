from django.db.models import QuerySet

from core.regions.models import Region, RegionLevel


def region_children(*, parent_code: str | None = None) -> QuerySet[Region]:
    """The regions one level below `parent_code`, or the provinces when it is None."""
    if parent_code is None:
        return Region.objects.filter(level=RegionLevel.PROVINCE)
    return Region.objects.filter(parent_id=parent_code)


def region_subtree(region: Region) -> QuerySet[Region]:
    """The region and everything below it, as one indexed prefix match."""
    return Region.objects.filter(code__startswith=region.prefix)


def region_path(region: Region) -> list[Region]:
    """The region's ancestors and the region itself, top first (湖南省, 长沙市, 浏阳市), in one query.

    The ancestors' codes are read off the region's own code, so there is no walk up the parent chain.
    """
    code = region.code
    candidates = {code[:2] + "0000", code[:4] + "00", code[:6], code[:9]} - {code}
    ancestors = list(Region.objects.filter(code__in=candidates).order_by("code"))
    return [*ancestors, region]


def place_path(region: Region) -> list[Region]:
    """`region_path` as a person reads a place: without the placeholder levels (重庆市 云阳县)."""
    return [ancestor for ancestor in region_path(region) if not ancestor.is_placeholder]
