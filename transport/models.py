"""Return-to-work trips (返岗专车/专列), their seats, the waiting list and boarding.

The database carries every invariant that a rush of bookings could break: a trip's taken-seat counter never
exceeds its capacity (CHECK), a worker has one active booking per trip (partial unique index) and none on two
trips whose times overlap (exclusion constraint over the trip's times copied onto the booking; PostgreSQL only),
and a seat number is held by one booking at a time.

Everything here also runs on SQLite, the embedded default for a newcomer's `make run`: lists are JSON, and the one
constraint SQLite cannot express (the exclusion constraint) is left out there, the service checking it first.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _


class TripMode(models.TextChoices):
    COACH = "coach", _("大巴")
    TRAIN = "train", _("火车车厢")


class TripStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("开放预约")
    CLOSED = "closed", _("停止预约")
    DEPARTED = "departed", _("已发车")
    ARRIVED = "arrived", _("已到达")
    CANCELLED = "cancelled", _("已取消")


class WhoMayBook(models.TextChoices):
    # Each choice has its rule in transport/eligibility.py.
    ANYONE = "anyone", _("所有务工人员")
    SIGNED_THERE = "signed_there", _("已与目的地单位签约的务工人员")


class TripCost(models.TextChoices):
    FREE = "free", _("免费")
    SUBSIDISED = "subsidised", _("补贴")


class BoardingCheck(models.TextChoices):
    ID_VERIFIED = "id_verified", _("已核验身份证")
    HEALTH_DECLARATION = "health_declaration", _("已填健康申报")


def new_manifest_token():
    return secrets.token_urlsafe(32)


class Trip(models.Model):
    mode = models.CharField(_("方式"), max_length=10, choices=TripMode.choices, default=TripMode.COACH)
    service_number = models.CharField(_("车次或车牌"), max_length=40, help_text=_("例如 G6173 5号车厢，或 湘K12345"))
    origin_county = models.ForeignKey(
        "regions.Region", verbose_name=_("出发县"), on_delete=models.PROTECT, related_name="+"
    )
    destination_employer = models.ForeignKey(
        "jobs.Employer",
        verbose_name=_("目的地单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trips",
    )
    destination_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("目的地城市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    destination_address = models.CharField(_("目的地地址"), max_length=200)
    departs_at = models.DateTimeField(_("出发时间"), db_index=True)
    arrives_at = models.DateTimeField(_("预计到达时间"))
    capacity = models.PositiveIntegerField(_("座位数"))
    # How many bookings hold a seat: the seat claim's counter (transport.services.seats).
    taken = models.PositiveIntegerField(_("已占座位"), default=0, editable=False)
    # The highest seat number handed out: while it equals `taken` the seats held are exactly 1..taken, so the next
    # claim's seat is read off this row in the same statement (transport.services.seats).
    seats_issued = models.PositiveIntegerField(default=0, editable=False)
    booking_opens_at = models.DateTimeField(_("开始预约"))
    booking_closes_at = models.DateTimeField(_("截止预约"))
    postings = models.ManyToManyField("jobs.JobPosting", verbose_name=_("关联岗位"), blank=True, related_name="trips")
    agreement = models.ForeignKey(
        "jobs.CooperationAgreement",
        verbose_name=_("劳务协作协议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trips",
        help_text=_("这趟专车属于哪份劳务协作协议（输出地送往输入地）。"),
    )
    who_may_book = models.CharField(
        _("可预约人员"), max_length=20, choices=WhoMayBook.choices, default=WhoMayBook.ANYONE
    )
    cost = models.CharField(_("费用"), max_length=20, choices=TripCost.choices, default=TripCost.FREE)
    cost_note = models.CharField(_("费用说明"), max_length=100, blank=True)
    contact_name = models.CharField(_("司机或随车联络人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    # A list of BoardingCheck values, checked by TripForm and the trip services (JSON holds no choices).
    boarding_checks = models.JSONField(_("上车前核验"), default=list, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("所属行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trips",
    )
    status = models.CharField(_("状态"), max_length=20, choices=TripStatus.choices, default=TripStatus.DRAFT)
    manifest_token = models.CharField(max_length=64, unique=True, default=new_manifest_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("返岗专车")
        verbose_name_plural = _("返岗专车")
        ordering = ["departs_at", "id"]
        indexes = [models.Index(fields=["origin_county", "status", "departs_at"])]
        constraints = [
            models.CheckConstraint(name="trip_taken_within_capacity", condition=Q(taken__lte=F("capacity"))),
            models.CheckConstraint(name="trip_taken_within_seats_issued", condition=Q(taken__lte=F("seats_issued"))),
            models.CheckConstraint(name="trip_has_seats", condition=Q(capacity__gt=0)),
            models.CheckConstraint(name="trip_arrives_after_departure", condition=Q(arrives_at__gt=F("departs_at"))),
            models.CheckConstraint(
                name="trip_booking_window_before_departure",
                condition=Q(booking_closes_at__gt=F("booking_opens_at")) & Q(booking_closes_at__lte=F("departs_at")),
            ),
            models.CheckConstraint(
                name="trip_has_a_destination",
                condition=Q(destination_employer__isnull=False) | Q(destination_region__isnull=False),
            ),
            models.CheckConstraint(name="trip_status_is_known", condition=Q(status__in=TripStatus.values)),
        ]

    def __str__(self):
        return f"{self.service_number} {self.departs_at:%m-%d %H:%M}"

    @property
    def destination_name(self):
        return self.destination_employer.name if self.destination_employer else self.destination_region.name

    @property
    def seats_left(self):
        return self.capacity - self.taken


class PickupPoint(models.Model):
    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="pickup_points")
    name = models.CharField(_("上车点"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    meets_at = models.DateTimeField(_("集合时间"))

    class Meta:
        verbose_name = _("上车点")
        verbose_name_plural = _("上车点")
        ordering = ["meets_at", "id"]

    def __str__(self):
        return self.name


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已确认")
    WAITLISTED = "waitlisted", _("候补中")
    CANCELLED = "cancelled", _("已取消")
    BOARDED = "boarded", _("已上车")
    NO_SHOW = "no_show", _("未到")


ACTIVE_BOOKING_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED, BookingStatus.BOARDED)
ACTIVE_BOOKING = Q(status__in=ACTIVE_BOOKING_STATUSES)
# A seat is held by a confirmed or boarded booking, or by a waitlisted one while its offer stands.
HOLDS_SEAT = Q(status__in=(BookingStatus.CONFIRMED, BookingStatus.BOARDED)) | Q(
    status=BookingStatus.WAITLISTED, offer_expires_at__isnull=False
)


class TsTzRange(Func):
    """PostgreSQL's tstzrange(lower, upper, bounds): the trip's period, built where the constraint needs it."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresOnlyExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that exists only on PostgreSQL.

    SQLite (the embedded default for trying the portal out) has no exclusion constraints, range types or
    btree_gist, and Django would fail the whole migration there. Returning None from the SQL methods makes the
    schema editor skip the constraint on other databases; on PostgreSQL it is created and enforced as usual. The
    service checks the same rule first, so SQLite users get the same message, without the database's guarantee
    against two requests at the same instant.
    """

    @staticmethod
    def _on_postgresql(schema_editor):
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if self._on_postgresql(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._on_postgresql(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._on_postgresql(schema_editor) else None

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        # Model validation would evaluate TSTZRANGE in a query, which only PostgreSQL can run.
        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)


class Booking(models.Model):
    trip = models.ForeignKey(Trip, on_delete=models.PROTECT, related_name="bookings")
    worker = models.ForeignKey("workers.Worker", on_delete=models.PROTECT, related_name="bookings")
    pickup_point = models.ForeignKey(
        PickupPoint, verbose_name=_("上车点"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=20, choices=BookingStatus.choices)
    seat_number = models.PositiveIntegerField(_("座位号"), null=True, blank=True)
    code = models.CharField(_("预约码"), max_length=12, unique=True)
    # The trip's times, copied (and kept in step by trip_update) so that the database itself refuses overlapping
    # active bookings: an exclusion constraint can only see the row's own columns.
    trip_departs_at = models.DateTimeField()
    trip_arrives_at = models.DateTimeField()
    offer_expires_at = models.DateTimeField(_("候补座位保留至"), null=True, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The BoardingCheck values ticked at the door (booking_board checks them).
    checks_passed = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    boarded_at = models.DateTimeField(_("上车时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("乘车预约")
        verbose_name_plural = _("乘车预约")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["trip", "status", "id"]),
            # Bookings of the last minute, for the metrics (portal/monitoring.py): a short range at the index's end.
            models.Index(fields=["created_at"], name="booking_created_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["trip", "worker"], condition=ACTIVE_BOOKING, name="booking_one_active_per_worker_and_trip"
            ),
            PostgresOnlyExclusionConstraint(
                name="booking_no_overlapping_trips",
                expressions=[
                    ("worker", RangeOperators.EQUAL),
                    (TsTzRange(F("trip_departs_at"), F("trip_arrives_at"), RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=ACTIVE_BOOKING,
            ),
            models.UniqueConstraint(fields=["trip", "seat_number"], condition=HOLDS_SEAT, name="booking_seat_once"),
            models.UniqueConstraint(
                fields=["worker", "idempotency_key"], name="booking_idempotency_key_once_per_worker"
            ),
            models.CheckConstraint(
                name="booking_seat_iff_held",
                condition=(HOLDS_SEAT & Q(seat_number__isnull=False))
                | Q(status__in=(BookingStatus.CANCELLED, BookingStatus.NO_SHOW))
                | Q(status=BookingStatus.WAITLISTED, offer_expires_at__isnull=True, seat_number__isnull=True),
            ),
            models.CheckConstraint(name="booking_status_is_known", condition=Q(status__in=BookingStatus.values)),
        ]

    def __str__(self):
        return self.code


class BoardingOutcome(models.TextChoices):
    BOARDED = "boarded", _("上车成功")
    ALREADY_BOARDED = "already_boarded", _("重复扫码")
    NOT_FOUND = "not_found", _("未找到")
    REFUSED = "refused", _("不能上车")


class BoardingScan(models.Model):
    """Every scan or look-up at the door, appended and never changed: the check-in's audit trail."""

    trip = models.ForeignKey(Trip, on_delete=models.PROTECT, related_name="scans")
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="scans")
    query = models.CharField(_("扫码或输入内容"), max_length=100)
    outcome = models.CharField(_("结果"), max_length=20, choices=BoardingOutcome.choices)
    message = models.CharField(_("提示"), max_length=200)
    scanned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scanned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("上车扫码记录")
        verbose_name_plural = _("上车扫码记录")
        ordering = ["-scanned_at", "-id"]

    def __str__(self):
        return f"{self.query} {self.get_outcome_display()}"


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "24h", _("出发前24小时")
    TWO_HOURS = "2h", _("出发前2小时")


class ReminderSent(models.Model):
    """One row per booking and reminder: the key that makes a reminder go once even if beat fires twice."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=3, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["booking", "kind"], name="remindersent_once_per_booking")]

    def __str__(self):
        return f"{self.booking_id} {self.kind}"


class SigningOfferSent(models.Model):
    """One row per signing (the application's log entry that made it signed): the key that makes the trip offer go
    once even if its task runs twice, while an application signed again after a withdrawal is offered again."""

    signing = models.OneToOneField(
        "applications.ApplicationStateChange", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.signing_id)
