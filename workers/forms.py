from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identity import IdNumberField
from core.regions.fields import RegionChoiceField
from core.regions.models import RegionLevel
from core.typed_input import PhoneField, WholeNumberField
from workers.consent import CONSENT_TEXT
from workers.models import MAX_EXPECTED_WAGE, KeyGroup, ServiceKind, WantedArea, WorkerStatus
from workers.selectors import LedgerFilters

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WorkerProfileForm(forms.Form):
    """What a worker corrects about themselves (and staff about them): everything but the ID number and phone."""

    full_name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    skills = forms.CharField(label=_("技能"), max_length=200, required=False, help_text=_("例如：电工、焊工、驾驶"))
    wanted_occupations = forms.CharField(
        label=_("想做的工作"), max_length=200, required=False, help_text=_("例如：普工、电子厂、建筑")
    )
    wanted_area = forms.ChoiceField(label=_("想在哪里工作"), choices=WantedArea.choices, initial=WantedArea.ANYWHERE)
    wanted_cities = forms.CharField(label=_("城市"), max_length=200, required=False, help_text=_("选“指定城市”时填写"))
    expected_wage = WholeNumberField(
        label=_("期望月薪（元）"), min_value=0, max_value=MAX_EXPECTED_WAGE, required=False
    )
    available_from = forms.DateField(label=_("什么时候可以上岗"), required=False, widget=DATE_INPUT)
    key_groups = forms.MultipleChoiceField(
        label=_("重点群体（如属于请勾选，工作人员会核实）"),
        choices=KeyGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, region_root=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_region"] = RegionChoiceField(
            label=_("户籍所在村（社区）"), levels=[RegionLevel.VILLAGE], root=region_root
        )
        # The picker reads best right after the name.
        self.order_fields(["full_name", "home_region"])


class RegistrationForm(WorkerProfileForm):
    id_number = IdNumberField(label=_("身份证号"), widget=forms.TextInput(attrs={"autocomplete": "off"}))
    status = forms.ChoiceField(label=_("现在的状态"), choices=WorkerStatus.choices, initial=WorkerStatus.RETURNED)
    consent = forms.BooleanField(label=_("我已阅读并同意个人信息处理规则"), help_text=CONSENT_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["full_name", "id_number", "home_region", "status"])

    def registration_arguments(self):
        """The cleaned form as `worker_register`'s keyword arguments (the caller adds the phone and registrar)."""
        arguments = {name: value for name, value in self.cleaned_data.items() if name not in ("consent", "phone")}
        return {**arguments, "consent_given": self.cleaned_data["consent"]}


class AssistedRegistrationForm(RegistrationForm):
    phone = PhoneField(label=_("务工人员手机号"))
    consent = forms.BooleanField(label=_("本人已当面或电话同意个人信息处理规则"), help_text=CONSENT_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["full_name", "phone", "id_number", "home_region", "status"])


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("就业状态"), choices=WorkerStatus.choices)
    effective_on = forms.DateField(
        label=_("日期（外出务工日期、本地就业日期等）"), widget=DATE_INPUT, initial=timezone.localdate
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False, help_text=_("例如：广东东莞某电子厂"))


class ServiceRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("服务类型"), choices=ServiceKind.choices)
    served_on = forms.DateField(label=_("服务日期"), widget=DATE_INPUT, initial=timezone.localdate)
    notes = forms.CharField(label=_("服务内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label=_("结果"), max_length=200, required=False)
    still_employed = forms.TypedChoiceField(
        label=_("稳岗回访：是否仍在岗"),
        choices=[("", _("（非稳岗回访不填）")), ("yes", _("仍在岗")), ("no", _("已离岗"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看理由"), max_length=200, help_text=_("例如：办理社保补贴核对身份"))


class LedgerFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("就业状态"), choices=[("", _("全部")), *WorkerStatus.choices], required=False)
    key_group = forms.ChoiceField(label=_("重点群体"), choices=[("", _("全部")), *KeyGroup.choices], required=False)
    secretary = forms.TypedChoiceField(label=_("就业秘书"), coerce=int, required=False, empty_value=None)
    without_secretary = forms.BooleanField(label=_("未指派就业秘书"), required=False)
    has_job_intention = forms.TypedChoiceField(
        label=_("求职意向"),
        choices=[("", _("全部")), ("yes", _("有")), ("no", _("无"))],
        coerce=lambda value: value == "yes",
        required=False,
        empty_value=None,
    )
    registered_from = forms.DateField(label=_("登记日期从"), required=False, widget=DATE_INPUT)
    registered_to = forms.DateField(label=_("到"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, user, secretaries, **kwargs):
        super().__init__(*args, **kwargs)
        root = user.region if not user.has_full_scope else None
        self.fields["region"] = RegionChoiceField(label=_("地区"), root=root, required=False)
        self.fields["secretary"].choices = [("", _("全部"))] + [
            (secretary.pk, secretary.get_full_name() or secretary.username) for secretary in secretaries
        ]
        self.order_fields(["region"])


def ledger_filters(data, *, user, secretaries):
    """The ledger filter in `data` (a query string's QueryDict), as (form, LedgerFilters): the list, its bulk
    assignment and its export (in the worker) read it the same way. An invalid filter is shown with its errors and
    filters nothing."""
    form = LedgerFilterForm(data or None, user=user, secretaries=secretaries)
    if not form.is_valid():
        return form, LedgerFilters()
    cleaned = form.cleaned_data
    return form, LedgerFilters(
        region=cleaned.get("region"),
        status=cleaned["status"],
        key_group=cleaned["key_group"],
        secretary_id=cleaned["secretary"],
        without_secretary=cleaned["without_secretary"],
        registered_from=cleaned["registered_from"],
        registered_to=cleaned["registered_to"],
        has_job_intention=cleaned["has_job_intention"],
    )


class ExportForm(forms.Form):
    unmasked = forms.BooleanField(label=_("导出完整身份证号和手机号"), required=False)
    reason = forms.CharField(label=_("导出理由"), max_length=200, required=False)


class AssignSecretaryForm(forms.Form):
    secretary = forms.TypedChoiceField(label=_("就业秘书"), coerce=int)

    def __init__(self, *args, secretaries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].choices = [
            (secretary.pk, f"{secretary.get_full_name() or secretary.username}（{secretary.region.name}）")
            for secretary in secretaries
        ]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
