from django import forms
from django.utils.translation import gettext_lazy as _

from core.notifications.catalog import VARIABLE_LABELS, registered_templates
from core.notifications.models import Channel
from core.notifications.recipient_filters import offered_recipient_filters
from core.regions.models import Region, RegionLevel
from core.regions.selectors import region_subtree

# How deep the region list goes for an account of each level: a county picks down to villages, a province to
# counties, so that the list stays a few hundred entries long.
_LEVELS_SHOWN = {
    RegionLevel.PROVINCE: [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY],
    RegionLevel.CITY: [RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP],
}


def broadcast_templates():
    return [template for template in registered_templates() if template.broadcastable]


def _region_choices(actor):
    if actor.region is None:
        regions = Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY])
    else:
        regions = region_subtree(actor.region)
        if actor.region.level in _LEVELS_SHOWN:
            regions = regions.filter(level__in=_LEVELS_SHOWN[actor.region.level])
    return [(region.code, f"{region.code} {region.name}") for region in regions.order_by("code")]


class BroadcastForm(forms.Form):
    """Recipients (the region, then a field per offered recipient filter: role, and those other apps register such
    as the worker registry's status and key group), the channels and the template's variables (var_<name>)."""

    template = forms.ChoiceField(label=_("模板"), widget=forms.HiddenInput)
    region = forms.ChoiceField(label=_("区划"), required=False)
    channels = forms.MultipleChoiceField(
        label=_("渠道"),
        choices=Channel.choices,
        initial=[Channel.SMS, Channel.INBOX],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, actor, message_template, **kwargs):
        super().__init__(*args, **kwargs)
        self.message_template = message_template
        self.fields["template"].choices = [(template.key, template.label) for template in broadcast_templates()]
        self.fields["template"].initial = message_template.key
        self.fields["region"].choices = [("", _("本辖区全部")), *_region_choices(actor)]
        offered = offered_recipient_filters()
        for recipient_filter in offered:
            self.fields[recipient_filter.name] = forms.ChoiceField(
                label=recipient_filter.label, required=False, choices=[("", _("全部")), *recipient_filter.choices]
            )
        self.recipient_filter_names = ["region", *(recipient_filter.name for recipient_filter in offered)]
        self.order_fields(["template", *self.recipient_filter_names])
        for name in message_template.variables:
            self.fields[f"var_{name}"] = forms.CharField(
                label=VARIABLE_LABELS.get(name, name),
                max_length=message_template.variable_limits.get(name, 200),
                widget=forms.Textarea(attrs={"rows": 2}) if name == "content" else None,
            )

    def variable_fields(self):
        return [self[f"var_{name}"] for name in self.message_template.variables]

    def broadcast_arguments(self):
        data = self.cleaned_data
        return {
            "filters": {name: data[name] for name in self.recipient_filter_names},
            "template": data["template"],
            "context": {name: data[f"var_{name}"] for name in self.message_template.variables},
        }
