from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Lookup
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.imports import ImportStatus
from jobs.search import tsvector_literal

CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"


class SearchTokensField(models.TextField):
    """A posting's search lexemes: a GIN-indexed tsvector on PostgreSQL, space-delimited text elsewhere.

    The Python value is a list of lexemes (see `jobs.search.document_lexemes`); it is written and matched, never
    read back for display.
    """

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if isinstance(value, str):
            return value
        if connection.vendor == "postgresql":
            return tsvector_literal(value or [])
        # Spaces at both ends, so that `LIKE '% word %'` matches the first and the last lexeme too.
        return f" {' '.join(value or [])} "

    def get_placeholder(self, value, compiler, connection):
        return "%s::tsvector" if connection.vendor == "postgresql" else "%s"


@SearchTokensField.register_lookup
class Matches(Lookup):
    """`search_tokens__matches=TokenQuery(all_of=("普工", "电子厂"))`: the row holds these lexemes (or any
    expression of `jobs.search`: AllOf, AnyOf, NoneOf over Lexeme).

    On PostgreSQL one `@@` against a tsquery, which the GIN index answers; on SQLite a LIKE per lexeme (slow,
    but the embedded mode only holds demo data).
    """

    lookup_name = "matches"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        query = self.rhs
        if connection.vendor == "postgresql":
            return f"{lhs} @@ %s::tsquery", [*lhs_params, query.tsquery()]
        return query.expression.like_sql(lhs, lhs_params)


