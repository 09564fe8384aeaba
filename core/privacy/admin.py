from django.contrib import admin

from core.privacy.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "subject", "reason"]
    list_filter = ["action"]
    search_fields = ["subject", "reason", "actor__username"]
    date_hierarchy = "created_at"

    # The audit log is evidence: readable in the admin, never edited there.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
