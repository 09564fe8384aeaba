from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村")


# How many leading digits of a code are the region's own: every region below it shares them. This makes
# "the subtree of X" a `code LIKE 'prefix%'` on an indexed column, with no recursion anywhere.
SIGNIFICANT_DIGITS = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
LEVEL_ORDER = list(SIGNIFICANT_DIGITS)
# Levels GB/T 2260 keeps for the code's shape that are not places anyone names: a municipality's "市辖区" and "县"
# groupings, and the counties a province governs directly. Shown to nobody (重庆市 云阳县, not 重庆市 县 云阳县).
REGION_NAME_MAX_LENGTH = 64
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政单位", "自治区直辖县级行政单位"})


class Region(models.Model):
    """An administrative division: GB/T 2260 codes (6 digits) to county, the statistics bureau's below.

    The code is the primary key, so a row that points at a region stores its code, and scoping a table to a
    subtree (`region_id LIKE '4301%'`) needs no join.
    """

    code = models.CharField(_("代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=REGION_NAME_MAX_LENGTH)
    level = models.CharField(_("级别"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="region_code_is_digits_of_its_level_length",
                condition=(
                    Q(level__in=["province", "city", "county"], code__regex=r"^[0-9]{6}$")
                    | Q(level="township", code__regex=r"^[0-9]{9}$")
                    | Q(level="village", code__regex=r"^[0-9]{12}$")
                ),
            ),
            models.CheckConstraint(
                name="region_only_provinces_have_no_parent",
                condition=Q(level="province", parent__isnull=True) | (~Q(level="province") & Q(parent__isnull=False)),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_placeholder(self):
        return self.name in PLACEHOLDER_NAMES

    @property
    def prefix(self):
        return self.code[: SIGNIFICANT_DIGITS[self.level]]

    def contains(self, code):
        return code.startswith(self.prefix)
