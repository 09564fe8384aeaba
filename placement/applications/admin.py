from django.contrib import admin

from placement.applications.models import Application, ApplicationStateChange, FairAttendance, JobFair


class StateChangeInline(admin.TabularInline):
    model = ApplicationStateChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "changed_by", "changed_at", "note"]

    def has_add_permission(self, request, obj=None):
        # The log is append-only and written by the services.
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["worker", "posting", "state", "source", "updated_at"]
    list_filter = ["state", "source"]
    list_select_related = ["worker", "posting"]
    raw_id_fields = ["worker", "posting", "fair", "created_by"]
    readonly_fields = ["state"]
    inlines = [StateChangeInline]


@admin.register(JobFair)
class JobFairAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "county", "views"]
    list_filter = ["kind"]
    raw_id_fields = ["county", "created_by"]
    filter_horizontal = ["employers", "postings"]


@admin.register(FairAttendance)
class FairAttendanceAdmin(admin.ModelAdmin):
    list_display = ["fair", "worker", "recorded_at"]
    raw_id_fields = ["fair", "worker", "recorded_by"]
