"""The one place that decides which region-bearing rows a user may see and change.

Every selector that lists or fetches rows for a staff page or API passes its queryset through `scope_to_user`.
A staff account sees its own region's subtree; a system admin sees everything; anyone else (job seekers, anonymous
visitors, a staff account without a region) sees nothing through it, because their own data is reached by other
selectors that filter by owner rather than by region.
"""

from core.accounts.models import STAFF_ROLES

_NOTHING = None
_EVERYTHING = ""


def _scope_prefix(user):
    """The code prefix the user's scope covers: "" for everything, None for nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NOTHING
    if user.has_full_scope:
        return _EVERYTHING
    if user.role not in STAFF_ROLES or user.region is None:
        return _NOTHING
    return user.region.prefix


def scope_to_user(user, queryset, *, region_field="region"):
    """The rows of `queryset` whose `region_field` lies in the user's region subtree.

    `region_field` is a path to a Region foreign key (`"region"`, `"employer__region"`). Because a Region's
    primary key is its code, the filter is a prefix match on the foreign-key column itself: no join.
    """
    prefix = _scope_prefix(user)
    if prefix is _NOTHING:
        return queryset.none()
    if prefix == _EVERYTHING:
        return queryset
    return queryset.filter(**{f"{region_field}__code__startswith": prefix})


def scope_regions_to_user(user, queryset):
    """The regions of `queryset` that lie in the user's region subtree, the user's own region included.

    Regions are matched on their own code, not their parent's: a village-level account's prefix is the village's
    whole code, which no parent code starts with.
    """
    prefix = _scope_prefix(user)
    if prefix is _NOTHING:
        return queryset.none()
    return queryset.filter(code__startswith=prefix)


def user_can_access_region(user, region_code):
    """Whether one region code lies inside the user's scope: the same rule as `scope_to_user`."""
    prefix = _scope_prefix(user)
    return prefix is not _NOTHING and region_code.startswith(prefix)
