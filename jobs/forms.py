from django import forms
from django.utils.translation import gettext_lazy as _

from core.regions.fields import RegionChoiceField
from core.regions.models import RegionLevel
from jobs.models import Benefit, Occupation, PostingKind
from jobs.selectors import PostingFilters, Sort

_PICKABLE_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


class _FieldsSharedByEveryForm(dict):
    """A form's `base_fields` that every instance shares instead of deep-copying them.

    Django deep-copies a form's fields for each instance so that one may change its own; that copy (the choices of
    four selects, two region querysets and their widgets) was three quarters of the search form's cost, paid on
    every search and API call. The search form never changes a field after it is declared, so one set will do.
    """

    def __deepcopy__(self, memo):
        return dict(self)


_TICKED = {"on", "true", "1"}
_UNTICKED = {"", "off", "false", "0"}


def _is_ticked(value):
    return value is True or str(value).strip().lower() in _TICKED


class _FlagCheckbox(forms.CheckboxInput):
    """Hands FlagField the word as sent (Django's checkbox turns any word into True before a field can judge it)."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=_is_ticked)

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class FlagField(forms.BooleanField):
    """A checkbox that also arrives in links and API calls: the browser's "on", true/1 or false/0/off, or absent.

    Anything else is an error: Django's BooleanField reads any unknown word as "ticked", so a typo would answer a
    different question than the one asked.
    """

    widget = _FlagCheckbox

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return bool(value)
        word = str(value).strip().lower()
        if word in _TICKED:
            return True
        if word in _UNTICKED:
            return False
        raise forms.ValidationError(_("只能是 true 或 false。"), code="invalid")


class PostingSearchForm(forms.Form):
    """The job supermarket's search: every field a GET parameter, so that a link carries the whole search.

    Read by the page and by the API alike (`/jobs/?q=保洁&region=430181` and `/api/v1/postings/?q=...`).
    """

    q = forms.CharField(label=_("搜索岗位"), max_length=50, required=False)
    region = RegionChoiceField(label=_("工作地点"), levels=_PICKABLE_LEVELS, required=False)
    occupation = forms.ChoiceField(label=_("工种"), choices=[("", _("全部工种")), *Occupation.choices], required=False)
    wage_min = forms.IntegerField(label=_("月薪不低于（元）"), min_value=0, max_value=100_000, required=False)
    benefits = forms.MultipleChoiceField(
        label=_("福利"), choices=Benefit.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    key_enterprise = FlagField(label=_("只看重点企业"), required=False)
    kind = forms.ChoiceField(label=_("岗位类型"), choices=[("", _("全部")), *PostingKind.choices], required=False)
    home = RegionChoiceField(
        label=_("我的家乡（县）"),
        levels=(RegionLevel.COUNTY,),
        required=False,
        help_text=_("选了家乡并按“离家最近”排序，先列本县，再列本市、本省的岗位。"),
    )
    sort = forms.ChoiceField(label=_("排序"), choices=[("", _("默认")), *Sort.CHOICES], required=False)
    cursor = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)
    # The undo of "已按 新化县 筛选": the place names in q are searched as words.
    words_only = FlagField(required=False, widget=forms.HiddenInput)

    def panel_parameters(self):
        """The URL's parameters that the filter panel shows (all but the words and the page), sorted.

        A region picker sends one parameter per level (`region__province`, `region__city`...), all of them counted.
        """
        panel_fields = set(self.fields) - {"q", "cursor", "words_only"}
        return sorted(
            (name, value)
            for name, values in self.data.lists()
            if name.split("__")[0] in panel_fields
            for value in values
        )

    def filters(self):
        data = self.cleaned_data
        return PostingFilters(
            q=data["q"].strip(),
            region=data["region"],
            occupation=data["occupation"],
            wage_min=data["wage_min"],
            benefits=tuple(data["benefits"]),
            key_enterprise=data["key_enterprise"],
            kind=data["kind"],
            home=data["home"],
            sort=data["sort"],
            words_only=data["words_only"],
        )


PostingSearchForm.base_fields = _FieldsSharedByEveryForm(PostingSearchForm.base_fields)
