"""The ledger as an Excel file: the staff member's current filter, ID numbers and phones masked unless asked for
(and allowed) whole, and every export written to the audit log with its reason and size."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.errors import ApplicationError
from core.privacy.masking import mask_phone
from core.privacy.models import AuditAction
from core.privacy.services import audit_record
from core.spreadsheets import append_row, workbook_bytes
from workers.services import viewer_may_unmask

EXPORT_BATCH = 2000


def _columns(*, unmasked):
    # A masked file gives the birth decade, never the date: beside the masked number the date would give it back.
    return [
        _("姓名"), _("身份证号"), _("性别"), _("出生日期") if unmasked else _("年龄段"), _("手机号"), _("户籍村"),
        _("户籍村代码"), _("就业状态"), _("状态日期"), _("技能"), _("求职意向"), _("期望月薪"), _("重点群体"),
        _("就业秘书"), _("登记时间"),
    ]  # fmt: skip


# Outside a transaction, so that the rows may come from a replica (core/replicas.py); the audit row is one INSERT.
def ledger_export_workbook(*, viewer, workers, filters_description, unmasked=False, reason=""):
    """The .xlsx bytes of `workers` (a queryset already scoped to `viewer`), audited."""
    reason = (reason or "").strip()
    if unmasked:
        if not viewer_may_unmask(viewer):
            raise ApplicationError(_("您的角色不能导出完整身份证号。"), code="permission_denied")
        if not reason:
            raise ApplicationError(_("导出完整身份证号需要填写理由。"), field="reason")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("实名制台账"))
    append_row(sheet, _columns(unmasked=unmasked))
    count = 0
    for worker in workers.iterator(chunk_size=EXPORT_BATCH):
        count += 1
        append_row(
            sheet,
            [
                worker.full_name,
                worker.id_number if unmasked else worker.id_number_masked,
                worker.get_sex_display(),
                worker.birth_date if unmasked else worker.age_band,
                worker.user.phone if unmasked else mask_phone(worker.user.phone),
                worker.home_region.name,
                worker.home_region_id,
                worker.get_status_display(),
                worker.status_since,
                worker.skills,
                worker.wanted_occupations,
                worker.expected_wage,
                "、".join(group.get_group_display() for group in worker.key_groups.all()),
                worker.secretary.get_full_name() if worker.secretary else "",
                timezone.localtime(worker.registered_at).replace(tzinfo=None),
            ],
        )
    audit_record(
        actor=viewer,
        action=AuditAction.EXPORT,
        subject="workers:ledger",
        reason=reason or _("导出实名制台账（已脱敏）"),
        detail={"rows": count, "unmasked": unmasked, "filters": filters_description},
    )
    return workbook_bytes(workbook)
