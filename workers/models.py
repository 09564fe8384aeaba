from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.privacy.crypto import decrypt_text
from core.privacy.masking import age_band

ID_NUMBER_PURPOSE = "workers.id_number"
# A typo's bound (forms, API and import alike), well inside the database's integer.
MAX_EXPECTED_WAGE = 1_000_000


class WorkerStatus(models.TextChoices):
    RETURNED = "returned", _("返乡在家")
    SEEKING = "seeking", _("求职中")
    EMPLOYED_LOCAL = "employed_local", _("本地就业")
    WORKING_AWAY = "working_away", _("外出务工")


# The statuses of a worker looking for work: matching's candidates and push recipients, and the partial indexes that
# serve them (here, workers/0003 and placement/matching's 0003 in SQL). Changing the set needs migrations for those.
SEEKING_STATUSES = (WorkerStatus.RETURNED, WorkerStatus.SEEKING)


class KeyGroup(models.TextChoices):
    POVERTY_ALLEVIATED = "poverty_alleviated", _("脱贫人口")
    RETIRED_FISHER = "retired_fisher", _("退捕渔民")
    GRADUATE = "graduate", _("高校毕业生")
    VETERAN = "veteran", _("退役军人")
    HARD_TO_EMPLOY = "hard_to_employ", _("就业困难人员")
    DISABLED = "disabled", _("残疾人")


class WantedArea(models.TextChoices):
    NEAR_HOME = "near_home", _("家门口")
    IN_PROVINCE = "in_province", _("省内")
    ANYWHERE = "anywhere", _("不限")
    NAMED_CITIES = "named_cities", _("指定城市")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Worker(models.Model):
    """One person in the real-name ledger (实名制台账), linked to the job seeker account that carries the phone.

    The ID number is stored encrypted, with a keyed hash for look-up and uniqueness and a masked copy for lists;
    sex and date of birth are derived from it. After a deletion request has been carried out the row stays (so
    the county's statistics still add up) but every personal field is blanked and `anonymised_at` is set.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="worker"
    )
    full_name = models.CharField(_("姓名"), max_length=50)
    id_number_encrypted = models.TextField(_("身份证号（加密）"), blank=True)
    # NULL rather than "" once anonymised, so that those rows stay out of the unique constraint.
    id_number_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    home_region = models.ForeignKey(
        "regions.Region", verbose_name=_("户籍所在村"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("就业状态"), max_length=20, choices=WorkerStatus.choices)
    status_since = models.DateField(_("状态开始日期"))
    skills = models.CharField(_("技能"), max_length=200, blank=True)
    wanted_occupations = models.CharField(_("求职意向（工种）"), max_length=200, blank=True)
    wanted_area = models.CharField(
        _("意向地区"), max_length=20, choices=WantedArea.choices, default=WantedArea.ANYWHERE
    )
    wanted_cities = models.CharField(_("意向城市"), max_length=200, blank=True)
    expected_wage = models.PositiveIntegerField(_("期望月薪（元）"), null=True, blank=True)
    available_from = models.DateField(_("可上岗日期"), null=True, blank=True)
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("就业秘书"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="secretary_of",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("为空表示本人自助登记。"),
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    deletion_requested_at = models.DateTimeField(_("申请删除时间"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("务工人员")
        verbose_name_plural = _("务工人员")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["home_region", "status"]),
            models.Index(fields=["secretary", "status"]),
            # Matching (placement/matching) walks the workers looking for work by home region and by what area they
            # accept, newest first.
            models.Index(
                fields=["home_region", "-registered_at"],
                name="worker_match_home",
                condition=Q(status__in=list(SEEKING_STATUSES), anonymised_at__isnull=True),
            ),
            models.Index(
                fields=["wanted_area", "-registered_at"],
                name="worker_match_area",
                condition=Q(status__in=list(SEEKING_STATUSES), anonymised_at__isnull=True),
            ),
        ]
        constraints = [
            # One worker per person: the keyed hash of the ID number is unique (anonymised rows have none).
            models.UniqueConstraint(fields=["id_number_hash"], name="worker_one_per_id_number"),
            models.CheckConstraint(
                name="worker_identity_present_unless_anonymised",
                condition=Q(anonymised_at__isnull=False)
                | (Q(id_number_hash__isnull=False) & ~Q(id_number_encrypted="") & Q(birth_date__isnull=False)),
            ),
            models.CheckConstraint(name="worker_status_is_known", condition=Q(status__in=WorkerStatus.values)),
            models.CheckConstraint(
                name="worker_named_cities_are_named",
                condition=~Q(wanted_area=WantedArea.NAMED_CITIES) | ~Q(wanted_cities=""),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def id_number(self):
        """The whole number, decrypted. Callers that show it to staff must write an audit record."""
        if not self.id_number_encrypted:
            return ""
        return decrypt_text(self.id_number_encrypted, purpose=ID_NUMBER_PURPOSE)

    @property
    def age_band(self):
        """What is shown of the age beside a masked ID number (core.privacy.masking)."""
        return age_band(self.birth_date)

    @property
    def has_job_intention(self):
        return bool(self.wanted_occupations)


class WorkerKeyGroup(models.Model):
    """A key group (重点群体) the worker belongs to: self-declared or entered by staff, verified by county staff."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="key_groups")
    group = models.CharField(_("重点群体"), max_length=30, choices=KeyGroup.choices)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("重点群体")
        verbose_name_plural = _("重点群体")
        constraints = [
            models.UniqueConstraint(fields=["worker", "group"], name="workerkeygroup_once_per_group"),
            models.CheckConstraint(name="workerkeygroup_group_is_known", condition=Q(group__in=KeyGroup.values)),
        ]

    def __str__(self):
        return self.get_group_display()


