"""Jobs' forms: the job supermarket's search (for anyone), then the demand console's (employers, postings,
cooperation agreements, bulk actions).

The rules a posting's or an agreement's numbers must follow live in the services (`posting_problems`,
`agreement_problems`); the forms ask them for every problem at once, so that each message shows next to its field.
"""

from datetime import timedelta

from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.regions.fields import RegionChoiceField
from core.regions.models import RegionLevel
from core.typed_input import ContactPhoneField, CreditCodeField, WholeNumberField, parse_object_id
from jobs.models import Benefit, CooperationAgreement, Employer, Occupation, PostingKind, PostingStatus
from jobs.selectors import (
    ConsolePostingFilters,
    PostingFilters,
    Sort,
    console_agreements,
    console_employers,
    liaison_candidates,
)
from jobs.services import (
    MAX_AGE,
    MAX_EXTEND_DAYS,
    MAX_HEADCOUNT,
    MAX_WAGE,
    agreement_problems,
    posting_problems,
)
from jobs.services.agreements import AGREEMENT_FIELDS
from jobs.services.employers import EMPLOYER_FIELDS

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


# --- The demand console ---------------------------------------------------------------------------------------------

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEFAULT_VALID_DAYS = 60
DEFAULT_EXTEND_DAYS = 30
_AGREEMENT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


def _add_problems(form, problems):
    for field_name, message in problems:
        if field_name in form.fields and field_name not in form.errors:
            form.add_error(field_name, message)


