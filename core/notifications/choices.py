"""The outbox's fixed vocabularies. Apart from the models so that the catalogue needs nothing from them: the models
import the catalogue (a row shows its template's label), never the other way round."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    INBOX = "inbox", _("站内信")


class Kind(models.TextChoices):
    # Marketing messages (job pushes, broadcasts) wait out the quiet hours and count towards the daily cap;
    # critical ones (sign-in codes, trip departures) go at once.
    MARKETING = "marketing", _("推送")
    CRITICAL = "critical", _("重要")


class Status(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    # The provider may or may not have taken the call (its answer was lost): asked about, never sent again blind.
    UNKNOWN = "unknown", _("待核实")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


class Delivery(models.TextChoices):
    """What the carrier finally did with a sent SMS (the provider's receipt)."""

    DELIVERED = "delivered", _("已送达")
    UNDELIVERED = "undelivered", _("未送达")


class BroadcastStatus(models.TextChoices):
    PREPARING = "preparing", _("生成中")
    SENDING = "sending", _("发送中")
