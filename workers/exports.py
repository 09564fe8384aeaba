"""The ledger as an Excel file: the staff member's current filter, ID numbers and phones masked unless asked for
(and allowed) whole. An export kind (core.exports), registered in `WorkersConfig.ready()`: recorded when the staff
member clicks 导出, written by the `imports` worker, downloaded by the one who asked; every export is written to the
audit log with its reason, size and whether it was unmasked, and each download again."""

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ApplicationError
from core.exports.kinds import ExportKind, ExportRows
from core.privacy.masking import mask_phone
from workers import selectors
from workers.forms import ledger_filters
from workers.services import viewer_may_unmask

EXPORT_BATCH = 2000


def _columns(*, unmasked):
    # A masked file gives the birth decade, never the date: beside the masked number the date would give it back.
    return [
        _("姓名"), _("身份证号"), _("性别"), _("出生日期") if unmasked else _("年龄段"), _("手机号"), _("户籍村"),
        _("户籍村代码"), _("就业状态"), _("状态日期"), _("技能"), _("求职意向"), _("期望月薪"), _("重点群体"),
        _("就业秘书"), _("登记时间"),
    ]  # fmt: skip


def ledger_export_check(viewer, options):
    """Whole ID numbers and phones only for a role that may unmask, and with a reason: when the staff member asks,
    and again when the worker writes the file."""
    if options.get("unmasked"):
        if not viewer_may_unmask(viewer):
            raise ApplicationError(_("您的角色不能导出完整身份证号。"), code="permission_denied")
        if not (options.get("reason") or "").strip():
            raise ApplicationError(_("导出完整身份证号需要填写理由。"), field="reason")


def ledger_export_rows(export):
    """The ledger under the export's filter (the list's query string, read by the list's own form), scoped to the
    one who asked."""
    viewer, unmasked = export.requested_by, bool(export.options.get("unmasked"))
    reason = (export.options.get("reason") or "").strip()
    _form, filters = ledger_filters(QueryDict(export.query), user=viewer, secretaries=selectors.secretaries_for(viewer))
    workers = selectors.ledger_workers(user=viewer, filters=filters).order_by("home_region_id", "id")
    rows = (
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
        ]
        for worker in workers.iterator(chunk_size=EXPORT_BATCH)
    )
    return ExportRows(
        header=_columns(unmasked=unmasked),
        rows=rows,
        reason=reason or _("导出实名制台账（已脱敏）"),
        detail={"unmasked": unmasked},
    )


LEDGER_EXPORT = ExportKind(
    name="workers.ledger",
    label=gettext_lazy("实名制台账"),
    sheet_title=gettext_lazy("实名制台账"),
    file_prefix="ledger",
    subject="workers:ledger",
    list_url="workers:ledger",
    rows=ledger_export_rows,
    check=ledger_export_check,
)
