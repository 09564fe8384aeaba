"""The trips API: list bookable trips, book (with Idempotency-Key), cancel, board. Thin over the same services the
pages use: the booking endpoint goes through `services.booking_create`, the path measured by benchmarks/booking.py."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.accounts.scoping import scope_to_user
from core.api import LARGEST_ID, validated_query
from core.errors import ApplicationError
from jobs.models import Employer
from transport import selectors, services
from transport.models import BoardingCheck, Booking, BookingStatus, PickupPoint, Trip
from workers.selectors import own_worker


class PickupPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = PickupPoint
        fields = ["id", "name", "address", "meets_at"]


class TripSerializer(serializers.ModelSerializer):
    origin_county_name = serializers.CharField(source="origin_county.name")
    destination_name = serializers.CharField()
    seats_left = serializers.IntegerField()
    pickup_points = PickupPointSerializer(many=True)

    class Meta:
        model = Trip
        fields = [
            "id",
            "mode",
            "service_number",
            "origin_county",
            "origin_county_name",
            "destination_employer",
            "destination_region",
            "destination_name",
            "destination_address",
            "departs_at",
            "arrives_at",
            "capacity",
            "seats_left",
            "booking_closes_at",
            "cost",
            "cost_note",
            "pickup_points",
        ]


class BookingRequestSerializer(serializers.Serializer):
    pickup_point = serializers.IntegerField(required=False, allow_null=True)


class BookingSerializer(serializers.ModelSerializer):
    waitlist_position = serializers.SerializerMethodField(help_text="候补名次 (仅候补且无座位保留时)")

    class Meta:
        model = Booking
        fields = ["id", "trip", "status", "seat_number", "code", "offer_expires_at", "waitlist_position"]

    def get_waitlist_position(self, booking) -> int | None:
        if booking.status == BookingStatus.WAITLISTED and booking.offer_expires_at is None:
            # A booking just made knows its place already (booking_create counts it in the same statement).
            return getattr(booking, "position", None) or services.waitlist_position(booking)
        return None


class BoardingRequestSerializer(serializers.Serializer):
    checks = serializers.ListField(child=serializers.ChoiceField(choices=BoardingCheck.choices), required=False)


class BoardingScanSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    message = serializers.CharField()
    booking = serializers.IntegerField(source="booking_id", allow_null=True)
    scanned_at = serializers.DateTimeField()


class TripFilterSerializer(serializers.Serializer):
    origin_county = serializers.RegexField(
        r"^[0-9]{6}$", required=False, allow_blank=True, help_text="出发县代码, 例: 431322"
    )
    destination = serializers.RegexField(
        r"^[0-9]{2,12}$", required=False, allow_blank=True, help_text="目的地区划代码 (含下级), 例: 430181"
    )
    employer = serializers.IntegerField(
        required=False, min_value=1, max_value=LARGEST_ID, help_text="目的地用工单位 id"
    )

    def validate_employer(self, employer_id):
        if not Employer.objects.filter(pk=employer_id).exists():
            raise ValidationError(_("没有这个用工单位。"))
        return employer_id


class TripListApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(summary="可预约的返岗专车", parameters=[TripFilterSerializer], responses=TripSerializer(many=True))
    def get(self, request):
        filters = validated_query(request, TripFilterSerializer)
        trips = selectors.trips_bookable(
            origin_county=filters.get("origin_county") or None,
            destination=filters.get("destination") or None,
            employer=filters.get("employer"),
        )
        return Response(TripSerializer(trips[:200], many=True).data)


def _own_worker(user):
    worker = own_worker(user)
    if worker is None:
        raise ApplicationError(_("请先登记务工信息。"), code="not_registered")
    return worker


class TripBookingApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="预约座位",
        description=(
            "座位未满时返回 confirmed 和座位号, 否则 waitlisted 和候补名次. "
            "同一 Idempotency-Key 的重试返回同一预约 (200)."
        ),
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, description="客户端生成的唯一键")
        ],
        request=BookingRequestSerializer,
        responses={201: BookingSerializer, 200: BookingSerializer},
    )
    def post(self, request, trip_id):
        payload = BookingRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        booking, created = services.booking_create(
            trip_id=trip_id,
            worker=_own_worker(request.user),
            pickup_point_id=payload.validated_data.get("pickup_point"),
            idempotency_key=request.headers.get("Idempotency-Key", "")[:100] or None,
        )
        return Response(
            BookingSerializer(booking).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class BookingApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="取消预约", request=None, responses={200: BookingSerializer})
    def delete(self, request, booking_id):
        booking = services.booking_cancel(booking_id=booking_id, actor=request.user)
        return Response(BookingSerializer(booking).data)


class BoardingApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="扫码上车 (调度员)",
        description="再次扫码只返回“已于07:12上车”, 不做任何修改. 每次扫码都记入扫码记录.",
        request=BoardingRequestSerializer,
        responses={200: BoardingScanSerializer},
    )
    def post(self, request, code):
        if not request.user.is_console_user:
            raise PermissionDenied
        trips = scope_to_user(request.user, Trip.objects.all(), region_field="origin_county")
        booking = get_object_or_404(Booking.objects.filter(trip__in=trips), code=code.upper())
        payload = BoardingRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        scan = services.booking_board(
            actor=request.user, trip_id=booking.trip_id, query=code, checks=payload.validated_data.get("checks", [])
        )
        return Response(BoardingScanSerializer(scan).data)
