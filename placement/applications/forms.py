from django import forms
from django.utils.translation import gettext_lazy as _

from core.accounts.scoping import scope_to_user, user_can_access_region
from core.regions.models import Region, RegionLevel
from core.typed_input import PhoneField
from jobs.models import Employer, JobPosting, PostingStatus
from jobs.selectors import console_agreements
from placement.applications.models import ApplicationState, JobFair


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MoveForm(forms.Form):
    state = forms.ChoiceField(choices=ApplicationState.choices)
    note = forms.CharField(max_length=200, required=False)


class RecommendForm(forms.Form):
    """What H6's candidates page and our own search post: a worker id and a posting id."""

    posting = forms.IntegerField(min_value=1)
    worker = forms.IntegerField(min_value=1)
    note = forms.CharField(max_length=200, required=False)


class FairForm(forms.ModelForm):
    stream_url = forms.URLField(label=_("直播/线上链接"), required=False, assume_scheme="https")

    class Meta:
        model = JobFair
        fields = [
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "stream_url",
            "county",
            "description",
            "employers",
            "postings",
            "is_published",
        ]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
        self.fields["county"].queryset = counties.filter(
            code__in=[code for code in counties.values_list("code", flat=True) if user_can_access_region(user, code)]
        )
        # What the user's region entered, what its cooperation agreements bring in, and whatever the fair already has.
        already = self.instance.pk is not None
        employers = scope_to_user(user, Employer.objects.all(), region_field="county")
        postings = scope_to_user(user, JobPosting.objects.all(), region_field="county") | JobPosting.objects.filter(
            agreement__in=console_agreements(user=user)
        )
        postings = postings.filter(status=PostingStatus.PUBLISHED)
        if already:
            employers = employers | Employer.objects.filter(job_fairs=self.instance)
            postings = postings | JobPosting.objects.filter(job_fairs=self.instance)
        self.fields["employers"].queryset = employers.distinct().order_by("name")
        self.fields["employers"].required = False
        self.fields["postings"].queryset = postings.distinct().select_related("employer").order_by("-id")
        self.fields["postings"].required = False

    def fair_arguments(self):
        fields = {name: value for name, value in self.cleaned_data.items() if name not in ("employers", "postings")}
        data = self.cleaned_data
        return {"fields": fields, "employers": data["employers"], "postings": data["postings"]}


class FairCheckInForm(forms.Form):
    """On the day: the worker's phone and, once they agree with an employer, the posting."""

    phone = PhoneField(label=_("手机号"))
    posting = forms.ModelChoiceField(label=_("达成意向的岗位"), queryset=JobPosting.objects.none(), required=False)

    def __init__(self, *args, fair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posting"].queryset = fair.postings.select_related("employer").order_by("employer__name", "id")
        self.fields["posting"].label_from_instance = lambda posting: f"{posting.employer.name} · {posting.title}"
        self.fields["posting"].empty_label = _("只登记到场")