class Employer(models.Model):
    name = models.CharField(_("单位名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    industry = models.CharField(_("行业"), max_length=50)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    is_key_enterprise = models.BooleanField(_("重点企业"), default=False)
    description = models.TextField(_("单位简介"), blank=True)
    county = models.ForeignKey(
        "regions.Region",
        verbose_name=_("录入县"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("录入并负责维护这家单位的县人社局。"),
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联络员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_employers",
        help_text=_("重点企业由县人社局指定一名工作人员联系服务。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("用工单位")
        verbose_name_plural = _("用工单位")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="employer_credit_code_format", condition=Q(credit_code__regex=CREDIT_CODE_PATTERN)
            ),
        ]

    def __str__(self):
        return self.name


class EmployerContact(models.Model):
    """One more person to call at an employer, besides the main contact (HR, the workshop, the canteen...)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20)
    role = models.CharField(_("职务"), max_length=50, blank=True, help_text=_("例如：人事主管、车间主任"))

    class Meta:
        verbose_name = _("单位联系人")
        verbose_name_plural = _("单位联系人")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} {self.phone}"


class CooperationAgreement(models.Model):
    """A 劳务协作 agreement between a sending region and a receiving region or industrial park."""

    title = models.CharField(_("协议名称"), max_length=100)
    sending_region = models.ForeignKey(
        "regions.Region", verbose_name=_("输出地"), on_delete=models.PROTECT, related_name="+"
    )
    receiving_region = models.ForeignKey(
        "regions.Region", verbose_name=_("输入地"), on_delete=models.PROTECT, related_name="+"
    )
    receiving_park = models.CharField(_("园区"), max_length=100, blank=True, help_text=_("例如：浏阳经开区"))
    signed_on = models.DateField(_("签订日期"))
    term_start = models.DateField(_("协议期限自"))
    term_end = models.DateField(_("协议期限至"))
    target_people = models.PositiveIntegerField(_("目标人数"))
    contacts = models.TextField(_("联系人"), blank=True, help_text=_("双方联系人姓名、电话，每行一位。"))
    document_links = models.TextField(_("协议文件链接"), blank=True, help_text=_("协议扫描件或公文的网址，每行一个。"))
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("劳务协作协议")
        verbose_name_plural = _("劳务协作协议")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(name="agreement_term_in_order", condition=Q(term_start__lte=F("term_end"))),
            models.CheckConstraint(name="agreement_target_positive", condition=Q(target_people__gt=0)),
        ]

    def __str__(self):
        return self.title

    @property
    def documents(self):
        return [line.strip() for line in self.document_links.splitlines() if line.strip()]


class Occupation(models.TextChoices):
    """A short fixed list: the everyday names people search for, within the national classification's groups."""

    GENERAL_WORKER = "general_worker", _("普工")
    ELECTRONICS = "electronics", _("电子厂")
    SEWING = "sewing", _("缝纫")
    CONSTRUCTION = "construction", _("建筑工")
    TECHNICIAN = "technician", _("技术工")
    TEA_PICKING = "tea_picking", _("采茶")
    CLEANING = "cleaning", _("保洁")
    SECURITY = "security", _("保安")
    COOK = "cook", _("厨师")
    DRIVER = "driver", _("司机")
    COURIER = "courier", _("快递")
    DOMESTIC = "domestic", _("家政")
    SALES = "sales", _("销售")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class PostingKind(models.TextChoices):
    REGULAR = "regular", _("普通岗位")
    PUBLIC_WELFARE = "public_welfare", _("公益性岗位")


class PostingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("招聘中")
    FILLED = "filled", _("已招满")
    CLOSED = "closed", _("已关闭")
    EXPIRED = "expired", _("已过期")


class Benefit(models.TextChoices):
    """The benefits a job seeker filters by; each is a boolean field of JobPosting named by its value."""

    MEALS = "provides_meals", _("包吃")
    HOUSING = "provides_housing", _("包住")
    SOCIAL_INSURANCE = "social_insurance", _("五险一金")
    TRAVEL_REFUND = "travel_refund", _("路费报销")
    RETURN_SHUTTLE = "return_shuttle", _("返岗专车")


class JobPosting(models.Model):
    employer = models.ForeignKey(
        Employer, verbose_name=_("用工单位"), on_delete=models.PROTECT, related_name="postings"
    )
    title = models.CharField(_("岗位名称"), max_length=60)
    occupation = models.CharField(_("工种"), max_length=20, choices=Occupation.choices)
    description = models.TextField(_("岗位描述"))
    headcount = models.PositiveIntegerField(_("招聘人数"))
    wage_min = models.PositiveIntegerField(_("月薪下限（元）"))
    wage_max = models.PositiveIntegerField(_("月薪上限（元）"))
    pay_notes = models.CharField(_("计薪方式"), max_length=100, blank=True, help_text=_("例如：计件，保底4000元"))
    working_hours = models.CharField(_("工作时间"), max_length=100, blank=True)
    provides_meals = models.BooleanField(_("包吃"), default=False)
    provides_housing = models.BooleanField(_("包住"), default=False)
    social_insurance = models.BooleanField(_("五险一金"), default=False)
    travel_refund = models.BooleanField(_("路费报销"), default=False)
    return_shuttle = models.BooleanField(_("返岗专车"), default=False)
    work_region = models.ForeignKey(
        "regions.Region", verbose_name=_("工作地区"), on_delete=models.PROTECT, related_name="+"
    )
    work_address = models.CharField(_("工作地址"), max_length=200, blank=True)
    age_min = models.PositiveSmallIntegerField(_("最低年龄"), default=16)
    age_max = models.PositiveSmallIntegerField(_("最高年龄"), default=60)
    requirements = models.TextField(_("任职要求"), blank=True)
    kind = models.CharField(_("岗位类型"), max_length=20, choices=PostingKind.choices, default=PostingKind.REGULAR)
    is_urgent = models.BooleanField(_("急招"), default=False, help_text=_("在就业超市的卡片上标“急招”。"))
    agreement = models.ForeignKey(
        CooperationAgreement,
        verbose_name=_("劳务协作协议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="postings",
    )
    status = models.CharField(_("状态"), max_length=10, choices=PostingStatus.choices, default=PostingStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"))
    county = models.ForeignKey("regions.Region", verbose_name=_("录入县"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_tokens = SearchTokensField(editable=False, default=list)
    # Set when enough different people reported the posting (PostingReport): it leaves the job list until a clerk
    # has looked; its own page stays open for those who have the link.
    held_at = models.DateTimeField(_("因举报暂停展示"), null=True, blank=True, editable=False)

    # The search lexemes are derived from the other fields, and the timestamps are in the history rows already.
    history = HistoricalRecords(excluded_fields=["search_tokens", "created_at", "updated_at", "held_at"])

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")
        ordering = ["-published_at", "-id"]
        indexes = [
            # The keyset orders of the job supermarket, only over what it can show.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                name="posting_published_newest",
                condition=Q(status="published"),
            ),
            models.Index(
                F("wage_max").desc(),
                F("id").desc(),
                name="posting_published_wage",
                condition=Q(status="published"),
            ),
            models.Index(fields=["status", "valid_until"], name="posting_status_valid_until"),
        ]
        constraints = [
            models.CheckConstraint(name="posting_wage_min_positive", condition=Q(wage_min__gt=0)),
            models.CheckConstraint(name="posting_wage_min_not_above_max", condition=Q(wage_min__lte=F("wage_max"))),
            models.CheckConstraint(name="posting_headcount_positive", condition=Q(headcount__gt=0)),
            models.CheckConstraint(
                name="posting_age_range_valid", condition=Q(age_min__gte=16, age_min__lte=F("age_max"))
            ),
            models.CheckConstraint(name="posting_kind_valid", condition=Q(kind__in=PostingKind.values)),
            models.CheckConstraint(name="posting_status_valid", condition=Q(status__in=PostingStatus.values)),
            models.CheckConstraint(name="posting_occupation_valid", condition=Q(occupation__in=Occupation.values)),
            models.CheckConstraint(
                name="posting_published_ones_have_a_publication_time",
                condition=Q(status=PostingStatus.DRAFT) | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def benefits(self):
        return [str(benefit.label) for benefit in Benefit if getattr(self, benefit.value)]


class ReportReason(models.TextChoices):
    FAKE = "fake", _("虚假招聘")
    FEE = "fee", _("收费")
    WAGE = "wage", _("工资不符")
    OTHER = "other", _("其他")


class PostingReport(models.Model):
    """举报: one signed-in person's report of a public posting, open until the owning county's staff look at it.

    One open report per person and posting (a partial unique index), so that "three different people" is counted by
    the database, not by whoever taps the button three times."""

    posting = models.ForeignKey(JobPosting, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("举报人"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("举报原因"), max_length=10, choices=ReportReason.choices)
    details = models.CharField(_("补充说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("举报时间"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("岗位举报")
        verbose_name_plural = _("岗位举报")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "reporter"], condition=Q(reviewed_at__isnull=True), name="report_one_open_per_person"
            ),
            models.CheckConstraint(name="report_reason_valid", condition=Q(reason__in=ReportReason.values)),
        ]

    def __str__(self):
        return f"{self.posting} · {self.get_reason_display()}"


class DemandImport(models.Model):
    """An employer-demand spreadsheet (one row per posting); a task validates every row and imports all or none."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(
        "regions.Region",
        verbose_name=_("录入县"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("导入的单位和岗位归属的县。"),
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    # Kept in the row rather than on disk so that any Celery worker can read it; cleared once processed.
    content = models.BinaryField(blank=True)
    publish = models.BooleanField(_("导入后直接发布"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    employers_created = models.PositiveIntegerField(_("新建单位数"), default=0)
    employers_matched = models.PositiveIntegerField(_("匹配已有单位数"), default=0)
    postings_created = models.PositiveIntegerField(_("导入岗位数"), default=0)
    problems = models.JSONField(_("问题"), default=list, blank=True)
    # Rows imported as they are but worth a look (an employer's name differing from the one on file).
    warnings = models.JSONField(_("提醒"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("需求导入")
        verbose_name_plural = _("需求导入")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="demandimport_status_is_known", condition=Q(status__in=ImportStatus.values)),
        ]
        # The imports waiting or running, for the metrics (portal/monitoring.py): a few rows among all ever made.
        indexes = [
            models.Index(
                fields=["status"],
                name="demandimport_unfinished",
                condition=Q(status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]),
            )
        ]

    def __str__(self):
        return self.file_name

    @property
    def percent(self):
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
