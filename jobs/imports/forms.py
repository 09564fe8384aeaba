from django import forms
from django.utils.translation import gettext_lazy as _

from core.regions.fields import RegionChoiceField
from core.regions.models import RegionLevel


class DemandImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    county = RegionChoiceField(label=_("导入到"), levels=(RegionLevel.COUNTY,))
    publish = forms.BooleanField(
        label=_("导入后直接发布"),
        required=False,
        help_text=_("不勾选时岗位导入为草稿，核对后再在岗位列表中批量发布。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.has_full_scope:
            # A county's own staff import into their county (the service refuses any other): nothing to choose.
            self.fields["county"].initial = user.region_id
            self.fields["county"].widget = forms.HiddenInput()
