from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    READY = "ready", _("可下载")
    FAILED = "failed", _("失败")


UNFINISHED_STATUSES = (ExportStatus.PENDING, ExportStatus.RUNNING)
FINISHED_STATUSES = (ExportStatus.READY, ExportStatus.FAILED)


class Export(models.Model):
    """One list a staff member asked to export: what to read again in the worker (the list's query string and the
    form's options, scoped to `requested_by`), and once written the file itself, kept until `expires_at`."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.CASCADE, related_name="+"
    )
    # The registered ExportKind's name ("jobs.postings"): core/exports/kinds.py.
    kind = models.CharField(_("类型"), max_length=40)
    # The list's query string, read again by the list's own filter form in the worker.
    query = models.TextField(blank=True)
    # The export form's own choices (the ledger's unmasked and reason).
    options = models.JSONField(default=dict, blank=True)
    # The filter as the audit log records it ({field: value}), and as the export's page shows it ([[label, value]]).
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    filters_shown = models.JSONField(default=list, blank=True)
    # The kind, the filter and the options in one hash: one unfinished export of it per person (the constraint).
    dedupe_key = models.CharField(max_length=64)
    # The list the export was made from, with its filter: where "返回列表" leads.
    list_url = models.CharField(max_length=1000, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    row_count = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    file_name = models.CharField(_("文件名"), max_length=100, blank=True)
    # Kept in the row rather than on disk so that any web host serves what any worker wrote, like an import's file;
    # the row is deleted at `expires_at` (core.exports.tasks.exports_sweep).
    content = models.BinaryField(blank=True)
    message = models.TextField(_("失败原因"), blank=True)
    created_at = models.DateTimeField(_("导出时间"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("保留至"))

    class Meta:
        verbose_name = _("导出")
        verbose_name_plural = _("导出")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="export_status_is_known", condition=Q(status__in=ExportStatus.values)),
            # A double click, or the same filter asked again while the first is still being written, finds the
            # first: never two workers writing the same file for the same person.
            models.UniqueConstraint(
                fields=["requested_by", "kind", "dedupe_key"],
                condition=Q(status__in=UNFINISHED_STATUSES),
                name="export_one_unfinished_per_person_and_filter",
            ),
            models.CheckConstraint(
                name="export_ready_has_its_file",
                condition=~Q(status=ExportStatus.READY) | Q(row_count__isnull=False, finished_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="export_owner_newest"),
            models.Index(fields=["expires_at"], name="export_expires"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self):
        return self.status in FINISHED_STATUSES
