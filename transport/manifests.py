"""The manifest (乘车名单) as an Excel file: ID numbers and phones masked, every export written to the audit log."""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.privacy.masking import mask_phone
from core.privacy.models import AuditAction
from core.privacy.services import audit_record
from core.spreadsheets import append_row, workbook_bytes
from transport.selectors import trip_manifest


def manifest_columns():
    return [_("座位"), _("姓名"), _("身份证号"), _("手机号"), _("上车点"), _("状态"), _("上车时间")]


def manifest_row(booking):
    boarded = timezone.localtime(booking.boarded_at).strftime("%H:%M") if booking.boarded_at else ""
    return [
        booking.seat_number or "",
        booking.worker.full_name,
        booking.worker.id_number_masked,
        mask_phone(booking.worker.user.phone),
        booking.pickup_point.name if booking.pickup_point else "",
        str(booking.get_status_display()),
        boarded,
    ]


def manifest_context(trip):
    """The printable page shows exactly the columns and masked values of the Excel file."""
    return {"trip": trip, "columns": manifest_columns(), "rows": [manifest_row(b) for b in trip_manifest(trip=trip)]}


# Outside a transaction, so that the rows may come from a replica (core/replicas.py); the audit row is one INSERT.
def manifest_export_workbook(*, viewer, trip):
    bookings = list(trip_manifest(trip=trip))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("乘车名单")
    append_row(sheet, [f"{trip.service_number} {timezone.localtime(trip.departs_at):%Y-%m-%d %H:%M}"])
    append_row(sheet, manifest_columns())
    for booking in bookings:
        append_row(sheet, manifest_row(booking))
    audit_record(
        actor=viewer,
        action=AuditAction.EXPORT,
        subject=f"trip:{trip.pk}:manifest",
        reason=_("导出乘车名单"),
        detail={"rows": len(bookings), "unmasked": False},
    )
    return workbook_bytes(workbook)
