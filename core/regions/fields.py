"""Picking a region on a phone: one small select per level, province -> city -> county -> township -> village.

The form field works without JavaScript: every level's select is submitted under its own name and the deepest
chosen one wins, so a visitor without scripts picks the province, submits, and is shown that province's cities.
With `static/js/region-picker.js` the next level fills in as soon as one is chosen.

A picker's HTML is the same for everyone who chose the same region in the same language, and rendering it (the
34 provinces, the cities and counties of the chosen one) cost more than the rest of a search page, so it is kept
in the cache until the regions change (`region_fragments_invalidate`, called wherever regions are written).
"""

import hashlib

from django import forms
from django.forms import Script
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.fragment_cache import cached_fragment, fragment_version_bump
from core.regions.models import LEVEL_ORDER, Region, RegionLevel
from core.regions.selectors import region_children, region_path

# Bumped whenever the regions change: a picker, or any page part holding one, can be cached under it.
REGION_FRAGMENTS_VERSION_KEY = "regions:fragments-version"
# Only bounds how long a picker nobody asks for any more takes up memory: a change of regions bumps the version.
PICKER_CACHE_SECONDS = 24 * 60 * 60


def region_fragments_invalidate():
    fragment_version_bump(REGION_FRAGMENTS_VERSION_KEY)


class RegionPickerWidget(forms.Widget):
    template_name = "regions/region_picker.html"

    def __init__(self, *, deepest_level=RegionLevel.VILLAGE, root=None, attrs=None):
        super().__init__(attrs)
        self.deepest_level = deepest_level
        self.root = root

    class Media:
        # Deferred: it only wires up pickers already on the page, so it need not hold up the page's first paint.
        js = [Script("js/region-picker.js", defer=True)]

    def _levels(self):
        first = LEVEL_ORDER.index(self.root.level) + 1 if self.root else 0
        return LEVEL_ORDER[first : LEVEL_ORDER.index(self.deepest_level) + 1]

    def value_from_datadict(self, data, files, name):
        for level in reversed(self._levels()):
            value = data.get(f"{name}__{level}")
            if value:
                return value
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}__{level}" in data for level in self._levels())

    def render(self, name, value, attrs=None, renderer=None):
        code = value.pk if isinstance(value, Region) else str(value or "")
        shape = (
            get_language(),
            name,
            code,
            self.root.code if self.root else "",
            self.deepest_level,
            sorted(self.build_attrs(self.attrs, attrs).items()),
        )
        key = "regions:picker:" + hashlib.sha256(repr(shape).encode()).hexdigest()[:32]
        render_uncached = super().render
        return cached_fragment(
            version_key=REGION_FRAGMENTS_VERSION_KEY,
            key=key,
            render=lambda: render_uncached(name, value, attrs, renderer),
            timeout=PICKER_CACHE_SECONDS,
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {}
        selected = Region.objects.filter(code=value).first() if value else None
        if selected and (self.root is None or self.root.contains(selected.code)):
            chosen = {region.level: region.code for region in region_path(selected)}
        parent_code = self.root.code if self.root else None
        selects = []
        for level in self._levels():
            can_list = parent_code is not None or level == RegionLevel.PROVINCE
            options = list(region_children(parent_code=parent_code).values_list("code", "name")) if can_list else []
            selects.append(
                {
                    "name": f"{name}__{level}",
                    "level": level,
                    "label": RegionLevel(level).label,
                    "options": options,
                    "selected": chosen.get(level, ""),
                }
            )
            parent_code = chosen.get(level)
        context["widget"].update(
            {
                "selects": selects,
                "root_path": " / ".join(region.name for region in region_path(self.root)) if self.root else "",
                "children_url": reverse("api:region-list"),
            }
        )
        return context


class RegionChoiceField(forms.ModelChoiceField):
    """A region chosen down to one of `levels` (by default any), optionally inside `root`'s subtree."""

    default_error_messages = {
        "invalid_choice": _("请选择一个有效的地区。"),
        "too_shallow": _("请继续选择到%(levels)s。"),
        "outside_root": _("只能选择 %(root)s 范围内的地区。"),
    }

    def __init__(self, *, levels=tuple(LEVEL_ORDER), root=None, **kwargs):
        self.levels = tuple(levels)
        self.root = root
        deepest = max(self.levels, key=LEVEL_ORDER.index)
        kwargs.setdefault("widget", RegionPickerWidget(deepest_level=deepest, root=root))
        super().__init__(queryset=Region.objects.all(), to_field_name="code", **kwargs)

    def clean(self, value):
        region = super().clean(value)
        if region is None:
            return region
        if self.root is not None and not self.root.contains(region.code):
            raise forms.ValidationError(
                self.error_messages["outside_root"] % {"root": self.root.name}, code="outside_root"
            )
        if region.level not in self.levels:
            labels = "或".join(str(RegionLevel(level).label) for level in self.levels)
            raise forms.ValidationError(self.error_messages["too_shallow"] % {"levels": labels}, code="too_shallow")
        return region


class RegionField(serializers.SlugRelatedField):
    """A region in the API, written and read as its code ("430181"), optionally limited to some levels."""

    default_error_messages = {
        # DRF fills these in with str.format (`Field.fail`), not with %, unlike Django's form fields above.
        "does_not_exist": _("地区代码 {value} 不存在。"),
        "invalid": _("地区代码无效。"),
        "wrong_level": _("这里需要{levels}级的地区代码。"),
    }

    def __init__(self, *, levels=tuple(LEVEL_ORDER), **kwargs):
        self.levels = tuple(levels)
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data):
        region = super().to_internal_value(data)
        if region.level not in self.levels:
            self.fail("wrong_level", levels="或".join(str(RegionLevel(level).label) for level in self.levels))
        return region
