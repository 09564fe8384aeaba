from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.accounts.scoping import user_can_access_region
from core.regions.fields import RegionChoiceField
from core.regions.models import Region, RegionLevel
from core.typed_input import ContactPhoneField, PhoneField
from jobs.selectors import console_agreements, console_employers
from transport.models import BoardingCheck, PickupPoint, Trip
from transport.selectors import trip_posting_choices
from transport.services import trip_problems

# A new trip's times, filled in so that the dispatcher changes one or two of them rather than typing five
# (static/js/trip-form.js moves the others along when the departure changes): passengers meet half an hour before
# departure and booking closes the evening before, when the dispatcher prints the manifest.
NEW_TRIP_DAYS_AHEAD = 2
NEW_TRIP_DEPARTS = time(8, 0)
NEW_TRIP_JOURNEY = timedelta(hours=8)
MEETING_BEFORE_DEPARTURE = timedelta(minutes=30)
BOOKING_CLOSES_EVENING_BEFORE = time(20, 0)


class BookForWorkerForm(forms.Form):
    """The dispatcher books a worker found by the phone number, typed or pasted as people write it."""

    phone = PhoneField(label=_("务工人员手机号"), widget=forms.TextInput(attrs={"id": "book-phone"}))


def new_trip_times(now=None):
    """The five times a new trip's form starts with, timezone-aware in the portal's time zone."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    zone = timezone.get_current_timezone()
    departs = datetime.combine(today + timedelta(days=NEW_TRIP_DAYS_AHEAD), NEW_TRIP_DEPARTS, tzinfo=zone)
    evening_before = datetime.combine(departs.date() - timedelta(days=1), BOOKING_CLOSES_EVENING_BEFORE, tzinfo=zone)
    return {
        "departs_at": departs,
        "arrives_at": departs + NEW_TRIP_JOURNEY,
        "booking_opens_at": now.replace(second=0, microsecond=0),
        "booking_closes_at": evening_before,
        "meets_at": departs - MEETING_BEFORE_DEPARTURE,
    }


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
        field_classes = {"contact_phone": ContactPhoneField}

    destination_region = RegionChoiceField(
        label=_("目的地城市"),
        levels=(RegionLevel.CITY, RegionLevel.COUNTY),
        required=False,
        help_text=_("选到城市或区县。去一家单位时可以只选目的地单位。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
        self.fields["origin_county"].queryset = counties.filter(
            code__in=[code for code in counties.values_list("code", flat=True) if user_can_access_region(user, code)]
        )
        self.fields["destination_employer"].queryset = console_employers(user=user)
        postings = self.fields["postings"]
        postings.queryset = trip_posting_choices(user=user, trip=self.instance)
        postings.label_from_instance = lambda posting: f"{posting.title} · {posting.employer.name}"
        postings.widget.attrs.update({"data-option-filter": _("输入岗位或单位名称筛选"), "size": 8})
        postings.help_text = _("本辖区招聘中和草稿状态的岗位。按住 Ctrl（Mac 上是 Command）可多选。")
        self.fields["agreement"].queryset = console_agreements(user=user)
        if not self.is_bound and not self.instance.pk:
            self._start_new_trip()

    def _start_new_trip(self):
        for name, value in new_trip_times().items():
            if name in self.fields:
                self.initial.setdefault(name, value)
        only_county = list(self.fields["origin_county"].queryset[:2])
        if len(only_county) == 1:
            self.initial.setdefault("origin_county", only_county[0].pk)

    def clean(self):
        data = super().clean()
        for field_name, message in trip_problems(**data):
            self.add_error(field_name, message)
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
        return [{"meets_at": new_trip_times()["meets_at"]}]
    return [{"name": p.name, "address": p.address, "meets_at": p.meets_at} for p in trip.pickup_points.all()]


class BoardingForm(forms.Form):
    # A USB or Bluetooth scanner types into whatever has the focus, so the field has it from the start.
    query = forms.CharField(
        label=_("预约码或手机号"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    checks = forms.MultipleChoiceField(
        label=_("上车前核验"), choices=BoardingCheck.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class BookForm(forms.Form):
    pickup_point = forms.ModelChoiceField(label=_("上车点"), queryset=PickupPoint.objects.none(), required=False)

    def __init__(self, *args, trip, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pickup_point"].queryset = trip.pickup_points.all()
        self.fields["pickup_point"].empty_label = None
