from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    UNMASKED_VIEW = "unmasked_view", _("查看完整个人信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    SUBJECT_ACCESS = "subject_access", _("本人查阅或下载")
    CORRECTION = "correction", _("本人更正")
    DELETION_REQUEST = "deletion_request", _("本人申请删除")
    ANONYMISED = "anonymised", _("匿名化")
    # Someone tried to register an ID number that is already in the ledger: a probe of who is registered, or a
    # person whose number someone else used. Either way the county wants to know.
    DUPLICATE_REGISTRATION = "duplicate_id", _("登记已登记的身份证号")
    # The audit administrator read the log (a page of it, or one row): whoever watches is watched too.
    AUDIT_READ = "audit_read", _("查阅审计记录")
    ROLE_CHANGE = "role_change", _("分配角色与区划")
    # The retention task's own line for each kind of data it deleted or anonymised (core.privacy.retention).
    RETENTION = "retention", _("保留期满清理")


class AuditLog(models.Model):
    """Who saw or moved whose personal data, when and why. Append-only, in the database itself: a trigger refuses
    UPDATE and DELETE (migration 0003), except the retention task's DELETE of rows past their retention."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示系统的定时任务。"),
    )
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices)
    subject = models.CharField(_("对象"), max_length=100, help_text=_("例如 worker:123, 或 workers:export"))
    reason = models.CharField(_("理由"), max_length=200)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("个人信息访问记录")
        verbose_name_plural = _("个人信息访问记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject", "-created_at"])]
        constraints = [
            models.CheckConstraint(name="auditlog_reason_is_given", condition=~models.Q(reason="")),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.subject}"
