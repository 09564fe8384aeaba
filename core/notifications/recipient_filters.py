"""Who a broadcast may be sent to: the registry of recipient filters.

core registers `region` and `role` here; apps above core register theirs from their own code (the worker registry's
statuses and key groups, workers/recipient_filters.py), since core may never import them. Apart from the selectors
so that the models can describe a broadcast's stored filters without importing the selectors (which import them).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.accounts.models import Role
from core.regions.models import Region


@dataclass(frozen=True)
class RecipientFilter:
    """One way of choosing a broadcast's recipients: `apply(users, value)` narrows a queryset of users. With a
    `label`, the broadcast form offers it as a field with `choices` ((value, label) pairs) and the broadcast pages
    describe a stored value by those labels."""

    name: str
    apply: Callable
    label: str = ""
    choices: tuple = ()

    def accepts(self, value):
        """Whether `value` is one of the choices (a filter without choices, the region, checks its value itself)."""
        return not self.choices or value in dict(self.choices)

    def describe(self, value):
        """(label, the label of the chosen value)."""
        return self.label, dict(self.choices).get(value, value)


# name -> RecipientFilter. Apps above core (the worker registry's statuses and key groups) add their own with
# `register_recipient_filter`, so core never imports them and a broadcast's stored filters keep working here.
RECIPIENT_FILTERS = {}


def register_recipient_filter(name, *, label="", choices=()):
    def register(apply):
        RECIPIENT_FILTERS[name] = RecipientFilter(name=name, apply=apply, label=label, choices=tuple(choices))
        return apply

    return register


def offered_recipient_filters():
    """The registered filters the broadcast form shows as fields, in the order they were registered."""
    return [recipient_filter for recipient_filter in RECIPIENT_FILTERS.values() if recipient_filter.label]


def recipient_filter_descriptions(filters):
    """A stored broadcast's offered filters as (label, choice) pairs for the pages (the region has its column)."""
    return [
        RECIPIENT_FILTERS[name].describe(value)
        for name, value in filters.items()
        if value and name in RECIPIENT_FILTERS and RECIPIENT_FILTERS[name].label
    ]


# The region's choices depend on who is choosing, so BroadcastForm has a field of its own for it (no label here).
@register_recipient_filter("region")
def _recipients_in_region(users, code):
    region = Region.objects.filter(code=code).first()
    return users.filter(region__code__startswith=region.prefix) if region else users.none()


@register_recipient_filter("role", label=_("角色"), choices=Role.choices)
def _recipients_with_role(users, role):
    return users.filter(role=role)