class StatusChange(models.Model):
    """The worker's status history: every change with the date it took effect (left for work on, employed at)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("就业状态"), max_length=20, choices=WorkerStatus.choices)
    effective_on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更新人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["-effective_on", "-id"]
        constraints = [
            models.CheckConstraint(name="statuschange_status_is_known", condition=Q(status__in=WorkerStatus.values)),
        ]

    def __str__(self):
        return f"{self.effective_on} {self.get_status_display()}"


class ServiceKind(models.TextChoices):
    GUIDANCE = "guidance", _("职业指导")
    RECOMMENDATION = "recommendation", _("岗位推荐")
    TRAINING = "training", _("技能培训")
    POLICY = "policy", _("政策咨询")
    PHONE_FOLLOW_UP = "phone_follow_up", _("电话回访")
    HOME_VISIT = "home_visit", _("上门走访")
    # 稳岗回访: the secretary's call 30 and 90 days after a worker started a job (portal/statistics/retention.py
    # reminds them), recording whether the person is still in work.
    RETENTION_30 = "retention_30", _("稳岗回访（上岗30天）")
    RETENTION_90 = "retention_90", _("稳岗回访（上岗90天）")


RETENTION_KINDS = (ServiceKind.RETENTION_30, ServiceKind.RETENTION_90)


# The "1-3-1" norm of the employment secretary: per worker, 1 guidance, 3 job recommendations, 1 training offer.
ONE_THREE_ONE = {ServiceKind.GUIDANCE: 1, ServiceKind.RECOMMENDATION: 3, ServiceKind.TRAINING: 1}


class ServiceRecord(models.Model):
    """One service (服务记录) a secretary gave a worker."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="service_records")
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("服务人"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("服务类型"), max_length=20, choices=ServiceKind.choices)
    served_on = models.DateField(_("服务日期"))
    notes = models.TextField(_("服务内容"), blank=True)
    outcome = models.CharField(_("结果"), max_length=200, blank=True)
    # The answer of a 稳岗回访, and only of one.
    still_employed = models.BooleanField(_("仍在岗"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-served_on", "-id"]
        indexes = [models.Index(fields=["worker", "kind"])]
        constraints = [
            models.CheckConstraint(name="servicerecord_kind_is_known", condition=Q(kind__in=ServiceKind.values)),
            models.CheckConstraint(
                name="servicerecord_retention_says_if_still_employed",
                condition=Q(kind__in=RETENTION_KINDS, still_employed__isnull=False)
                | (~Q(kind__in=RETENTION_KINDS) & Q(still_employed__isnull=True)),
            ),
        ]

    def __str__(self):
        return f"{self.served_on} {self.get_kind_display()}"


class Consent(models.Model):
    """The worker's consent to the processing of personal data: which text, agreed when (PIPL art. 14)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="consents")
    version = models.CharField(_("版本"), max_length=20)
    text = models.TextField(_("同意的文本"))
    given_at = models.DateTimeField(_("同意时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代为登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("个人信息处理同意")
        verbose_name_plural = _("个人信息处理同意")
        ordering = ["-given_at"]

    def __str__(self):
        return f"{self.version} {self.given_at:%Y-%m-%d %H:%M}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("处理中")
    SUCCEEDED = "succeeded", _("已导入")
    FAILED = "failed", _("有错误，未导入")


class LedgerImport(models.Model):
    """A spreadsheet uploaded to the ledger; a task validates every row and imports all of them or none."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("文件名"), max_length=200)
    # Kept in the row rather than on disk so that any Celery worker can read it; cleared once processed.
    content = models.BinaryField(blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    imported_count = models.PositiveIntegerField(_("导入人数"), default=0)
    problems = models.JSONField(_("问题"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="ledgerimport_status_is_known", condition=Q(status__in=ImportStatus.values)),
        ]
        # The imports waiting or running, for the metrics (portal/monitoring.py): a few rows among all ever made.
        indexes = [
            models.Index(
                fields=["status"],
                name="ledgerimport_unfinished",
                condition=Q(status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]),
            )
        ]

    def __str__(self):
        return self.file_name

    @property
    def percent(self):
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
