from django import forms
from django.utils.translation import gettext_lazy as _

from core.accounts.scoping import user_can_access_region
from core.regions.models import Region, RegionLevel
from jobs.selectors import console_agreements
from transport.models import BoardingCheck, PickupPoint, Trip


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TripForm(forms.ModelForm):
    boarding_checks = forms.MultipleChoiceField(
        label=_("上车前核验"), choices=BoardingCheck.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Trip
        fields = [
            "mode",
            "service_number",
            "origin_county",
            "destination_employer",
            "destination_region",
            "destination_address",
            "departs_at",
            "arrives_at",
            "capacity",
            "booking_opens_at",
            "booking_closes_at",
            "postings",
            "agreement",
            "who_may_book",
            "cost",
            "cost_note",
            "contact_name",
            "contact_phone",
            "boarding_checks",
            "campaign",
        ]
        widgets = {
            name: DateTimeInput() for name in ("departs_at", "arrives_at", "booking_opens_at", "booking_closes_at")
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
        self.fields["origin_county"].queryset = counties.filter(
            code__in=[code for code in counties.values_list("code", flat=True) if user_can_access_region(user, code)]
        )
        self.fields["destination_region"].queryset = Region.objects.filter(
            level__in=[RegionLevel.CITY, RegionLevel.COUNTY]
        ).order_by("code")
        self.fields["postings"].queryset = self.fields["postings"].queryset.select_related("employer")
        self.fields["agreement"].queryset = console_agreements(user=user)

    def clean(self):
        data = super().clean()
        if not data.get("destination_employer") and not data.get("destination_region"):
            self.add_error("destination_region", _("请选择目的地单位或目的地城市。"))
        departs, arrives = data.get("departs_at"), data.get("arrives_at")
        if departs and arrives and arrives <= departs:
            self.add_error("arrives_at", _("到达时间应晚于出发时间。"))
        opens, closes = data.get("booking_opens_at"), data.get("booking_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("booking_closes_at", _("截止预约应晚于开始预约。"))
        if departs and closes and closes > departs:
            self.add_error("booking_closes_at", _("截止预约不能晚于出发时间。"))
        return data

    def trip_arguments(self):
        fields = {name: value for name, value in self.cleaned_data.items() if name != "postings"}
        return {"fields": fields, "postings": self.cleaned_data["postings"]}


class PickupPointForm(forms.ModelForm):
    class Meta:
        model = PickupPoint
        fields = ["name", "address", "meets_at"]
        widgets = {"meets_at": DateTimeInput()}


PickupPointFormSet = forms.formset_factory(PickupPointForm, extra=1, min_num=1, validate_min=True, max_num=10)


def pickup_point_initial(trip):
    if trip is None:
        return None
    return [{"name": p.name, "address": p.address, "meets_at": p.meets_at} for p in trip.pickup_points.all()]


class BoardingForm(forms.Form):
    query = forms.CharField(label=_("预约码或手机号"), max_length=100)
    checks = forms.MultipleChoiceField(
        label=_("上车前核验"), choices=BoardingCheck.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class BookForm(forms.Form):
    pickup_point = forms.ModelChoiceField(label=_("上车点"), queryset=PickupPoint.objects.none(), required=False)

    def __init__(self, *args, trip, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pickup_point"].queryset = trip.pickup_points.all()
        self.fields["pickup_point"].empty_label = None