class EmployerForm(forms.ModelForm):
    class Meta:
        model = Employer
        fields = EMPLOYER_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"credit_code": CreditCodeField, "contact_phone": ContactPhoneField}

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"] = RegionChoiceField(
            label=_("所在地区"), levels=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)
        )
        if not self.instance.pk:
            self.initial.setdefault("region", county.code)
        else:
            self.initial["region"] = self.instance.region_id
        self.fields["liaison"].queryset = liaison_candidates(county)
        self.fields["liaison"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["liaison"].help_text = _("勾选重点企业后，请指定一名本县工作人员为联络员。")
        self.fields["credit_code"].widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false"})

    def clean(self):
        data = super().clean()
        if data.get("is_key_enterprise") and not data.get("liaison"):
            self.add_error("liaison", _("重点企业需要指定联络员。"))
        return data

    def validate_unique(self):
        """The services refuse a second employer with the same credit code, saying who entered the first."""

    def employer_arguments(self):
        return dict(self.cleaned_data)


class EmployerContactForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = ContactPhoneField(label=_("电话"))
    role = forms.CharField(label=_("职务"), max_length=50, required=False)


EmployerContactFormSet = forms.formset_factory(EmployerContactForm, extra=2, max_num=10)


def employer_contact_initial(employer):
    return [{"name": c.name, "phone": c.phone, "role": c.role} for c in employer.contacts.all()] if employer else None


class EmployerSearchForm(forms.Form):
    q = forms.CharField(label=_("单位名称或信用代码"), max_length=50, required=False)


class PostingForm(forms.Form):
    employer = forms.ModelChoiceField(label=_("用工单位"), queryset=Employer.objects.none())
    title = forms.CharField(label=_("岗位名称"), max_length=60)
    occupation = forms.ChoiceField(label=_("工种"), choices=Occupation.choices)
    kind = forms.ChoiceField(label=_("岗位类型"), choices=PostingKind.choices, initial=PostingKind.REGULAR)
    is_urgent = forms.BooleanField(label=_("急招"), required=False, help_text=_("在就业超市的卡片上标“急招”。"))
    # The lower bounds are the services' rules (`posting_problems`), which say more than "out of range".
    headcount = WholeNumberField(label=_("招聘人数"), min_value=0, max_value=MAX_HEADCOUNT)
    wage_min = WholeNumberField(label=_("月薪下限（元）"), min_value=0, max_value=MAX_WAGE)
    wage_max = WholeNumberField(label=_("月薪上限（元）"), min_value=0, max_value=MAX_WAGE)
    pay_notes = forms.CharField(
        label=_("计薪方式"), max_length=100, required=False, help_text=_("例如：计件，保底4000元")
    )
    benefits = forms.MultipleChoiceField(
        label=_("福利"), choices=Benefit.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("岗位描述"), widget=forms.Textarea(attrs={"rows": 3}))
    working_hours = forms.CharField(label=_("工作时间"), max_length=100, required=False)
    work_region = RegionChoiceField(label=_("工作地区"), levels=(RegionLevel.COUNTY,))
    work_address = forms.CharField(label=_("工作地址"), max_length=200, required=False)
    age_min = WholeNumberField(label=_("最低年龄"), min_value=0, max_value=MAX_AGE, initial=16)
    age_max = WholeNumberField(label=_("最高年龄"), min_value=0, max_value=MAX_AGE, initial=60)
    requirements = forms.CharField(label=_("任职要求"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE_INPUT)
    agreement = forms.ModelChoiceField(
        label=_("劳务协作协议"), queryset=CooperationAgreement.objects.none(), required=False
    )

    def __init__(self, *args, user, posting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.posting = posting
        if posting is not None:
            del self.fields["employer"]
        else:
            self.fields["employer"].queryset = console_employers(user=user)
        self.fields["agreement"].queryset = console_agreements(user=user)
        if not self.is_bound and posting is None:
            self.initial.setdefault("valid_until", timezone.localdate() + timedelta(days=DEFAULT_VALID_DAYS))
            if user.region is not None and user.region.level == RegionLevel.COUNTY:
                self.initial.setdefault("work_region", user.region.code)

    def clean(self):
        data = super().clean()
        checked = {name: data.get(name) for name in ("wage_min", "wage_max", "headcount", "age_min", "age_max")}
        valid_until = data.get("valid_until")
        # An expired posting being edited keeps its old date; only a newly chosen date has to lie ahead.
        if self.posting is None or valid_until != self.posting.valid_until:
            checked["valid_until"] = valid_until
        _add_problems(self, posting_problems(**checked))
        return data

    def posting_arguments(self):
        data = dict(self.cleaned_data)
        data.pop("employer", None)
        return data


def posting_initial(posting, *, as_copy):
    """The form's values from an existing posting; a copy gets a fresh closing date and the same employer."""
    initial = {
        name: getattr(posting, name)
        for name in (
            "title",
            "occupation",
            "kind",
            "is_urgent",
            "headcount",
            "wage_min",
            "wage_max",
            "pay_notes",
            "description",
            "working_hours",
            "work_address",
            "age_min",
            "age_max",
            "requirements",
            "valid_until",
        )
    }
    initial |= {
        "work_region": posting.work_region_id,
        "agreement": posting.agreement_id,
        "benefits": [benefit.value for benefit in Benefit if getattr(posting, benefit.value)],
    }
    if as_copy:
        initial |= {
            "employer": posting.employer_id,
            "valid_until": timezone.localdate() + timedelta(days=DEFAULT_VALID_DAYS),
        }
    return initial


class PostingFilterForm(forms.Form):
    q = forms.CharField(label=_("岗位或单位名称"), max_length=50, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部状态")), *PostingStatus.choices], required=False)
    occupation = forms.ChoiceField(label=_("工种"), choices=[("", _("全部工种")), *Occupation.choices], required=False)
    expiring = forms.BooleanField(label=_("7天内到期"), required=False)
    employer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    agreement = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def filters(self):
        if not self.is_valid():
            return ConsolePostingFilters()
        data = self.cleaned_data
        return ConsolePostingFilters(
            q=data["q"],
            status=data["status"],
            occupation=data["occupation"],
            employer_id=data["employer"],
            agreement_id=data["agreement"],
            expiring=data["expiring"],
        )


class BulkAction:
    PUBLISH = "publish"
    CLOSE = "close"
    EXTEND = "extend"
    CHOICES = [(PUBLISH, _("发布")), (CLOSE, _("关闭")), (EXTEND, _("延期"))]


class PostingBulkForm(forms.Form):
    action = forms.ChoiceField(label=_("批量操作"), choices=BulkAction.CHOICES)
    days = forms.IntegerField(
        label=_("延期天数"), min_value=1, max_value=MAX_EXTEND_DAYS, initial=DEFAULT_EXTEND_DAYS, required=False
    )
    everything = forms.BooleanField(label=_("对筛选出的全部岗位操作"), required=False)
    posting = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any ids may be sent; the services only ever touch the ones in the user's scope.
        self.fields["posting"].valid_value = lambda value: parse_object_id(value) is not None

    def clean(self):
        data = super().clean()
        if data.get("action") == BulkAction.EXTEND and not data.get("days"):
            self.add_error("days", _("请填写延期天数。"))
        if not data.get("everything") and not data.get("posting"):
            raise forms.ValidationError(_("请勾选岗位，或选择对筛选出的全部岗位操作。"))
        return data


class PostingExtendForm(forms.Form):
    days = forms.IntegerField(
        label=_("延期天数"),
        min_value=1,
        max_value=MAX_EXTEND_DAYS,
        initial=DEFAULT_EXTEND_DAYS,
        widget=forms.NumberInput(attrs={"class": "short"}),
    )


class AgreementForm(forms.Form):
    """A plain form over the agreement's model fields: the services check what its constraints say, with messages
    in the users' words, so the model's own validation (a ModelForm's) would only repeat them in database terms."""

    def __init__(self, *args, user, agreement=None, **kwargs):
        if agreement is not None:
            kwargs.setdefault("initial", model_to_dict(agreement, fields=AGREEMENT_FIELDS))
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                CooperationAgreement,
                fields=AGREEMENT_FIELDS,
                widgets={
                    "signed_on": DATE_INPUT,
                    "term_start": DATE_INPUT,
                    "term_end": DATE_INPUT,
                    "contacts": forms.Textarea(attrs={"rows": 3}),
                    "document_links": forms.Textarea(attrs={"rows": 2}),
                    "notes": forms.Textarea(attrs={"rows": 2}),
                },
            )
        )
        self.fields["sending_region"] = RegionChoiceField(label=_("输出地"), levels=_AGREEMENT_LEVELS)
        self.fields["receiving_region"] = RegionChoiceField(label=_("输入地"), levels=_AGREEMENT_LEVELS)
        self.order_fields(AGREEMENT_FIELDS)
        if agreement is None and user.region is not None:
            self.initial.setdefault("sending_region", user.region.code)

    def clean(self):
        data = super().clean()
        _add_problems(self, agreement_problems(**data))
        return data

    def agreement_arguments(self):
        return dict(self.cleaned_data)
