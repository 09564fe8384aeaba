from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    APPLIED = "applied", _("已报名")
    RECOMMENDED = "recommended", _("已推荐")
    INTENTION = "intention", _("达成意向")
    SIGNED = "signed", _("已签约")
    ONBOARDED = "onboarded", _("已上岗")
    DECLINED = "declined", _("未录用")
    WITHDRAWN = "withdrawn", _("已撤回")


# Where an application ends: nothing moves it on from here (a declined or withdrawn worker applies again by
# re-opening the same row, see services.application_apply).
CLOSED_STATES = frozenset({ApplicationState.DECLINED, ApplicationState.WITHDRAWN})
# The states that fill a seat of the posting's headcount.
HIRED_STATES = frozenset({ApplicationState.SIGNED, ApplicationState.ONBOARDED})


class ApplicationSource(models.TextChoices):
    SELF_APPLIED = "self_applied", _("本人报名")
    STAFF_RECOMMENDED = "staff_recommended", _("工作人员推荐")
    JOB_FAIR = "job_fair", _("招聘会")


class JobFairKind(models.TextChoices):
    OFFLINE = "offline", _("线下招聘会")
    ONLINE = "online", _("线上招聘会")
    LIVESTREAM = "livestream", _("直播带岗")


class JobFair(models.Model):
    """A job fair (招聘会): offline at a place, or online / livestream (直播带岗) at a link."""

    title = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("形式"), max_length=12, choices=JobFairKind.choices, default=JobFairKind.OFFLINE)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    stream_url = models.URLField(_("直播/线上链接"), blank=True)
    description = models.TextField(_("简介"), blank=True)
    county = models.ForeignKey("regions.Region", verbose_name=_("主办县"), on_delete=models.PROTECT, related_name="+")
    employers = models.ManyToManyField(
        "jobs.Employer", verbose_name=_("参会单位"), blank=True, related_name="job_fairs"
    )
    postings = models.ManyToManyField(
        "jobs.JobPosting", verbose_name=_("参会岗位"), blank=True, related_name="job_fairs"
    )
    is_published = models.BooleanField(_("公开"), default=True)
    # Page views of the public fair page, counted by one UPDATE ... SET views = views + 1 per view.
    views = models.PositiveIntegerField(_("浏览量"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("招聘会")
        verbose_name_plural = _("招聘会")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["county", "starts_at"], name="jobfair_county_starts")]
        constraints = [
            models.CheckConstraint(name="jobfair_kind_is_known", condition=Q(kind__in=JobFairKind.values)),
            models.CheckConstraint(name="jobfair_ends_after_start", condition=Q(ends_at__gte=F("starts_at"))),
            # An offline fair needs a place to go to; an online one or a livestream needs a link to open.
            models.CheckConstraint(
                name="jobfair_offline_has_a_place", condition=~Q(kind=JobFairKind.OFFLINE) | ~Q(place="")
            ),
            models.CheckConstraint(
                name="jobfair_online_has_a_link", condition=Q(kind=JobFairKind.OFFLINE) | ~Q(stream_url="")
            ),
        ]

    def __str__(self):
        return self.title


class Application(models.Model):
    """One worker's path towards one posting: 报名 -> 推荐 -> 达成意向 -> 签约 -> 上岗 (or declined / withdrawn)."""

    worker = models.ForeignKey(
        "workers.Worker", verbose_name=_("务工人员"), on_delete=models.CASCADE, related_name="applications"
    )
    posting = models.ForeignKey(
        "jobs.JobPosting", verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="applications"
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=ApplicationState.choices, default=ApplicationState.APPLIED
    )
    source = models.CharField(_("来源"), max_length=20, choices=ApplicationSource.choices)
    fair = models.ForeignKey(
        JobFair,
        verbose_name=_("招聘会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        help_text=_("在招聘会上达成意向时记录。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["posting", "state"], name="application_posting_state"),
            models.Index(fields=["worker", "-updated_at"], name="application_worker_recent"),
            models.Index(fields=["fair", "state"], name="application_fair_state"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["worker", "posting"], name="application_one_per_worker_and_posting"),
            models.CheckConstraint(name="application_state_is_known", condition=Q(state__in=ApplicationState.values)),
            models.CheckConstraint(
                name="application_source_is_known", condition=Q(source__in=ApplicationSource.values)
            ),
        ]

    def __str__(self):
        return f"{self.worker} -> {self.posting}"

    @property
    def is_closed(self):
        return self.state in CLOSED_STATES


class ApplicationStateChange(models.Model):
    """The append-only log of an application: who moved it from what to what, and when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="state_log")
    from_state = models.CharField(_("原状态"), max_length=12, choices=ApplicationState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=ApplicationState.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("报名状态变更")
        verbose_name_plural = _("报名状态变更")
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="applicationstatechange_to_state_is_known", condition=Q(to_state__in=ApplicationState.values)
            ),
        ]

    def __str__(self):
        return f"{self.from_state or '-'} -> {self.to_state}"


class FairAttendance(models.Model):
    """A worker who came to (or joined) a fair, recorded by staff on the day: the fair's visitor count."""

    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="attendances")
    worker = models.ForeignKey("workers.Worker", on_delete=models.CASCADE, related_name="fair_attendances")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("招聘会到场")
        verbose_name_plural = _("招聘会到场")
        constraints = [
            models.UniqueConstraint(fields=["fair", "worker"], name="fairattendance_one_per_worker"),
        ]

    def __str__(self):
        return f"{self.fair} {self.worker}"
