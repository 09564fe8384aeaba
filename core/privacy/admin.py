"""The audit log in the Django admin: the audit administrator's alone (ADMINISTRATOR_PERMISSIONS), read-only, and
each page or line they open, and each export, written to the log itself."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from core.accounts.admin_site import ReadOnlyAdmin
from core.errors import ApplicationError
from core.privacy.models import AuditLog
from core.privacy.services import audit_log_export_workbook, audit_log_read_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request):
    return {key: request.GET.getlist(key) for key in request.GET}


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    # The audit log is evidence: readable in the admin, never edited there (and the database refuses it anyway).
    list_display = ["created_at", "actor", "action", "subject", "reason"]
    list_filter = ["action"]
    search_fields = ["subject", "reason", "actor__username"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    # The changelist's own template plus an export button that keeps the current filter.
    change_list_template = "admin/privacy/auditlog/change_list.html"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            audit_log_read_record(reader=request.user, rows=len(changelist.result_list), filters=_filters(request))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            audit_log_read_record(reader=request.user, rows=1, filters={}, entry_id=object_id)
        return response

    def get_urls(self):
        export = path("export/", self.admin_site.admin_view(self.export_view), name="privacy_auditlog_export")
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The lines the changelist shows under the same filter and search, as an Excel file."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        entries = self.get_changelist_instance(request).get_queryset(request)
        try:
            content = audit_log_export_workbook(reader=request.user, entries=entries, filters=_filters(request))
        except ApplicationError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            changelist = reverse("admin:privacy_auditlog_changelist")
            return redirect(f"{changelist}?{request.GET.urlencode()}" if request.GET else changelist)
        response = HttpResponse(content, content_type=XLSX)
        filename = f"audit-log-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
