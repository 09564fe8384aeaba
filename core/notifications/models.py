from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.notifications.catalog import template_label
from core.notifications.choices import BroadcastStatus, Channel, Delivery, Kind, Status
from core.notifications.failures import undelivered_explanation
from core.notifications.recipient_filters import recipient_filter_descriptions
from core.privacy.masking import mask_phone


class Broadcast(models.Model):
    """A message staff send to a recipient query; its outbox rows are created in chunks by a task."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发送人"), on_delete=models.PROTECT, related_name="+"
    )
    # The region the recipients were chosen in: the history is scoped by it like every other staff list.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_filters = models.JSONField(_("收件人筛选条件"), default=dict)
    template = models.CharField(_("模板"), max_length=40)
    context = models.JSONField(_("模板变量"), default=dict)
    channels = models.JSONField(_("渠道"), default=list)
    text = models.TextField(_("正文"))
    recipient_count = models.PositiveIntegerField(_("收件人数"), default=0)
    # The recipients whose rows are written so far (the fan-out's progress, shown as 准备收件人 x / y).
    prepared_count = models.PositiveIntegerField(_("已准备收件人"), default=0)
    # The one-time token of the confirmation form: a second submit of the same form finds this broadcast.
    confirmation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=BroadcastStatus.choices, default=BroadcastStatus.PREPARING
    )
    # Fan-out walks the recipients in id order; this is the last id done, so a re-run resumes instead of repeating.
    fanned_out_through = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("群发")
        verbose_name_plural = _("群发")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="broadcast_status_is_known", condition=Q(status__in=BroadcastStatus.values)),
        ]

    def __str__(self):
        return f"{self.template} #{self.pk}"

    @property
    def recipient_filter_descriptions(self):
        """The chosen filters as (label, choice) pairs, e.g. (就业状态, 求职中), for the history and progress pages."""
        return recipient_filter_descriptions(self.recipient_filters)


class OutboxMessage(models.Model):
    """One message to one recipient on one channel. Written in the business change's transaction, sent after."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    phone = models.CharField(_("手机号"), max_length=11, blank=True)
    template = models.CharField(_("模板"), max_length=40)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    params = models.JSONField(_("模板变量"), default=dict)
    text = models.TextField(_("正文"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    # The provider's code of the last failure (isv.BUSINESS_LIMIT_CONTROL, …): what the failures are grouped by.
    error_code = models.CharField(_("错误码"), max_length=64, blank=True, db_default="")
    provider_message_id = models.CharField(_("服务商回执号"), max_length=64, blank=True)
    # The OutId of the provider call that carried this row: what stuck-row recovery asks the provider about.
    provider_out_id = models.CharField(max_length=64, blank=True, db_index=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=64, unique=True)
    broadcast = models.ForeignKey(
        Broadcast, verbose_name=_("群发"), null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    send_after = models.DateTimeField(_("最早发送时间"))
    # Past this the message is useless (a sign-in code's life): it is never sent, or sent again, after it.
    expires_at = models.DateTimeField(_("失效时间"), null=True, blank=True)
    # When the provider is next asked about the row (QuerySendDetails): an `unknown` row's fate, a sent row's receipt.
    reconcile_after = models.DateTimeField(null=True, blank=True)
    # The carrier's receipt: delivered or not, with its code (DELIVERED, MK:0001, …) and time.
    delivery = models.CharField(_("送达状态"), max_length=12, choices=Delivery.choices, blank=True, db_default="")
    delivery_error = models.CharField(_("运营商回执码"), max_length=64, blank=True, db_default="")
    delivered_at = models.DateTimeField(_("回执时间"), null=True, blank=True)
    # When a send task was last enqueued for the row: a queued row whose task was lost is found by its age.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # The request that wrote the row (core/observability/request_id.py): how a booking's SMS is found from its API call.
    request_id = models.CharField(max_length=64, blank=True, db_default="", editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "send_after"], name="outbox_status_send_after"),
            models.Index(fields=["broadcast", "status"], name="outbox_broadcast_status"),
            models.Index(fields=["recipient", "channel", "read_at"], name="outbox_recipient_inbox"),
            models.Index(fields=["recipient", "kind", "send_after"], name="outbox_recipient_daily_cap"),
            models.Index(
                fields=["reconcile_after", "id"], name="outbox_awaiting_reconciliation", condition=Q(status="unknown")
            ),
            models.Index(
                fields=["reconcile_after", "id"],
                name="outbox_awaiting_receipt",
                condition=Q(status="sent", delivery="", reconcile_after__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(name="outbox_status_is_known", condition=Q(status__in=Status.values)),
            models.CheckConstraint(name="outbox_channel_is_known", condition=Q(channel__in=Channel.values)),
            models.CheckConstraint(name="outbox_kind_is_known", condition=Q(kind__in=Kind.values)),
            models.CheckConstraint(
                name="outbox_sms_has_a_phone", condition=~Q(channel="sms") | Q(phone__regex=r"^1[0-9]{10}$")
            ),
            models.CheckConstraint(
                name="outbox_sent_rows_have_a_time", condition=~Q(status="sent") | Q(sent_at__isnull=False)
            ),
            models.CheckConstraint(
                name="outbox_unknown_rows_are_asked_about",
                condition=~Q(status="unknown") | Q(reconcile_after__isnull=False),
            ),
            models.CheckConstraint(
                name="outbox_delivery_is_known", condition=Q(delivery="") | Q(delivery__in=Delivery.values)
            ),
        ]

    def __str__(self):
        return f"{self.channel} → {self.recipient_id}: {self.template}"

    @property
    def template_label(self):
        return template_label(self.template)

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def delivery_explanation(self):
        """已送达, or why the carrier did not deliver it, for the pages that list messages per person."""
        if self.delivery == Delivery.DELIVERED:
            return Delivery.DELIVERED.label
        if self.delivery == Delivery.UNDELIVERED:
            return undelivered_explanation(self.delivery_error)
        return ""


class NotificationPreference(models.Model):
    """A user's choice about messages; no row means the defaults (SMS on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    sms_enabled = models.BooleanField(_("接收短信"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("消息设置")
        verbose_name_plural = _("消息设置")

    def __str__(self):
        return str(self.user_id)
