from django.contrib import admin

from placement.matching.models import MatchRun


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    """The nightly push's history, read-only: what ran when and how many it reached."""

    list_display = ["started_at", "since", "finished_at", "workers_notified", "jobs_pushed", "owners_notified"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
