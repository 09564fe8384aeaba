from django.db import models
from django.utils.translation import gettext_lazy as _


class OperationKind(models.TextChoices):
    BACKUP = "backup", _("备份")
    RESTORE_DRILL = "restore_drill", _("恢复演练")


class OperationRun(models.Model):
    """One run of the nightly backup or of the restore drill, with its outcome: what /metrics and
    /healthz?full=1 read (the last successful backup, the last drill's result). In the database, so that every host
    sees the same answer and it outlives a Redis restart."""

    kind = models.CharField(_("类型"), max_length=20, choices=OperationKind.choices)
    succeeded = models.BooleanField(_("成功"))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"))
    summary = models.TextField(_("结果"), blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("运维记录")
        verbose_name_plural = _("运维记录")
        ordering = ["-finished_at"]
        indexes = [models.Index(fields=["kind", "succeeded", "finished_at"], name="operationrun_latest")]
        constraints = [
            models.CheckConstraint(name="operationrun_kind_is_known", condition=models.Q(kind__in=OperationKind.values))
        ]

    def __str__(self):
        return f"{self.kind} {self.finished_at:%Y-%m-%d %H:%M} {'ok' if self.succeeded else 'failed'}"
