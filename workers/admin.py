from django.contrib import admin

from core.accounts.admin_site import ReadOnlyAdmin
from workers.models import Worker


@admin.register(Worker)
class WorkerAdmin(ReadOnlyAdmin):
    """Read-only and without names: the system administrator checks that an import landed or a deletion was carried
    out, and sees no person. Every change to a worker goes through workers.services, on the console's pages."""

    list_display = ["id", "id_number_masked", "home_region", "status", "registered_at", "anonymised_at"]
    list_filter = ["status"]
    list_select_related = ["home_region"]
    # The list only: a worker's own page would be titled with their name.
    list_display_links = None

    def has_view_permission(self, request, obj=None):
        return obj is None and super().has_view_permission(request)
