from django.contrib import admin

from workers.models import LedgerImport, ServiceRecord, Worker


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    """Masked like every other list; the whole ID number is only shown, audited, on the console's record page."""

    list_display = ["full_name", "id_number_masked", "home_region", "status", "secretary", "registered_at"]
    list_filter = ["status"]
    search_fields = ["full_name", "id_number_masked"]
    list_select_related = ["home_region", "secretary"]
    raw_id_fields = ["user", "secretary", "registered_by", "home_region"]
    exclude = ["id_number_encrypted", "id_number_hash"]
    readonly_fields = ["id_number_masked", "sex", "birth_date", "anonymised_at"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(admin.ModelAdmin):
    list_display = ["served_on", "worker", "kind", "secretary"]
    list_filter = ["kind"]
    raw_id_fields = ["worker", "secretary"]


@admin.register(LedgerImport)
class LedgerImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "file_name", "uploaded_by", "status", "imported_count"]
    exclude = ["content"]
    readonly_fields = ["problems"]
