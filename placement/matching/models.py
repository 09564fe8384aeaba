from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MatchRun(models.Model):
    """One run of the nightly two-way push. The next run takes "new" to mean since this one started."""

    started_at = models.DateTimeField(_("开始时间"))
    since = models.DateTimeField(_("统计起点"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    workers_notified = models.PositiveIntegerField(_("推送人数"), default=0)
    jobs_pushed = models.PositiveIntegerField(_("推送岗位次数"), default=0)
    owners_notified = models.PositiveIntegerField(_("通知岗位录入人数"), default=0)

    class Meta:
        verbose_name = _("匹配推送批次")
        verbose_name_plural = _("匹配推送批次")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class PushDirection(models.TextChoices):
    TO_WORKER = "to_worker", _("岗位推给务工人员")
    TO_OWNER = "to_owner", _("人选推给岗位录入人")


class PushedMatch(models.Model):
    """A (worker, posting) pair already pushed in one direction: the push never sends it again."""

    worker = models.ForeignKey("workers.Worker", on_delete=models.CASCADE, related_name="+")
    posting = models.ForeignKey("jobs.JobPosting", on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(_("方向"), max_length=10, choices=PushDirection.choices)
    score = models.FloatField(_("匹配分"))
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pushes")
    pushed_at = models.DateTimeField(_("推送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已推送的匹配")
        verbose_name_plural = _("已推送的匹配")
        indexes = [models.Index(fields=["posting", "direction"], name="pushedmatch_posting")]
        constraints = [
            models.UniqueConstraint(fields=["worker", "posting", "direction"], name="pushedmatch_once_per_direction"),
            models.CheckConstraint(
                name="pushedmatch_direction_is_known", condition=Q(direction__in=PushDirection.values)
            ),
        ]

    def __str__(self):
        return f"{self.worker_id} -> {self.posting_id} ({self.direction})"
