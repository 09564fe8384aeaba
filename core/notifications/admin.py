from django.contrib import admin

from core.notifications.models import Broadcast, NotificationPreference, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "recipient", "channel", "template", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["channel", "status", "kind", "template"]
    search_fields = ["phone", "idempotency_key", "provider_out_id", "provider_message_id"]
    raw_id_fields = ["recipient", "broadcast"]
    list_select_related = ["recipient"]


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    list_display = ["id", "template", "created_by", "region", "recipient_count", "status", "created_at"]
    raw_id_fields = ["created_by", "region"]
    list_select_related = ["created_by", "region"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "sms_enabled", "updated_at"]
    raw_id_fields = ["user"]
